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

    /// Rejections in a row after which a pick is drawn from the ledger's classes (when it
    /// keeps them) instead of pick after pick: the rule's outcome has the same law either
    /// way, and while picks are rarely rejected plain draws are cheaper. Where the ledger
    /// keeps the global tip set by set and a parent chosen so far carries a conflict, the
    /// pick is resolved at once (``ConflictLedger/plainDrawsBeforeClasses(after:)``).
    public static let plainDrawsBeforeClasses = 3

    /// URTS with conflicts (the model's rule): keep the first pick, and draw again a pick
    /// that the ledger does not accept given the picks before it (at most
    /// ``maximumConsistencyRedraws`` times a pick; then fewer parents). `distinct` first
    /// draws k tips as ``selectParents(_:tangle:view:into:rng:)`` does — the rule's first
    /// attempt — and continues by single draws from the first pick not accepted; `collapse`
    /// makes its k draws one by one, a repeat becoming one edge.
    ///
    /// After ``plainDrawsBeforeClasses`` rejections in a row (or at once, see
    /// ``ConflictLedger/plainDrawsBeforeClasses(after:)``), where the ledger keeps classes
    /// (``ConflictLedger/samplesByClass``), the rest of the pick's draws are resolved at
    /// once: with q the share of the draws that would succeed (accepted tips not chosen yet,
    /// plus under `collapse` a repeat), the number of further rejections is geometric with
    /// parameter q — if it reaches the rule's limit the transaction approves fewer parents —
    /// and the success is uniform over those tips. That is the law of the draws it replaces.
    ///
    /// - Complexity: O(k²) draws and O(k) checks when every pick is accepted (the usual
    ///   case); each check is O(1) for a tip downstream of no live conflict. A pick resolved
    ///   from the classes costs O(k · the consistent classes) under the delay model, O(the
    ///   transactions of the consistent classes) under gossip.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let k = request.parents
        let classes = ledger.samplesByClass
        switch request.repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                var draws = 0
                let before = classes ? ledger.plainDrawsBeforeClasses(after: parents) : 0
                while true {
                    if classes, draws >= before {
                        guard Self._resolve(after: draws, repeats: true, view: view, ledger: &ledger, parents: &parents, rng: rng)
                        else { return }
                        break
                    }
                    let tip = view.randomTip(rng: rng)
                    if parents.contains(tip) { break }
                    let outcome = ledger.judge(tip, rejections: &draws, parents: &parents)
                    if outcome == .short { return }
                    if outcome == .chosen { break }
                }
            }
        case .distinct:
            // Where the classes keep the global tip set, one pick at a time, so that a pick
            // beside a parent carrying a conflict is resolved at once: the first attempt's k
            // tips, checked in order with those after a rejected one discarded unseen, have
            // the law of tips drawn one by one from those not chosen yet.
            let oneByOne = classes && ledger.tracksGlobalTips && view.tipCount > k
            var target = k
            var draws = 0
            if !oneByOne {
                view.sampleUniformTips(k, repeatedPicks: .distinct, rng: rng, into: &parents)
                target = parents.count
                var kept = 0
                while kept < parents.count, ledger.accepts(parents[kept]) {
                    ledger.didChoose(parents[kept])
                    kept += 1
                }
                guard kept < target else { return }
                while parents.count > kept { parents.removeLast() }
                draws = 1  // the first attempt's pick, not accepted
                ledger.countRedraw()
            }
            while parents.count < target {
                if classes, draws >= ledger.plainDrawsBeforeClasses(after: parents) {
                    guard Self._resolve(after: draws, repeats: false, view: view, ledger: &ledger, parents: &parents, rng: rng)
                    else { return }
                    draws = 0
                    continue
                }
                var tip = view.randomTip(rng: rng)
                while parents.contains(tip) { tip = view.randomTip(rng: rng) }
                switch ledger.judge(tip, rejections: &draws, parents: &parents) {
                case .chosen: draws = 0
                case .again: break
                case .short: return
                }
            }
        }
    }

    /// Resolves the rest of one pick's draws from the ledger's classes after `draws`
    /// rejections (each counted already): returns false when the pick reaches the rule's
    /// limit (counted short), true when it succeeded (its tip appended and chosen, or under
    /// `repeats` a repeat of a chosen parent, which adds nothing).
    static func _resolve<View: TangleView>(
        after draws: Int, repeats: Bool, view: View, ledger: inout ConflictLedger, parents: inout [Int32], rng: RandomStream
    ) -> Bool {
        let accepted: Int
        if ledger.tracksGlobalTips {
            precondition(view.tipCount == ledger.trackedTipCount, "the view is the global tip set")
            accepted = ledger.countConsistentTips(excluding: parents)
        } else {
            ledger.consistentTips(of: view, excluding: parents)
            accepted = ledger.candidates.count
        }
        // Each draw is uniform over all tips (collapse) or over the tips not chosen yet.
        let range = repeats ? view.tipCount : view.tipCount - parents.count
        let successes = accepted + (repeats ? parents.count : 0)
        // The pick is short at the rejection that makes `draws` exceed the limit.
        let allowed = maximumConsistencyRedraws + 1 - draws
        let rejections = ledger.failureLogarithms.failuresBeforeSuccess(successes: successes, trials: range, cap: allowed, rng: rng)
        for _ in 0..<Swift.min(rejections, allowed - 1) { ledger.countRedraw() }
        if rejections >= allowed {
            ledger.countShort()
            return false
        }
        let pick = rng.index(below: successes)
        if pick < accepted {
            let tip = ledger.tracksGlobalTips ? ledger.consistentTip(at: pick, excluding: parents) : ledger.candidates[pick]
            ledger.didChoose(tip)
            parents.append(tip)
        }
        return true
    }
}

extension UniformTipSelector {
    /// Only visible tips are chosen, and every one may be.
    public func earliestReachable(now: Double, tangle: Tangle) -> Int32? { nil }
}
