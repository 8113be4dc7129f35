/// Heaviest pair selection (HPS, `{"strategy": "heaviestPair"}`, k = 2): the pair of
/// distinct visible tips whose combined past cone |cone(a) ∪ cone(b)| is largest, ties
/// broken uniformly at random over the tied pairs; with at most two tips, all of them.
///
/// Source: res-sim-tangle (IOTA research, `tsa.go`, `HPS.TipSelect` and `heaviestPairs`),
/// whose weight is |refs(a) ∪ refs(b)| + 2 — the same order, since a tip is in no other
/// tip's cone. There every selection builds every tip's cone as a bitset and compares every
/// pair: O(L² · n/64) a selection with L tips, and HPS leaves tips behind at a steady rate,
/// so L itself grows with the run. Milestones are transactions like any other here: HPS
/// ranks them by their cones, as res-sim-tangle (which has no coordinator) would rank any tip.
///
/// ## Detailed design: an exact method whose cost does not grow with the run
/// Keep a *core* K, a set of transactions closed under parents that only grows, and for
/// any transaction x its *exclusive part* X(x) = cone(x) \ K. A tip a whose cone holds K
/// (an *A-tip*) has cone(a) = K ⊔ X(a), so for an A-tip a and any tip b
///
///     |cone(a) ∪ cone(b)| = |K| + |X(a) ∪ X(b)|.                                    (1)
///
/// The core is the intersection of the cones of the *live A-transactions* (A-tips, and
/// transactions not yet visible whose cones hold K): advancing it every 32 issues to
/// K' = K ∪ ⋂ X(y) over them keeps every one of them an A-transaction (no checkpoint
/// transaction is needed, so a coordinator's milestones, which approve their predecessor
/// and a tip, hold nothing back). A-tips issued more than 3·d ago (d the longest visibility
/// delay seen) and 64 transactions back are first *demoted* to B-tips: left behind, they
/// would pin K to their own past. A transaction is an A-transaction when one of its parents
/// holds the current K (a per-transaction epoch says so); others are B.
///
/// Pair scores never change (cones do not), so they live in a matrix over the *matrix
/// tips* — the A-tips and the recently demoted ones — a row filled by (1) when an A-tip
/// appears (exact for every pair: the newer tip of a pair is an A-tip when its row is
/// filled). A demoted tip leaves the matrix when X shrinks to itself, or once it is 512
/// issues and 6·d old. The other B-tips (X only shrinks as K grows, so a stored
/// size w stays an upper bound):
/// - a B-tip o with X(o) = {o} scores |cone(a)| + 1 with every A-tip a, exactly (o is in
///   no visible tip's cone, as devices approve visible tips only): these *single* B-tips are one block, counted, never listed;
/// - the *wider pool* (B-tips whose X holds more), kept in buckets by w: o scores at most
///   max|cone(a)| + w(o) with an A-tip, and only buckets whose bound reaches the best
///   score (ties included) are visited, each tip then compared exactly by (1);
/// - two B-tips not both in the matrix score at most |K| + w(o₁) + w(o₂); when that bound
///   reaches the best score their whole cones are searched (O(n); counted as
///   `exhaustivePairs` in the manifest; none in the runs measured).
///
/// Delay model only: the selector keeps the one global tip set from ``didBecomeVisible(_:in:)``
/// (tips = visible transactions without a visible approver, as ``TipSet``).
///
/// With conflicts, the heaviest *consistent* pair (see
/// ``selectConsistentParents(_:tangle:view:ledger:into:rng:)``): the same search with the
/// ledger's consistency as a filter on each pair it compares; its bounds stay bounds, and
/// pairs of B-tips, whose best can then lie far below the unfiltered best, are pruned by
/// cone bounds and epochs (``_consistentBTipPairs(tangle:best:rule:)``).
///
/// - Complexity: per transaction, O(M · |X|) to add a tip (M the matrix tips, |X| about the
///   transactions of the last 3·d + a few delays), O(M²) to scan the matrix, O(A · |X|) per
///   pool tip whose bound reaches the best; the core advance costs O((M + in flight) · |X|)
///   per 32 issues. None depends on the run's length unless B–B pairs reach the best
///   (counted). At lambda·h = 50 (constant delay), M ≈ 225, A ≈ 84, max|X| ≈ 55, and the best
///   pair beats the block by about 16, so no pool tip is visited. Memory: 29 bytes per
///   transaction (flags, epochs, cone bound, two tip-set slot columns, search marks), 4 per single B-tip,
///   the exclusive parts of live and pool tips (a few ids each) and an M × M matrix.
public struct HeaviestPairTipSelector: TipSelector {
    /// Pair selections that searched two B-tips' whole cones (see the type's design notes).
    public private(set) var exhaustivePairs = 0
    /// Times the core advanced.
    public private(set) var coreAdvances = 0
    /// A-tips demoted to B-tips (left behind).
    public private(set) var demotions = 0
    /// Selections under conflicts none of whose heaviest pairs was consistent, searched
    /// again with consistency as a filter (see ``selectConsistentParents(_:tangle:view:ledger:into:rng:)``).
    public private(set) var consistentSearches = 0
    @usableFromInline var _ranWithConflicts = false
    /// The consistency rule's answers, kept between selections (see ``_AdmissionCache``).
    @usableFromInline var _admissions: _AdmissionCache?

    // Per transaction: flag bits, and the core epoch whose K its cone is known to hold.
    @usableFromInline static let _approvedVisibly: UInt8 = 1
    @usableFromInline static let _inCore: UInt8 = 2
    /// The transaction's cone bound is its cone's size.
    @usableFromInline static let _exactCone: UInt8 = 4
    @usableFromInline var _flags: ContiguousArray<UInt8> = [_inCore | _exactCone]
    @usableFromInline var _epochOf: ContiguousArray<Int32> = [0]
    @usableFromInline var _epoch: Int32 = 0
    @usableFromInline var _coreSize = 1
    /// Per transaction: an epoch e whose core K_e its cone holds (the last one it held as an
    /// A-transaction, or for a B-transaction the latest of its parents'), and an upper bound
    /// of its cone's size (exact, flagged `_exactCone`, for A-transactions: |K| + |X| at
    /// issue, and for B-transactions whose cone outside K_e is small). Per epoch: |K_e|.
    /// Two tips a and b, with K_e ⊆ cone(a) ∩ cone(b) for the smaller e, so score at most
    /// ĉ(a) + ĉ(b) − |K_e|: the bound that prunes pairs of B-tips under conflicts.
    @usableFromInline var _refEpoch: ContiguousArray<Int32> = [0]
    @usableFromInline var _coneBound: ContiguousArray<Int32> = [1]
    @usableFromInline var _coreSizeAt: ContiguousArray<Int32> = [1]
    /// Per transaction: the epoch at which it joined the core (`Int32.max`: not in it), so
    /// that K_e = {y : join(y) ≤ e}.
    @usableFromInline var _joinEpoch: ContiguousArray<Int32> = [0]
    /// Scratch for pair scores under conflicts: the cone of the pair's base tip outside
    /// the core of its epoch, and which tip that is.
    @usableFromInline var _baseMarks = StampMarks()
    @usableFromInline var _base: Int32 = -1
    @usableFromInline var _issuedSinceAdvance = 0
    @usableFromInline var _longestDelay = 0.0

