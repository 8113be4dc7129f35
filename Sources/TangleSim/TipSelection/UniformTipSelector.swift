/// Uniform random tip selection (URTS): each parent is uniform over the tips the issuer sees.
///
/// Popov, "The Tangle" (2018), section 3: with Poisson arrivals of rate lambda, a delay h and
/// k = 2, the number of tips settles at about 2·lambda·h.
///
/// - `distinct`: k different tips, uniform over all k-subsets, or every tip when fewer than
///   k are visible.
/// - `collapse`: k independent uniform draws; a repeated tip becomes one edge.
///
/// The sampling itself belongs to the view (``TangleView/sampleUniformTips(_:repeatedPicks:rng:into:)``):
/// sequential sampling without replacement over the global tip set under the delay model,
/// rejection over a node's corrected tip set under gossip.
///
/// - Complexity: O(k²) per transaction and about k random draws, independent of the
///   Tangle's size.
public struct UniformTipSelector: TipSelector {
    public init() {}

    @inlinable
    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        view.sampleUniformTips(request.parents, repeatedPicks: request.repeatedPicks, rng: rng, into: &parents)
    }
}
