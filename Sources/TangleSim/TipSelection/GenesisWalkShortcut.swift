import Foundation

/// Walks from the genesis that skip the closed past: the walk's entry into the region still
/// in motion is drawn from a distribution kept up to date, then the walk steps as usual.
///
/// **Closed transactions.** Transactions are *finalized* in id order (ids are topological):
/// u (all of whose parents are finalized, so that its visit probability v(u) is known) is
/// finalized when it is visible, all its approvers are visible (none in flight), it is not the
/// latest milestone's approver-to-be (a milestone waits for the next milestone to approve it),
/// and each approver y is either
/// - *kept*: y is an ancestor of (or is) every in-flight transaction (issued, not yet visible
///   everywhere, withheld ones included) and every live visible tip; or
/// - *dropped*: v(u)·exp(−alpha·(H(y0) − H(y))) ≤ δ_j, with y0 the heaviest approver (which
///   must be kept) and j the number of drops made before (δ_j = 1e-9·6/(π²(j+1)²), so
///   Σ_j δ_j = 1e-9).
/// Then P(u→y) = exp(alpha·(H(y) − H(y0))) / Σ_kept exp(alpha·(H(y') − H(y0))) over the kept
/// approvers, and v(u)·P(u→y) is added to v(y). A transaction with v(u) = 0 (reachable only
/// through dropped edges) is finalized at once. The walk's entry is a non-finalized y with
/// v(y) > 0, drawn with probability v(y) (one uniform draw of the tip-selection stream, none
/// when there is a single entry); from there it steps as ``MCMCTipSelector/step(from:tangle:view:rng:filter:)``.
///
/// **Why the kept transitions never change.** *Live* tips are the visible tips not pruned
/// (a tip without approvers is pruned, for speed only, once every path to it passes a
/// dropped edge or an edge much lighter than a sibling: ``_isLeftBehind(_:weights:tangle:)``). The shortcut checks every issued
/// transaction z: z must approve an in-flight transaction or a live tip, and must not approve
/// a finalized transaction with v > 0. When that holds, z descends from every kept
/// transaction (kept ones are ancestors of every in-flight transaction and live tip, and z
/// inherits that through its parent), so every transaction that becomes visible from then on
/// adds exactly 1 to the weight of every kept transaction: differences between kept weights,
/// hence the kept transition probabilities, are fixed, and the approver sets of finalized
/// transactions cannot change. Under a gossip view, an observer sees |S| in-flight
/// transactions more, all descendants of every kept transaction: each kept weight grows by
/// |S| and the differences stay. When the check fails (lazy devices approving old
/// transactions, an adversary's chain, `tipInflation`, a walk that ended on a pruned tip),
/// the shortcut starts again from the genesis (``resets``), and after ``maximumResets`` it
/// switches itself off: every later walk steps from the genesis, exactly as without it.
///
/// **Bound for dropped edges (total variation ≤ 1e-9 per walk).** Let the true walk and the
/// shortcut's walk (whose kept transitions are renormalised without the dropped approvers)
/// be coupled step by step; they differ only if the true walk takes a dropped edge (u_j, x_j).
/// (1) Kept transitions of the true walk are at most the renormalised ones, so the true
/// probability of reaching u_j through finalized transactions without a dropped edge is at
/// most v(u_j). (2) The true P_t(u_j→x_j) ≤ exp(−alpha·(H_t(y0) − H_t(x_j))) (the
/// denominator is at least y0's own term, 1), and H_t(y0) − H_t(x_j) never decreases: y0 is
/// kept, so it gains 1 for every transaction that becomes visible, and x_j gains at most 1
/// (likewise under a gossip view). So the probability that the true walk ever takes dropped
/// edge j is at most v(u_j)·exp(−alpha·(H(y0) − H(x_j))) at the time of the drop ≤ δ_j, and
/// the total-variation distance between the two walks' paths (hence ends) is at most
/// Σ_j δ_j ≤ 1e-9. Floating-point rounding of the masses (relative 1e-16 per addition) is
/// not counted in the bound.
///
/// **Weights.** Each finalized transaction with mass, and at each finalization attempt every
/// kept visible transaction not finalized yet, is settled in the weight tracker
/// (``CumulativeWeights/settle(_:)``): by the check above every later visible transaction
/// descends from it, so its weight is G minus a fixed offset; a reset unsettles them all
/// before the offending transaction becomes visible. Nothing below f is settled after f
/// passes it (``CumulativeWeights/settledStatusIsFinal(below:)``).
///
/// **Where it is not used.** Walks with an ``ApproverFilter`` other than ``AllApprovers``
/// (conflicts: the filter changes transitions at closed transactions), alpha = 0 or infinity,
/// E-IOTA's mixtures, and the walk analysis (`metrics.walkAnalysis`) step from the genesis.
///
/// - Complexity: finalization is attempted every ``attemptEvery`` issued transactions, at the
///   next walk: O(|in-flight + live tips| · (n − f)/64) word operations for the common
///   ancestors (f: the first non-finalized id), plus O(k + approvers) per finalized
///   transaction. A walk costs O(log entries) for the draw plus its steps from the entry, about
///   as many as a walk started alpha·ΔH ≈ 30–45 seconds of weight ago. Memory: 16 bytes per
///   transaction (mass and expected depth) plus one bit (pruned).
public struct GenesisWalkShortcut: Sendable {
    /// The walk's bias (finite, positive).
    public let alpha: Double
    /// Resets (a check failed) so far.
    public private(set) var resets = 0
    /// Whether the shortcut has switched itself off after ``maximumResets`` resets.
    public private(set) var isOff = false
    /// Edges dropped so far (j of the next drop's δ_j).
    public private(set) var drops = 0
    /// Wall time spent in finalization attempts made for walks, every one timed, in seconds.
    public private(set) var finalizationSeconds = 0.0
    /// f: transactions below this id are finalized.
    public private(set) var finalized: Int32 = 0

