import HeapModule

/// Confirmation by cumulative weight at every node, for networks whose nodes see different
/// transactions at a given moment (gossip).
///
/// Node v confirms x when x's cumulative weight in v's view first reaches the threshold w:
/// at the moment the (w − 1)-th descendant of x becomes visible at v. Each transaction's N
/// visibility times are known when it is broadcast (``NetworkModel/visibilityTime(of:at:tangle:)``),
/// so every (transaction, node) visibility is queued and handled in time order — ties by
/// (transaction, node) — when the simulation asks for a moment (``advance(to:tangle:confirmation:)``).
/// Handling y at v is the delay model's rule at one node: every ancestor of y not yet
/// confirmed at v gains 1, and the search stops at ancestors confirmed at v (an ancestor
/// weighs at least as much as its descendant in any view, since a node sees a transaction
/// only after its parents).
///
/// What it reports:
/// - to the ``ConfirmationTracker``, each transaction's confirmation at the node it was
///   issued from — what the issuing device sees, so its reattachment check and
///   `transactions.csv` use that node's time;
/// - per payload, the mean over nodes of the first confirmation of any of its transactions,
///   once every node has confirmed it (``meanConfirmationTime(ofPayload:)``).
///
/// Cost: N visibility entries a transaction in a heap, and per entry the search over the
/// ancestors not yet confirmed at that node — N times the delay model's work. Memory: N·4
/// bytes a transaction for the per-node weights, 12 for the payload sums, and N/8 for the
/// per-node payload marks when devices reattach.
struct NodeWeightConfirmation {
    /// One transaction's visibility at one node.
    struct Sighting: Comparable {
        var time: Double
        var x: Int32
        var node: Int32

        static func < (a: Sighting, b: Sighting) -> Bool {
            (a.time, a.x, a.node) < (b.time, b.x, b.node)
        }
    }

    let nodes: Int
    let threshold: Int32
    /// Weight of transaction x at node v, at x·nodes + v.
    var weights: ContiguousArray<Int32> = []
    /// Visibilities not handled yet.
    var pending = Heap<Sighting>()
    /// Per payload (indexed by the transaction that first carried it): the sum over nodes of
    /// its first confirmation there, and at how many nodes it is confirmed.
    var payloadSum: ContiguousArray<Double> = []
    var payloadNodes: ContiguousArray<Int32> = []
    /// Whether payload p is confirmed at node v (bit v of words p·wordsPerPayload...), kept
    /// only when several transactions can carry one payload.
    var payloadMarks: ContiguousArray<UInt64>?
    let wordsPerPayload: Int
    var visited = StampMarks()
    var stack: ContiguousArray<Int32> = []

    init(nodes: Int, threshold: Int, payloads: Bool) {
        self.nodes = nodes
        self.threshold = Int32(threshold)
        wordsPerPayload = (nodes + 63) / 64
        if payloads { payloadMarks = [] }
        // The genesis is confirmed everywhere from the start.
        appendRecord(weight: self.threshold)
        payloadSum[0] = 0
        payloadNodes[0] = Int32(nodes)
    }

    private mutating func appendRecord(weight: Int32) {
        weights.append(contentsOf: repeatElement(weight, count: nodes))
        payloadSum.append(0)
        payloadNodes.append(0)
        payloadMarks?.append(contentsOf: repeatElement(0, count: wordsPerPayload))
    }

    /// Records transaction `x`, just issued, and queues its visibility at every node unless it
    /// is withheld (then ``didRelease(_:network:tangle:)`` does when it is broadcast).
    mutating func didIssue<Network: NetworkModel>(_ x: Int32, withheld: Bool, network: Network, tangle: Tangle) {
        precondition(Int(x) * nodes == weights.count, "transactions are reported in issue order")
        appendRecord(weight: 1)
        if !withheld { didRelease(x, network: network, tangle: tangle) }
    }

    /// Queues the visibility at every node of `x`, just broadcast.
    mutating func didRelease<Network: NetworkModel>(_ x: Int32, network: Network, tangle: Tangle) {
        for v in 0..<nodes {
            pending.insert(Sighting(time: network.visibilityTime(of: x, at: v, tangle: tangle), x: x, node: Int32(v)))
        }
    }

    /// Handles every visibility up to and including `time`.
    mutating func advance(to time: Double, tangle: Tangle, confirmation: inout ConfirmationTracker, issuingNode: (Int32) -> Int) {
        while let next = pending.min, next.time <= time {
            _ = pending.removeMin()
            handle(next, tangle: tangle, confirmation: &confirmation, issuingNode: issuingNode)
        }
    }

    private mutating func handle(
        _ sighting: Sighting, tangle: Tangle, confirmation: inout ConfirmationTracker, issuingNode: (Int32) -> Int
    ) {
        let v = Int(sighting.node)
        visited.clear()
        stack.removeAll(keepingCapacity: true)
        stack.append(sighting.x)
        _ = visited.insert(sighting.x)
        while let node = stack.popLast() {
            tangle.forEachParent(of: node) { parent in
                let index = Int(parent) * nodes + v
                guard weights[index] < threshold, visited.insert(parent) else { return }
                weights[index] += 1
                if weights[index] == threshold {
                    confirm(parent, at: v, time: sighting.time, tangle: tangle, confirmation: &confirmation, issuingNode: issuingNode)
                }
                stack.append(parent)
            }
        }
    }

    /// x has reached the threshold at node v at `time`: its payload counts node v (the first
    /// time one of the payload's transactions is confirmed there), and the node x was
    /// issued from reports it to the tracker.
    private mutating func confirm(
        _ x: Int32, at v: Int, time: Double, tangle: Tangle, confirmation: inout ConfirmationTracker,
        issuingNode: (Int32) -> Int
    ) {
        let payload = Int(confirmation.payload?[Int(x)] ?? x)
        var firstAtNode = true
        if payloadMarks != nil {
            let word = payload * wordsPerPayload + v / 64
            let bit = UInt64(1) << UInt64(v % 64)
            firstAtNode = payloadMarks![word] & bit == 0
            payloadMarks![word] |= bit
        }
        if firstAtNode {
            payloadSum[payload] += time
            payloadNodes[payload] += 1
        }
        if issuingNode(x) == v { confirmation.confirm(x, at: time, in: tangle) }
    }

    /// The mean over nodes of the first confirmation of `payload` there, or NaN when some
    /// node has not confirmed it (among the visibilities handled so far).
    func meanConfirmationTime(ofPayload payload: Int32) -> Double {
        payloadNodes[Int(payload)] == Int32(nodes) ? payloadSum[Int(payload)] / Double(nodes) : .nan
    }
}
