/// An undirected, connected graph of gossip nodes in compressed sparse row form.
///
/// `neighbours[offsets[v]..<offsets[v + 1]]` are v's peers in increasing order; `links`
/// gives, for each of those entries, the index of the undirected link (so both directions
/// of a link share its latency).
public struct Topology: Sendable, Equatable {
    /// The number of nodes.
    public let nodes: Int
    /// Row offsets into ``neighbours``, `nodes + 1` of them.
    public let offsets: [Int32]
    /// Every node's peers, in increasing order.
    public let neighbours: [Int32]
    /// The undirected link of each entry of ``neighbours``.
    public let links: [Int32]
    /// The undirected links as (smaller, larger) node pairs, in a fixed order.
    public let linkEnds: [(Int32, Int32)]

    public static func == (a: Topology, b: Topology) -> Bool {
        a.nodes == b.nodes && a.offsets == b.offsets && a.neighbours == b.neighbours
    }

    /// Builds the graph from a list of links between distinct nodes.
    public init(nodes: Int, edges: [(Int, Int)]) {
        self.nodes = nodes
        var adjacency = Array(repeating: [(Int32, Int32)](), count: nodes)
        var ends: [(Int32, Int32)] = []
        for (a, b) in edges {
            let link = Int32(ends.count)
            ends.append((Int32(min(a, b)), Int32(max(a, b))))
            adjacency[a].append((Int32(b), link))
            adjacency[b].append((Int32(a), link))
        }
        var offsets: [Int32] = [0]
        var neighbours: [Int32] = []
        var links: [Int32] = []
        for var row in adjacency {
            row.sort { $0.0 < $1.0 }
            neighbours.append(contentsOf: row.map(\.0))
            links.append(contentsOf: row.map(\.1))
            offsets.append(Int32(neighbours.count))
        }
        self.offsets = offsets
        self.neighbours = neighbours
        self.links = links
        linkEnds = ends
    }

    /// The number of undirected links.
    public var linkCount: Int { linkEnds.count }

    /// v's peers.
    public func peers(of v: Int) -> ArraySlice<Int32> {
        neighbours[Int(offsets[v])..<Int(offsets[v + 1])]
    }

    /// Whether every node can reach every other.
    public var isConnected: Bool {
        Self.reachableCount(nodes: nodes, from: 0) { self.peers(of: $0) } == nodes
    }