    /// Resets after which the shortcut switches itself off.
    public static let maximumResets = 4
    /// Issued transactions between two finalization attempts. An attempt intersects the past
    /// cones of a few hundred members over the thousands of ids above f (O(members·lag/64)
    /// words): every 32 issues that was 8% of `mcmc-genesis-100k.json`, every 128 it is 2%,
    /// while the frontier lags 48 transactions more on average (of about 6,000).
    public static let attemptEvery = 128
    /// A tip without approvers whose parent has a visible approver heavier by at least
    /// pruneExponent/alpha is no longer live (for speed only; correctness never depends on it).
    public let pruneExponent: Double

    /// The pruning exponent for transactions that take `walksPerTransaction` parents from
    /// walks of this law: 30 for one, 15 for two or more.
    ///
    /// Pruning costs nothing in exactness, only a reset when an issued transaction approves
    /// no live tip, that is when every one of its walks ended on a pruned tip: each does so
    /// with probability at most about c·e^−P, c the improbable edges into pruned tips that
    /// still carry mass (tens). With one walk, e^−30 ≈ 1e-13 keeps that about 1e-11 per
    /// transaction; with k walks it is about (c·e^−P)^k, so P = 15 gives (c·3e-7)² ≈ 1e-11 at
    /// k = 2 and less beyond, while a tip is pruned after 15/alpha transactions instead of
    /// 30/alpha (the kept frontier, and so every walk from it, lags the oldest live tip):
    /// about a sixth of `mcmc-genesis-100k.json`'s time. Measured: no walk of
    /// `mcmc-genesis-1m.json`'s two million ended on a pruned tip.
    public static func pruneExponent(walksPerTransaction: Int) -> Double {
        walksPerTransaction >= 2 ? 15 : 30
    }
    /// The most transactions the search for a left-behind tip visits.
    public static let pruneSearchLimit = 256
    /// The total-variation budget of all drops: Σ_j δ_j.
    public static let totalVariationBound = 1e-9

    /// v(x): the probability that the renormalised walk visits x, for finalized x and for
    /// entries; the mass received so far from finalized parents otherwise.
    @usableFromInline var _mass: ContiguousArray<Double> = [1]
    /// Σ over the paths into x of probability · length: the expected steps to x times v(x).
    @usableFromInline var _depth: ContiguousArray<Double> = [0]
    /// v(x) as the shortcut holds it (see ``GenesisWalkShortcut``).
    public func mass(of x: Int32) -> Double { _mass[Int(x)] }

