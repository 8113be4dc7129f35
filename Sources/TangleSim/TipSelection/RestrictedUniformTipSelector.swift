/// Restricted uniform random tip selection (R-URTS): each parent is uniform over the tips the
/// issuer sees that were issued within the last `maxAge` seconds; when none is that young,
/// uniform over every tip it sees (a *fallback*, counted in the manifest).
///
/// Sources: IOTA 2.0's tip selection, "R-URTS" (restricted URTS: uniform among tips that
/// pass a time-since-issue check, so that old tips are not approved; the Coordicide
/// specifications), and res-sim-tangle's restricted uniform selection. The repeated-pick
/// rule is URTS's (``UniformTipSelector``): `distinct` gives min(k, young tips) different
/// young tips, every k-subset equally likely; `collapse` keeps the distinct results of k
/// independent uniform draws.
///
/// Drawn exactly by rejection: URTS's own draw is made, and kept when every tip in it is
/// young — conditioned on that, it is uniform over the young choices. After
/// ``attemptsBeforeScan`` rejected draws the young tips are listed and drawn from directly.
/// With `maxAge` longer than the run every draw is kept at once, so the choices — and the
/// random numbers used — are URTS's own, transaction for transaction.
///
/// - Complexity: O(k²) when young tips are most of the tips (the usual case: tips are the
///   newest transactions); O(tips) a selection when few are young.
public struct RestrictedUniformTipSelector: TipSelector {
    /// The oldest a tip may be, in seconds before the selection.
    public let maxAge: Double
    /// Selections that found no young tip and chose among every tip.
    public private(set) var fallbacks = 0
    /// Rejected draws after which the young tips are listed.
    public static let attemptsBeforeScan = 8

    @usableFromInline var _young: [Int32] = []

    public init(maxAge: Double) {
        precondition(maxAge > 0, "maxAge is a positive number of seconds")
        self.maxAge = maxAge
    }

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        let oldest = request.now - maxAge
        let issued = tangle.issueTime
        for _ in 0..<Self.attemptsBeforeScan {
            view.sampleUniformTips(request.parents, repeatedPicks: request.repeatedPicks, rng: rng, into: &parents)
            if parents.allSatisfy({ issued[Int($0)] >= oldest }) { return }
            parents.removeAll(keepingCapacity: true)
        }
        _young.removeAll(keepingCapacity: true)
        view.forEachTip { if issued[Int($0)] >= oldest { _young.append($0) } }
        guard !_young.isEmpty else {
            fallbacks += 1
            view.sampleUniformTips(request.parents, repeatedPicks: request.repeatedPicks, rng: rng, into: &parents)
            return
        }
        Self._sample(request.parents, from: &_young, repeatedPicks: request.repeatedPicks, rng: rng, into: &parents)
    }

    /// Draws from `candidates` as ``TipSet/sampleUniformTips(_:repeatedPicks:rng:into:)``
    /// draws from a tip set (`candidates` is reordered).
    @usableFromInline
    static func _sample(
        _ k: Int, from candidates: inout [Int32], repeatedPicks: RepeatedPicks, rng: RandomStream, into parents: inout [Int32]
    ) {
        let n = candidates.count
        switch repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                let tip = candidates[rng.index(below: n)]
                if !parents.contains(tip) { parents.append(tip) }
            }
        case .distinct:
            // A partial Fisher–Yates shuffle: the j-th pick uniform over those not picked.
            for j in 0..<Swift.min(k, n) {
                candidates.swapAt(j, j + rng.index(below: n - j))
                parents.append(candidates[j])
            }
        }
    }

    /// The model's rule with conflicts, as for URTS: pick after pick, each uniform over the
    /// young tips not chosen yet (under `distinct`; every young tip under `collapse`, where a
    /// repeat becomes one edge) or over every such tip when none is young, drawn again while
    /// the ledger does not accept it — at most ``maximumConsistencyRedraws`` times, then
    /// fewer parents (counted short). A `distinct` choice that runs out of young tips ends
    /// with fewer parents, as URTS does with fewer tips than k.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let distinct = request.repeatedPicks == .distinct
        var fellBack = false
        defer { if fellBack { fallbacks += 1 } }
        for _ in 0..<request.parents {
            var draws = 0
            while true {
                guard
                    let tip = _draw(
                        now: request.now, tangle: tangle, view: view, excluding: distinct ? parents : [], rng: rng,
                        fellBack: &fellBack)
                else { return }
                if parents.contains(tip) { break }
                let outcome = ledger.judge(tip, rejections: &draws, parents: &parents)
                if outcome == .short { return }
                if outcome == .chosen { break }
            }
        }
    }

    /// One tip uniform over the young tips of `view` not in `excluded` — over every tip not
    /// in `excluded` when `view` has no young tip (`fellBack` set) — or nil when there is
    /// none. By rejection, then (after 32 rejections) by listing the candidates.
    @usableFromInline
    mutating func _draw<View: TangleView>(
        now: Double, tangle: Tangle, view: View, excluding excluded: [Int32], rng: RandomStream, fellBack: inout Bool
    ) -> Int32? {
        let oldest = now - maxAge
        let issued = tangle.issueTime
        for _ in 0..<32 {
            let tip = view.randomTip(rng: rng)
            if issued[Int(tip)] >= oldest, !excluded.contains(tip) { return tip }
        }
        _young.removeAll(keepingCapacity: true)
        var anyYoung = false
        view.forEachTip { tip in
            guard issued[Int(tip)] >= oldest else { return }
            anyYoung = true
            if !excluded.contains(tip) { _young.append(tip) }
        }
        if !anyYoung {
            fellBack = true
            view.forEachTip { tip in if !excluded.contains(tip) { _young.append(tip) } }
        }
        return _young.isEmpty ? nil : _young[rng.index(below: _young.count)]
    }

    public var selectionCounts: [(String, Int)] { [("fallbacks", fallbacks)] }
}
