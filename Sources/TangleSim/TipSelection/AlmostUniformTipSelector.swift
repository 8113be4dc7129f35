/// Almost-URTS (`{"strategy": "almostUniform", "maxDelay": C1, "nonLazyWindow": C2,
/// "maxDepth": M}`): each parent is a tip drawn with probability proportional to its weight
/// w(v), a count of its non-lazy approvals that is 0 for a tip failing a timestamp or
/// below-max-depth check.
///
/// Source: S. Popov, "(Almost) URTS on a subset", IOTA governance forum, 2020
/// (govern.iota.org/t/almost-urts-on-a-subset/234). With t(v) a transaction's timestamp and
/// r(v) the time the selecting node received it (solid), a tip v approving v_1...v_k weighs
/// - 0 when t(v) ∉ [r(v) − C1, r(v) + C1'] (its timestamp is too far in the past: it was
///   withheld, or travelled too long);
/// - 0 when max_i (r(v) − t(v_i)) > M ("below max depth": it approves something too old);
/// - otherwise k(v) = #{i : r(v) − r(v_i) ≤ C2}, its non-lazy approvals (parents that were
///   recent when v arrived).
///
/// In TangleSim a timestamp is the issue time and r(v) is when v became visible (the delay
/// model's one reception time), so no timestamp is ahead of its reception and C1' never
/// binds: it is not a key. An attacker's withheld transaction is received when released and
/// fails the timestamp check once withheld longer than C1. The issue text for this strategy
/// checks the timestamp against the selecting node's clock (now) rather than against r(v);
/// TangleSim follows the source. When no tip weighs anything the pick is uniform over the
/// tips (a *fallback*, counted in the manifest); under `distinct` a pick is weighted among
/// the tips not chosen yet.
///
/// Drawn exactly by rejection: a uniform tip is kept with probability w(v)/k_max (k_max the
/// Tangle's parent slots); after ``attemptsBeforeScan`` rejections the tips' weights are
/// listed and one drawn from them directly.
///
/// - Complexity: O(k) per tip weighed, an expected k_max/mean weight draws a pick while
///   most tips weigh something; O(tips) a pick otherwise.
public struct AlmostUniformTipSelector: TipSelector {
    /// C1: the longest a tip may have travelled (reception minus timestamp), in seconds.
    public let maxDelay: Double
    /// C2: a parent received at most this long before the tip counts as a non-lazy approval.
    public let nonLazyWindow: Double
    /// M: the oldest (reception of the tip minus the parent's timestamp) a parent may be.
    public let maxDepth: Double
    /// Picks that found no tip of positive weight and drew uniformly.
    public private(set) var fallbacks = 0
    /// Rejected draws after which the tips' weights are listed.
    public static let attemptsBeforeScan = 32

    @usableFromInline var _candidates: [Int32] = []
    @usableFromInline var _weights: [Int] = []

    public init(maxDelay: Double, nonLazyWindow: Double, maxDepth: Double) {
        precondition(maxDelay >= 0 && nonLazyWindow >= 0 && maxDepth >= 0, "the checks' limits are non-negative")
        self.maxDelay = maxDelay
        self.nonLazyWindow = nonLazyWindow
        self.maxDepth = maxDepth
    }

    /// w(v): v's non-lazy approvals, or 0 when v fails the timestamp or max-depth check.
    @inlinable
    public func weight(of v: Int32, in tangle: Tangle) -> Int {
        let received = tangle.visibleTime[Int(v)]
        guard received - tangle.issueTime[Int(v)] <= maxDelay else { return 0 }
        var approvals = 0
        var tooDeep = false
        tangle.forEachParent(of: v) { parent in
            if received - tangle.issueTime[Int(parent)] > maxDepth { tooDeep = true }
            if received - tangle.visibleTime[Int(parent)] <= nonLazyWindow { approvals += 1 }
        }
        return tooDeep ? 0 : approvals
    }

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        let distinct = request.repeatedPicks == .distinct
        for _ in 0..<request.parents {
            guard let tip = _draw(tangle: tangle, view: view, excluding: distinct ? parents : [], rng: rng) else { return }
            if !parents.contains(tip) { parents.append(tip) }
        }
    }

    /// The model's rule with conflicts, as for URTS: pick after pick, each drawn as without
    /// conflicts, drawn again while the ledger does not accept it — at most
    /// ``maximumConsistencyRedraws`` times, then fewer parents (counted short).
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let distinct = request.repeatedPicks == .distinct
        for _ in 0..<request.parents {
            var draws = 0
            while true {
                guard let tip = _draw(tangle: tangle, view: view, excluding: distinct ? parents : [], rng: rng) else { return }
                if parents.contains(tip) { break }
                let outcome = ledger.judge(tip, rejections: &draws, parents: &parents)
                if outcome == .short { return }
                if outcome == .chosen { break }
            }
        }
    }

    /// One tip of `view` not in `excluded`, with probability proportional to its weight —
    /// uniform when none of them weighs anything (a fallback) — or nil when every tip is
    /// excluded.
    @usableFromInline
    mutating func _draw<View: TangleView>(
        tangle: Tangle, view: View, excluding excluded: [Int32], rng: RandomStream
    ) -> Int32? {
        let most = Double(tangle.parentSlotsPerTransaction)
        for _ in 0..<Self.attemptsBeforeScan {
            let tip = view.randomTip(rng: rng)
            if excluded.contains(tip) { continue }
            if rng.uniform() * most < Double(weight(of: tip, in: tangle)) { return tip }
        }
        _candidates.removeAll(keepingCapacity: true)
        _weights.removeAll(keepingCapacity: true)
        var total = 0
        view.forEachTip { tip in
            guard !excluded.contains(tip) else { return }
            let w = weight(of: tip, in: tangle)
            _candidates.append(tip)
            _weights.append(w)
            total += w
        }
        guard !_candidates.isEmpty else { return nil }
        guard total > 0 else {
            fallbacks += 1
            return _candidates[rng.index(below: _candidates.count)]
        }
        var remaining = rng.index(below: total)
        for index in _candidates.indices {
            remaining -= _weights[index]
            if remaining < 0 { return _candidates[index] }
        }
        preconditionFailure("the draw is below the total weight")
    }

    public var selectionCounts: [(String, Int)] { [("fallbacks", fallbacks)] }
}
