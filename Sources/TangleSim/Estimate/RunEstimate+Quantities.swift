import Foundation

/// The expected counts of one run that every component of ``RunEstimate`` is computed from.
///
/// All are expectations (or, where said, generous upper values) from the scenario alone —
/// never from a seed — so `--seed` cannot change an estimate.
struct _RunQuantities: Sendable {
    let scenario: Scenario
    /// lambda, arrivals per second.
    let lambda: Double
    /// The expected end time: min(duration, transactions / lambda).
    let end: Double
    /// Expected arrivals (new device transactions).
    let arrivals: Double
    /// The stop condition that ends the run: `transactions` or `duration`.
    let stopField: String
    /// Mean time from issue to visibility everywhere: the delay's mean, or under gossip the
    /// time to reach the farthest node (``gossipPropagation``).
    let propagation: Double
    /// Milestones issued.
    let milestones: Double
    /// Reattachments (transactions issued again), and per device class.
    let reattachments: Double
    let reattachmentsByClass: [Double]
    /// Expected confirmation latency behind the reattachment count (NaN without reattachment).
    let confirmationLatency: Double
    /// Each adversary's transactions (its rate over the run from its start, plus a parasite
    /// chain's extra tips).
    let adversaryTransactions: [Double]
    /// Transactions in the Tangle at the end: genesis, arrivals, milestones, reattachments,
    /// adversaries'.
    let transactions: Double
    /// Storage the run reserves up front (``Simulation/expectedTransactions(of:)``).
    let reserved: Double
    /// Parent slots per transaction (``Scenario/parentSlots``).
    let slots: Double
    /// Rows of the time series: one per sample interval from time 0.
    let samples: Double
    /// Device transactions issued at or after the warm-up, those judged (not censored), and
    /// the payloads judged (arrivals only; a reattachment shares its arrival's payload).
    let measured: Double
    let judged: Double
    let judgedPayloads: Double
    /// Transactions in flight (issued, not yet visible everywhere) at a time, generously: the
    /// mean plus six standard deviations of a Poisson count, plus every withholding
    /// attacker's whole branch (released at once).
    let inFlight: Double

    init(_ scenario: Scenario) {
        self.scenario = scenario
        let lambda = scenario.lambda
        self.lambda = lambda
        let byCount = scenario.transactions.map { Double($0) / lambda } ?? .infinity
        let end = Swift.min(scenario.duration ?? .infinity, byCount)
        self.end = end
        stopField = byCount <= (scenario.duration ?? .infinity) ? "transactions" : "duration"
        arrivals = scenario.transactions.map { Swift.min(Double($0), lambda * end) } ?? lambda * end

        let propagation: Double =
            switch scenario.network {
            case .delay(let delay): delay.mean
            case .gossip(let gossip): Self.gossipPropagation(gossip)
            }
        self.propagation = propagation

        if let coordinator = scenario.consensus.coordinator {
            milestones = (end / coordinator.interval).rounded(.down)
        } else {
            milestones = 0
        }

        // Reattachment: a payload is issued again every `reattachAfter` seconds until it is
        // confirmed, so it makes about (confirmation latency) / reattachAfter more
        // transactions — an upper value, since E[floor(L/r)] <= E[L]/r. The latency follows
        // Popov ("The Tangle", §3): a transaction joins the cone of every new tip after the
        // adaptation period (h/0.352)·ln(2·lambda·h); a milestone then picks it up within
        // half an interval on average, and it becomes visible h later. A weight threshold w
        // is reached about w/lambda after the adaptation period; approval weight once enough
        // nodes have issued after it (``approvalIssueTime``).
        let h = propagation
        let adaptation = h > 0 ? h / 0.352 * Foundation.log(Swift.max(1, 2 * lambda * h)) : 0
        let latency: Double =
            switch scenario.consensus {
            case .none: .nan
            case .coordinator(let coordinator): coordinator.interval / 2 + 2 * h + adaptation
            case .cumulativeWeight(let threshold): adaptation + Double(threshold) / lambda + h
            // In every tip's past cone after the adaptation period; the next round then sees it.
            case .confidence(let rounds): adaptation + rounds.every / 2 + h
            case .approvalWeight(let configuration): adaptation + Self.approvalIssueTime(configuration, scenario) + h
            }
        confirmationLatency = latency
        let arrivalCount = arrivals
        reattachmentsByClass = scenario.devices.map { deviceClass in
            guard let after = deviceClass.reattachAfter, !latency.isNaN else { return 0 }
            let share = Double(deviceClass.count) * deviceClass.meanRate / lambda
            return share * arrivalCount * Swift.min(latency, end) / after
        }
        reattachments = _sum(reattachmentsByClass)
        adversaryTransactions = scenario.adversaries.map { adversary in
            var count = adversary.rate * Swift.max(0, end - adversary.start)
            if case .parasiteChain(_, _, let tips) = adversary.attack { count += Double(tips) }
            return count
        }
        transactions = 1 + arrivals + milestones + reattachments + _sum(adversaryTransactions)
        reserved = Double(Simulation.expectedTransactions(of: scenario))
        slots = Double(scenario.parentSlots)
        samples = (end / scenario.metrics.sampleInterval).rounded(.down) + 1

        // The measurement window [warmup, end] and the censored tail (end − orphanTimeout, end].
        let window = Swift.max(0, end - scenario.warmup)
        let deviceTransactions = arrivals + reattachments
        let perSecond = end > 0 ? deviceTransactions / end : 0
        measured = perSecond * window
        judged = Swift.max(0, measured - perSecond * Swift.min(window, scenario.metrics.orphanTimeout))
        judgedPayloads = end > 0 ? judged * arrivals / Swift.max(deviceTransactions, 1) : 0
        let meanInFlight = end > 0 ? Swift.min(transactions, (transactions - 1) / end * h) : 0
        // A withholding attacker releases its whole branch at once: all of it is in flight then.
        let withheld = _sum(
            scenario.adversaries.map { adversary in
                switch adversary.attack {
                case .doubleSpend(_, let releaseAfter, _): adversary.rate * releaseAfter
                case .parasiteChain(_, let releaseAfter, let tips): adversary.rate * releaseAfter + Double(tips)
                case .splitting, .tipInflation: 0
                }
            })
        inFlight = Swift.min(transactions, meanInFlight + 6 * meanInFlight.squareRoot() + 1 + withheld)
    }

