/// What the rules applied at every node of a gossip network (``NodeWeightConfirmation``,
/// ``ApprovalWeightConfirmation``) share: the unit of their work, one transaction's
/// visibility at one node, and how a confirmation at a node is reported.

/// One transaction's visibility at one node. Handled in (time, transaction, node) order, so a
/// parent seen at the same moment as its child (ids grow in issue order) comes first.
struct NodeSighting: Comparable {
    var time: Double
    var x: Int32
    var node: Int32

    static func < (a: NodeSighting, b: NodeSighting) -> Bool {
        (a.time, a.x, a.node) < (b.time, b.x, b.node)
    }
}

/// Per payload (indexed by the transaction that first carried it), its first confirmation
/// at each node: the sum over nodes of those times and at how many nodes it is confirmed, for
/// the `latency_*` columns (each payload's confirmation averaged over every node).
///
/// Memory: 12 bytes a transaction, and N/8 more (rounded up to words) for the per-node
/// payload marks when devices reattach (several transactions then carry one payload, and
/// only the first to be confirmed at a node counts there).
struct NodePayloadConfirmations {
    let nodes: Int
    var payloadSum: ContiguousArray<Double> = []
    var payloadNodes: ContiguousArray<Int32> = []
    /// Whether payload p is confirmed at node v (bit v of words p·wordsPerPayload...), kept
    /// only when several transactions can carry one payload.
    var payloadMarks: ContiguousArray<UInt64>?
    let wordsPerPayload: Int

    /// Holds the genesis, confirmed at every node at 0.
    init(nodes: Int, payloads: Bool) {
        self.nodes = nodes
        wordsPerPayload = (nodes + 63) / 64
        if payloads { payloadMarks = [] }
        append()
        payloadNodes[0] = Int32(nodes)
    }

    /// Makes room for the next transaction.
    mutating func append() {
        payloadSum.append(0)
        payloadNodes.append(0)
        payloadMarks?.append(contentsOf: repeatElement(0, count: wordsPerPayload))
    }

    /// x is confirmed at node v at `time`: its payload counts node v (the first time one of
    /// the payload's transactions is confirmed there), and if x was issued from v
    /// (`issuedHere`) v reports it to the tracker — what the issuing device sees, so its
    /// reattachment check and `transactions.csv` use that node's time.
    mutating func confirm(
        _ x: Int32, at v: Int, time: Double, tangle: Tangle, confirmation: inout ConfirmationTracker, issuedHere: Bool
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
        if issuedHere { confirmation.confirm(x, at: time, in: tangle) }
    }

    /// The mean over nodes of the first confirmation of `payload` there, or NaN when some
    /// node has not confirmed it (among the visibilities handled so far).
    func meanConfirmationTime(ofPayload payload: Int32) -> Double {
        payloadNodes[Int(payload)] == Int32(nodes) ? payloadSum[Int(payload)] / Double(nodes) : .nan
    }
}
