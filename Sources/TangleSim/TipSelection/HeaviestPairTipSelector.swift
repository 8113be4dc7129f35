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
/// - Complexity: per transaction, O(M · |X|) to add a tip (M the matrix tips, |X| about the
///   transactions of the last 3·d + a few delays), O(M²) to scan the matrix, O(A · |X|) per
///   pool tip whose bound reaches the best; the core advance costs O((M + in flight) · |X|)
///   per 32 issues. None depends on the run's length unless B–B pairs reach the best
///   (counted). At lambda·h = 50 (constant delay), M ≈ 225, A ≈ 84, max|X| ≈ 55, and the best
///   pair beats the block by about 16, so no pool tip is visited. Memory: 17 bytes per
///   transaction (flags, epoch, two tip-set slot columns, search marks), 4 per single B-tip,
///   the exclusive parts of live and pool tips (a few ids each) and an M × M matrix.
public struct HeaviestPairTipSelector: TipSelector {
    /// Pair selections that searched two B-tips' whole cones (see the type's design notes).
    public private(set) var exhaustivePairs = 0
    /// Times the core advanced.
    public private(set) var coreAdvances = 0
    /// A-tips demoted to B-tips (left behind).
    public private(set) var demotions = 0

    // Per transaction: flag bits, and the core epoch whose K its cone is known to hold.
    @usableFromInline static let _approvedVisibly: UInt8 = 1
    @usableFromInline static let _inCore: UInt8 = 2
    @usableFromInline var _flags: ContiguousArray<UInt8> = [_inCore]
    @usableFromInline var _epochOf: ContiguousArray<Int32> = [0]
    @usableFromInline var _epoch: Int32 = 0
    @usableFromInline var _coreSize = 1
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

    /// Scratch: B-tips other than single ones, with their bounds w and whether they are in
    /// the matrix.
    @usableFromInline var _others: [(tip: Int32, bound: Int, inMatrix: Bool)] = []

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
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                if score == best { _pairs.append((_slotTip[i], _slotTip[j])) }
            }
        }
        if !_heaviestA.isEmpty {
            // Wider B-tips whose bound reaches the best, exactly by (1), widest first.
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
                    for i in _slotTip.indices where _slotTip[i] >= 0 && _epochOf[Int(_slotTip[i])] == _epoch {
                        let score = _coreSize + Self._unionCount(xo, _filteredExclusiveKnown(_slotTip[i]))
                        if score > best {
                            best = score
                            _pairs.removeAll(keepingCapacity: true)
                        }
                        if score == best { _pairs.append((o, _slotTip[i])) }
                    }
                }
                w -= 1
            }
            // The block: every single B-tip with every heaviest A-tip.
            if _single.count > 0 {
                let score = Int(heaviest) + 1
                if score > best {
                    best = score
                    _pairs.removeAll(keepingCapacity: true)
                }
                if score == best { _blockTies = true }
            }
        }
        best = _bTipPairs(tangle: tangle, best: best)
        _fresh = true
        return best
    }

    /// Adds the pairs of B-tips not both in the matrix whose bound |K| + w(o₁) + w(o₂)
    /// reaches `best`, with their exact scores by whole cones; returns the best score.
    @usableFromInline
    mutating func _bTipPairs(tangle: Tangle, best: Int) -> Int {
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
        _exclusive[x] = part
        _flags.append(0)
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
        for y in common { _flags[Int(y)] |= Self._inCore }
        _coreSize += common.count
        _epoch += 1
        for y in live { _epochOf[Int(y)] = _epoch }
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

    /// Conflicts are refused with this strategy when the scenario is read.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        preconditionFailure("heaviest pair selection does not run with conflicts (refused when the scenario is read)")
    }

    public var selectionCounts: [(String, Int)] {
        [("exhaustivePairs", exhaustivePairs), ("coreAdvances", coreAdvances), ("demotions", demotions)]
    }
}
