/// Uniform random tip selection (URTS): each parent is uniform over the visible tip set.
///
/// Popov, "The Tangle" (2018), section 3: with Poisson arrivals of rate lambda, a delay h and
/// k = 2, the number of tips settles at about 2·lambda·h.
///
/// - `distinct`: k different tips, uniform over all k-subsets (sequential sampling without
///   replacement: the j-th draw is uniform over the n - j tips not drawn yet), or every tip
///   when fewer than k are visible.
/// - `collapse`: k independent uniform draws; a repeated tip becomes one edge.
///
/// - Complexity: O(k^2) per transaction and k random draws, independent of the Tangle's size.
public struct UniformTipSelector: TipSelector {
    public init() {}

    @inlinable
    public mutating func selectParents(
        _ request: SelectionRequest, tangle: Tangle, visibleTips tips: TipSet, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let n = tips.count
        precondition(n > 0, "the visible tip set is never empty")
        let k = request.parents
        switch request.repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                let tip = tips[rng.index(below: n)]
                if !parents.contains(tip) { parents.append(tip) }
            }
        case .distinct:
            if k >= n {
                for position in 0..<n { parents.append(tips[position]) }
                return
            }
            if k == 2 {
                let first = rng.index(below: n)
                var second = rng.index(below: n - 1)
                if second >= first { second += 1 }
                parents.append(tips[first])
                parents.append(tips[second])
                return
            }
            Self.sampleWithoutReplacement(k, from: n, rng: rng) { parents.append(tips[$0]) }
        }
    }

    /// Draws `k` distinct positions from 0..<n (k <= 8), the j-th uniform over the n - j not
    /// drawn yet, and reports them in the order drawn.
    @inlinable
    static func sampleWithoutReplacement(_ k: Int, from n: Int, rng: RandomStream, _ body: (Int) -> Void) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { sorted in
            for j in 0..<k {
                // Map a uniform rank among the n - j free positions to the position itself by
                // stepping over the drawn ones, kept sorted.
                var position = rng.index(below: n - j)
                var insertAt = 0
                while insertAt < j, sorted[insertAt] <= position {
                    position += 1
                    insertAt += 1
                }
                var move = j
                while move > insertAt {
                    sorted[move] = sorted[move - 1]
                    move -= 1
                }
                sorted[insertAt] = position
                body(position)
            }
        }
    }
}