    /// The expected steps from the genesis to `x` given that the walk reaches it.
    public func expectedSteps(to x: Int32) -> Double { _depth[Int(x)] / _mass[Int(x)] }

    /// The possible entries (non-finalized transactions with mass), in the order draws scan them.
    public var entries: ContiguousArray<Int32> { _entries }

    /// Non-finalized transactions with mass (and possibly some finalized ones, pruned lazily).
    @usableFromInline var _entries: ContiguousArray<Int32> = [0]
    /// Running sums of the entries' masses, in their order (empty: to be rebuilt).
    @usableFromInline var _cumulative: ContiguousArray<Double> = []
    @usableFromInline var _inFlight = TipSet()
    @usableFromInline var _tips = TipSet()
    @usableFromInline var _pruned: ContiguousArray<UInt64> = [0]
    @usableFromInline var _sinceAttempt = GenesisWalkShortcut.attemptEvery
    @usableFromInline var _members: ContiguousArray<Int32> = []
    @usableFromInline var _common: ContiguousArray<UInt64> = []
    @usableFromInline var _approvers: [Int32] = []
    @usableFromInline var _stack: [Int32] = []
    @usableFromInline var _searched: Set<Int32> = []
    /// G_x: how many transactions were visible when x became visible (0 until then).
    @usableFromInline var _visibleAt: ContiguousArray<Int32> = [0]
    /// G: how many transactions have become visible (the genesis included).
    @usableFromInline var _visibleCount: Int32 = 1
    @usableFromInline var _terms: [Double] = []

    /// The shortcut for walks of bias `alpha` (finite, positive), `walksPerTransaction` of
    /// which choose each transaction's parents (see ``pruneExponent(walksPerTransaction:)``).
    public init(alpha: Double, walksPerTransaction: Int = 1) {
        precondition(alpha > 0 && alpha.isFinite, "the shortcut needs a finite positive alpha")
        self.alpha = alpha
        pruneExponent = Self.pruneExponent(walksPerTransaction: walksPerTransaction)
        _tips.insert(0)
    }

    /// δ_j: how much total variation the j-th drop may add.
    @inlinable
    public static func dropBound(_ j: Int) -> Double {
        let n = Double(j + 1)
        return totalVariationBound * 6 / (Double.pi * Double.pi * n * n)
    }

    /// Whether `x` is pruned (no longer a live tip).
    @inlinable
    func _isPruned(_ x: Int32) -> Bool {
        let word = Int(x) >> 6
        return word < _pruned.count && _pruned[word] & (1 << UInt64(Int(x) & 63)) != 0
    }

    mutating func _prune(_ x: Int32) {
        let word = Int(x) >> 6
        while word >= _pruned.count { _pruned.append(0) }
        _pruned[word] |= 1 << UInt64(Int(x) & 63)
    }

    /// Checks `x` (just appended) against the invariant and records it in flight; returns
    /// whether the shortcut was reset (then the caller calls the weights'
    /// ``CumulativeWeights/unsettleAll()`` before `x` becomes visible).
    ///
    /// - Complexity: O(k).
    @discardableResult
    public mutating func didIssue(_ x: Int32, in tangle: Tangle) -> Bool {
        guard !isOff else { return false }
        precondition(Int(x) == _mass.count, "transactions are reported in issue order")
        _mass.append(0)
        _depth.append(0)
        _visibleAt.append(0)
        var descends = false
        var approvesClosed = false
        tangle.forEachParent(of: x) { parent in
            if _inFlight.contains(parent) || (_tips.contains(parent) && !_isPruned(parent)) { descends = true }
            if parent < finalized, _mass[Int(parent)] > 0 { approvesClosed = true }
        }
        _inFlight.insert(x)
        _sinceAttempt += 1
        guard !descends || approvesClosed else { return false }
        _reset()
        return true
    }

