import HeapModule

/// Confirmation by approval weight at every node of a gossip network: IOTA 2.0's finality
/// rule, as the multiverse simulator applies it.
///
/// Every gossip node u has a weight w(u) (its consensus mana; ``NodeWeights``). The
/// *approvers* of transaction x at node v at time t are the nodes that issued a transaction
/// of x's future cone — x itself included — that is visible at v at t; x's *approval
/// weight* at v is their total weight. Node v confirms x when that, as a share of the weight
/// of all nodes, first reaches the threshold. A transaction's issuer counts toward its own
/// approval weight: GoShimmer's specification ("Approval Weight",
/// docs/specification/approval_weight.md) defines a message's approver as "a node that
/// attach[es] messages that directly/indirectly reference it, including its issuer", and the
/// multiverse simulator (iotaledger/multivers-simulation, now iotaledger/TangleSim:
/// multiverse/approvalweight_manager.go, `ApproveMessages`) walks from each newly solid
/// message through its past cone, the message itself first, setting its issuer's bit in
/// each message's weight bitmap and adding the issuer's weight the first time, and
/// confirms a message when its weight reaches
/// `MessageWeightThreshold` × the total weight. Here a node's view is what gossip has made
/// visible there (solid: a node sees a transaction only after its parents), and weights are
/// summed exactly and the threshold read as written (``NodeWeightUnits``: 67 of 100 equal
/// nodes reach 0.67, where the multiverse simulator's weight ≥ 0.67 × total asks for 68).
///
/// How. Each transaction's N visibility times are known when it is broadcast, so every
/// (transaction, node) visibility is queued and handled in time order — ties by
/// (transaction, node) — when the simulation asks for a moment, as ``NodeWeightConfirmation``
/// does. Handling y, issued from node u, at node v marks u on y and on every ancestor of y
/// (all visible at v), and the search stops at
/// - ancestors already marked for u at v: approval is inherited (if u approves x, it
///   approves every ancestor of x), so their ancestors are marked too;
/// - ancestors confirmed at v: an ancestor's approvers include its descendant's, so the
///   ancestors of a confirmed transaction are confirmed no later; its marks are no longer
///   needed.
/// So each (x, v, u) is marked at most once. Confirmations are reported as under
/// ``NodeWeightConfirmation`` (``NodePayloadConfirmations``): the ``ConfirmationTracker``
/// gets each transaction's confirmation at the node it was issued from, the payloads keep
/// the mean over nodes.
///
/// Cost. Memory: per transaction and node, a bitmap of N bits (⌈N/64⌉ words) and the marked
/// weight (8 bytes): N·(8·⌈N/64⌉ + 8) bytes a transaction — 320 at 20 nodes, 2 KiB at 100,
/// 136 KiB at 1,000 — reserved for the expected transactions and kept for the whole run;
/// 4 bytes a transaction for its issuing node; N 16-byte heap entries per transaction
/// waiting to be handled; and the payloads'. Time: N heap entries per transaction, and per
/// entry one mark (k parent checks) per transaction newly approved by the issuer's node at
/// that node: at most N² marks per transaction over the run, fewer since marking stops at
/// confirmation (about 180 a transaction at 20 nodes, threshold 0.67).
struct ApprovalWeightConfirmation {
    let nodes: Int
    /// Words per (transaction, node) record: the marked weight, then ⌈N/64⌉ words of
    /// approver bits.
    let stride: Int
    let weights: NodeWeightUnits
    /// The record of transaction x at node v at (x·nodes + v)·stride: the weight of the
    /// approvers marked so far (at least ``NodeWeightUnits/required`` once confirmed), then
    /// bit u of the words that follow when node u is marked.
    var records: ContiguousArray<UInt64> = []
    /// The node each transaction was issued from.
    var issuingNode: ContiguousArray<Int32> = [0]
    /// Visibilities not handled yet.
    var pending = Heap<NodeSighting>()
    /// Each payload's first confirmation at each node.
    var payloads: NodePayloadConfirmations
    /// Each (x, v)'s confirmation time at x·nodes + v (NaN while unconfirmed), kept only when
    /// asked for (``recordConfirmationTimes()``): tests compare it with a brute-force replay.
    var confirmationTimes: ContiguousArray<Double>?
    /// Scratch of one search: the transactions to visit, and those it confirmed.
    var stack: ContiguousArray<Int32> = []
    var confirmed: ContiguousArray<Int32> = []

