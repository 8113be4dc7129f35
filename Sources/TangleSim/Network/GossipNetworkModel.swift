/// Nodes on a topology gossiping every transaction to their peers (see ``GossipNetwork``
/// for how a transaction spreads); devices attach to nodes and see what their node has.
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
public struct GossipNetworkModel: NetworkModel {
    var network: GossipNetwork
    public let nodes: Int
    /// The node each device is attached to.
    let deviceNode: ContiguousArray<Int32>
    /// The node the coordinator runs on.
    let coordinatorNode: Int
    /// The node each adversary issues from.
    let adversaryNode: [Int]
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
    /// The last view's in-flight transactions it sees and its extra tips: kept here so that a
    /// view reuses their storage (the previous view is gone by then, so they are uniquely
    /// referenced again) instead of allocating two arrays per transaction.
    var _viewSeen = ContiguousArray<Int32>()
    var _viewExtra = ContiguousArray<Int32>()
    /// Milestones' visibility vectors, in milestone order (the genesis first, all zeros).
    var milestoneVisibility: ContiguousArray<Double>
    var milestoneIssue: [Double] = [0]
    /// What faults need (message loss, partitions, churn; nil without): see
    /// `GossipNetworkModel+Loss.swift` and `GossipNetworkModel+Churn.swift`.
    var faults: GossipFaultState?

    /// Builds the network of `configuration` for replication `replication` of `scenario`:
    /// draws the topology and link latencies, and attaches the devices.
    ///
    /// - Throws: ``TopologyError`` when no connected random topology could be drawn.
    public init(_ configuration: GossipConfiguration, scenario: Scenario, replication: Int) throws {
        let coordinatorNode = scenario.consensus.coordinator?.node
        let adversaryNode = scenario.adversaries.map(\.node)
        network = try GossipNetwork(
            configuration, seed: scenario.seed, replication: replication, horizon: scenario.duration,
            alwaysOnline: (coordinatorNode.map { [$0] } ?? []) + adversaryNode)
        nodes = configuration.nodes
        self.coordinatorNode = coordinatorNode ?? 0
        self.adversaryNode = adversaryNode
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
        faults = configuration.hasFaults ? GossipFaultState(nodes: configuration.nodes, requestDelay: configuration.requestDelay) : nil
        if configuration.churn != nil { faults!.held = Array(repeating: [], count: configuration.nodes) }
    }

    public static var issuerSeesAtOnce: Bool { true }

    /// Devices attach as their class says; the coordinator runs on `consensus.node`, each
    /// adversary on its `node`.
    public func node(of issuer: IssuerIdentity) -> Int {
        switch issuer.kind {
        case .device: Int(deviceNode[Int(issuer.id)])
        case .coordinator: coordinatorNode
        case .adversary: adversaryNode[Int(issuer.id)]
        case .genesis: 0
        }
    }

    public static var viewIsGlobal: Bool { false }

    public static var nodesSeeDifferently: Bool { true }

    public func visibilityTime(of x: Int32, at v: Int, tangle: Tangle) -> Double {
        visibility(of: x, at: v) ?? tangle.visibleTime[Int(x)]
    }

    /// The first time node v sees the milestone issued at `time` or a later one.
    ///
    /// - Complexity: O(milestones issued since).
    public func milestoneConfirmationTime(at v: Int, confirmedAtCoordinator time: Double) -> Double {
        guard !time.isNaN else { return .nan }
        var first = Double.infinity
        var j = milestoneIssue.count - 1
        while j > 0, milestoneIssue[j] >= time {
            first = Swift.min(first, milestoneVisibility[j * nodes + v])
            j -= 1
        }
        return first
    }

    /// The visibility time of in-flight `x` at node `v` (nil once `x` has reached every node,
    /// and for a withheld transaction not broadcast yet: its Tangle time is infinite).
    public func visibility(of x: Int32, at v: Int) -> Double? {
        guard Int(x) < slot.count else { return nil }
        let own = Int(slot[Int(x)])
        return own < 0 ? nil : pool[own * nodes + v]
    }

    /// Records transaction `x` with `parents`, issued at node `origin` at `now` (before it is
    /// appended to the Tangle), and returns when it is visible at every node. Draws from the
    /// network's own streams (links, processing), not the issuer's.
    public mutating func broadcast(
        _ x: Int32, parents: [Int32], from origin: Int, at now: Double, stream: RandomStream
    ) -> Double {
        if faults != nil { return _broadcastWithLoss(x, parents: parents, from: origin, at: now) }
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
        _enterInFlight(x)
        return _latestVisibility(slotBase: base, notBefore: now)
    }

