/// Churn of a gossip scenario (`network.churn`): each node alternates between online and
/// offline periods, exponential with these means, and catches up `syncDelay` after it
/// returns.
public struct GossipChurn: Sendable, Equatable {
    /// The mean length of an online period (seconds, > 0).
    public var meanOnline: Double
    /// The mean length of an offline period (seconds, > 0).
    public var meanOffline: Double
    /// Seconds after its return at which a node has received what it missed (≥ 0).
    public var syncDelay: Double

    public init(meanOnline: Double, meanOffline: Double, syncDelay: Double) {
        self.meanOnline = meanOnline
        self.meanOffline = meanOffline
        self.syncDelay = syncDelay
    }

    /// The long-run share of time a node is offline: meanOffline / (meanOnline + meanOffline).
    public var offlineShare: Double { meanOffline / (meanOnline + meanOffline) }
}

/// Every node's offline periods, drawn before the run, and what they imply.
///
/// **Drawing.** From the stream ``StreamID/churn`` (22), node by node in id order: the node
/// starts offline with probability meanOffline / (meanOnline + meanOffline) (the stationary
/// share, so that the chance of being offline is that share at every moment), then its
/// periods alternate, each exponential with its mean (an exponential's remainder is again
/// exponential, so starting mid-period needs no other law), until one passes the run's
/// duration. The schedules depend on nothing but the seed, the replication, N, the means and
/// the duration: not on the traffic. The coordinator's node and the adversaries' nodes are
/// drawn like the others but never go offline (their schedules are dropped): milestones and
/// attacks keep their own timing.
///
/// **While offline** (during [wentOffline, cameBack)) a node receives no gossip (a message
/// reaching it is dropped; not counted in `messages_lost`), forwards nothing, sends no
/// requests and answers none; its devices hold their transactions and issue them at
/// `cameBack`, in the order they arrived.
///
/// **Catching up.** At `cameBack + syncDelay` the node has every transaction that its
/// issuer's node had by `cameBack` — everything visible elsewhere by its return — if it stays
/// online that long (otherwise at the next return it stays online `syncDelay` after). It
/// treats them as received then: it forwards them to its peers like gossip. So a transaction
/// broadcast at t is at node v no later than ``syncTime(of:after:)``: the catch-up that
/// follows v's first return at or after t. A transaction issued at t reaches v by gossip or
/// requests earlier, or else then.
///
/// Memory: 24 bytes per offline period, about N · (1 + duration / (meanOnline + meanOffline)).
struct ChurnSchedule {
    let nodes: Int
    /// Node v's periods are `offsets[v] ..< offsets[v + 1]`, in increasing time.
    let offsets: [Int]
    let wentOffline: [Double]
    let cameBack: [Double]
    /// Per period: when the node has caught up with what it missed by its return.
    let synced: [Double]

    /// Draws the schedules of `nodes` nodes until `horizon` (the run's duration); the nodes
    /// in `alwaysOnline` keep no period.
    ///
    /// - Precondition: `horizon` is finite.
    /// - Complexity: O(N · (1 + horizon / (meanOnline + meanOffline))).
    init(_ churn: GossipChurn, nodes: Int, horizon: Double, alwaysOnline: [Int], rng: RandomStream) {
        precondition(horizon.isFinite, "churn is drawn up to a finite duration")
        self.nodes = nodes
        var offsets = [0]
        var wentOffline: [Double] = []
        var cameBack: [Double] = []
        var exempt = [Bool](repeating: false, count: nodes)
        for v in alwaysOnline where v < nodes { exempt[v] = true }
        for v in 0..<nodes {
            var offline = rng.uniform() < churn.offlineShare
            var time = 0.0
            let first = wentOffline.count
            while time < horizon {
                if offline {
                    let back = time + rng.exponential(mean: churn.meanOffline)
                    wentOffline.append(time)
                    cameBack.append(back)
                    time = back
                } else {
                    time += rng.exponential(mean: churn.meanOnline)
                }
                offline.toggle()
            }
            if exempt[v] {
                wentOffline.removeSubrange(first...)
                cameBack.removeSubrange(first...)
            }
            offsets.append(wentOffline.count)
        }
        var synced = [Double](repeating: .infinity, count: wentOffline.count)
        for v in 0..<nodes {
            var k = offsets[v + 1] - 1
            while k >= offsets[v] {
                let caughtUp = cameBack[k] + churn.syncDelay
                synced[k] = k + 1 < offsets[v + 1] && caughtUp >= wentOffline[k + 1] ? synced[k + 1] : caughtUp
                k -= 1
            }
        }
        self.offsets = offsets
        self.wentOffline = wentOffline
        self.cameBack = cameBack
        self.synced = synced
    }

    /// The first of v's periods that ends after `time` (or at it, with `orAt`), or nil.
    ///
    /// - Complexity: O(log periods of v).
    @inline(__always)
    func _firstPeriod(of v: Int, endingAfter time: Double, orAt: Bool) -> Int? {
        var low = offsets[v], high = offsets[v + 1]
        while low < high {
            let middle = (low + high) / 2
            if cameBack[middle] < time || (!orAt && cameBack[middle] == time) { low = middle + 1 } else { high = middle }
        }
        return low < offsets[v + 1] ? low : nil
    }

    /// Whether node v is offline at `time` (offline periods are half-open: offline when it
    /// goes, online when it comes back).
    func isOffline(_ v: Int, at time: Double) -> Bool {
        guard let k = _firstPeriod(of: v, endingAfter: time, orAt: false) else { return false }
        return wentOffline[k] <= time
    }

    /// When node v, offline at `time`, comes back (nil when it is online then).
    func returnTime(of v: Int, at time: Double) -> Double? {
        guard let k = _firstPeriod(of: v, endingAfter: time, orAt: false), wentOffline[k] <= time else { return nil }
        return cameBack[k]
    }

    /// When node v catches up with a transaction its issuer's node had at `time`: after its
    /// first return at or after `time` (infinity when it never goes offline again).
    func syncTime(of v: Int, after time: Double) -> Double {
        guard let k = _firstPeriod(of: v, endingAfter: time, orAt: true) else { return .infinity }
        return synced[k]
    }

    /// The share of node-time offline during [`start`, `end`): the time-average share of
    /// nodes offline (NaN for an empty window).
    ///
    /// - Complexity: O(periods).
    func offlineFraction(from start: Double, to end: Double) -> Double {
        guard end > start else { return .nan }
        var total = 0.0
        for k in wentOffline.indices {
            total += Swift.max(0, Swift.min(cameBack[k], end) - Swift.max(wentOffline[k], start))
        }
        return total / (Double(nodes) * (end - start))
    }
}
