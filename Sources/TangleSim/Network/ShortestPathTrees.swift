import HeapModule

/// Every origin's lossless shortest-path tree, and the repair of one tree where a
/// transaction's gossip messages are lost.
///
/// Row `origin` lists the nodes in the order the lossless search settles them (by distance
/// from `origin`, ties to the smaller node id, as in the search without loss), each with its
/// distance and its predecessor (the peer whose message reaches it first): 16 bytes a node
/// pair, N²·16 bytes in all (160 KB for 100 nodes; at most 4,096 nodes are served so).
///
/// The repair's working storage (``_pending``, ``_positions``, ``_active``, ``_heap``) is
/// kept between transactions: a repair allocates nothing.
struct ShortestPathTrees {
    /// One node of a tree, in the order of its row.
    struct Entry {
        /// Seconds from the origin (a hop costs the processing delay plus the link's latency).
        var distance: Double
        var node: Int32
        /// The node's predecessor in the tree (−1 for the origin).
        var predecessor: Int32
    }

    let nodes: Int
    /// Row-major, N×N: row `origin`, position i is the i-th node settled from `origin` (the
    /// origin itself at position 0).
    let entries: ContiguousArray<Entry>
    /// Per node, for the current transaction: whether its lossless path lost a message and
    /// the repair's search has not settled it yet (*affected and pending*).
    var _pending: ContiguousArray<Bool>
    /// The row positions of the affected nodes, in row order (the first `affectedCount`).
    var _positions: ContiguousArray<Int32>
    /// The affected nodes not settled yet, in any order (the dense search's frontier).
    var _active: ContiguousArray<Int32>
    /// The heap search's binary min-heap of (time, node): at most N + 2·links entries (one
    /// per affected node seeded and one per relaxation).
    var _heap: ContiguousArray<GossipNetwork.Reach>

    /// Per origin, each node's peer links (slots of ``Topology/neighbours``) in increasing
    /// order of the time a message from that peer would bring on the origin's lossless tree
    /// (the peer's distance, the processing delay and the link's latency; ties in slot order):
    /// row `origin` holds 2·links slots, node a's at `offsets[a]..<offsets[a + 1]`. The
    /// repair seeds an affected node from the first of its unaffected peers whose message is
    /// kept, and the later ones cannot lower that arrival, so their messages are not drawn
    /// one by one. Nil above 4 Mi entries (``keepsSeedOrder(nodes:directedLinks:)``; then
    /// every peer is examined).
    var seedOrder: ContiguousArray<Int32>?

    /// Whether ``seedOrder`` is kept for `nodes` nodes and `directedLinks` (2·links) slots:
    /// up to 4 Mi entries of 4 bytes, 16 MiB.
    static func keepsSeedOrder(nodes: Int, directedLinks: Int) -> Bool { nodes * directedLinks <= 1 << 22 }

    /// Up to this many affected nodes, the repair's search takes the earliest pending node by
    /// a scan of them (O(m²), no heap); above, from a binary heap (O(E log N)). The order
    /// settled is the same: by (time, node).
    static let denseSearchLimit = 48