    /// X(x) of live transactions other than single B-tips (sorted ids; may hold members of
    /// K, filtered out where read).
    @usableFromInline var _exclusive: [Int32: ContiguousArray<Int32>] = [0: []]
    /// Transactions issued, not yet visible, not approved by a visible one.
    @usableFromInline var _inFlight = TipSet()

    /// A-tips in slots; `_score[i · capacity + j]` = |cone(a_i) ∪ cone(a_j)|,
    /// `_slotSize[i]` = |cone(a_i)|.
    @usableFromInline var _slotTip: ContiguousArray<Int32> = []
    @usableFromInline var _slotSize: ContiguousArray<Int32> = []
    @usableFromInline var _slotOf: [Int32: Int] = [:]
    @usableFromInline var _freeSlots: [Int] = []
    @usableFromInline var _score: ContiguousArray<Int32> = []
    @usableFromInline var _capacity = 0

    /// B-tips whose exclusive part is themselves alone, and the others.
    @usableFromInline var _single = TipSet()
    /// The wider pool by bound: `_widerBuckets[w]` holds the wider B-tips whose stored
    /// exclusive part has w members (an upper bound of the current one); `_widerPlace` says
    /// where (plain arrays: a tip set per bucket would cost 4 bytes per transaction each).
    @usableFromInline var _widerBuckets: [ContiguousArray<Int32>] = []
    @usableFromInline var _widerPlace: [Int32: (bound: Int, position: Int)] = [:]

    /// The last selection's tied pairs (listed ones, and whether the block of single B-tips
    /// × heaviest A-tips ties), kept while the tips do not change.
    @usableFromInline var _pairs: [(Int32, Int32)] = []
    @usableFromInline var _heaviestA: [Int32] = []
    @usableFromInline var _blockTies = false
    @usableFromInline var _fresh = false
    /// The last search's best score, and (under conflicts) the tied pairs it admits.
    @usableFromInline var _bestScore = Int.min
    @usableFromInline var _consistentTies: [(Int32, Int32)] = []
    /// The heaviest pairs, set aside while a search with a filter runs.
    @usableFromInline var _setAsidePairs: [(Int32, Int32)] = []
    @usableFromInline var _setAsideHeaviestA: [Int32] = []

    /// Scratch: B-tips other than single ones, with their bounds w and whether they are in
    /// the matrix.
    @usableFromInline var _others: [(tip: Int32, bound: Int, inMatrix: Bool)] = []
    /// Scratch: the slots of the A-tips (those a filtering rule admits, by class, each
    /// class's first position in `_classStarts`).
    @usableFromInline var _slotScratch: [Int] = []
    @usableFromInline var _classStarts: [Int] = []

    @usableFromInline var _marks = StampMarks()
    @usableFromInline var _stack: [Int32] = []

    /// Starts with the genesis as the only tip; K = {genesis}.
    public init() {
        _addTip(0)
    }

