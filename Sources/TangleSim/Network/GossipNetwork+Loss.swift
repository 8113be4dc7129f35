import CGSL
import Foundation
import HeapModule

/// Which gossip messages are lost: each independently with a fixed probability.
///
/// A *message* is one transaction sent over one directed link: a node that receives a
/// transaction by gossip for the first time sends it to every peer, so a transaction that
/// reaches every node by gossip costs Σ degree = 2·links messages. Requests and their
/// responses (``GossipNetworkModel``) are not gossip messages and are never lost.
///
/// Draws come from their own stream, ``StreamID/loss`` (20), so adding loss never shifts the
/// topology, latency or processing draws. Rather than a uniform per message, the stream gives
/// the number of messages kept before the next lost one (a geometric variate, by inversion):
/// one draw per lost message, the same law as independent Bernoulli trials.
struct MessageLoss {
    /// The probability that a message is lost, in (0, 1].
    let probability: Double
    let _rng: RandomStream
    /// Messages still to be kept before the next lost one.
    var _untilLost: Int
    /// Messages lost so far in the run.
    var lost = 0
    /// 1 / log(1 − p), for the geometric draws (−0 when p = 1: every message lost).
    let _inverseLogKept: Double

    init(probability: Double, rng: RandomStream) {
        self.probability = probability
        _rng = rng
        _inverseLogKept = 1 / log1p(-probability)
        _untilLost = 0
        _untilLost = _keptBeforeLoss()
    }

    /// Messages kept before the next lost one: a geometric variate by inversion, as
    /// ``RandomStream/failuresBeforeSuccess(_:cap:)`` with the logarithm of 1 − p kept.
    @inline(__always)
    func _keptBeforeLoss() -> Int {
        let kept = (log(_rng.uniformPositive()) * _inverseLogKept).rounded(.down)
        return kept >= 9.0e15 ? 9_000_000_000_000_000 : Int(kept)
    }

    /// Whether the next message is lost (counted in ``lost``).
    @inline(__always)
    mutating func nextIsLost() -> Bool {
        if _untilLost > 0 {
            _untilLost -= 1
            return false
        }
        lost += 1
        _untilLost = _keptBeforeLoss()
        return true
    }

    /// Counts the lost ones among `messages` further messages whose fate changes no
    /// arrival: one binomial draw (GSL's), the law of as many independent trials.
    mutating func loseAmong(_ messages: Int) {
        guard messages > 0 else { return }
        lost += Int(gsl_ran_binomial(_rng.gslGenerator, probability, UInt32(clamping: messages)))
    }
}

/// Every origin's lossless shortest-path tree: distances, the nodes in order of distance,
/// and each node's predecessor (the peer whose message reaches it first).
///
/// Rows are origins, N×N each: 16 bytes a pair (the distance table's 8, the order's and the
/// predecessors' 4 each). Ties go to the smaller node id, as in the search without loss.
struct ShortestPathTrees {
    let nodes: Int
    let distance: [Double]
    let order: [Int32]
    let predecessor: [Int32]

    /// Dijkstra from every node (a hop costs `processing` plus the link's latency).
    ///
    /// - Complexity: O(N·E log N).
    init(topology: Topology, latency: [Double], processing: Double) {
        let n = topology.nodes
        nodes = n
        var distance = [Double](repeating: .infinity, count: n * n)
        var order = [Int32](repeating: -1, count: n * n)
        var predecessor = [Int32](repeating: -1, count: n * n)
        for source in 0..<n {
            let row = source * n
            distance[row + source] = 0
            var heap = Heap<GossipNetwork.Reach>()
            heap.insert(GossipNetwork.Reach(time: 0, node: Int32(source)))
            var settled = [Bool](repeating: false, count: n)
            var position = 0
            while let reach = heap.popMin() {
                let (reached, v) = (reach.time, Int(reach.node))
                guard !settled[v] else { continue }
                settled[v] = true
                order[row + position] = Int32(v)
                position += 1
                for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                    let u = Int(topology.neighbours[entry])
                    let candidate = reached + processing + latency[Int(topology.links[entry])]
                    if !settled[u], candidate < distance[row + u] {
                        distance[row + u] = candidate
                        predecessor[row + u] = Int32(v)
                        heap.insert(GossipNetwork.Reach(time: candidate, node: Int32(u)))
                    }
                }
            }
        }
        self.distance = distance
        self.order = order
        self.predecessor = predecessor
    }
}