    /// Dijkstra from every node (a hop costs `processing` plus the link's latency).
    ///
    /// - Complexity: O(N·E log N).
    init(topology: Topology, latency: [Double], processing: Double) {
        let n = topology.nodes
        nodes = n
        var entries = ContiguousArray(repeating: Entry(distance: .infinity, node: -1, predecessor: -1), count: n * n)
        var distance = [Double](repeating: .infinity, count: n)
        var predecessor = [Int32](repeating: -1, count: n)
        var settled = [Bool](repeating: false, count: n)
        var heap = Heap<GossipNetwork.Reach>()
        for source in 0..<n {
            let row = source * n
            for v in 0..<n {
                distance[v] = .infinity
                predecessor[v] = -1
                settled[v] = false
            }
            distance[source] = 0
            heap.insert(GossipNetwork.Reach(time: 0, node: Int32(source)))
            var position = 0
            while let reach = heap.popMin() {
                let (reached, v) = (reach.time, Int(reach.node))
                guard !settled[v] else { continue }
                settled[v] = true
                entries[row + position] = Entry(distance: distance[v], node: Int32(v), predecessor: predecessor[v])
                position += 1
                for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                    let u = Int(topology.neighbours[entry])
                    let candidate = reached + processing + latency[Int(topology.links[entry])]
                    if !settled[u], candidate < distance[u] {
                        distance[u] = candidate
                        predecessor[u] = Int32(v)
                        heap.insert(GossipNetwork.Reach(time: candidate, node: Int32(u)))
                    }
                }
            }
        }
        self.entries = entries
        let slots = Int(topology.offsets[n])
        if Self.keepsSeedOrder(nodes: n, directedLinks: slots) {
            var order = ContiguousArray<Int32>(repeating: 0, count: n * slots)
            // Per slot, the time its peer's message would bring from the current origin.
            var key = [Double](repeating: 0, count: slots)
            for origin in 0..<n {
                let row = origin * n
                for position in row..<(row + n) { distance[Int(entries[position].node)] = entries[position].distance }
                for slot in 0..<slots {
                    key[slot] = distance[Int(topology.neighbours[slot])] + processing + latency[Int(topology.links[slot])]
                }
                let base = origin * slots
                for slot in 0..<slots { order[base + slot] = Int32(slot) }
                for a in 0..<n {
                    // In place, ties in slot order.
                    order[(base + Int(topology.offsets[a]))..<(base + Int(topology.offsets[a + 1]))].sort { s, t in
                        key[Int(s)] < key[Int(t)] || (key[Int(s)] == key[Int(t)] && s < t)
                    }
                }
            }
            seedOrder = order
        } else {
            seedOrder = nil
        }
        _pending = ContiguousArray(repeating: false, count: n)
        _positions = ContiguousArray(repeating: 0, count: n)
        _active = ContiguousArray(repeating: 0, count: n)
        _heap = ContiguousArray(
            repeating: GossipNetwork.Reach(time: 0, node: 0), count: n + Int(topology.offsets[n]) + 1)
    }
}