    /// The latest of the N visibility times from `pool[slotBase]` on, and `notBefore`: when
    /// the transaction is visible everywhere.
    ///
    /// Four running maxima over a buffer: one maximum through the array kept its running value
    /// in memory between iterations (a store and a load on the critical path each node: 9% of
    /// `gossip-100-nodes-loss-1m.json`, perf). The maximum of the same values: the same
    /// number.
    func _latestVisibility(slotBase base: Int, notBefore: Double) -> Double {
        pool.withUnsafeBufferPointer { pool in
            let n = nodes
            var m0 = notBefore, m1 = notBefore, m2 = notBefore, m3 = notBefore
            var v = 0
            while v + 4 <= n {
                m0 = Swift.max(m0, pool[base + v])
                m1 = Swift.max(m1, pool[base + v + 1])
                m2 = Swift.max(m2, pool[base + v + 2])
                m3 = Swift.max(m3, pool[base + v + 3])
                v += 4
            }
            while v < n {
                m0 = Swift.max(m0, pool[base + v])
                v += 1
            }
            return Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
        }
    }

    /// Adds `x` to ``inFlight``, which stays in increasing id order (node views and in-flight
    /// weights rely on it): appended, or inserted by binary search for a withheld
    /// transaction released after younger ones went out.
    ///
    /// - Complexity: O(1) appended, O(in flight) inserted.
    mutating func _enterInFlight(_ x: Int32) {
        guard let last = inFlight.last, last > x else {
            inFlight.append(x)
            return
        }
        var low = 0, high = inFlight.count
        while low < high {
            let middle = (low + high) / 2
            if inFlight[middle] < x { low = middle + 1 } else { high = middle }
        }
        inFlight.insert(x, at: low)
    }

    /// Keeps a copy of the visibility vector of milestone `x` (in flight: just broadcast).
    public mutating func didIssueMilestone(_ x: Int32, at now: Double) {
        let base = Int(slot[Int(x)]) * nodes
        milestoneVisibility.append(contentsOf: pool[base..<(base + nodes)])
        milestoneIssue.append(now)
        if faults != nil { faults!.milestoneIndex[x] = milestoneIssue.count - 1 }
    }

    /// Frees the per-node state of `x`, now visible at every node.
    public mutating func didReachEveryone(_ x: Int32) {
        if faults != nil { _recordNodePropagation(of: x) }
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
    public mutating func view(at v: Int, now: Double, global: TipSet, tangle: Tangle) -> NodeView {
        hidden.clear()
        inView.clear()
        let n = nodes
        _viewSeen.removeAll(keepingCapacity: true)
        for x in inFlight {
            let own = Int(slot[Int(x)])
            guard own >= 0, pool[own * n + v] <= now else { continue }
            _viewSeen.append(x)
            inView.insert(x)
        }
        var hiddenCount = 0
        for x in _viewSeen {
            tangle.forEachParent(of: x) { parent in
                if hidden.insert(parent), global.contains(parent) { hiddenCount += 1 }
            }
        }
        _viewExtra.removeAll(keepingCapacity: true)
        for x in _viewSeen where !hidden.contains(x) { _viewExtra.append(x) }
        return NodeView(
            global: global, extra: _viewExtra, hidden: hidden, inView: inView, hiddenCount: hiddenCount,
            inFlightVisible: _viewSeen)
    }

    /// The index of the latest milestone visible at node `v` at `now`: the newest one whose
    /// visibility vector says v has it.
    public func latestMilestone(at v: Int, now: Double, milestones: MilestoneRecord) -> Int {
        var index = milestoneIssue.count - 1
        while index > 0, milestoneVisibility[index * nodes + v] > now { index -= 1 }
        return index
    }

    /// Each node's tip count at `now`.
    ///
    /// - Complexity: O(nodes × in-flight transactions).
    public mutating func nodeTipCounts(now: Double, global: TipSet, tangle: Tangle) -> [Int]? {
        (0..<nodes).map { view(at: $0, now: now, global: global, tangle: tangle).tipCount }
    }

    /// Per milestone j, the mean over nodes of the time node v first sees a milestone j or
    /// later: when a transaction first contained in milestone j is confirmed at v, averaged.
    public func nodeAveragedConfirmation() -> NodeAveragedConfirmation? {
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
        return NodeAveragedConfirmation(milestoneIssue: milestoneIssue, meanSighting: means)
    }
}