    // MARK: Selection

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        precondition(request.parents == 2, "heaviest pair selection chooses two parents")
        if view.tipCount <= 2 {
            view.forEachTip { parents.append($0) }
            parents.sort()
            return
        }
        if _issuedSinceAdvance >= 32 { _advanceCore(now: request.now, tangle: tangle) }
        _findUnlessFresh(tangle: tangle)
        let pair = _tiedPair(rng.index(below: _pairs.count + _blockCount))
        parents.append(Swift.min(pair.0, pair.1))
        parents.append(Swift.max(pair.0, pair.1))
    }

    /// The heaviest pairs, unless the tips have not changed since they were found.
    @inline(__always)
    @usableFromInline
    mutating func _findUnlessFresh(tangle: Tangle) {
        guard !_fresh else { return }
        var every = _EveryPair()
        _findHeaviestPairs(tangle: tangle, rule: &every)
    }

    /// The number of pairs in the tied block (single B-tips × heaviest A-tips).
    @usableFromInline
    var _blockCount: Int { _blockTies ? _single.count * _heaviestA.count : 0 }

    /// Tied pair `pick` of the last search: the listed pairs, then the block.
    @inline(__always)
    @usableFromInline
    func _tiedPair(_ pick: Int) -> (Int32, Int32) {
        if pick < _pairs.count { return _pairs[pick] }
        let inBlock = pick - _pairs.count
        return (_single[inBlock / _heaviestA.count], _heaviestA[inBlock % _heaviestA.count])
    }

    /// Every tied heaviest pair, each as (smaller id, larger id), sorted: for tests (lists
    /// the block of single B-tips too).
    public mutating func heaviestPairs(tangle: Tangle) -> (score: Int, pairs: [[Int32]]) {
        var every = _EveryPair()
        let score = _findHeaviestPairs(tangle: tangle, rule: &every)
        var pairs = _pairs.map { [Swift.min($0.0, $0.1), Swift.max($0.0, $0.1)] }
        if _blockTies {
            for position in 0..<_single.count {
                for a in _heaviestA { pairs.append([Swift.min(_single[position], a), Swift.max(_single[position], a)]) }
            }
        }
        return (score, pairs.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Finds the heaviest pairs among the current tips (at least three) that `rule` admits;
    /// returns their score (`Int.min` when it admits none). Under a rule that filters, the
    /// block of single B-tips is listed, not counted.
    @usableFromInline
    @discardableResult
    mutating func _findHeaviestPairs<Rule: _PairRule>(tangle: Tangle, rule: inout Rule) -> Int {
        _pairs.removeAll(keepingCapacity: true)
        _heaviestA.removeAll(keepingCapacity: true)
        _blockTies = false
        var best = Int.min
        // A-tip pairs, from the matrix; the heaviest A-tips.
        var heaviest = Int32.min
        for i in _slotTip.indices where _slotTip[i] >= 0 {
            if _epochOf[Int(_slotTip[i])] == _epoch {
                if _slotSize[i] > heaviest {
                    heaviest = _slotSize[i]
                    _heaviestA.removeAll(keepingCapacity: true)
                }
                if _slotSize[i] == heaviest { _heaviestA.append(_slotTip[i]) }
            }
            let row = i * _capacity
            for j in (i + 1)..<_slotTip.count where _slotTip[j] >= 0 {
                let score = Int(_score[row + j])
                guard score >= best, rule.admits(_slotTip[i], _slotTip[j]) else { continue }
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                _pairs.append((_slotTip[i], _slotTip[j]))
            }
        }
        if !_heaviestA.isEmpty {
            // Wider B-tips whose bound reaches the best, exactly by (1), widest first.
            _slotScratch.removeAll(keepingCapacity: true)
            for i in _slotTip.indices where _slotTip[i] >= 0 && _epochOf[Int(_slotTip[i])] == _epoch {
                if !Rule.filters || rule.admits(_slotTip[i]) { _slotScratch.append(i) }
            }
            if Rule.filters {
                // The A-tips by footprint class (whether a pair is admitted depends on the
                // classes only): a pool tip is compared with the classes it is admitted with.
                _slotScratch.sort { (rule.tipClass(_slotTip[$0]), $0) < (rule.tipClass(_slotTip[$1]), $1) }
                _classStarts.removeAll(keepingCapacity: true)
                for (position, slot) in _slotScratch.enumerated()
                where position == 0 || rule.tipClass(_slotTip[slot]) != rule.tipClass(_slotTip[_slotScratch[position - 1]]) {
                    _classStarts.append(position)
                }
                _classStarts.append(_slotScratch.count)
            }
            var w = _widerBuckets.count - 1
            while w >= 0, Int(heaviest) + w >= best {
                var position = 0
                // (Removing a bucket's last tip may drop the emptied top buckets.)
                while w < _widerBuckets.count, position < _widerBuckets[w].count {
                    let o = _widerBuckets[w][position]
                    let xo = _filteredExclusiveKnown(o)
                    guard xo.count == w else {
                        // Shrunk since stored: into its bucket (visited later) or the block.
                        _removeTip(o)
                        _addBTip(o, part: xo)
                        continue
                    }
                    position += 1
                    if Rule.filters, !rule.admits(o) { continue }
                    for group in 0..<(Rule.filters ? _classStarts.count - 1 : 1) {
                        let slots = Rule.filters ? _classStarts[group]..<_classStarts[group + 1] : _slotScratch.indices
                        if Rule.filters, !rule.admits(o, _slotTip[_slotScratch[slots.lowerBound]]) { continue }
                        for i in _slotScratch[slots] {
                            let score = _coreSize + Self._unionCount(xo, _filteredExclusiveKnown(_slotTip[i]))
                            guard score >= best else { continue }
                            if score > best {
                                best = score
                                _pairs.removeAll(keepingCapacity: true)
                            }
                            _pairs.append((o, _slotTip[i]))
                        }
                    }
                }
                w -= 1
            }
            // The block: every single B-tip with every heaviest A-tip.
            if Rule.filters {
                if _single.count > 0 { best = _consistentBlock(best: best, rule: &rule) }
            } else if _single.count > 0 {
                let score = Int(heaviest) + 1
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                if score == best { _blockTies = true }
            }
        }
        best = _bTipPairs(tangle: tangle, best: best, rule: &rule)
        if !Rule.filters {
            _fresh = true
            _bestScore = best
        }
        return best
    }

    /// The block under a rule that filters: the pairs of a single B-tip o and an A-tip a
    /// score |cone(a)| + 1, so the A-tips are tried by size, heaviest first, and each
    /// level's admitted pairs are listed; the first level with one is the block's best.
    /// Returns the best score.
    ///
    /// - Complexity: O(single B-tips × A-tips per level tried): a search that runs only
    ///   when no heaviest pair is consistent (``consistentSearches``).
    @usableFromInline
    mutating func _consistentBlock<Rule: _PairRule>(best: Int, rule: inout Rule) -> Int {
        var best = best
        var levels: [(size: Int32, tip: Int32)] = []
        for i in _slotTip.indices where _slotTip[i] >= 0 && _epochOf[Int(_slotTip[i])] == _epoch {
            if Int(_slotSize[i]) + 1 >= best { levels.append((_slotSize[i], _slotTip[i])) }
        }
        levels.sort { $0.size > $1.size || ($0.size == $1.size && $0.tip < $1.tip) }
        var start = 0
        while start < levels.count, Int(levels[start].size) + 1 >= best {
            var end = start
            while end < levels.count, levels[end].size == levels[start].size { end += 1 }
            let score = Int(levels[start].size) + 1
            var found = false
            for position in 0..<_single.count where rule.admits(_single[position]) {
                for level in start..<end where rule.admits(_single[position], levels[level].tip) {
                    if !found, score > best {
                        best = score
                        _pairs.removeAll(keepingCapacity: true)
                    }
                    found = true
                    _pairs.append((_single[position], levels[level].tip))
                }
            }
            if found { break }
            start = end
        }
        return best
    }

    /// Adds the pairs of B-tips not both in the matrix whose bound |K| + w(o₁) + w(o₂)
    /// reaches `best` and that `rule` admits, with their exact scores by whole cones;
    /// returns the best score.
    @usableFromInline
    mutating func _bTipPairs<Rule: _PairRule>(tangle: Tangle, best: Int, rule: inout Rule) -> Int {
        if Rule.filters { return _consistentBTipPairs(tangle: tangle, best: best, rule: &rule) }
        // B-tips other than single ones: demoted ones in the matrix, and the wider pool.
        _others.removeAll(keepingCapacity: true)
        var widestDemoted = 0
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] != _epoch {
            let bound = _exclusive[_slotTip[slot]]!.count
            widestDemoted = Swift.max(widestDemoted, bound)
            _others.append((_slotTip[slot], bound, true))
        }
        // Pool tips whose bound with the widest possible partner reaches the best.
        let partner = Swift.max(widestDemoted, _widerBuckets.count - 1, _single.count > 0 ? 1 : 0)
        var w = _widerBuckets.count - 1
        while w >= 0, _coreSize + w + partner >= best {
            for position in 0..<_widerBuckets[w].count { _others.append((_widerBuckets[w][position], w, false)) }
            w -= 1
        }
        var best = best
        var searched = false
        func offer(_ a: Int32, _ b: Int32) {
            guard rule.admits(a, b) else { return }
            let score = _unionConeSize(a, b, tangle: tangle)
            searched = true
            if score > best {
                best = score
                _pairs.removeAll(keepingCapacity: true)
                _blockTies = false
            }
            if score == best { _pairs.append((a, b)) }
        }
        let widest = _others.lazy.map(\.bound).max() ?? 0
        if _coreSize + 2 * widest >= best {
            _others.sort { $0.bound > $1.bound || ($0.bound == $1.bound && $0.tip < $1.tip) }
            let others = _others
            for i in others.indices.dropLast() {
                guard _coreSize + others[i].bound + others[i + 1].bound >= best else { break }
                for j in (i + 1)..<others.count {
                    guard _coreSize + others[i].bound + others[j].bound >= best else { break }
                    if others[i].inMatrix && others[j].inMatrix { continue }
                    offer(others[i].tip, others[j].tip)
                }
            }
        }
        if _single.count > 0, _coreSize + widest + 1 >= best {
            let others = _others
            for other in others where _coreSize + other.bound + 1 >= best {
                for position in 0..<_single.count { offer(other.tip, _single[position]) }
            }
        }
        if _single.count > 1, _coreSize + 2 >= best {
            for i in 0..<_single.count {
                for j in (i + 1)..<_single.count { offer(_single[i], _single[j]) }
            }
        }
        if searched { exhaustivePairs += 1 }
        return best
    }

    /// ``_bTipPairs(tangle:best:rule:)`` under a rule that filters, where the best score can
    /// be far below the heaviest pair's (a spend rival to a member in the core admits old
    /// tips only). Every B-tip b the rule admits is a candidate, with its cone bound ĉ(b),
    /// an epoch e(b) with K_e(b) ⊆ cone(b), its exclusive part's width w(b) = |cone(b) \ K|
    /// and L(b), the epoch by which all of cone(b) ∩ K had joined the core. Candidates are
    /// taken by ĉ, largest first, each paired with the ones after it; for such a pair (a, b):
    /// - when L(b) ≤ e(a), cone(b) \ cone(a) ⊆ cone(b) \ K_e(a) = cone(b) \ K, so the
    ///   pair scores at most ĉ(a) + w(b): partners are visited by w, widest first, and old
    ///   single B-tips (w = 1) only when ĉ(a) + 1 reaches the best;
    /// - otherwise (b's cone joined the core later: few), at most ĉ(a) + ĉ(b) − |K_e| for
    ///   the smaller of their epochs e; partners visited by L, latest first;
    /// - every pair at most ĉ(a) + Ŵ (Ŵ the largest ĉ − |K_e| among them), so the scan
    ///   stops at the first a whose ĉ(a) + Ŵ falls short of the best.
    /// A pair whose bounds reach the best is scored exactly (``_pairScore(_:_:tangle:)``).
    ///
    /// - Complexity: O(B-tips) to gather them, and per candidate a visited, its partners
    ///   whose bounds reach the best; runs only when no heaviest pair is consistent
    ///   (``consistentSearches``). Pairs scored are counted in ``exhaustivePairs`` by search.
    @usableFromInline
    mutating func _consistentBTipPairs<Rule: _PairRule>(tangle: Tangle, best: Int, rule: inout Rule) -> Int {
        // No pair of B-tips can reach the best when |K| + w(a) + w(b) cannot (w from the
        // buckets, upper bounds): the common case, answered without gathering them.
        var widestDemoted = 0
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] != _epoch {
            widestDemoted = Swift.max(widestDemoted, _exclusive[_slotTip[slot]]!.count)
        }
        let widestB = Swift.max(widestDemoted, _widerBuckets.count - 1, _single.count > 0 ? 1 : 0)
        guard _coreSize + 2 * widestB >= best else { return best }
        var candidates: [_Candidate] = []
        func add(_ tip: Int32, single: Bool, inMatrix: Bool) {
            var joined: Int32 = 0
            let width: Int
            if single {
                for parent in tangle.parents(of: tip) { joined = Swift.max(joined, _joinEpoch[Int(parent)]) }
                width = 1
            } else {
                let part = _filteredExclusiveKnown(tip)
                for z in part {
                    for parent in tangle.parents(of: z) where _flags[Int(parent)] & Self._inCore != 0 {
                        joined = Swift.max(joined, _joinEpoch[Int(parent)])
                    }
                }
                width = part.count
            }
            candidates.append(
                _Candidate(
                    tip: tip, bound: Int(_coneBound[Int(tip)]), epoch: _refEpoch[Int(tip)], width: width, joined: joined,
                    inMatrix: inMatrix, single: single))
        }
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] != _epoch {
            if rule.admits(_slotTip[slot]) { add(_slotTip[slot], single: false, inMatrix: true) }
        }
        for w in _widerBuckets.indices {
            for tip in _widerBuckets[w] where rule.admits(tip) { add(tip, single: false, inMatrix: false) }
        }
        for position in 0..<_single.count where rule.admits(_single[position]) {
            add(_single[position], single: true, inMatrix: false)
        }
        candidates.sort { $0.bound > $1.bound || ($0.bound == $1.bound && $0.tip < $1.tip) }
        var widest = 0
        var singles: [Int] = [], wide: [Int] = []
        for (index, candidate) in candidates.enumerated() {
            widest = Swift.max(widest, candidate.bound - Int(_coreSizeAt[Int(candidate.epoch)]))
            if candidate.single { singles.append(index) } else { wide.append(index) }
        }
        wide.sort { candidates[$0].width > candidates[$1].width || (candidates[$0].width == candidates[$1].width && $0 < $1) }
        let late = candidates.indices.sorted { candidates[$0].joined > candidates[$1].joined || (candidates[$0].joined == candidates[$1].joined && $0 < $1) }
        _base = -1
        var best = best
        var searched = false
        for i in candidates.indices {
            let a = candidates[i]
            guard a.bound + widest >= best else { break }
            func consider(_ j: Int) {
                let b = candidates[j]
                guard j > i, !(a.inMatrix && b.inMatrix), _coreSize + a.width + b.width >= best else { return }
                if b.joined > a.epoch {
                    let shared = Int(_coreSizeAt[Int(Swift.min(a.epoch, b.epoch))])
                    guard a.bound + b.bound - shared >= best else { return }
                } else {
                    guard a.bound + b.width >= best else { return }
                }
                guard rule.admits(a.tip, b.tip) else { return }
                let score: Int
                if b.single, b.joined <= a.epoch, _flags[Int(a.tip)] & Self._exactCone != 0 {
                    // cone(b) \ {b} ⊆ K_e(a) ⊆ cone(a): b adds itself unless it is in
                    // cone(a) \ K_e(a) (b is not in the core).
                    _markBase(a.tip, tangle: tangle)
                    score = a.bound + (_baseMarks.contains(b.tip) ? 0 : 1)
                } else {
                    score = _pairScore(a.tip, b.tip, tangle: tangle)
                }
                searched = true
                guard score >= best else { return }
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                _pairs.append((a.tip, b.tip))
            }
            // Partners whose cones joined the core after a's epoch.
            for j in late {
                guard candidates[j].joined > a.epoch else { break }
                consider(j)
            }
            // The others: bounded by ĉ(a) + w(b).
            for j in wide {
                guard a.bound + candidates[j].width >= best else { break }
                if candidates[j].joined <= a.epoch { consider(j) }
            }
            if a.bound + 1 >= best {
                for j in singles where candidates[j].joined <= a.epoch { consider(j) }
            }
        }
        if searched { exhaustivePairs += 1 }
        return best
    }

    /// |cone(a) ∪ cone(b)| = |cone(x)| + |cone(y) \ cone(x)| for x the one of them whose
    /// cone size is known exactly: a search from y that stops at the core of x's epoch
    /// (K_e ⊆ cone(x)) and at cone(x) \ K_e (marked once per base x), so it visits only
    /// what y adds — for an old tip, itself and a few. Whole cones when neither size is
    /// known.
    @usableFromInline
    mutating func _pairScore(_ a: Int32, _ b: Int32, tangle: Tangle) -> Int {
        let aExact = _flags[Int(a)] & Self._exactCone != 0, bExact = _flags[Int(b)] & Self._exactCone != 0
        guard aExact || bExact else { return _unionConeSize(a, b, tangle: tangle) }
        // The base is the one whose core is the larger (the search from the other is then
        // the shorter), when both sizes are known.
        let aBase = aExact && (!bExact || _refEpoch[Int(a)] >= _refEpoch[Int(b)])
        let (x, y) = aBase ? (a, b) : (b, a)
        let epoch = _refEpoch[Int(x)]
        _markBase(x, tangle: tangle)
        var added = 0
        _marks.clear()
        _stack.removeAll(keepingCapacity: true)
        if _joinEpoch[Int(y)] > epoch, !_baseMarks.contains(y), _marks.insert(y) { _stack.append(y) }
        while let z = _stack.popLast() {
            added += 1
            for parent in tangle.parents(of: z)
            where _joinEpoch[Int(parent)] > epoch && !_baseMarks.contains(parent) && _marks.insert(parent) {
                _stack.append(parent)
            }
        }
        return Int(_coneBound[Int(x)]) + added
    }

    /// Marks cone(x) \ K_epoch in `marks` (cleared first) by a search that stops at the core
    /// of `epoch` (x, a tip or being recorded, is not in it), and returns how many it
    /// marked, or nil past `limit` (the marks then hold part of it).
    @usableFromInline
    static func _markOutsideCore(
        of x: Int32, epoch: Int32, joinEpoch: ContiguousArray<Int32>, tangle: Tangle, limit: Int, marks: inout StampMarks,
        stack: inout [Int32]
    ) -> Int? {
        marks.clear()
        stack.removeAll(keepingCapacity: true)
        stack.append(x)
        marks.insert(x)
        var count = 0
        while let z = stack.popLast() {
            count += 1
            if count > limit { return nil }
            for parent in tangle.parents(of: z) where joinEpoch[Int(parent)] > epoch && marks.insert(parent) {
                stack.append(parent)
            }
        }
        return count
    }

    /// Marks cone(x) \ K_e(x) in `_baseMarks`, unless x is marked already.
    @usableFromInline
    mutating func _markBase(_ x: Int32, tangle: Tangle) {
        guard _base != x else { return }
        _base = x
        _ = Self._markOutsideCore(
            of: x, epoch: _refEpoch[Int(x)], joinEpoch: _joinEpoch, tangle: tangle, limit: .max, marks: &_baseMarks, stack: &_stack)
    }

    // MARK: Keeping up with the Tangle

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        precondition(Int(x) == _flags.count, "transactions are reported in issue order")
        var part: ContiguousArray<Int32> = []
        var holdsCore = false
        for parent in tangle.parents(of: x) {
            if _epochOf[Int(parent)] == _epoch { holdsCore = true }
            if _flags[Int(parent)] & Self._inCore == 0 {
                part = Self._merge(part, _filteredExclusive(parent, tangle: tangle))
            }
        }
        part.append(x)
        var exact = holdsCore
        if holdsCore {
            _refEpoch.append(_epoch)
            _coneBound.append(Int32(_coreSize + part.count))
        } else {
            // cone(x) = {x} ∪ the parents' cones, each holding K_e of its epoch e.
            var latest: Int32 = 0, earliest = Int32.max
            var sum = 1
            var parents = 0
            for parent in tangle.parents(of: x) {
                latest = Swift.max(latest, _refEpoch[Int(parent)])
                earliest = Swift.min(earliest, _refEpoch[Int(parent)])
                sum += Int(_coneBound[Int(parent)])
                parents += 1
            }
            if parents > 1 { sum -= (parents - 1) * Int(_coreSizeAt[Int(earliest)]) }
            _refEpoch.append(latest)
            // Exact when cone(x) \ K_e is small: a search that stops at K_e.
            if let outside = Self._markOutsideCore(
                of: x, epoch: latest, joinEpoch: _joinEpoch, tangle: tangle, limit: 4_096, marks: &_marks, stack: &_stack)
            {
                _coneBound.append(_coreSizeAt[Int(latest)] + Int32(outside))
                exact = true
            } else {
                _coneBound.append(Int32(Swift.min(sum, _coreSize + part.count, Int(x) + 1)))
            }
        }
        _exclusive[x] = part
        _flags.append(exact ? Self._exactCone : 0)
        _joinEpoch.append(Int32.max)
        _epochOf.append(holdsCore ? _epoch : -1)
        if tangle.visibleTime[Int(x)].isFinite { _inFlight.insert(x) }
        _issuedSinceAdvance += 1
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        _longestDelay = Swift.max(_longestDelay, tangle.visibleTime[Int(x)] - tangle.issueTime[Int(x)])
        for parent in tangle.parents(of: x) where _flags[Int(parent)] & Self._approvedVisibly == 0 {
            _flags[Int(parent)] |= Self._approvedVisibly
            _removeTip(parent)
            _inFlight.remove(parent)
            _exclusive[parent] = nil
        }
        _inFlight.remove(x)
        if _flags[Int(x)] & Self._approvedVisibly == 0 { _addTip(x) } else { _exclusive[x] = nil }
    }

    /// Adds a visible tip: an A-tip (a row of the matrix), or a single or wider B-tip.
    @usableFromInline
    mutating func _addTip(_ x: Int32) {
        _fresh = false
        let part = _filteredExclusiveKnown(x)
        guard _epochOf[Int(x)] == _epoch else {
            _addBTip(x, part: part)
            return
        }
        let slot: Int
        if let free = _freeSlots.popLast() {
            slot = free
        } else {
            slot = _slotTip.count
            _slotTip.append(-1)
            _slotSize.append(0)
            if slot >= _capacity { _growMatrix() }
        }
        _slotTip[slot] = x
        _slotSize[slot] = Int32(_coreSize + part.count)
        _slotOf[x] = slot
        for other in _slotTip.indices where _slotTip[other] >= 0 && other != slot {
            let score = Int32(_coreSize + Self._unionCount(part, _filteredExclusiveKnown(_slotTip[other])))
            _score[slot * _capacity + other] = score
            _score[other * _capacity + slot] = score
        }
    }

    @usableFromInline
    mutating func _addBTip(_ x: Int32, part: ContiguousArray<Int32>) {
        if part.count == 1, part[0] == x {
            _exclusive[x] = nil
            _single.insert(x)
        } else {
            let w = part.count
            while _widerBuckets.count <= w { _widerBuckets.append([]) }
            _widerPlace[x] = (w, _widerBuckets[w].count)
            _widerBuckets[w].append(x)
        }
    }

    @usableFromInline
    mutating func _removeTip(_ x: Int32) {
        if let slot = _slotOf.removeValue(forKey: x) {
            _fresh = false
            _slotTip[slot] = -1
            _freeSlots.append(slot)
        } else if _single.remove(x) {
            _fresh = false
        } else if let (w, position) = _widerPlace.removeValue(forKey: x) {
            _fresh = false
            let last = _widerBuckets[w].removeLast()
            if position < _widerBuckets[w].count {
                _widerBuckets[w][position] = last
                _widerPlace[last] = (w, position)
            }
            while let last = _widerBuckets.last, last.count == 0 { _widerBuckets.removeLast() }
        }
    }

    @usableFromInline
    mutating func _growMatrix() {
        let capacity = Swift.max(64, _capacity * 2)
        var grown = ContiguousArray<Int32>(repeating: 0, count: capacity * capacity)
        for i in 0..<_capacity {
            for j in 0..<_capacity { grown[i * capacity + j] = _score[i * _capacity + j] }
        }
        _score = grown
        _capacity = capacity
    }

    // MARK: The core

    /// Demotes the A-tips left behind (issued more than 3·d before `now` and 64 issues
    /// back), then advances K to the intersection of the live A-transactions' cones.
    @usableFromInline
    mutating func _advanceCore(now: Double, tangle: Tangle) {
        _issuedSinceAdvance = 0
        let lag = 3 * _longestDelay
        let recent = Int32(_flags.count - 64)
        var demoted: [Int32] = []
        var kept = 0
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] == _epoch {
            let tip = _slotTip[slot]
            if tip < recent && tangle.issueTime[Int(tip)] < now - lag { demoted.append(tip) } else { kept += 1 }
        }
        var live: [Int32] = []
        for position in 0..<_inFlight.count where _epochOf[Int(_inFlight[position])] == _epoch {
            live.append(_inFlight[position])
        }
        guard kept + live.count > 0 else { return }
        demotions += demoted.count
        for tip in demoted { _epochOf[Int(tip)] = -1 }
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] == _epoch {
            live.append(_slotTip[slot])
        }
        // K grows by what every live A-transaction's exclusive part holds.
        var common = _filteredExclusiveKnown(live[0])
        for y in live.dropFirst() where !common.isEmpty {
            common = Self._intersection(common, _filteredExclusiveKnown(y))
        }
        _coreSize += common.count
        _epoch += 1
        _coreSizeAt.append(Int32(_coreSize))
        for y in common {
            _flags[Int(y)] |= Self._inCore
            _joinEpoch[Int(y)] = _epoch
        }
        for y in live {
            _epochOf[Int(y)] = _epoch
            _refEpoch[Int(y)] = _epoch
        }
        // Demoted tips in the matrix whose exclusive part is now themselves join the block;
        // those left behind long ago leave the matrix for the wider pool.
        let evictBefore = Int32(_flags.count - 512)
        for slot in _slotTip.indices where _slotTip[slot] >= 0 && _epochOf[Int(_slotTip[slot])] != _epoch {
            let tip = _slotTip[slot]
            let part = _filteredExclusiveKnown(tip)
            guard part.count == 1 && part[0] == tip || tip < evictBefore && tangle.issueTime[Int(tip)] < now - 6 * _longestDelay
            else { continue }
            _removeTip(tip)
            _addBTip(tip, part: part)
        }
        coreAdvances += 1
        _fresh = false
    }

    // MARK: Exclusive parts

    /// X(x) with the members of K removed (stored back); searched over parents when x's
    /// part is no longer kept.
    @usableFromInline
    mutating func _filteredExclusive(_ x: Int32, tangle: Tangle) -> ContiguousArray<Int32> {
        if _single.contains(x) { return _flags[Int(x)] & Self._inCore == 0 ? [x] : [] }
        guard _exclusive[x] != nil else { return _coneOutsideCore(x, tangle: tangle) }
        return _filteredExclusiveKnown(x)
    }

    @usableFromInline
    mutating func _filteredExclusiveKnown(_ x: Int32) -> ContiguousArray<Int32> {
        var part = _exclusive[x]!
        if part.contains(where: { _flags[Int($0)] & Self._inCore != 0 }) {
            part.removeAll { _flags[Int($0)] & Self._inCore != 0 }
            _exclusive[x] = part
        }
        return part
    }

    /// cone(x) \ K, sorted, by a search that stops at K (K is closed under parents).
    @usableFromInline
    mutating func _coneOutsideCore(_ x: Int32, tangle: Tangle) -> ContiguousArray<Int32> {
        var found: ContiguousArray<Int32> = []
        guard _flags[Int(x)] & Self._inCore == 0 else { return found }
        _marks.clear()
        _stack.removeAll(keepingCapacity: true)
        _stack.append(x)
        _marks.insert(x)
        while let y = _stack.popLast() {
            found.append(y)
            for parent in tangle.parents(of: y) where _flags[Int(parent)] & Self._inCore == 0 && _marks.insert(parent) {
                _stack.append(parent)
            }
        }
        found.sort()
        return found
    }

    /// |cone(a) ∪ cone(b)| by a search over both whole cones: O(n).
    @usableFromInline
    mutating func _unionConeSize(_ a: Int32, _ b: Int32, tangle: Tangle) -> Int {
        _marks.clear()
        _stack.removeAll(keepingCapacity: true)
        for tip in [a, b] where _marks.insert(tip) { _stack.append(tip) }
        var count = 0
        while let y = _stack.popLast() {
            count += 1
            for parent in tangle.parents(of: y) where _marks.insert(parent) { _stack.append(parent) }
        }
        return count
    }

    /// The union of two sorted id lists.
    @usableFromInline
    static func _merge(_ a: ContiguousArray<Int32>, _ b: ContiguousArray<Int32>) -> ContiguousArray<Int32> {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var merged = ContiguousArray<Int32>()
        merged.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] {
                merged.append(a[i]); i += 1
            } else if b[j] < a[i] {
                merged.append(b[j]); j += 1
            } else {
                merged.append(a[i]); i += 1; j += 1
            }
        }
        merged.append(contentsOf: a[i...])
        merged.append(contentsOf: b[j...])
        return merged
    }

    /// The intersection of two sorted id lists.
    @usableFromInline
    static func _intersection(_ a: ContiguousArray<Int32>, _ b: ContiguousArray<Int32>) -> ContiguousArray<Int32> {
        var common = ContiguousArray<Int32>()
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] {
                i += 1
            } else if b[j] < a[i] {
                j += 1
            } else {
                common.append(a[i]); i += 1; j += 1
            }
        }
        return common
    }

    /// |a ∪ b| of two sorted id lists.
    @usableFromInline
    static func _unionCount(_ a: ContiguousArray<Int32>, _ b: ContiguousArray<Int32>) -> Int {
        var common = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var i = 0, j = 0
                while i < a.count, j < b.count {
                    let x = a[i], y = b[j]
                    if x == y { common += 1 }
                    if x <= y { i += 1 }
                    if y <= x { j += 1 }
                }
            }
        }
        return a.count + b.count - common
    }

    // MARK: Conflicts and the manifest

    /// Selection where conflicts exist (the model's "Payments and conflicts"): the heaviest
    /// *consistent* pair — both tips accepted by `ledger` (valid for the issuer, consistent
    /// with its own spend and with the decisions that bind it) and consistent with each
    /// other — ties broken uniformly at random. When no pair is consistent, the one
    /// consistent tip with the largest cone (ties uniformly), counted as a short transaction;
    /// none when no tip is consistent (the transaction is then refused).
    ///
    /// res-sim-tangle has no conflicts; this is HPS as its definition reads with the
    /// validity every honest issuer keeps. Method: the heaviest pairs are found as without
    /// conflicts (and cached alike); a tied pair drawn uniformly is kept when consistent,
    /// drawn again otherwise (the law of a uniform draw among the consistent tied pairs), and
    /// after 64 draws the consistent tied pairs are listed. Only when no tied pair is
    /// consistent is the search made again with consistency as a filter on every pair it
    /// compares (``consistentSearches``): its bounds stay bounds, so it stays exact.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        precondition(request.parents == 2, "heaviest pair selection chooses two parents")
        _ranWithConflicts = true
        withUnsafeMutablePointer(to: &ledger) { ledger in
            var rule = _ConsistentPair(ledger: ledger, known: _admissions.take() ?? _AdmissionCache())
            _selectConsistent(request, tangle: tangle, view: view, rule: &rule, into: &parents, rng: rng)
            _admissions = rule._known
        }
        for parent in parents { ledger.didChoose(parent) }
        if parents.count < Swift.min(2, view.tipCount) { ledger.countShort() }
    }

    @usableFromInline
    mutating func _selectConsistent<View: TangleView, Rule: _PairRule>(
        _ request: SelectionRequest, tangle: Tangle, view: View, rule: inout Rule, into parents: inout [Int32],
        rng: RandomStream
    ) {
        var pair: (Int32, Int32)?
        if view.tipCount > 2 {
            if _issuedSinceAdvance >= 32 { _advanceCore(now: request.now, tangle: tangle) }
            _findUnlessFresh(tangle: tangle)
            for _ in 0..<(_pairs.count + _blockCount > 0 ? 64 : 0) {
                let drawn = _tiedPair(rng.index(below: _pairs.count + _blockCount))
                if rule.admits(drawn.0, drawn.1) {
                    pair = drawn
                    break
                }
            }
            if pair == nil {
                _listConsistentTies(tangle: tangle, rule: &rule)
                if !_consistentTies.isEmpty { pair = _consistentTies[rng.index(below: _consistentTies.count)] }
            }
        } else if view.tipCount == 2 {
            var tips: [Int32] = []
            view.forEachTip { tips.append($0) }
            if rule.admits(tips[0], tips[1]) { pair = (tips[0], tips[1]) }
        }
        if let pair {
            parents.append(Swift.min(pair.0, pair.1))
            parents.append(Swift.max(pair.0, pair.1))
            return
        }
        // No consistent pair: the heaviest consistent tip.
        var best = -1
        var heaviest: [Int32] = []
        view.forEachTip { tip in
            guard rule.admits(tip) else { return }
            let size = _unionConeSize(tip, tip, tangle: tangle)
            if size > best { (best, heaviest) = (size, []) }
            if size == best { heaviest.append(tip) }
        }
        if heaviest.count == 1 { parents.append(heaviest[0]) }
        if heaviest.count > 1 {
            heaviest.sort()
            parents.append(heaviest[rng.index(below: heaviest.count)])
        }
    }

    /// Lists in `_consistentTies` the heaviest pairs `rule` admits, and returns their score
    /// (`Int.min` when none): the consistent ones among the heaviest pairs when there are
    /// any, otherwise those of a search with the rule as its filter.
    @usableFromInline
    @discardableResult
    mutating func _listConsistentTies<Rule: _PairRule>(tangle: Tangle, rule: inout Rule) -> Int {
        _findUnlessFresh(tangle: tangle)
        _consistentTies.removeAll(keepingCapacity: true)
        for pair in _pairs where rule.admits(pair.0, pair.1) { _consistentTies.append(pair) }
        if _blockTies {
            for position in 0..<_single.count where rule.admits(_single[position]) {
                for a in _heaviestA where rule.admits(_single[position], a) { _consistentTies.append((_single[position], a)) }
            }
        }
        if !_consistentTies.isEmpty { return _bestScore }
        consistentSearches += 1
        // The heaviest pairs are set aside and restored after the search, unless it changed
        // the tips' arrangement (a pool tip moved: `_fresh` falls).
        swap(&_pairs, &_setAsidePairs)
        swap(&_heaviestA, &_setAsideHeaviestA)
        let blockTies = _blockTies
        let score = _findHeaviestPairs(tangle: tangle, rule: &rule)
        swap(&_consistentTies, &_pairs)
        if _fresh {
            swap(&_pairs, &_setAsidePairs)
            swap(&_heaviestA, &_setAsideHeaviestA)
            _blockTies = blockTies
        } else {
            _pairs.removeAll(keepingCapacity: true)
        }
        return _consistentTies.isEmpty ? Int.min : score
    }

    /// Every tied heaviest consistent pair (the ledger's selection begun), each as
    /// (smaller id, larger id), sorted, and their score: for tests. At most two tips: the
    /// pair of them when consistent.
    public mutating func heaviestConsistentPairs(tangle: Tangle, ledger: inout ConflictLedger) -> (score: Int, pairs: [[Int32]]) {
        let score = withUnsafeMutablePointer(to: &ledger) { ledger in
            var rule = _ConsistentPair(ledger: ledger)
            return _listConsistentTies(tangle: tangle, rule: &rule)
        }
        let pairs = _consistentTies.map { [Swift.min($0.0, $0.1), Swift.max($0.0, $0.1)] }
        return (score, pairs.sorted { $0.lexicographicallyPrecedes($1) })
    }

    public var selectionCounts: [(String, Int)] {
        [("exhaustivePairs", exhaustivePairs), ("coreAdvances", coreAdvances), ("demotions", demotions)]
            + (_ranWithConflicts ? [("consistentSearches", consistentSearches)] : [])
    }
}

