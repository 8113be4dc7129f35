import HeapModule

/// How a transaction spreads over a gossip network: when it arrives at each node.
///
/// Each node forwards a transaction to all its peers the first time it receives it, after
/// its processing delay; a message over a link takes the link's latency. So the arrival
/// time at node v is the issue time plus the length of the shortest path from the issuing
/// node to v, where a hop costs the forwarding node's processing delay plus the link's
/// latency, exactly what Dijkstra's algorithm computes.
///
/// - With per-link latencies and a constant processing delay those path lengths never
///   change: all of them are computed once (a Dijkstra from every node, O(N·E log N)) and a
///   transaction's N arrival times are table lookups, O(N). The table takes N²·8 bytes
///   (8 MB for 1,000 nodes); above 4,096 nodes it is not built.
/// - Otherwise (latency per message, random processing delays, very many nodes, or message
///   loss) every transaction runs its own Dijkstra, drawing each message's latency and each
///   node's processing delay as the search reaches them: O(E log N) per transaction. With
///   loss, ``lossyArrivals(from:at:into:sender:)`` also decides which messages are lost.
public struct GossipNetwork {
    public let configuration: GossipConfiguration
    public let topology: Topology
    /// Each undirected link's latency (per-link sampling), in seconds.
    public let linkLatency: [Double]
    /// Shortest-path lengths, row-major N×N, when they are fixed.
    @usableFromInline let _distances: [Double]?
    @usableFromInline let _linkRNG: RandomStream
    @usableFromInline let _processingRNG: RandomStream
    @usableFromInline var _heap = Heap<Reach>()
    @usableFromInline var _settled: [Bool]
    /// Message loss (``GossipConfiguration/loss`` above 0), else nil.
    var _loss: MessageLoss?
    /// With loss on fixed paths: each origin's lossless shortest-path tree, repaired per
    /// transaction where messages are lost (``lossyArrivals(from:at:into:sender:)``).
    var _trees: ShortestPathTrees?
    /// Partitions (``GossipConfiguration/partitions``), else nil.
    var _partitions: PartitionSchedule?
    /// Churn (``GossipConfiguration/churn``), else nil.
    var _churn: ChurnSchedule?

    /// Builds the network of `configuration`, drawing its topology and link latencies (and
    /// the sides of its partitions and its nodes' offline periods, if any).
    ///
    /// - Parameters:
    ///   - horizon: the run's duration, up to which churn is drawn (required with churn).
    ///   - alwaysOnline: nodes churn never takes offline (the coordinator's, the adversaries').
    /// - Throws: ``TopologyError`` when no connected random topology could be drawn.
    public init(
        _ configuration: GossipConfiguration, seed: UInt64, replication: Int, horizon: Double? = nil,
        alwaysOnline: [Int] = []
    ) throws {
        self.configuration = configuration
        let topologyRNG = RandomStream(seed: seed, replication: replication, stream: .topology)
        topology = try Topology.generate(configuration.topology, nodes: configuration.nodes, rng: topologyRNG)
        let linkRNG = RandomStream(seed: seed, replication: replication, stream: .links)
        _linkRNG = linkRNG
        _processingRNG = RandomStream(seed: seed, replication: replication, stream: .processing)
        let perLink = configuration.linkLatencySampling == .perLink
        let latencies = perLink ? (0..<topology.linkCount).map { _ in configuration.linkLatency.sample(linkRNG) } : []
        linkLatency = latencies
        _settled = [Bool](repeating: false, count: configuration.nodes)
        _loss =
            configuration.loss > 0
            ? MessageLoss(probability: configuration.loss, rng: RandomStream(seed: seed, replication: replication, stream: .loss))
            : nil
        if !configuration.partitions.isEmpty {
            _partitions = PartitionSchedule(
                configuration.partitions, nodes: configuration.nodes,
                rng: RandomStream(seed: seed, replication: replication, stream: .partitions))
        }
        if let churn = configuration.churn {
            guard let horizon else { preconditionFailure("churn needs the run's duration") }
            _churn = ChurnSchedule(
                churn, nodes: configuration.nodes, horizon: horizon, alwaysOnline: alwaysOnline,
                rng: RandomStream(seed: seed, replication: replication, stream: .churn))
        }
        if configuration.keepsShortestPathTable, case .constant(let processing) = configuration.processingDelay {
            _distances = Self.allPairs(topology: topology, latency: latencies, processing: processing)
        } else {
            _distances = nil
        }
        if configuration.repairsShortestPathTrees, case .constant(let processing) = configuration.processingDelay {
            _trees = ShortestPathTrees(topology: topology, latency: latencies, processing: processing)
        }
    }

    /// The number of nodes.
    @inlinable
    public var nodes: Int { configuration.nodes }

    /// Writes into `arrival` (N entries) the time at which a transaction issued at `time`
    /// on node `origin` reaches each node.
    public mutating func arrivals(from origin: Int, at time: Double, into arrival: UnsafeMutableBufferPointer<Double>) {
        let n = nodes
        if let distances = _distances {
            let row = origin * n
            for v in 0..<n { arrival[v] = time + distances[row + v] }
            return
        }
        for v in 0..<n {
            arrival[v] = .infinity
            _settled[v] = false
        }
        arrival[origin] = time
        _heap = Heap()
        _heap.insert(Reach(time: time, node: Int32(origin)))
        while let reach = _heap.popMin() {
            let (reached, v) = (reach.time, Int(reach.node))
            guard !_settled[v] else { continue }
            _settled[v] = true
            let departs = reached + configuration.processingDelay.sample(_processingRNG)
            for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                let u = Int(topology.neighbours[entry])
                let latency = linkLatency.isEmpty
                    ? configuration.linkLatency.sample(_linkRNG) : linkLatency[Int(topology.links[entry])]
                let candidate = departs + latency
                if !_settled[u], candidate < arrival[u] {
                    arrival[u] = candidate
                    _heap.insert(Reach(time: candidate, node: Int32(u)))
                }
            }
        }
    }

    /// Shortest-path lengths between every pair of nodes (a hop costs processing + latency).
    static func allPairs(topology: Topology, latency: [Double], processing: Double) -> [Double] {
        let n = topology.nodes
        var distances = [Double](repeating: .infinity, count: n * n)
        for source in 0..<n {
            let row = source * n
            distances[row + source] = 0
            var heap = Heap<Reach>()
            heap.insert(Reach(time: 0, node: Int32(source)))
            var settled = [Bool](repeating: false, count: n)
            while let reach = heap.popMin() {
                let (reached, v) = (reach.time, Int(reach.node))
                guard !settled[v] else { continue }
                settled[v] = true
                for entry in Int(topology.offsets[v])..<Int(topology.offsets[v + 1]) {
                    let u = Int(topology.neighbours[entry])
                    let candidate = reached + processing + latency[Int(topology.links[entry])]
                    if !settled[u], candidate < distances[row + u] {
                        distances[row + u] = candidate
                        heap.insert(Reach(time: candidate, node: Int32(u)))
                    }
                }
            }
        }
        return distances
    }

    /// A node reached at a time, ordered by (time, node): ties go to the smaller node id, so
    /// the order of draws (per-message latencies, processing delays) is deterministic.
    @usableFromInline
    struct Reach: Comparable {
        var time: Double
        var node: Int32

        @usableFromInline
        static func < (a: Reach, b: Reach) -> Bool {
            a.time < b.time || (a.time == b.time && a.node < b.node)
        }
    }
}
