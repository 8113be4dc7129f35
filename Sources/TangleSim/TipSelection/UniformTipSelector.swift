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

    /// URTS with conflicts (the model's rule): keep the first pick, and draw again a pick
    /// that the ledger does not accept given the picks before it (at most
    /// ``maximumConsistencyRedraws`` times a pick; then fewer parents). `distinct` first
    /// draws k tips as ``selectParents(_:tangle:view:into:rng:)`` does — the rule's first
    /// attempt — and continues by single draws from the first pick not accepted; `collapse`
    /// makes its k draws one by one, a repeat becoming one edge.
    ///
    /// - Complexity: O(k²) draws and O(k) checks when every pick is accepted (the usual
    ///   case); each check is O(1) for a tip downstream of no live conflict.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let k = request.parents
        switch request.repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                var draws = 0
                while true {
                    let tip = view.randomTip(rng: rng)
                    if parents.contains(tip) { break }
                    if ledger.accepts(tip) {
                        ledger.didChoose(tip)
                        parents.append(tip)
                        break
                    }
                    draws += 1
                    if draws > maximumConsistencyRedraws {
                        ledger.countShort()
                        return
                    }
                    ledger.countRedraw()
                }
            }
        case .distinct:
            view.sampleUniformTips(k, repeatedPicks: .distinct, rng: rng, into: &parents)
            let target = parents.count
            var kept = 0
            while kept < parents.count, ledger.accepts(parents[kept]) {
                ledger.didChoose(parents[kept])
                kept += 1
            }
            guard kept < target else { return }
            parents.removeLast(parents.count - kept)
            var draws = 1  // the first attempt's pick, not accepted
            ledger.countRedraw()
            while parents.count < target {
                var tip = view.randomTip(rng: rng)
                while parents.contains(tip) { tip = view.randomTip(rng: rng) }
                if ledger.accepts(tip) {
                    ledger.didChoose(tip)
                    parents.append(tip)
                    draws = 0
                    continue
                }
                draws += 1
                if draws > maximumConsistencyRedraws {
                    ledger.countShort()
                    return
                }
                ledger.countRedraw()
            }
        }
    }
}