/// Which pairs of tips heaviest pair selection may choose.
@usableFromInline
protocol _PairRule {
    /// False for the rule that admits every pair (specialised away).
    static var filters: Bool { get }
    /// Whether tip `a` may be a parent at all.
    mutating func admits(_ a: Int32) -> Bool
    /// Whether tips `a` and `b` may be parents together.
    mutating func admits(_ a: Int32, _ b: Int32) -> Bool
    /// A class of tips such that whether two tips are admitted together depends only on
    /// their classes.
    func tipClass(_ a: Int32) -> Int32
}

/// Every pair (no conflicts).
@usableFromInline
struct _EveryPair: _PairRule {
    @usableFromInline init() {}
    @usableFromInline static var filters: Bool { false }
    @inline(__always) @usableFromInline func admits(_ a: Int32) -> Bool { true }
    @inline(__always) @usableFromInline func admits(_ a: Int32, _ b: Int32) -> Bool { true }
    @inline(__always) @usableFromInline func tipClass(_ a: Int32) -> Int32 { 0 }
}

/// The pairs the conflict ledger accepts together for the selection it has begun. (A
/// pointer, not a copy: a copy of the ledger would copy its scratch arrays on first write.)
@usableFromInline
struct _ConsistentPair: _PairRule {
    @usableFromInline let ledger: UnsafeMutablePointer<ConflictLedger>
    /// Within one selection, whether a pair is accepted depends only on the two tips'
    /// footprint sets: answers for pairs of non-empty sets are kept (their check is a scan
    /// of both sets, and tips share sets).
    @usableFromInline var _known: _AdmissionCache
    @usableFromInline init(ledger: UnsafeMutablePointer<ConflictLedger>, known: _AdmissionCache = _AdmissionCache()) {
        self.ledger = ledger
        _known = known
        _known.startSelection()
    }
    @usableFromInline static var filters: Bool { true }
    @usableFromInline func admits(_ a: Int32) -> Bool { ledger.pointee.accepts(a) }
    /// The footprint set.
    @usableFromInline func tipClass(_ a: Int32) -> Int32 { ledger.pointee.footprint[Int(a)] }
    @usableFromInline mutating func admits(_ a: Int32, _ b: Int32) -> Bool {
        let setA = ledger.pointee.footprint[Int(a)], setB = ledger.pointee.footprint[Int(b)]
        if setA == 0 || setB == 0 { return ledger.pointee.acceptsPair(a, b) }
        let key = UInt64(UInt32(Swift.min(setA, setB))) << 32 | UInt64(UInt32(Swift.max(setA, setB)))
        if let known = _known.answer(key) { return known }
        let accepted = ledger.pointee.acceptsPair(a, b)
        _known.keep(key, accepted)
        return accepted
    }
}

