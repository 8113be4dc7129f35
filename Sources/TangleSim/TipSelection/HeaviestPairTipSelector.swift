/// Heaviest pair selection (HPS, `{"strategy": "heaviestPair"}`, k = 2): the pair of
/// distinct visible tips whose combined past cone |cone(a) ∪ cone(b)| is largest, ties
/// broken uniformly at random over the tied pairs; with at most two tips, all of them.
///
/// Source: res-sim-tangle (IOTA research, `tsa.go`, `HPS.TipSelect` and `heaviestPairs`),
/// whose weight is |refs(a) ∪ refs(b)| + 2 — the same order, since a tip is in no other
/// tip's cone. There every selection builds every tip's cone as a bitset and compares every
/// pair: O(L² · n/64) a selection with L tips, and HPS leaves tips behind at a steady rate,
/// so L itself grows with the run.
///
/// ## Detailed design: an exact method whose cost does not grow with the run
/// Fix a *checkpoint* transaction r and its cone K = cone(r). For any transaction x let
/// X(x) = cone(x) \ K, its *exclusive part*. A tip descending from r (an *A-tip*) has
/// cone = K ⊔ X(x), so for an A-tip a and any tip b
///
///     |cone(a) ∪ cone(b)| = |K| + |X(a) ∪ X(b)|.                                    (1)
///
/// X(x) is small: the transactions issued since about r that x reaches, plus the exclusive
/// parts of old tips x picked up. The other tips (*B-tips*: left behind before r, or on a
/// branch r's descendants abandoned) accumulate; for those:
/// - a B-tip o with X(o) = {o} (everything it approves is in K — nearly every tip left
///   behind) scores |K| + |X(a)| + 1 with every A-tip a, exactly (o is in no cone: it is a
///   tip): these pairs are counted as one block, never listed;
/// - a B-tip with a larger X(o) scores at most |K| + max|X(a)| + |X(o)|, and is compared
///   exactly, by (1), only while that bound reaches the best score;
/// - a pair of B-tips scores at most |K| + |X(o₁)| + |X(o₂)|; when that bound reaches the
///   best score their cones are searched in full (O(n); counted as `exhaustivePairs` in the
///   manifest, and in practice never: A-tips' exclusive parts hold the recent past).
/// A-tips' pairwise |X(a) ∪ X(b)| live in a matrix updated when a tip appears (one row of
/// sorted-merge counts) or disappears.
///
/// The checkpoint moves forward — to an ancestor of the heaviest A-tip issued about
/// `4·d` ago (d the longest visibility delay seen), and only when every A-tip issued after
/// it descends from it (older A-tips, left behind, become B-tips) — so K only grows: X(x)
/// only shrinks, the stored sizes of B-tips' exclusive parts stay
/// upper bounds, and K gains each transaction once. X is recomputed lazily (filtered by K)
/// where it is read. Hence the cost per transaction depends on the number of recent tips and
/// on |X| (both set by lambda·d), not on the run's length; the number of B-tips with
/// |X| > 1 is kept small by HPS itself (such a tip outscores a pair of siblings, and is
/// approved).
///
/// Delay model only: the selector keeps the one global tip set from ``didBecomeVisible(_:in:)``
/// (tips = visible transactions without a visible approver, as ``TipSet``).
///
/// - Complexity: per transaction, O(A · |X|) to add a tip (A the A-tips), O(A²) to scan the
///   matrix, O(|X|) per B-tip whose bound reaches the best; memory 17 bytes per transaction
///   plus the exclusive parts of live transactions and an A×A matrix.
public struct HeaviestPairTipSelector: TipSelector {
    /// Pair selections that searched two B-tips' whole cones (see the type's design notes).
    public private(set) var exhaustivePairs = 0
    /// Times the checkpoint moved forward.
    public private(set) var checkpointMoves = 0

    // Per transaction: flag bits.
    @usableFromInline static let _approvedVisibly: UInt8 = 1
    @usableFromInline static let _inCore: UInt8 = 2
    @usableFromInline static let _descends: UInt8 = 4
    @usableFromInline var _flags: ContiguousArray<UInt8> = [_inCore | _descends]