    /// How long after a transaction has joined the past cone of every new tip enough nodes
    /// have issued to approve it, as an upper value: m nodes must have issued, m the fewest
    /// such that any m nodes (the lightest m) hold the threshold; with devices spread evenly
    /// (each node issuing at lambda/N), the wait for m distinct nodes of N is the coupon
    /// collector's (N/lambda)·(1/N + 1/(N − 1) + ... + 1/(N − m + 1)).
    static func approvalIssueTime(_ configuration: ApprovalWeightConfiguration, _ scenario: Scenario) -> Double {
        guard let gossip = scenario.network.gossip, scenario.lambda > 0 else { return 0 }
        let n = gossip.nodes
        let weights = NodeWeightUnits(weights: configuration.weights.values(nodes: n), threshold: configuration.threshold)
        var wait = 0.0
        var sum: UInt64 = 0
        for (needed, units) in weights.units.sorted().enumerated() where sum < weights.required {
            sum += units
            wait += 1 / Double(n - needed)
        }
        return Double(n) / scenario.lambda * wait
    }

    /// The field that makes most of the Tangle's transactions: the stop condition for
    /// arrivals, `consensus.interval` for milestones, a class's `reattachAfter`.
    var transactionsField: String {
        if milestones >= arrivals, milestones >= reattachments { return "consensus.interval" }
        if reattachments > arrivals, let index = reattachmentsByClass.indices.max(by: { reattachmentsByClass[$0] < reattachmentsByClass[$1] }) {
            return "devices[\(index)].reattachAfter"
        }
        return stopField
    }

    /// How long a transaction takes to reach every node of a gossip network: hops to the
    /// farthest node times a hop's mean cost (link latency plus processing delay).
    ///
    /// Hops are the diameter of the topology, estimated from its kind: 1 for a full mesh;
    /// about ln N / ln(d − 1) + 1 for random graphs of mean degree d (random regular,
    /// Barabási-Albert, a rewired small world); N/d for a ring that is hardly rewired; twice
    /// node 0's eccentricity (an upper bound of the diameter) for an explicit edge list.
    static func gossipPropagation(_ gossip: GossipConfiguration) -> Double {
        let n = Double(gossip.nodes)
        func randomGraph(degree: Double) -> Double {
            guard degree >= 3 else { return (n / 2).rounded(.up) }
            return (Foundation.log(n) / Foundation.log(degree - 1)).rounded(.up) + 1
        }
        let hops: Double
        switch gossip.topology {
        case .fullMesh:
            hops = 1
        case .randomRegular(let degree):
            hops = randomGraph(degree: Double(degree))
        case .barabasiAlbert(let attach):
            hops = randomGraph(degree: 2 * Double(attach))
        case .wattsStrogatz(let degree, let rewire):
            let ring = (n / Double(degree)).rounded(.up)
            hops = rewire * n * Double(degree) / 2 < 1 ? ring : Swift.min(ring, randomGraph(degree: Double(degree)) + 1)
        case .edges(let edges):
            hops = 2 * Double(Self.eccentricity(ofNode0: gossip.nodes, edges: edges))
        }
        return Swift.max(1, hops) * (gossip.linkLatency.mean + gossip.processingDelay.mean)
    }

    /// The largest hop count from node 0 to another node (breadth-first search).
    static func eccentricity(ofNode0 nodes: Int, edges: [[Int]]) -> Int {
        let topology = Topology(nodes: nodes, edges: edges.map { ($0[0], $0[1]) })
        var depth = [Int](repeating: -1, count: nodes)
        var queue = [0]
        depth[0] = 0
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in topology.peers(of: v) where depth[Int(u)] < 0 {
                depth[Int(u)] = depth[v] + 1
                queue.append(Int(u))
            }
        }
        return depth.max() ?? 0
    }

    /// Undirected links of the gossip topology (0 under the delay model).
    var links: Double {
        guard let gossip = scenario.network.gossip else { return 0 }
        let n = Double(gossip.nodes)
        switch gossip.topology {
        case .fullMesh: return n * (n - 1) / 2
        case .randomRegular(let degree): return n * Double(degree) / 2
        case .wattsStrogatz(let degree, _): return n * Double(degree / 2)
        case .barabasiAlbert(let attach):
            let seed = Swift.min(n, Double(attach) + 1)
            return seed * (seed - 1) / 2 + Swift.max(0, n - seed) * Double(attach)
        case .edges(let edges): return Double(edges.count)
        }
    }
}
