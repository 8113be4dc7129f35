/// The gossip network's part of a simulation: when each transaction becomes visible at each
/// node, and what each node sees.
///
/// A node makes a transaction visible once it has received it and all its parents are
/// visible there (IOTA's solidification): visibility at v is the later of the arrival at v
/// and the parents' visibility at v. With per-link latencies that is just the arrival time,
/// since a parent reached v no later by the triangle inequality; with per-message latencies
/// it keeps every node's view consistent.
///
/// Only transactions that have not reached every node ("in flight") have per-node state: a
/// vector of N visibility times, returned to a pool when the last node sees the
/// transaction. Memory is N·8 bytes per in-flight transaction plus 12 bytes per transaction
/// (a pool slot and two marks), never nodes × transactions. Milestones keep their vectors.
struct GossipState {
    var network: GossipNetwork
    let nodes: Int
    /// The node each device is attached to.
    let deviceNode: ContiguousArray<Int32>
    /// The pool slot of each in-flight transaction's visibility vector (-1: none).
    var slot: ContiguousArray<Int32> = [-1]
    var pool: ContiguousArray<Double> = []
    var freeSlots: [Int32] = []
    /// In-flight transactions in increasing id order; entries that have left are skipped
    /// and dropped from the front.
    var inFlight: ContiguousArray<Int32> = []
    var leftInFlight = 0
    /// Marks for building a node's view: `hidden` holds the transactions with an approver
    /// visible at the node, `inView` the in-flight transactions visible there.
    var hidden = StampMarks()
    var inView = StampMarks()
    /// Milestones' visibility vectors, in milestone order (the genesis first, all zeros).
    var milestoneVisibility: ContiguousArray<Double>
    var milestoneIssue: [Double] = [0]
    /// Per node: the sum of its tip counts over measured samples, and the number of samples.
    var nodeTipSums: [Double]
    var nodeTipSamples = 0

    init(_ configuration: GossipConfiguration, scenario: Scenario, replication: Int) throws {
        network = try GossipNetwork(configuration, seed: scenario.seed, replication: replication)
        nodes = configuration.nodes
        let attachRNG = RandomStream(seed: scenario.seed, replication: replication, stream: .attachment)
        var deviceNode = ContiguousArray<Int32>()
        deviceNode.reserveCapacity(scenario.deviceCount)
        for deviceClass in scenario.devices {
            for _ in 0..<deviceClass.count {
                switch deviceClass.attachment {
                case .roundRobin: deviceNode.append(Int32(deviceNode.count % configuration.nodes))
                case .random: deviceNode.append(Int32(attachRNG.index(below: configuration.nodes)))
                case .node(let node): deviceNode.append(Int32(node))
                }
            }
        }
        self.deviceNode = deviceNode
        milestoneVisibility = ContiguousArray(repeating: 0, count: configuration.nodes)
        nodeTipSums = Array(repeating: 0, count: configuration.nodes)
    }

    /// Records transaction `x` with `parents`, issued at node `origin` at `now` (before it is
    /// appended to the Tangle), and returns when it is visible at every node.
    mutating func spread(_ x: Int32, parents: [Int32], from origin: Int, at now: Double) -> Double {
        while slot.count <= Int(x) { slot.append(-1) }
        let n = nodes
        let own: Int32
        if let free = freeSlots.popLast() {
            own = free
        } else {
            own = Int32(pool.count / n)
            pool.append(contentsOf: repeatElement(0, count: n))
        }
        slot[Int(x)] = own
        let base = Int(own) * n
        pool.withUnsafeMutableBufferPointer { pool in
            network.arrivals(from: origin, at: now, into: UnsafeMutableBufferPointer(rebasing: pool[base..<(base + n)]))
            for parent in parents {
                let parentSlot = Int(slot[Int(parent)])
                guard parentSlot >= 0 else { continue }  // visible everywhere already
                let parentBase = parentSlot * n
                for v in 0..<n where pool[parentBase + v] > pool[base + v] { pool[base + v] = pool[parentBase + v] }
            }
        }
        inFlight.append(x)
        var everywhere = now
        for v in 0..<n { everywhere = Swift.max(everywhere, pool[base + v]) }
        return everywhere
    }

    /// Copies the visibility vector of milestone `x` (while it is still in flight).
    mutating func recordMilestone(_ x: Int32, issuedAt time: Double) {
        let base = Int(slot[Int(x)]) * nodes
        milestoneVisibility.append(contentsOf: pool[base..<(base + nodes)])
        milestoneIssue.append(time)
    }

    /// Frees the per-node state of `x`, now visible at every node.
    mutating func didReachEveryNode(_ x: Int32) {
        freeSlots.append(slot[Int(x)])
        slot[Int(x)] = -1
        leftInFlight += 1
        while let first = inFlight.first, slot[Int(first)] < 0 {
            inFlight.removeFirst()
            leftInFlight -= 1
        }
        if leftInFlight > 64, leftInFlight * 2 > inFlight.count {
            inFlight.removeAll { slot[Int($0)] < 0 }
            leftInFlight = 0
        }
    }

    /// What node `v` sees at `now`: the global tips `global` corrected by the in-flight
    /// transactions visible at v.
    ///
    /// - Complexity: O(in-flight transactions · k).
    mutating func view(at v: Int, now: Double, global: TipSet, tangle: Tangle) -> NodeView {
        hidden.clear()
        inView.clear()
        let n = nodes
        var seen = ContiguousArray<Int32>()
        for x in inFlight {
            let own = Int(slot[Int(x)])
            guard own >= 0, pool[own * n + v] <= now else { continue }
            seen.append(x)
            inView.insert(x)
        }
        var hiddenCount = 0
        for x in seen {
            tangle.forEachParent(of: x) { parent in
                if hidden.insert(parent), global.contains(parent) { hiddenCount += 1 }
            }
        }
        var extra = ContiguousArray<Int32>()
        for x in seen where !hidden.contains(x) { extra.append(x) }
        return NodeView(
            global: global, extra: extra, hidden: hidden, inView: inView, hiddenCount: hiddenCount, inFlightVisible: seen)
    }

    /// The index of the latest milestone visible at node `v` at `now`.
    func latestMilestone(at v: Int, now: Double) -> Int {
        var index = milestoneIssue.count - 1
        while index > 0, milestoneVisibility[index * nodes + v] > now { index -= 1 }
        return index
    }

    /// Per milestone j, the mean over nodes of the time node v first sees a milestone j or
    /// later: when a transaction first contained in milestone j is confirmed at v, averaged.
    func meanConfirmationTimes() -> [Double] {
        let count = milestoneIssue.count
        var suffixMinimum = [Double](repeating: .infinity, count: nodes)
        var means = [Double](repeating: 0, count: count)
        for j in stride(from: count - 1, through: 0, by: -1) {
            var sum = 0.0
            for v in 0..<nodes {
                suffixMinimum[v] = Swift.min(suffixMinimum[v], milestoneVisibility[j * nodes + v])
                sum += suffixMinimum[v]
            }
            means[j] = sum / Double(nodes)
        }
        return means
    }

    /// The milestone index whose issue time is `time` (confirmation times at the coordinator's
    /// node are milestone issue times).
    func milestoneIndex(issuedAt time: Double) -> Int {
        var low = 0, high = milestoneIssue.count - 1
        while low < high {
            let middle = (low + high) / 2
            if milestoneIssue[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