    /// The checkpoint r, |K|, and the longest visibility delay seen (sets how far back r lags).
    @usableFromInline var _checkpoint: Int32 = 0
    @usableFromInline var _coreSize = 1
    @usableFromInline var _longestDelay = 0.0
    @usableFromInline var _lastMoveAttempt = -Double.infinity

    /// X(x) of transactions that can still be chosen (sorted ids; may hold members of K,
    /// filtered out where read).
    @usableFromInline var _exclusive: [Int32: ContiguousArray<Int32>] = [0: []]

    /// A-tips in slots; `_union[i · capacity + j]` = |X(a_i) ∪ X(a_j)|.
    @usableFromInline var _slotTip: ContiguousArray<Int32> = []
    @usableFromInline var _slotSize: ContiguousArray<Int32> = []
    @usableFromInline var _slotOf: [Int32: Int] = [:]
    @usableFromInline var _freeSlots: [Int] = []
    @usableFromInline var _union: ContiguousArray<Int32> = []
    @usableFromInline var _capacity = 0

    /// B-tips whose exclusive part is themselves alone, and the others.
    @usableFromInline var _single = TipSet()
    @usableFromInline var _wider = TipSet()

    /// The last selection's tied pairs (listed ones, and whether the block of single B-tips
    /// × heaviest A-tips ties), kept while the tips do not change.
    @usableFromInline var _pairs: [(Int32, Int32)] = []
    @usableFromInline var _heaviestA: [Int32] = []
    @usableFromInline var _blockTies = false
    @usableFromInline var _fresh = false

    @usableFromInline var _marks = StampMarks()
    @usableFromInline var _stack: [Int32] = []

