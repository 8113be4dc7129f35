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
/// one draw per lost message, the same law as independent Bernoulli trials. Messages whose
/// fate changes no arrival are only counted, and their losses drawn in bulk
/// (``loseAmong(_:)``).
struct MessageLoss {
    /// The probability that a message is lost, in (0, 1].
    let probability: Double
    let _rng: RandomStream
    /// Messages still to be kept before the next lost one.
    var _untilLost: Int
    /// Messages lost so far in the run, less those among ``_undrawn`` (see ``total()``).
    var lost = 0
    /// Messages whose fate changes no arrival, their losses not drawn yet.
    var _undrawn = 0
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
        // Not negative (two non-positive factors): truncation is the floor.
        let kept = log(_rng.uniformPositive()) * _inverseLogKept
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

    /// Counts `messages` further messages whose fate changes no arrival among those lost
    /// with probability p. Nothing reads their fates but the run's count of lost messages,
    /// so they are pooled, and their losses drawn at once (``total()``): a sum of
    /// independent binomials with the same p is the binomial of the summed trials. A
    /// binomial draw (GSL's) for each transaction cost 2% of `gossip-100-nodes-loss-1m.json`.
    @inline(__always)
    mutating func loseAmong(_ messages: Int) {
        _undrawn += messages
        // GSL takes at most 2^32 − 1 trials at once.
        if _undrawn >= 1 << 31 { _drawUndrawn() }
    }

    mutating func _drawUndrawn() {
        guard _undrawn > 0 else { return }
        lost += Int(gsl_ran_binomial(_rng.gslGenerator, probability, UInt32(_undrawn)))
        _undrawn = 0
    }

    /// Messages lost so far in the run, the pooled ones drawn now.
    mutating func total() -> Int {
        _drawUndrawn()
        return lost
    }
}

extension GossipNetwork {
    /// Messages lost so far (0 without loss). Mutating: the losses pooled by
    /// ``MessageLoss/loseAmong(_:)`` are drawn when the count is read.
    public var messagesLost: Int {
        mutating get { _loss == nil ? 0 : _loss!.total() }
    }

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

    /// ``lossyArrivals(from:at:into:sender:)`` on fixed paths: the origin's lossless tree
    /// repaired where messages are lost (``ShortestPathTrees/repair(from:at:processing:topology:latency:loss:arrival:sender:)``).
    mutating func _repairedArrivals(
        from origin: Int, at time: Double, into arrival: UnsafeMutableBufferPointer<Double>,
        sender: UnsafeMutableBufferPointer<Int32>
    ) {
        guard case .constant(let processing) = configuration.processingDelay else {
            preconditionFailure("repaired trees need a constant processing delay")
        }
        // Both are mutated in place (taking them out of their optionals would copy them).
        _trees!.repair(
            from: origin, at: time, processing: processing, topology: topology, latency: linkLatency, loss: &_loss!,
            arrival: arrival, sender: sender)
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
