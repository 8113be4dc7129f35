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
/// bytes a transaction for the per-node weights, and the payloads' (``NodePayloadConfirmations``).
struct NodeWeightConfirmation {
    let nodes: Int
    let threshold: Int32
    /// Weight of transaction x at node v, at x·nodes + v.
    var weights: ContiguousArray<Int32> = []
    /// Visibilities not handled yet.
    var pending = Heap<NodeSighting>()
    /// Each payload's first confirmation at each node.
    var payloads: NodePayloadConfirmations
    var visited = StampMarks()
    var stack: ContiguousArray<Int32> = []

    init(nodes: Int, threshold: Int, payloads: Bool) {
        self.nodes = nodes
        self.threshold = Int32(threshold)
        self.payloads = NodePayloadConfirmations(nodes: nodes, payloads: payloads)
        // The genesis is confirmed everywhere from the start.
        weights.append(contentsOf: repeatElement(self.threshold, count: nodes))
    }

    /// Records transaction `x`, just issued, and queues its visibility at every node unless it
    /// is withheld (then ``didRelease(_:network:tangle:)`` does when it is broadcast).
    mutating func didIssue<Network: NetworkModel>(_ x: Int32, withheld: Bool, network: Network, tangle: Tangle) {
        precondition(Int(x) * nodes == weights.count, "transactions are reported in issue order")
        weights.append(contentsOf: repeatElement(1, count: nodes))
        payloads.append()
        if !withheld { didRelease(x, network: network, tangle: tangle) }
    }

    /// Queues the visibility at every node of `x`, just broadcast.
    mutating func didRelease<Network: NetworkModel>(_ x: Int32, network: Network, tangle: Tangle) {
        for v in 0..<nodes {
            pending.insert(NodeSighting(time: network.visibilityTime(of: x, at: v, tangle: tangle), x: x, node: Int32(v)))
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
        _ sighting: NodeSighting, tangle: Tangle, confirmation: inout ConfirmationTracker, issuingNode: (Int32) -> Int
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
                    payloads.confirm(
                        parent, at: v, time: sighting.time, tangle: tangle, confirmation: &confirmation,
                        issuedHere: issuingNode(parent) == v)
                }
                stack.append(parent)
            }
        }
    }

    /// The mean over nodes of the first confirmation of `payload` there, or NaN when some
    /// node has not confirmed it (among the visibilities handled so far).
    func meanConfirmationTime(ofPayload payload: Int32) -> Double {
        payloads.meanConfirmationTime(ofPayload: payload)
    }
}