    /// How many nodes a breadth-first search from `start` reaches.
    static func reachableCount(nodes: Int, from start: Int, peers: (Int) -> some Collection<Int32>) -> Int {
        guard nodes > 0 else { return 0 }
        var seen = [Bool](repeating: false, count: nodes)
        var queue = [start]
        seen[start] = true
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in peers(v) where !seen[Int(u)] {
                seen[Int(u)] = true
                queue.append(Int(u))
            }
        }
        return queue.count
    }

    /// Nil when the links join all `nodes` nodes into one network; otherwise a message saying
    /// which nodes cannot be reached from node 0.
    public static func disconnection(nodes: Int, edges: [[Int]]) -> String? {
        let topology = Topology(nodes: nodes, edges: edges.map { ($0[0], $0[1]) })
        var seen = [Bool](repeating: false, count: nodes)
        var queue = [0]
        seen[0] = true
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in topology.peers(of: v) where !seen[Int(u)] {
                seen[Int(u)] = true
                queue.append(Int(u))
            }
        }
        let unreached = (0..<nodes).filter { !seen[$0] }
        guard !unreached.isEmpty else { return nil }
        let listed = unreached.prefix(10).map(String.init).joined(separator: ", ") + (unreached.count > 10 ? ", ..." : "")
        return "the links do not connect the network: node 0 cannot reach \(unreached.count) node(s) (\(listed)); every node must be reachable"
    }

    /// Draws the topology `configuration` over `nodes` nodes from `rng`, drawing again (up to
    /// 100 times) until it is connected.
    ///
    /// - Throws: ``TopologyError`` when no connected graph was drawn.
    public static func generate(_ configuration: TopologyConfiguration, nodes: Int, rng: RandomStream) throws -> Topology {
        for _ in 0..<100 {
            let edges: [(Int, Int)]?
            switch configuration {
            case .fullMesh:
                edges = (0..<nodes).flatMap { a in ((a + 1)..<nodes).map { (a, $0) } }
            case .edges(let list):
                edges = list.map { ($0[0], $0[1]) }
            case .randomRegular(let degree):
                edges = randomRegular(nodes: nodes, degree: degree, rng: rng)
            case .wattsStrogatz(let degree, let rewire):
                edges = wattsStrogatz(nodes: nodes, degree: degree, rewire: rewire, rng: rng)
            case .barabasiAlbert(let attach):
                edges = barabasiAlbert(nodes: nodes, attach: attach, rng: rng)
            }
            if let edges {
                let topology = Topology(nodes: nodes, edges: edges)
                if topology.isConnected { return topology }
            }
            if case .fullMesh = configuration { break }
            if case .edges = configuration { break }
        }
        throw TopologyError(
            message: "could not draw a connected \(configuration.kindName) network of \(nodes) nodes in 100 attempts; use more links per node")
    }

    /// A uniformly random `degree`-regular simple graph by the Steger-Wormald pairing: join
    /// two random free stubs of different, unjoined nodes until none is left; start again
    /// (nil) at a dead end.
    static func randomRegular(nodes: Int, degree: Int, rng: RandomStream) -> [(Int, Int)]? {
        var stubs = (0..<nodes).flatMap { Array(repeating: $0, count: degree) }
        var joined = Set<Int>()
        var edges: [(Int, Int)] = []
        func key(_ a: Int, _ b: Int) -> Int { min(a, b) * nodes + max(a, b) }
        while !stubs.isEmpty {
            var placed = false
            for _ in 0..<(50 * stubs.count) {
                let i = rng.index(below: stubs.count), j = rng.index(below: stubs.count)
                let a = stubs[i], b = stubs[j]
                guard i != j, a != b, !joined.contains(key(a, b)) else { continue }
                joined.insert(key(a, b))
                edges.append((a, b))
                for index in [max(i, j), min(i, j)] { stubs.swapAt(index, stubs.count - 1); stubs.removeLast() }
                placed = true
                break
            }
            if !placed { return nil }
        }
        return edges
    }

    /// A Watts-Strogatz small world: a ring where each node links to its `degree / 2`
    /// following nodes, each link's far end moved with probability `rewire` to a uniformly
    /// random node it is not yet linked to.
    static func wattsStrogatz(nodes: Int, degree: Int, rewire: Double, rng: RandomStream) -> [(Int, Int)]? {
        var adjacent = Array(repeating: Set<Int>(), count: nodes)
        var edges: [(Int, Int)] = []
        for a in 0..<nodes {
            for step in 1...(degree / 2) {
                let b = (a + step) % nodes
                adjacent[a].insert(b)
                adjacent[b].insert(a)
                edges.append((a, b))
            }
        }
        for index in edges.indices where rng.uniform() < rewire {
            let (a, b) = edges[index]
            guard adjacent[a].count < nodes - 1 else { continue }
            var target = rng.index(below: nodes)
            while target == a || adjacent[a].contains(target) { target = rng.index(below: nodes) }
            adjacent[a].remove(b)
            adjacent[b].remove(a)
            adjacent[a].insert(target)
            adjacent[target].insert(a)
            edges[index] = (a, target)
        }
        return edges
    }

    /// Barabási-Albert preferential attachment: a complete graph on the first `attach + 1`
    /// nodes, then each new node links to `attach` distinct earlier nodes, each drawn with
    /// probability proportional to its degree.
    static func barabasiAlbert(nodes: Int, attach: Int, rng: RandomStream) -> [(Int, Int)]? {
        let seed = min(nodes, attach + 1)
        var edges = (0..<seed).flatMap { a in ((a + 1)..<seed).map { (a, $0) } }
        var endpoints = edges.flatMap { [$0.0, $0.1] }
        guard seed < nodes else { return edges }
        for v in seed..<nodes {
            var chosen: [Int] = []
            while chosen.count < attach {
                let target = endpoints[rng.index(below: endpoints.count)]
                if !chosen.contains(target) { chosen.append(target) }
            }
            for target in chosen {
                edges.append((target, v))
                endpoints.append(contentsOf: [target, v])
            }
        }
        return edges
    }
}

/// A topology that could not be built.
public struct TopologyError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