extension GossipNetwork {
    /// Messages lost so far (0 without loss).
    public var messagesLost: Int { _loss?.lost ?? 0 }

    /// Whether gossip messages can be lost.
    public var hasLoss: Bool { _loss != nil }

    /// Writes into `arrival` when a transaction issued at `time` on `origin` first reaches
    /// each node by gossip (infinity where every copy towards a node was lost), and into
    /// `sender` the peer that delivered that first copy (−1 for the origin and for nodes not
    /// reached).
    ///
    /// Dijkstra's search over the nodes the transaction reaches, in order of arrival: each
    /// node reached sends a message to every peer after its processing delay, and each
    /// message is lost (``MessageLoss``) before its latency is drawn. Ties go to the smaller
    /// node id, so draws are in a fixed order.
    ///
    /// On fixed paths (per-link latencies, constant processing, at most 4,096 nodes) the
    /// lossless tree of the origin is repaired instead (``_repairedArrivals``): the same law.
    ///
    /// With partitions or churn (and without loss) ``_faultyArrivals(from:at:into:sender:)``
    /// answers instead: after the last partition has healed, and without churn, loss alone
    /// takes the paths above.
    ///
    /// - Complexity: O(E log N), E the links, plus one draw per lost message.
    mutating func lossyArrivals(
        from origin: Int, at time: Double, into arrival: UnsafeMutableBufferPointer<Double>,
        sender: UnsafeMutableBufferPointer<Int32>
    ) {
        if _loss == nil || _churn != nil || time < (_partitions?.lastEnd ?? -.infinity) {
            return _faultyArrivals(from: origin, at: time, into: arrival, sender: sender)
        }
        if _trees != nil { return _repairedArrivals(from: origin, at: time, into: arrival, sender: sender) }
        _startSearch(from: origin, at: time, arrival: arrival, sender: sender)
        while let reach = _heap.popMin() {
            let (reached, v) = (reach.time, Int(reach.node))
            guard !_settled[v] else { continue }
            _settled[v] = true
            let departs = reached + configuration.processingDelay.sample(_processingRNG)
            for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                if _loss!.nextIsLost() { continue }
                let u = Int(topology.neighbours[entry])
                guard !_settled[u] else { continue }
                let candidate = departs + latency(link: Int(topology.links[entry]))
                if candidate < arrival[u] {
                    arrival[u] = candidate
                    sender[u] = Int32(v)
                    _heap.insert(Reach(time: candidate, node: Int32(u)))
                }
            }
        }
    }

    /// ``lossyArrivals(from:at:into:sender:)`` on fixed paths, revealing only the messages
    /// whose loss can change an arrival.
    ///
    /// A node keeps its lossless arrival when its lossless predecessor does and the
    /// predecessor's message to it is kept: that arrival is a lower bound and is attained.
    /// Going through the nodes in lossless order decides that for each (one draw per such
    /// message). The others — *affected* — get their arrivals from a Dijkstra over them alone,
    /// seeded by the messages of their unaffected peers and relaxed by each other's (each
    /// drawn once, when examined). The remaining messages (from affected nodes to unaffected
    /// ones, and to nodes already settled) change nothing: their losses are counted with one
    /// binomial draw. Each message is thus lost independently with probability p, as in the
    /// full search.
    ///
    /// - Complexity: O(N) plus O(degree · log) per affected node; about p · Σ depth nodes
    ///   are affected.
    mutating func _repairedArrivals(
        from origin: Int, at time: Double, into arrival: UnsafeMutableBufferPointer<Double>,
        sender: UnsafeMutableBufferPointer<Int32>
    ) {
        let n = nodes
        let row = origin * n
        var drawn = 0
        _affectedList.removeAll(keepingCapacity: true)
        arrival[origin] = time
        sender[origin] = -1
        _affected[origin] = false
        _trees!.order.withUnsafeBufferPointer { order in
            _trees!.predecessor.withUnsafeBufferPointer { predecessor in
                _trees!.distance.withUnsafeBufferPointer { distance in
                    for position in 1..<n {
                        let u = Int(order[row + position])
                        let w = Int(predecessor[row + u])
                        if _affected[w] {
                            _affected[u] = true
                        } else {
                            drawn += 1
                            _affected[u] = _loss!.nextIsLost()
                        }
                        if _affected[u] {
                            arrival[u] = .infinity
                            sender[u] = -1
                            _affectedList.append(Int32(u))
                        } else {
                            arrival[u] = time + distance[row + u]
                            sender[u] = Int32(w)
                        }
                    }
                }
            }
        }
        var unreachedDegree = 0
        if !_affectedList.isEmpty {
            guard case .constant(let processing) = configuration.processingDelay else {
                preconditionFailure("repaired trees need a constant processing delay")
            }
            _heap = Heap()
            for a in _affectedList {
                let a = Int(a)
                _settled[a] = false
                let predecessor = Int(_trees!.predecessor[row + a])
                for entry in Int(topology.offsets[a])..<Int(topology.offsets[a + 1]) {
                    let w = Int(topology.neighbours[entry])
                    // The predecessor's message, if it was sent, was drawn above: lost.
                    guard !_affected[w], w != predecessor else { continue }
                    drawn += 1
                    if _loss!.nextIsLost() { continue }
                    let candidate = arrival[w] + processing + linkLatency[Int(topology.links[entry])]
                    if candidate < arrival[a] {
                        arrival[a] = candidate
                        sender[a] = Int32(w)
                    }
                }
                if arrival[a] < .infinity { _heap.insert(Reach(time: arrival[a], node: Int32(a))) }
            }
            while let reach = _heap.popMin() {
                let (reached, v) = (reach.time, Int(reach.node))
                guard !_settled[v] else { continue }
                _settled[v] = true
                let departs = reached + processing
                for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                    let u = Int(topology.neighbours[entry])
                    guard _affected[u], !_settled[u] else { continue }
                    drawn += 1
                    if _loss!.nextIsLost() { continue }
                    let candidate = departs + linkLatency[Int(topology.links[entry])]
                    if candidate < arrival[u] {
                        arrival[u] = candidate
                        sender[u] = Int32(v)
                        _heap.insert(Reach(time: candidate, node: Int32(u)))
                    }
                }
            }
            for a in _affectedList where !_settled[Int(a)] {
                unreachedDegree += Int(topology.offsets[Int(a) + 1] - topology.offsets[Int(a)])
            }
        }
        // Every reached node sends to each peer: 2·links messages less the unreached nodes'.
        _loss!.loseAmong(2 * topology.linkCount - unreachedDegree - drawn)
    }

    /// The latency of one message over undirected link `link`: the link's own (per-link
    /// sampling) or a fresh draw from the links' stream (per-message sampling).
    func latency(link: Int) -> Double {
        linkLatency.isEmpty ? configuration.linkLatency.sample(_linkRNG) : linkLatency[link]
    }

    /// A processing delay drawn for one node's forwarding (or answering a request).
    func processingDelay() -> Double {
        configuration.processingDelay.sample(_processingRNG)
    }

    /// The undirected link joining `v` and its peer `u`.
    ///
    /// - Complexity: O(degree of v).
    func link(between v: Int, and u: Int) -> Int {
        for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) where Int(topology.neighbours[entry]) == u {
            return Int(topology.links[entry])
        }
        preconditionFailure("nodes \(v) and \(u) are not peers")
    }
}

extension GossipNetwork {
    /// Starts a broadcast's path search: every node unreached (no sender, not settled), the
    /// origin reached at `time` and alone in the search's heap.
    ///
    /// - Complexity: O(N).
    mutating func _startSearch(
        from origin: Int, at time: Double, arrival: UnsafeMutableBufferPointer<Double>, sender: UnsafeMutableBufferPointer<Int32>
    ) {
        for v in 0..<nodes {
            arrival[v] = .infinity
            sender[v] = -1
            _settled[v] = false
        }
        arrival[origin] = time
        _heap = Heap()
        _heap.insert(Reach(time: time, node: Int32(origin)))
    }
}
