import HeapModule

extension GossipNetwork {
    /// Whether the network has partitions or churn, whose effects depend on the time.
    var hasTimedFaults: Bool { _partitions != nil || _churn != nil }

    /// The partitions' schedule (sides and intervals), if any.
    var partitionSchedule: PartitionSchedule? { _partitions }

    /// The churn schedule (every node's offline periods), if any.
    var churnSchedule: ChurnSchedule? { _churn }

    /// ``lossyArrivals(from:at:into:sender:)`` with partitions and churn (and loss, if any):
    /// Dijkstra's search over the nodes the transaction reaches, in order of arrival.
    ///
    /// A node reached sends to every peer after its processing delay, unless it is offline
    /// by then; each message is lost with probability `loss` (drawn first, as without
    /// partitions), blocked when it crosses a partition in force as it leaves
    /// (``PartitionSchedule``), and dropped when it reaches a node offline
    /// (``ChurnSchedule``). With churn, every node other than the origin is also reached by
    /// its catch-up, ``ChurnSchedule/syncTime(of:after:)`` (sender −1), unless gossip comes
    /// first; it then forwards like a node reached by gossip.
    ///
    /// - Complexity: O((E + N) log N), plus O(log periods) per message with churn.
    mutating func _faultyArrivals(
        from origin: Int, at time: Double, into arrival: UnsafeMutableBufferPointer<Double>,
        sender: UnsafeMutableBufferPointer<Int32>
    ) {
        let n = nodes
        _startSearch(from: origin, at: time, arrival: arrival, sender: sender)
        if let churn = _churn {
            for v in 0..<n where v != origin {
                let synced = churn.syncTime(of: v, after: time)
                guard synced < .infinity else { continue }
                arrival[v] = synced
                _heap.insert(Reach(time: synced, node: Int32(v)))
            }
        }
        while let reach = _heap.popMin() {
            let (reached, v) = (reach.time, Int(reach.node))
            guard !_settled[v] else { continue }
            _settled[v] = true
            let departs = reached + configuration.processingDelay.sample(_processingRNG)
            if let churn = _churn, churn.isOffline(v, at: departs) { continue }
            for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                if _loss?.nextIsLost() ?? false { continue }
                let u = Int(topology.neighbours[entry])
                guard !_settled[u] else { continue }
                if let partitions = _partitions, partitions.blocks(from: v, to: u, departing: departs) { continue }
                let candidate = departs + latency(link: Int(topology.links[entry]))
                if candidate < arrival[u] {
                    if let churn = _churn, churn.isOffline(u, at: candidate) { continue }
                    arrival[u] = candidate
                    sender[u] = Int32(v)
                    _heap.insert(Reach(time: candidate, node: Int32(u)))
                }
            }
        }
    }

    /// When a request (or answer) from `v` to its peer `u`, ready at `time`, can leave:
    /// `time`, later across a partition in force (it waits for the end), or nil when churn
    /// has `v` offline then (it is not sent).
    func requestDeparture(from v: Int, to u: Int, ready time: Double) -> Double? {
        if let churn = _churn, churn.isOffline(v, at: time) { return nil }
        guard let partitions = _partitions else { return time }
        let leaves = partitions.deliveryTime(from: v, to: u, departing: time)
        if leaves != time, let churn = _churn, churn.isOffline(v, at: leaves) { return nil }
        return leaves
    }

    /// Whether a request or answer reaching node `v` at `time` is received (false when churn
    /// has `v` offline then).
    func receives(_ v: Int, at time: Double) -> Bool {
        guard let churn = _churn else { return true }
        return !churn.isOffline(v, at: time)
    }
}