    /// Starts with the genesis as the only tip, and the checkpoint.
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
        _moveCheckpointIfDue(now: request.now, tangle: tangle)
        if !_fresh { _findHeaviestPairs(tangle: tangle) }
        let block = _blockTies ? _single.count * _heaviestA.count : 0
        var pick = rng.index(below: _pairs.count + block)
        let pair: (Int32, Int32)
        if pick < _pairs.count {
            pair = _pairs[pick]
        } else {
            pick -= _pairs.count
            pair = (_single[pick / _heaviestA.count], _heaviestA[pick % _heaviestA.count])
        }
        parents.append(Swift.min(pair.0, pair.1))
        parents.append(Swift.max(pair.0, pair.1))
    }

    /// Every tied heaviest pair, each as (smaller id, larger id), sorted: for tests (lists
    /// the block of single B-tips too).
    public mutating func heaviestPairs(tangle: Tangle) -> (score: Int, pairs: [[Int32]]) {
        let score = _findHeaviestPairs(tangle: tangle)
        var pairs = _pairs.map { [Swift.min($0.0, $0.1), Swift.max($0.0, $0.1)] }
        if _blockTies {
            for position in 0..<_single.count {
                for a in _heaviestA { pairs.append([Swift.min(_single[position], a), Swift.max(_single[position], a)]) }
            }
        }
        return (score, pairs.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Finds the heaviest pairs among the current tips (at least three); returns their score.
    @usableFromInline
    @discardableResult
    mutating func _findHeaviestPairs(tangle: Tangle) -> Int {
        _pairs.removeAll(keepingCapacity: true)
        _heaviestA.removeAll(keepingCapacity: true)
        _blockTies = false
        var best = Int.min
        func offer(_ a: Int32, _ b: Int32, _ score: Int) {
            if score > best {
                best = score
                _pairs.removeAll(keepingCapacity: true)
                _blockTies = false
            }
            if score == best { _pairs.append((a, b)) }
        }
        // A-tip pairs, from the matrix; the heaviest A-tips.
        var heaviest = Int32.min
        for i in _slotTip.indices where _slotTip[i] >= 0 {
            if _slotSize[i] > heaviest {
                heaviest = _slotSize[i]
                _heaviestA.removeAll(keepingCapacity: true)
            }
            if _slotSize[i] == heaviest { _heaviestA.append(_slotTip[i]) }
            for j in (i + 1)..<_slotTip.count where _slotTip[j] >= 0 {
                offer(_slotTip[i], _slotTip[j], _coreSize + Int(_union[i * _capacity + j]))
            }
        }
        if !_heaviestA.isEmpty {
            // B-tips with wider exclusive parts whose bound reaches the best, exactly by (1).
            var position = 0
            while position < _wider.count {
                let o = _wider[position]
                position += 1
                guard _coreSize + Int(heaviest) + _exclusive[o]!.count >= best else { continue }
                let xo = _filteredExclusive(o, tangle: tangle)
                if xo.count == 1 {
                    _wider.remove(o)
                    _single.insert(o)
                    position -= 1
                    continue
                }
                for i in _slotTip.indices where _slotTip[i] >= 0 {
                    offer(o, _slotTip[i], _coreSize + Self._unionCount(xo, _exclusive[_slotTip[i]]!))
                }
            }
            // The block: every single B-tip with every heaviest A-tip.
            if _single.count > 0 {
                let score = _coreSize + Int(heaviest) + 1
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                if score == best { _blockTies = true }
            }
        }
        for (a, b, score) in _bTipPairs(tangle: tangle, best: best) { offer(a, b, score) }
        _fresh = true
        return best
    }

    /// Pairs of B-tips whose bound |K| + |X(o₁)| + |X(o₂)| reaches `best`, with their exact
    /// scores by whole cones (`best` raised as they are found).
    @usableFromInline
    mutating func _bTipPairs(tangle: Tangle, best: Int) -> [(Int32, Int32, Int)] {
        guard _single.count + _wider.count >= 2 else { return [] }
        var bTips: [(tip: Int32, bound: Int)] = []
        for position in 0..<_wider.count { bTips.append((_wider[position], _exclusive[_wider[position]]!.count)) }
        for position in 0..<_single.count { bTips.append((_single[position], 1)) }
        bTips.sort { $0.bound > $1.bound || ($0.bound == $1.bound && $0.tip < $1.tip) }
        var best = best
        var found: [(Int32, Int32, Int)] = []
        for i in bTips.indices.dropLast() {
            guard _coreSize + bTips[i].bound + bTips[i + 1].bound >= best else { break }
            for j in (i + 1)..<bTips.count {
                guard _coreSize + bTips[i].bound + bTips[j].bound >= best else { break }
                let score = _unionConeSize(bTips[i].tip, bTips[j].tip, tangle: tangle)
                best = Swift.max(best, score)
                found.append((bTips[i].tip, bTips[j].tip, score))
            }
        }
        if !found.isEmpty { exhaustivePairs += 1 }
        return found
    }

    // MARK: Keeping up with the Tangle

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        precondition(Int(x) == _flags.count, "transactions are reported in issue order")
        var part: ContiguousArray<Int32> = []
        var descends = false
        for parent in tangle.parents(of: x) {
            if _flags[Int(parent)] & Self._descends != 0 { descends = true }
            if _flags[Int(parent)] & Self._inCore == 0 {
                part = Self._merge(part, _filteredExclusive(parent, tangle: tangle))
            }
        }
        part.append(x)
        _exclusive[x] = part
        _flags.append(descends ? Self._descends : 0)
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        _longestDelay = Swift.max(_longestDelay, tangle.visibleTime[Int(x)] - tangle.issueTime[Int(x)])
        for parent in tangle.parents(of: x) where _flags[Int(parent)] & Self._approvedVisibly == 0 {
            _flags[Int(parent)] |= Self._approvedVisibly
            _removeTip(parent)
            _exclusive[parent] = nil
        }
        if _flags[Int(x)] & Self._approvedVisibly == 0 { _addTip(x) }
    }

    @usableFromInline
    mutating func _addTip(_ x: Int32) {
        _fresh = false
        let part = _filteredExclusiveKnown(x)
        guard _flags[Int(x)] & Self._descends != 0 else {
            if part.count == 1 { _single.insert(x) } else { _wider.insert(x) }
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
        _slotSize[slot] = Int32(part.count)
        _slotOf[x] = slot
        _fillRow(slot)
    }

    @usableFromInline
    mutating func _removeTip(_ x: Int32) {
        if let slot = _slotOf.removeValue(forKey: x) {
            _fresh = false
            _slotTip[slot] = -1
            _freeSlots.append(slot)
        } else if _single.remove(x) || _wider.remove(x) {
            _fresh = false
        }
    }

    /// Row and column `slot` of the matrix, from the A-tips' exclusive parts.
    @usableFromInline
    mutating func _fillRow(_ slot: Int) {
        let part = _exclusive[_slotTip[slot]]!
        for other in _slotTip.indices where _slotTip[other] >= 0 && other != slot {
            let count = Int32(Self._unionCount(part, _exclusive[_slotTip[other]]!))
            _union[slot * _capacity + other] = count
            _union[other * _capacity + slot] = count
        }
    }

    @usableFromInline
    mutating func _growMatrix() {
        let capacity = Swift.max(64, _capacity * 2)
        var grown = ContiguousArray<Int32>(repeating: 0, count: capacity * capacity)
        for i in 0..<_capacity {
            for j in 0..<_capacity { grown[i * capacity + j] = _union[i * _capacity + j] }
        }
        _union = grown
        _capacity = capacity
    }

    // MARK: The checkpoint

    /// Moves the checkpoint to an ancestor of the heaviest A-tip issued about 4·d before
    /// `now`, when the current one is older than 8·d, at most every 2·d, and only when every
    /// A-tip issued after the new one descends from it (older ones become B-tips; K only
    /// grows).
    @usableFromInline
    mutating func _moveCheckpointIfDue(now: Double, tangle: Tangle) {
        let lag = 4 * Swift.max(_longestDelay, 1e-9)
        guard now - tangle.issueTime[Int(_checkpoint)] > 2 * lag, now - _lastMoveAttempt >= lag / 2 else { return }
        _lastMoveAttempt = now
        guard let top = _slotTip.indices.filter({ _slotTip[$0] >= 0 }).max(by: { _slotSize[$0] < _slotSize[$1] }) else { return }
        var candidate = _slotTip[top]
        while candidate != _checkpoint, tangle.issueTime[Int(candidate)] > now - lag {
            candidate = tangle.parents(of: candidate).first { _flags[Int($0)] & Self._descends != 0 }!
        }
        guard candidate != _checkpoint else { return }
        // Which transactions descend from the candidate (all of them issued after it).
        let first = Int(candidate)
        var descends = ContiguousArray<Bool>(repeating: false, count: _flags.count - first)
        descends[0] = true
        for z in (first + 1)..<_flags.count {
            descends[z - first] = tangle.parents(of: Int32(z)).contains { Int($0) >= first && descends[Int($0) - first] }
        }
        // A-tips that do not descend from the candidate (left behind before it, or on a
        // branch beside it) become B-tips.
        var demoted: [Int32] = []
        for slot in _slotTip.indices where _slotTip[slot] >= 0 {
            let tip = Int(_slotTip[slot])
            if tip < first || !descends[tip - first] { demoted.append(Int32(tip)) }
        }
        // K grows by the candidate's exclusive part.
        for y in _coneOutsideCore(candidate, tangle: tangle) {
            _flags[Int(y)] |= Self._inCore
            _coreSize += 1
        }
        for z in Int(_checkpoint)..<first { _flags[z] &= ~Self._descends }
        for z in first..<_flags.count {
            if descends[z - first] { _flags[z] |= Self._descends } else { _flags[z] &= ~Self._descends }
        }
        _checkpoint = candidate
        checkpointMoves += 1
        for tip in demoted {
            _removeTip(tip)
            _addTip(tip)
        }
        for slot in _slotTip.indices where _slotTip[slot] >= 0 {
            _slotSize[slot] = Int32(_filteredExclusiveKnown(_slotTip[slot]).count)
        }
        for slot in _slotTip.indices where _slotTip[slot] >= 0 { _fillRow(slot) }
        _fresh = false
    }

    // MARK: Exclusive parts

    /// X(x) with the members of K removed (stored back); searched over parents when x's
    /// part is no longer kept.
    @usableFromInline
    mutating func _filteredExclusive(_ x: Int32, tangle: Tangle) -> ContiguousArray<Int32> {
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

    /// Conflicts are refused with this strategy when the scenario is read.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        preconditionFailure("heaviest pair selection does not run with conflicts (refused when the scenario is read)")
    }

    public var selectionCounts: [(String, Int)] { [("exhaustivePairs", exhaustivePairs), ("checkpointMoves", checkpointMoves)] }
}
