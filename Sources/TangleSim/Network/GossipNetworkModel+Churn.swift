/// Devices on a node that churn has taken offline (``ChurnSchedule``): they hold their
/// transactions and issue them when the node comes back.
extension GossipNetworkModel {
    /// Holds `order` when its issuer's node is offline at `now`, scheduling the node's
    /// return (``TangleEvent/nodeReturns(_:)``) for the first order held there; returns
    /// whether it held it. Only device orders are held (the coordinator's and adversaries'
    /// nodes never go offline).
    ///
    /// - Complexity: O(log periods of the node).
    public mutating func hold(_ order: IssueOrder, now: Double, engine: inout Engine<TangleEvent>) -> Bool {
        guard order.issuer.kind == .device, let churn = network.churnSchedule else { return false }
        let node = node(of: order.issuer)
        guard let back = churn.returnTime(of: node, at: now) else { return false }
        if faults!.held[node].isEmpty { engine.schedule(.nodeReturns(Int32(node)), at: back) }
        // Held back like a duty-cycled device's want: its latency counts from now.
        var held = order
        if held.wanted == nil { held.wanted = now }
        faults!.held[node].append(held)
        return true
    }

    /// The orders held at `node`, in the order they arrived, handed over once (the node is
    /// back).
    public mutating func releaseHeld(at node: Int) -> [IssueOrder] {
        guard faults != nil else { return [] }
        let orders = faults!.held[node]
        faults!.held[node].removeAll()
        return orders
    }

    /// The time node v receives the answer to its request, sent at `asksAt` to `peer` over
    /// `link`, for a transaction that peer sees at `seenAtPeer` (infinity when it is never
    /// answered): as without partitions and churn, except that a request and an answer
    /// across a partition in force wait for it to heal, and that nothing is sent, answered
    /// or received by a node offline (the requester's catch-up then brings the
    /// transaction).
    mutating func _timedAnswer(at v: Int, from peer: Int, link: Int, asking asksAt: Double, seenAtPeer: Double) -> Double {
        guard let leaves = network.requestDeparture(from: v, to: peer, ready: asksAt) else { return .infinity }
        let reachesPeer = leaves + network.latency(link: link)
        guard network.receives(peer, at: reachesPeer) else { return .infinity }
        let ready = Swift.max(reachesPeer, seenAtPeer) + network.processingDelay()
        guard let answerLeaves = network.requestDeparture(from: peer, to: v, ready: ready) else { return .infinity }
        let answered = answerLeaves + network.latency(link: link)
        return network.receives(v, at: answered) ? answered : .infinity
    }
}