    /// Moves `x` from in flight to the visible tips (unless an approver is visible already);
    /// its parents leave the tips.
    ///
    /// - Complexity: O(k + approvers of x).
    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        guard !isOff else { return }
        _inFlight.remove(x)
        // Under gossip an approver can become visible everywhere before x does: then x is no
        // tip (kept as one, never pruned, it held every kept set to its cone for good).
        var approved = false
        tangle.forEachApprover(of: x) { if _visibleAt[Int($0)] > 0 { approved = true } }
        if !approved { _tips.insert(x) }
        _visibleCount += 1
        _visibleAt[Int(x)] = _visibleCount
        tangle.forEachParent(of: x) { _tips.remove($0) }
    }

    /// Forgets every finalized transaction (a check failed); off after ``maximumResets``.
    mutating func _reset() {
        resets += 1
        if resets > Self.maximumResets {
            isOff = true
            _mass = []
            _depth = []
            _entries = []
            _inFlight = TipSet()
            _tips = TipSet()
            _pruned = []
            _visibleAt = []
            return
        }
        finalized = 0
        for index in _mass.indices {
            _mass[index] = 0
            _depth[index] = 0
        }
        _mass[0] = 1
        _entries = [0]
        _cumulative.removeAll()
        _sinceAttempt = Self.attemptEvery
    }

    /// The walk's entry into the non-finalized region, drawn by its visit probability, and
    /// the expected number of steps the walk made to reach it; finalizes first when due.
    ///
    /// - Complexity: O(log entries), plus a finalization attempt every ``attemptEvery`` issues
    ///   (and O(entries) after one).
    public mutating func entry<Weights: CumulativeWeights>(
        weights: inout Weights, tangle: Tangle, rng: RandomStream
    ) -> (entry: Int32, expectedSteps: Double) {
        if _sinceAttempt >= Self.attemptEvery {
            _sinceAttempt = 0
            let began = _monotonicSeconds()
            finalize(weights: &weights, tangle: tangle)
            finalizationSeconds += _monotonicSeconds() - began
            if isOff { return (0, 0) }
        }
        guard !_entries.isEmpty else { return (0, 0) }  // not reached: finalized mass flows on
        if _entries.count == 1 {
            let only = _entries[0]
            return (only, _depth[Int(only)] / _mass[Int(only)])
        }
        // Masses change only when finalizing: the running sums are rebuilt after it, and a
        // draw is a binary search (a linear scan of the few hundred entries was 7% of a run).
        if _cumulative.isEmpty {
            var total = 0.0
            for entry in _entries {
                total += _mass[Int(entry)]
                _cumulative.append(total)
            }
        }
        let drawn = rng.uniform() * _cumulative[_cumulative.count - 1]
        // The first entry whose running sum exceeds the draw (the last if rounding put the
        // draw at the total).
        var low = 0
        var high = _cumulative.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if _cumulative[middle] > drawn { high = middle } else { low = middle + 1 }
        }
        let entry = _entries[low]
        return (entry, _depth[Int(entry)] / _mass[Int(entry)])
    }

    /// Prunes dead tips, computes the common ancestors of the in-flight transactions and live
    /// tips above f, and finalizes transactions in id order while the rule allows (what a
    /// walk does every ``attemptEvery`` issues; public for tests).
    public mutating func finalize<Weights: CumulativeWeights>(weights: inout Weights, tangle: Tangle) {
        _cumulative.removeAll(keepingCapacity: true)
        // Prune tips left behind, and gather the members every kept approver must precede.
        _members.removeAll(keepingCapacity: true)
        for position in 0..<_inFlight.count { _members.append(_inFlight[position]) }
        for position in 0..<_tips.count {
            let tip = _tips[position]
            if _isPruned(tip) { continue }
            // Only a tip visible for pruneExponent/alpha transactions can be that far behind.
            if !tangle.isApproved(tip), alpha * Double(_visibleCount - _visibleAt[Int(tip)]) >= pruneExponent,
                _isLeftBehind(tip, weights: weights, tangle: tangle)
            {
                _prune(tip)
                continue
            }
            _members.append(tip)
        }
        let count = tangle.count
        let base = Int(finalized) >> 6
        let words = ((count - 1) >> 6) - base + 1
        _common.removeAll(keepingCapacity: true)
        _common.append(contentsOf: repeatElement(~0, count: words))
        guard weights.intersectPastCones(of: _members, fromWord: base, into: &_common, in: tangle) else {
            resets = Self.maximumResets
            _reset()
            weights.unsettleAll()
            return
        }
        func kept(_ y: Int32) -> Bool {
            let bit = Int(y) - base * 64
            return _common[bit >> 6] & (1 << UInt64(bit & 63)) != 0
        }
        while Int(finalized) < count {
            let u = finalized
            let mass = _mass[Int(u)]
            if mass > 0 {
                guard weights.visible.contains(u), tangle.isApproved(u) else { break }
                _approvers.removeAll(keepingCapacity: true)
                var ready = true
                var milestoneApproved = false
                tangle.forEachApprover(of: u) { y in
                    if !weights.visible.contains(y) { ready = false }
                    if tangle.isMilestone(y) { milestoneApproved = true }
                    _approvers.append(y)
                }
                guard ready, !tangle.isMilestone(u) || milestoneApproved else { break }
                var heaviest = Int.min
                var heaviestIndex = 0
                _terms.removeAll(keepingCapacity: true)
                for (index, y) in _approvers.enumerated() {
                    let weight = weights.weight(of: y)
                    _terms.append(Double(weight))
                    if weight > heaviest {
                        heaviest = weight
                        heaviestIndex = index
                    }
                }
                guard kept(_approvers[heaviestIndex]) else { break }
                var dropsHere = 0
                var total = 0.0
                for index in _terms.indices {
                    let term = Foundation.exp(alpha * (_terms[index] - Double(heaviest)))
                    if kept(_approvers[index]) {
                        _terms[index] = term
                        total += term
                    } else if mass * term <= Self.dropBound(drops + dropsHere) {
                        _terms[index] = 0
                        dropsHere += 1
                    } else {
                        ready = false
                        break
                    }
                }
                guard ready else { break }
                drops += dropsHere
                // u precedes every later visible transaction (it was kept, or is the genesis).
                weights.settle(u)
                let depth = _depth[Int(u)]
                for index in _approvers.indices where _terms[index] > 0 {
                    let y = Int(_approvers[index])
                    let p = _terms[index] / total
                    if _mass[y] == 0 { _entries.append(_approvers[index]) }
                    _mass[y] += mass * p
                    _depth[y] += p * (depth + mass)
                }
            }
            finalized += 1
        }
        let f = finalized
        _entries.removeAll { $0 < f }
        // Kept visible transactions not finalized yet precede every later visible one too.
        if Int(f) < count {
            let visible = weights.visible
            for index in (Int(f) - base * 64) >> 6..<_common.count {
                var word = _common[index]
                while word != 0 {
                    let y = Int32(truncatingIfNeeded: (base + index) << 6 | word.trailingZeroBitCount)
                    if y >= f, visible.contains(y) { weights.settle(y) }
                    word &= word &- 1
                }
            }
        }
        weights.settledStatusIsFinal(below: f)
    }

    /// Whether tip `x` is left behind: every path to it from the genesis passes a dropped
    /// edge, or an edge p→z such that p has a visible approver heavier than z by at least
    /// ``pruneExponent``/alpha (a search down from `x` over transactions without mass, at most
    /// ``pruneSearchLimit`` of them; one with mass — finalized and reachable, or an entry —
    /// makes `x` live). A heuristic for speed only.
    mutating func _isLeftBehind<Weights: CumulativeWeights>(_ x: Int32, weights: Weights, tangle: Tangle) -> Bool {
        _stack.removeAll(keepingCapacity: true)
        _searched.removeAll(keepingCapacity: true)
        _stack.append(x)
        _searched.insert(x)
        let threshold = pruneExponent / alpha
        while let z = _stack.popLast() {
            if _mass[Int(z)] > 0 { return false }
            // Finalized without mass, or already found left behind: no path through it.
            if z < finalized || (z != x && _isPruned(z)) { continue }
            let own = Double(weights.weight(of: z))
            var escaped = false
            tangle.forEachParent(of: z) { parent in
                // A finalized parent gave z no mass: its edge to z was dropped or carries none.
                guard parent >= finalized, !escaped else { return }
                var improbable = false
                tangle.forEachApprover(of: parent) { y in
                    if !improbable, weights.visible.contains(y), Double(weights.weight(of: y)) - own >= threshold { improbable = true }
                }
                if !improbable, _searched.insert(parent).inserted {
                    if _searched.count > Self.pruneSearchLimit { escaped = true }
                    _stack.append(parent)
                }
            }
            if escaped { return false }
        }
        return true
    }
}