extension ShortestPathTrees {
    /// When a transaction issued at `time` on `origin` first reaches each node by gossip with
    /// lost messages (into `arrival`, infinity where every copy was lost) and the peer that
    /// delivered that first copy (into `sender`, −1 for the origin and the nodes not reached),
    /// revealing only the messages whose loss can change an arrival.
    ///
    /// A node keeps its lossless arrival when its lossless predecessor does and the
    /// predecessor's message to it is kept: that arrival is a lower bound and is attained.
    /// Going through the nodes in lossless order decides that for each (one draw per such
    /// message). The others — *affected* — get their arrivals from a Dijkstra over them alone,
    /// seeded by the messages of their unaffected peers (drawn in ``seedOrder`` up to the
    /// first kept one) and relaxed by each other's (each drawn once, when examined). The
    /// remaining messages (from affected nodes to unaffected ones, to nodes already settled,
    /// and from an affected node's unaffected peers after its seed) change nothing: they are
    /// counted (``MessageLoss/loseAmong(_:)``) and their losses drawn together, one binomial
    /// for all of them. Each message is thus lost independently with probability p, as in the
    /// full search (``GossipNetwork/lossyArrivals(from:at:into:sender:)``).
    ///
    /// - Complexity: O(N) plus O(degree · log) per affected node; about p · Σ depth nodes
    ///   are affected. No allocation.
    mutating func repair(
        from origin: Int, at time: Double, processing: Double, topology: Topology, latency: [Double],
        loss: inout MessageLoss, arrival: UnsafeMutableBufferPointer<Double>, sender: UnsafeMutableBufferPointer<Int32>
    ) {
        let n = nodes
        let row = origin * n
        var pending = ContiguousArray<Bool>()
        var positions = ContiguousArray<Int32>()
        swap(&pending, &_pending)
        swap(&positions, &_positions)
        defer {
            swap(&pending, &_pending)
            swap(&positions, &_positions)
        }
        var drawn = 0
        var affectedCount = 0
        arrival[origin] = time
        sender[origin] = -1
        entries.withUnsafeBufferPointer { entries in
            pending.withUnsafeMutableBufferPointer { pending in
                positions.withUnsafeMutableBufferPointer { positions in
                    pending[origin] = false
                    for position in (row + 1)..<(row + n) {
                        let entry = entries[position]
                        let u = Int(entry.node)
                        let lost: Bool
                        if pending[Int(entry.predecessor)] {
                            lost = true
                        } else {
                            drawn += 1
                            lost = loss.nextIsLost()
                        }
                        pending[u] = lost
                        if lost {
                            arrival[u] = .infinity
                            sender[u] = -1
                            positions[affectedCount] = Int32(truncatingIfNeeded: position)
                            affectedCount += 1
                        } else {
                            arrival[u] = time + entry.distance
                            sender[u] = entry.predecessor
                        }
                    }
                }
            }
        }
        var unreachedDegree = 0
        if affectedCount > 0 {
            var active = ContiguousArray<Int32>()
            var heap = ContiguousArray<GossipNetwork.Reach>()
            swap(&active, &_active)
            swap(&heap, &_heap)
            defer {
                swap(&active, &_active)
                swap(&heap, &_heap)
            }
            let slots = Int(topology.offsets[n])
            func search(seedOrder: UnsafeBufferPointer<Int32>?) {
                entries.withUnsafeBufferPointer { entries in
                    pending.withUnsafeMutableBufferPointer { pending in
                        positions.withUnsafeBufferPointer { positions in
                            active.withUnsafeMutableBufferPointer { active in
                                heap.withUnsafeMutableBufferPointer { heap in
                                    unreachedDegree = Self._searchAffected(
                                        count: affectedCount, processing: processing, topology: topology,
                                        latency: latency, entries: entries, positions: positions, seedOrder: seedOrder,
                                        pending: pending, active: active, heap: heap, loss: &loss, drawn: &drawn,
                                        arrival: arrival, sender: sender)
                                }
                            }
                        }
                    }
                }
            }
            if let seedOrder {
                seedOrder.withUnsafeBufferPointer { order in
                    search(seedOrder: UnsafeBufferPointer(rebasing: order[(origin * slots)..<((origin + 1) * slots)]))
                }
            } else {
                search(seedOrder: nil)
            }
        }
        // Every reached node sends to each peer: 2·links messages less the unreached nodes'.
        loss.loseAmong(2 * topology.linkCount - unreachedDegree - drawn)
    }