    /// - Parameter expectedTransactions: the records are reserved for this many transactions
    ///   (the run's expected count), so that they are not copied as they grow.
    init(nodes: Int, weights: NodeWeightUnits, payloads: Bool, expectedTransactions: Int = 0) {
        precondition(weights.units.count == nodes, "one weight per node")
        self.nodes = nodes
        self.weights = weights
        stride = 1 + (nodes + 63) / 64
        self.payloads = NodePayloadConfirmations(nodes: nodes, payloads: payloads)
        records.reserveCapacity(Swift.max(1, expectedTransactions) * nodes * stride)
        issuingNode.reserveCapacity(expectedTransactions)
        // The genesis is confirmed everywhere from the start.
        records.append(contentsOf: repeatElement(0, count: nodes * stride))
        for v in 0..<nodes { records[v * stride] = weights.required }
    }

    /// Keeps every (transaction, node) confirmation time from now on; call it before any
    /// transaction is issued.
    mutating func recordConfirmationTimes() {
        precondition(records.count == nodes * stride, "before the first transaction")
        confirmationTimes = ContiguousArray(repeating: 0, count: nodes)
    }

    /// Records transaction `x`, just issued from `node`, and queues its visibility at every
    /// node unless it is withheld (then ``didRelease(_:network:tangle:)`` does when it is
    /// broadcast).
    mutating func didIssue<Network: NetworkModel>(_ x: Int32, from node: Int, withheld: Bool, network: Network, tangle: Tangle) {
        precondition(Int(x) * nodes * stride == records.count, "transactions are reported in issue order")
        records.append(contentsOf: repeatElement(0, count: nodes * stride))
        issuingNode.append(Int32(node))
        confirmationTimes?.append(contentsOf: repeatElement(.nan, count: nodes))
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
    mutating func advance(to time: Double, tangle: Tangle, confirmation: inout ConfirmationTracker) {
        while let next = pending.min, next.time <= time {
            _ = pending.removeMin()
            handle(next, tangle: tangle, confirmation: &confirmation)
        }
    }

    /// y became visible at v: its issuing node approves y and y's past cone there.
    private mutating func handle(_ sighting: NodeSighting, tangle: Tangle, confirmation: inout ConfirmationTracker) {
        let v = Int(sighting.node)
        let u = Int(issuingNode[Int(sighting.x)])
        // The search leaves `stack` empty; `confirmed` is mostly empty already, and clearing
        // an empty array still costs a call.
        if !confirmed.isEmpty { confirmed.removeAll(keepingCapacity: true) }
        Self._mark(
            from: sighting.x, at: v, by: u, nodes: nodes, stride: stride, weights: weights, tangle: tangle,
            records: &records, stack: &stack, confirmed: &confirmed)
        for x in confirmed {
            confirmationTimes?[Int(x) * nodes + v] = sighting.time
            payloads.confirm(
                x, at: v, time: sighting.time, tangle: tangle, confirmation: &confirmation,
                issuedHere: Int(issuingNode[Int(x)]) == v)
        }
    }

    /// The search of ``handle(_:tangle:confirmation:)``: marks node u on y and its past cone
    /// in v's records, and lists in `confirmed` the transactions whose marked weight reached
    /// the threshold. The parts of the rule are passed separately so that the records are
    /// written through one unchecked buffer, without a uniqueness check per mark.
    private static func _mark(
        from y: Int32, at v: Int, by u: Int, nodes: Int, stride: Int, weights: NodeWeightUnits, tangle: Tangle,
        records: inout ContiguousArray<UInt64>, stack: inout ContiguousArray<Int32>, confirmed: inout ContiguousArray<Int32>
    ) {
        let word = 1 + u / 64
        let bit = UInt64(1) << UInt64(u % 64)
        let units = weights.units[u]
        let required = weights.required
        records.withUnsafeMutableBufferPointer { records in
            /// Marks u on x at v unless x is marked for u or confirmed there; returns whether it did.
            func mark(_ x: Int32) -> Bool {
                let base = (Int(x) &* nodes &+ v) &* stride
                guard records[base] < required, records[base &+ word] & bit == 0 else { return false }
                records[base &+ word] |= bit
                records[base] &+= units
                if records[base] >= required { confirmed.append(x) }
                return true
            }
            guard mark(y) else { return }
            stack.append(y)
            while let x = stack.popLast() {
                tangle.forEachParent(of: x) { parent in
                    if mark(parent) { stack.append(parent) }
                }
            }
        }
    }

    /// The mean over nodes of the first confirmation of `payload` there, or NaN when some
    /// node has not confirmed it (among the visibilities handled so far).
    func meanConfirmationTime(ofPayload payload: Int32) -> Double {
        payloads.meanConfirmationTime(ofPayload: payload)
    }
}
