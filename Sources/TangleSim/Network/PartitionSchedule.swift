/// One network partition of a gossip scenario (`network.partitions[i]`): during
/// [`start`, `end`) the nodes form two sides that cannot reach each other.
public struct GossipPartition: Sendable, Equatable {
    /// When the split begins (seconds, ≥ 0).
    public var start: Double
    /// When it heals (seconds, > `start`): from then on messages cross again.
    public var end: Double
    /// The share of nodes on the first side, in (0, 1) (see ``PartitionSchedule`` for which).
    public var split: Double

    public init(start: Double, end: Double, split: Double) {
        self.start = start
        self.end = end
        self.split = split
    }
}

/// When the gossip network is split, and who is on which side.
///
/// **Sides.** For partition i (in the scenario's order) a uniformly random permutation of the
/// nodes is drawn (Fisher–Yates) from the stream ``StreamID/partitions`` (21); the first
/// ⌈split·N⌉ nodes of it (at most N − 1) form the *first side*, the rest the second. The
/// draws depend on nothing but the seed, the replication, N and the splits, so the sides do
/// not depend on the traffic.
///
/// **Messages.** A gossip message between nodes on different sides that leaves its sender
/// during [start, end) never arrives (it is neither delivered later nor counted in
/// `messages_lost`, which counts random loss alone). A message that left before `start`
/// arrives. Requests and their answers are not lost: one across the cut waits for the end of
/// the partition (``deliveryTime(from:to:departing:)``).
///
/// Memory: N bytes per partition. Complexity: O(partitions) per query (they are few).
struct PartitionSchedule {
    let nodes: Int
    /// Each partition's start and end, in increasing order, not overlapping.
    let starts: [Double]
    let ends: [Double]
    /// `firstSide[i * nodes + v]`: whether node v is on the first side of partition i.
    let firstSide: [Bool]

    /// Draws the sides of every partition of `partitions`.
    ///
    /// - Precondition: `nodes` ≥ 2; each split in (0, 1).
    init(_ partitions: [GossipPartition], nodes: Int, rng: RandomStream) {
        precondition(nodes >= 2, "a partition needs two sides")
        self.nodes = nodes
        starts = partitions.map(\.start)
        ends = partitions.map(\.end)
        var firstSide = [Bool](repeating: false, count: partitions.count * nodes)
        var permutation = Array(0..<nodes)
        for (i, partition) in partitions.enumerated() {
            for index in 0..<nodes { permutation[index] = index }
            for index in stride(from: nodes - 1, to: 0, by: -1) {
                permutation.swapAt(index, rng.index(below: index + 1))
            }
            for v in permutation.prefix(Self.firstSideCount(split: partition.split, nodes: nodes)) {
                firstSide[i * nodes + v] = true
            }
        }
        self.firstSide = firstSide
    }

    /// ⌈split·N⌉, at most N − 1 (so that each side has a node).
    static func firstSideCount(split: Double, nodes: Int) -> Int {
        Swift.min(Swift.max(Int((split * Double(nodes)).rounded(.up)), 1), nodes - 1)
    }

    /// When the last partition heals: messages sent from then on are never blocked.
    var lastEnd: Double { ends.last ?? -.infinity }

    /// The partition in effect at `time`, or nil.
    func partition(at time: Double) -> Int? {
        for i in starts.indices where starts[i] <= time && time < ends[i] { return i }
        return nil
    }

    /// Whether `v` is on the first side of partition `i`.
    func isOnFirstSide(_ v: Int, partition i: Int) -> Bool {
        firstSide[i * nodes + v]
    }

    /// Whether a message from `v` to `u` leaving at `time` is blocked by a partition.
    func blocks(from v: Int, to u: Int, departing time: Double) -> Bool {
        guard let i = partition(at: time) else { return false }
        return firstSide[i * nodes + v] != firstSide[i * nodes + u]
    }

    /// When a request or answer from `v` to `u` ready at `time` can leave: `time`, or the end
    /// of the partitions (back to back) that separate them then.
    func deliveryTime(from v: Int, to u: Int, departing time: Double) -> Double {
        var time = time
        while blocks(from: v, to: u, departing: time) { time = ends[partition(at: time)!] }
        return time
    }
}