    /// The affected nodes' arrivals: seeded by their unaffected peers (through `seedOrder`,
    /// the origin's row of ``seedOrder``, when there is one), then Dijkstra's search over
    /// them alone, settling them in (time, node) order. Returns the summed degree of the
    /// affected nodes left unreached.
    @inline(__always)
    static func _searchAffected(
        count: Int, processing: Double, topology: Topology, latency: [Double], entries: UnsafeBufferPointer<Entry>,
        positions: UnsafeBufferPointer<Int32>, seedOrder: UnsafeBufferPointer<Int32>?,
        pending: UnsafeMutableBufferPointer<Bool>,
        active: UnsafeMutableBufferPointer<Int32>, heap: UnsafeMutableBufferPointer<GossipNetwork.Reach>,
        loss: inout MessageLoss, drawn: inout Int, arrival: UnsafeMutableBufferPointer<Double>,
        sender: UnsafeMutableBufferPointer<Int32>
    ) -> Int {
        let offsets = topology.offsets
        let neighbours = topology.neighbours
        let links = topology.links
        for index in 0..<count {
            let entry = entries[Int(positions[index])]
            let a = Int(entry.node)
            let predecessor = Int(entry.predecessor)
            active[index] = entry.node
            if let seedOrder {
                // The earliest message kept from an unaffected peer is the seed: the later
                // ones' fates change nothing (they are counted among the undrawn).
                for k in Int(offsets[a])..<Int(offsets[a + 1]) {
                    let slot = Int(seedOrder[k])
                    let w = Int(neighbours[slot])
                    guard !pending[w], w != predecessor else { continue }
                    drawn += 1
                    if loss.nextIsLost() { continue }
                    arrival[a] = arrival[w] + processing + latency[Int(links[slot])]
                    sender[a] = Int32(truncatingIfNeeded: w)
                    break
                }
                continue
            }
            for slot in Int(offsets[a])..<Int(offsets[a + 1]) {
                let w = Int(neighbours[slot])
                // The predecessor's message, if it was sent, was drawn above: lost.
                guard !pending[w], w != predecessor else { continue }
                drawn += 1
                if loss.nextIsLost() { continue }
                let candidate = arrival[w] + processing + latency[Int(links[slot])]
                if candidate < arrival[a] {
                    arrival[a] = candidate
                    sender[a] = Int32(truncatingIfNeeded: w)
                }
            }
        }
        /// Settles `v`, reached at `reached`: relaxes its messages to pending peers.
        @inline(__always)
        func settle(_ v: Int, reached: Double, push: (GossipNetwork.Reach) -> Void) {
            pending[v] = false
            let departs = reached + processing
            for slot in Int(offsets[v])..<Int(offsets[v + 1]) {
                let u = Int(neighbours[slot])
                guard pending[u] else { continue }
                drawn += 1
                if loss.nextIsLost() { continue }
                let candidate = departs + latency[Int(links[slot])]
                if candidate < arrival[u] {
                    arrival[u] = candidate
                    sender[u] = Int32(truncatingIfNeeded: v)
                    push(GossipNetwork.Reach(time: candidate, node: Int32(truncatingIfNeeded: u)))
                }
            }
        }
        var unreachedDegree = 0
        if count <= denseSearchLimit {
            // The earliest pending node by a scan of the frontier; settled ones leave it.
            var remaining = count
            while remaining > 0 {
                var best = 0
                var bestNode = active[0]
                var bestTime = arrival[Int(bestNode)]
                for index in 1..<remaining {
                    let node = active[index]
                    let t = arrival[Int(node)]
                    if t < bestTime || (t == bestTime && node < bestNode) {
                        best = index
                        bestNode = node
                        bestTime = t
                    }
                }
                guard bestTime < .infinity else { break }
                remaining -= 1
                active[best] = active[remaining]
                settle(Int(bestNode), reached: bestTime) { _ in }
            }
            for index in 0..<remaining {
                let a = Int(active[index])
                unreachedDegree += Int(offsets[a + 1] - offsets[a])
            }
        } else {
            var heapCount = 0
            for index in 0..<count where arrival[Int(active[index])] < .infinity {
                _push(GossipNetwork.Reach(time: arrival[Int(active[index])], node: active[index]), into: heap, count: &heapCount)
            }
            while heapCount > 0 {
                let reach = _popMin(from: heap, count: &heapCount)
                guard pending[Int(reach.node)] else { continue }
                settle(Int(reach.node), reached: reach.time) { _push($0, into: heap, count: &heapCount) }
            }
            for index in 0..<count where pending[Int(active[index])] {
                let a = Int(active[index])
                unreachedDegree += Int(offsets[a + 1] - offsets[a])
            }
        }
        return unreachedDegree
    }

    /// Adds `reach` to the binary min-heap in `heap[0..<count]`.
    ///
    /// - Complexity: O(log count).
    @inline(__always)
    static func _push(_ reach: GossipNetwork.Reach, into heap: UnsafeMutableBufferPointer<GossipNetwork.Reach>, count: inout Int) {
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard reach < heap[parent] else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = reach
    }

    /// Removes and returns the least entry of the binary min-heap in `heap[0..<count]` (not
    /// empty). The entries are distinct as (time, node), so the order taken out is the same as
    /// any other priority queue's.
    ///
    /// - Complexity: O(log count).
    @inline(__always)
    static func _popMin(from heap: UnsafeMutableBufferPointer<GossipNetwork.Reach>, count: inout Int) -> GossipNetwork.Reach {
        let top = heap[0]
        count -= 1
        guard count > 0 else { return top }
        let last = heap[count]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, heap[child + 1] < heap[child] { child += 1 }
            guard heap[child] < last else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}