/// Answers kept for one selection, by key: a direct-mapped table of 4,096 entries stamped
/// with the selection (a colliding key replaces the entry). Ours rather than a Dictionary:
/// hashing with the standard library's seeded hasher took about a tenth of a heaviest-pair
/// run with double spends (`perf`, 100k transactions), and the table is reused from one
/// selection to the next without clearing.
@usableFromInline
struct _AdmissionCache {
    @usableFromInline var _keys = ContiguousArray<UInt64>(repeating: 0, count: 4_096)
    @usableFromInline var _stamps = ContiguousArray<UInt32>(repeating: 0, count: 4_096)
    @usableFromInline var _values = ContiguousArray<Bool>(repeating: false, count: 4_096)
    @usableFromInline var _stamp: UInt32 = 0

    @usableFromInline init() {}

    /// Forgets every answer.
    @usableFromInline mutating func startSelection() {
        _stamp &+= 1
        if _stamp == 0 {
            for index in _stamps.indices { _stamps[index] = 0 }
            _stamp = 1
        }
    }

    @inline(__always) @usableFromInline static func _slot(_ key: UInt64) -> Int { Int((key &* 0x9E37_79B9_7F4A_7C15) >> 52) }

    @inline(__always) @usableFromInline func answer(_ key: UInt64) -> Bool? {
        let slot = Self._slot(key)
        return _stamps[slot] == _stamp && _keys[slot] == key ? _values[slot] : nil
    }

    @inline(__always) @usableFromInline mutating func keep(_ key: UInt64, _ value: Bool) {
        let slot = Self._slot(key)
        _keys[slot] = key
        _stamps[slot] = _stamp
        _values[slot] = value
    }
}

/// A B-tip considered by ``HeaviestPairTipSelector/_consistentBTipPairs(tangle:best:rule:)``.
@usableFromInline
struct _Candidate {
    var tip: Int32
    /// ĉ: an upper bound of |cone(tip)| (exact for A-transactions).
    var bound: Int
    /// e with K_e ⊆ cone(tip).
    var epoch: Int32
    /// |cone(tip) \ K|.
    var width: Int
    /// L: every member of cone(tip) ∩ K joined the core by this epoch.
    var joined: Int32
    var inMatrix: Bool
    var single: Bool
}
