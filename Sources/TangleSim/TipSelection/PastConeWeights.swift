import DequeModule

/// Exact cumulative weights of every transaction, for walks that start at the genesis.
///
/// When y becomes visible, every transaction in y's past cone gains 1. The past cone is kept
/// as a bitset over ids, computed once when y is issued as the union of its parents' sets
/// plus the parents themselves; the update then scans the set's words (one increment per
/// ancestor) instead of searching the graph.
///
/// Sets are kept only while they can still be needed: a transaction's set is read when it
/// becomes visible and when it is chosen as a parent, which can happen only while it has no
/// visible approver. So a set is dropped as soon as its transaction gets a visible approver.
/// Tips that are never approved (left behind) keep theirs until the cache exceeds
/// `cacheLimitWords`; then the oldest are evicted, and an evicted set is recomputed by a
/// breadth-first search over parents if it is ever needed again (O(size of the past cone)).
///
/// **Settled transactions** (``settle(_:)``: every later visible transaction descends from
/// them, as the genesis walk shortcut establishes for the transactions it finalizes) are not
/// counted one by one: their weight is held as an offset from G, the number of visible
/// transactions, H(x) = G − offset(x), so a visibility increments only the unsettled part
/// of the past cone (the last tens of seconds of the Tangle, and side branches).
///
/// **Sets over the unsettled window.** Nor are settled transactions stored in the sets. A
/// set built while f is the id below which no transaction will be settled any more
/// (``settledStatusIsFinal(below:)``: the genesis shortcut's finalized frontier) starts at
/// word b = ⌊f/64⌋: below 64·b it holds only a list of the *exceptions*, the ancestors that
/// are not settled (side branches that joined the main line after their finalization, rare
/// at small alpha), and every other ancestor below 64·b is settled. Conversely every
/// transaction settled below 64·b is an ancestor: those were settled when the set was
/// built, and a transaction issued then descends from every settled one (or the shortcut
/// resets and ``unsettleAll()`` drops the set). So cone(y) ∩ [0, 64·b) = settled ∩
/// [0, 64·b) ∪ exceptions, exactly, and a set's size — and the cost of building and
/// scanning it — no longer grows with the run. A set that would list more than
/// ``maximumExceptions`` exceptions is built over every id instead (strongly biased walks:
/// at alpha 1 side branches join the heaviest path after they were dropped all the time).
/// Sets that relied on settled transactions are dropped when those are unsettled (or when
/// a transaction is settled below a set's start after all), and rebuilt in full on demand.
///
/// **Complement counting.** Settling spares only the ancestors of every tip that can still
/// be approved; until a tip left behind is pruned, thousands of unsettled ancestors would
/// each gain 1 per visibility. Every ``complementRefreshEvery`` issues, the unsettled
/// transactions in the past cones of the newest ``complementWitnesses`` are held as G − H
/// like settled ones, and a visibility adds 1 only to those of them *not* in its past cone
/// (exact whatever the choice; see ``_refreshComplement(newest:)``).
///
/// - Complexity: O(n/64 + |past cone|) per transaction without settled transactions, so
///   O(n²) for a run of n transactions, with a small constant (one bit scan and increment
///   per ancestor, fewer with complement counting: one per complement-counted transaction
///   not in the past cone instead of one per complement-counted ancestor); with them,
///   O(w/64 + |unsettled past cone|), w the ids from f on.
///   Memory: 4 bytes per transaction for the weights and a bit each for settled and for the
///   entries held as G − H, plus a set for each transaction that can still be chosen (the
///   visible tips and the transactions not yet visible), x/8 bytes for transaction x (w/8
///   with settled ones), at most `cacheLimitWords` · 8 bytes in all.
public struct PastConeWeights: CumulativeWeights {
    /// A past cone: the words of ids from 64·`base` on, and below them the settled
    /// transactions plus `exceptions` (ascending).
    @usableFromInline
    struct _Cone {
        @usableFromInline var base: Int
        @usableFromInline var exceptions: ContiguousArray<Int32>
        @usableFromInline var words: ContiguousArray<UInt64>

        /// Words and exceptions together, in 64-bit words (for the cache limit).
        var footprint: Int { words.count + (exceptions.count + 1) >> 1 }
    }

    @usableFromInline var _weights: ContiguousArray<Int32> = [1]
    /// Which transactions have become visible.
    public private(set) var visible = VisibilityBits()
    @usableFromInline var _sets: [Int32: _Cone] = [:]
    @usableFromInline var _cachedWords = 0
    /// The most 64-bit words of ancestor sets kept at once.
    public let cacheLimitWords: Int
    /// Visible transactions whose sets are kept, oldest first, for eviction (lazily pruned).
    @usableFromInline var _evictionOrder: Deque<Int32> = []
    /// Sets built in full because they would have listed more than ``maximumExceptions``
    /// exceptions, for diagnostics.
    public private(set) var fullSetsPastLimit = 0
    /// Sets recomputed after eviction, for diagnostics.
    public private(set) var recomputations = 0
    /// Settled transactions, whose `_weights` entry is G − H (see ``settle(_:)``).
    @usableFromInline var _settled: ContiguousArray<UInt64> = []
    /// Transactions whose `_weights` entry is G − H: the settled ones and the complement
    /// counted ones (see ``_refreshComplement(newest:)``).
    @usableFromInline var _offset: ContiguousArray<UInt64> = []
    /// Complement-counted transactions (never settled ones) from word `_complementLow` on:
    /// a visibility adds 1 to the entry of those not in its past cone.
    @usableFromInline var _complement: ContiguousArray<UInt64> = []
    @usableFromInline var _complementLow = 0
    @usableFromInline var _sinceRefresh = 0
    /// How many transactions are settled (0: the counting of old).
    @usableFromInline var _settledCount = 0
    /// Below this id no transaction will be settled any more (see
    /// ``settledStatusIsFinal(below:)``; 0 since the last ``unsettleAll()``).
    @usableFromInline var _finalBelow: Int32 = 0
    /// The highest `base` of a kept set: settling below 64 times it out of order drops sets.
    @usableFromInline var _highestBase = 0
    /// G: how many transactions are visible, the genesis included.
    @usableFromInline var _visibleCount: Int32 = 1
    @usableFromInline var _visited = StampMarks()
    @usableFromInline var _queue: ContiguousArray<Int32> = []

    /// The default ``cacheLimitWords``: 2^25 words, 256 MiB of ancestor sets.
    public static let defaultCacheLimitWords = 1 << 25

    /// - Parameters:
    ///   - cacheLimitWords: the most words of ancestor sets to keep (default 2^25, 256 MiB).
    ///   - maximumExceptions: the most exceptions a set lists (default 256).
    public init(
        cacheLimitWords: Int = PastConeWeights.defaultCacheLimitWords,
        maximumExceptions: Int = PastConeWeights.defaultMaximumExceptions
    ) {
        self.cacheLimitWords = cacheLimitWords
        self.maximumExceptions = maximumExceptions
        _sets[0] = _Cone(base: 0, exceptions: [], words: [])
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        precondition(Int(x) == _weights.count, "transactions are reported in issue order")
        _weights.append(1)
        let base = _settledCount > 0 ? Int(_finalBelow) >> 6 : 0
        if base > 0, let cone = _cone(of: x, base: base, in: tangle) {
            _store(cone, for: x)
        } else {
            if base > 0 { fullSetsPastLimit += 1 }
            _store(_cone(of: x, base: 0, in: tangle)!, for: x)  // no exceptions below word 0
        }
        _sinceRefresh += 1
        if _sinceRefresh >= Self.complementRefreshEvery {
            _sinceRefresh = 0
            _refreshComplement(newest: x)
        }
    }

    /// Issues between two choices of the complement-counted transactions.
    public static let complementRefreshEvery = 64
    /// How many of the newest transactions' past cones the complement-counted ones lie in.
    public static let complementWitnesses = 4

    /// Chooses which transactions are *complement counted*: those not settled that lie in the
    /// past cones of all of the ``complementWitnesses`` newest transactions whose sets are
    /// kept (in flight, as a rule), from the lowest word those sets start at (f's, see
    /// ``settledStatusIsFinal(below:)``, or 0 for a set built in full). With none kept the
    /// choice stays as it was.
    ///
    /// A visibility adds 1 to every ancestor's weight, thousands of them when walks start at
    /// the genesis: settling spares the ancestors of every tip that can still be approved, but
    /// a tip left behind holds that back for tens of seconds, while nearly every transaction
    /// becoming visible meanwhile descends from what the newest ones descend from. A
    /// complement-counted x holds G − H(x), like a settled one, and a visibility adds 1 to it
    /// only when x is not in the visible transaction's past cone (x itself included): exact
    /// whatever the choice, which decides only the cost (on `mcmc-genesis-100k.json` about
    /// 3,000 increments per visibility fall to a few hundred).
    ///
    /// - Complexity: O(witnesses · w/64 + changed transactions), w the ids from that word on.
    mutating func _refreshComplement(newest x: Int32) {
        // Only kept sets: recomputing an evicted or dropped one would cost its whole past cone.
        var witnesses: [_Cone] = []
        for witness in Swift.max(0, Int(x) - Self.complementWitnesses + 1)...Int(x) {
            if let cone = _sets[Int32(witness)] { witnesses.append(cone) }
        }
        guard !witnesses.isEmpty else { return }
        // From the lowest start of the witnesses' sets: a set built in full (strongly biased
        // walks) also lists side branches that joined the main line after f passed them.
        let low = witnesses.reduce(Int.max) { Swift.min($0, $1.base) }
        let high = (Int(x) + 63) >> 6
        var fresh = ContiguousArray<UInt64>(repeating: high > low ? ~0 : 0, count: Swift.max(0, high - low))
        for cone in witnesses where !fresh.isEmpty {
            var next = 0
            for index in fresh.indices {
                let word = low + index
                if word >= cone.base {
                    fresh[index] &= word - cone.base < cone.words.count ? cone.words[word - cone.base] : 0
                } else {
                    // Below the set's start its unsettled ancestors are its exceptions.
                    fresh[index] &= Self._bits(of: cone.exceptions, inWord: word, from: &next)
                }
            }
        }
        for index in fresh.indices where low + index < _settled.count { fresh[index] &= ~_settled[low + index] }
        // Toggle the representation of every transaction entering or leaving the set.
        let lowest = Swift.min(low, _complement.isEmpty ? low : _complementLow)
        let highest = Swift.max(low + fresh.count, _complementLow + _complement.count)
        while highest > _offset.count { _offset.append(0) }
        for word in lowest..<highest {
            let old = word >= _complementLow && word - _complementLow < _complement.count ? _complement[word - _complementLow] : 0
            let new = word >= low && word - low < fresh.count ? fresh[word - low] : 0
            var changed = old ^ new
            _offset[word] ^= changed
            while changed != 0 {
                let y = word << 6 | changed.trailingZeroBitCount
                _weights[y] = _visibleCount &- _weights[y]
                changed &= changed &- 1
            }
        }
        _complement = fresh
        _complementLow = low
    }

    /// The bits of the ids of ascending `ids` that lie in `word`, scanning from `next` on
    /// (left at the first id past the word, for the next, higher word).
    @inline(__always)
    static func _bits(of ids: ContiguousArray<Int32>, inWord word: Int, from next: inout Int) -> UInt64 {
        var bits: UInt64 = 0
        while next < ids.count, Int(ids[next]) >> 6 < word { next += 1 }
        while next < ids.count, Int(ids[next]) >> 6 == word {
            bits |= 1 << UInt64(Int(ids[next]) & 63)
            next += 1
        }
        return bits
    }

    /// Whether `x` is complement counted.
    @inlinable
    func _isComplemented(_ x: Int32) -> Bool {
        let word = Int(x) >> 6 - _complementLow
        return word >= 0 && word < _complement.count && _complement[word] & (1 << UInt64(Int(x) & 63)) != 0
    }

    /// The most exceptions a set lists; a set that would list more is built in full.
    /// Strongly biased walks (alpha 1) settle little of what later joins every past cone,
    /// and listing hundreds of exceptions per set cost ten times the full sets' time.
    public let maximumExceptions: Int

    /// The default ``maximumExceptions``.
    public static let defaultMaximumExceptions = 256

    /// x's set starting at word `base` (0: over every id), from its parents' sets; nil when
    /// it would list more than ``maximumExceptions`` exceptions.
    mutating func _cone(of x: Int32, base: Int, in tangle: Tangle) -> _Cone? {
        var words = ContiguousArray<UInt64>(repeating: 0, count: Swift.max(0, (Int(x) + 63) >> 6 - base))
        var exceptions: ContiguousArray<Int32> = []
        var overflow = false
        tangle.forEachParent(of: x) { parent in
            guard !overflow else { return }
            _include(parent, base: base, words: &words, exceptions: &exceptions)
            let parentCone = _set(of: parent, in: tangle)
            for exception in parentCone.exceptions { _include(exception, base: base, words: &words, exceptions: &exceptions) }
            // Settled ids that the parent's set implies but that lie in words (a set built
            // over every id; otherwise not met, starts only grow).
            if parentCone.base > base {
                for word in base..<Swift.min(parentCone.base, _settled.count) { words[word - base] |= _settled[word] }
            }
            var index = 0
            // The parent's words below the start: their unsettled bits become exceptions.
            while index < parentCone.words.count, parentCone.base + index < base {
                let word = parentCone.base + index
                var bits = parentCone.words[index] & ~(word < _settled.count ? _settled[word] : 0)
                while bits != 0 {
                    exceptions.append(Int32(word << 6 | bits.trailingZeroBitCount))
                    bits &= bits &- 1
                }
                if exceptions.count > maximumExceptions {
                    overflow = true
                    return
                }
                index += 1
            }
            guard index < parentCone.words.count else { return }
            let offset = parentCone.base - base
            words.withUnsafeMutableBufferPointer { target in
                parentCone.words.withUnsafeBufferPointer { source in
                    for word in index..<source.count { target[offset + word] |= source[word] }
                }
            }
        }
        if overflow || exceptions.count > maximumExceptions { return nil }
        if exceptions.count > 1 {
            exceptions.sort()
            var kept = 1
            for position in 1..<exceptions.count where exceptions[position] != exceptions[kept - 1] {
                exceptions[kept] = exceptions[position]
                kept += 1
            }
            exceptions.removeLast(exceptions.count - kept)
        }
        return _Cone(base: base, exceptions: exceptions, words: words)
    }

    /// Adds ancestor `a` to a set starting at word `base`: a bit of its words, an exception,
    /// or nothing (settled below the start).
    @inline(__always)
    func _include(_ a: Int32, base: Int, words: inout ContiguousArray<UInt64>, exceptions: inout ContiguousArray<Int32>) {
        let word = Int(a) >> 6
        if word >= base {
            words[word - base] |= 1 << UInt64(Int(a) & 63)
        } else if !_isSettled(a) {
            exceptions.append(a)
        }
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        visible.insert(x)
        _visibleCount += 1
        let cone = _set(of: x, in: tangle)
        // Settled and complement-counted ancestors gain through G.
        for exception in cone.exceptions where !_isOffset(exception) { _weights[Int(exception)] &+= 1 }
        _weights.withUnsafeMutableBufferPointer { weights in
            cone.words.withUnsafeBufferPointer { words in
                _offset.withUnsafeBufferPointer { offset in
                    let base = cone.base
                    for index in words.indices {
                        var word = words[index] & ~(base + index < offset.count ? offset[base + index] : 0)
                        while word != 0 {
                            weights[(base + index) << 6 | word.trailingZeroBitCount] &+= 1
                            word &= word &- 1
                        }
                    }
                }
            }
            // Complement-counted transactions gain 1 when x does not descend from them.
            _complement.withUnsafeBufferPointer { complement in
                cone.words.withUnsafeBufferPointer { words in
                    var next = 0
                    for index in complement.indices where complement[index] != 0 {
                        let word = _complementLow + index
                        var bits = complement[index]
                        if word >= cone.base {
                            if word - cone.base < words.count { bits &= ~words[word - cone.base] }
                        } else {
                            // Below the set's start its ancestors are settled ids (never
                            // complement counted) and its exceptions.
                            bits &= ~Self._bits(of: cone.exceptions, inWord: word, from: &next)
                        }
                        while bits != 0 {
                            weights[word << 6 | bits.trailingZeroBitCount] &+= 1
                            bits &= bits &- 1
                        }
                    }
                }
            }
        }
        _evictionOrder.append(x)
        // x's parents now have a visible approver: they can never be chosen again.
        tangle.forEachParent(of: x) { parent in
            if let dropped = _sets.removeValue(forKey: parent) { _cachedWords -= dropped.footprint }
        }
    }

    public mutating func prepareWalk(from x: Int32, in tangle: Tangle, now: Double) {}

    @inlinable
    public func weight(of x: Int32) -> Int {
        if _isOffset(x) { return Int(_visibleCount &- _weights[Int(x)]) }
        return Int(_weights[Int(x)])
    }

    /// Whether `x`'s entry is G − H (settled or complement counted).
    @inlinable
    func _isOffset(_ x: Int32) -> Bool {
        let word = Int(x) >> 6
        return word < _offset.count && _offset[word] & (1 << UInt64(Int(x) & 63)) != 0
    }

    /// Whether `x` is settled.
    @inlinable
    func _isSettled(_ x: Int32) -> Bool {
        let word = Int(x) >> 6
        return word < _settled.count && _settled[word] & (1 << UInt64(Int(x) & 63)) != 0
    }

    /// Holds H(x) as G − H(x) from now on (see ``CumulativeWeights/settle(_:)``).
    ///
    /// - Complexity: O(1) amortised.
    public mutating func settle(_ x: Int32) {
        guard !_isSettled(x) else { return }
        // Sets starting above x hold "settled below the start" as ancestors: x would join
        // them without being one.
        if Int(x) >> 6 < _highestBase { _dropWindowedSets() }
        let word = Int(x) >> 6
        while word >= _settled.count { _settled.append(0) }
        while word >= _offset.count { _offset.append(0) }
        let bit: UInt64 = 1 << UInt64(Int(x) & 63)
        if _isComplemented(x) {
            _complement[word - _complementLow] &= ~bit  // its entry is G − H already
        } else {
            _weights[Int(x)] = _visibleCount &- _weights[Int(x)]
            _offset[word] |= bit
        }
        _settled[word] |= bit
        _settledCount += 1
    }

    /// Records that no transaction below `id` will be settled from now on (until
    /// ``unsettleAll()``): sets built from now on start at its word.
    public mutating func settledStatusIsFinal(below id: Int32) {
        _finalBelow = Swift.max(_finalBelow, id)
    }

    /// Turns every settled weight back into a count, and drops the sets that held settled
    /// transactions implicitly (rebuilt in full when needed).
    ///
    /// - Complexity: O(n/64 + settled transactions + kept sets).
    public mutating func unsettleAll() {
        guard _settledCount > 0 else { return }
        _dropWindowedSets()
        for index in _offset.indices {
            var word = _offset[index]
            while word != 0 {
                let x = index << 6 | word.trailingZeroBitCount
                _weights[x] = _visibleCount &- _weights[x]
                word &= word &- 1
            }
        }
        _offset.removeAll()
        _complement.removeAll()
        _complementLow = 0
        _settled.removeAll()
        _settledCount = 0
        _finalBelow = 0
    }

    /// Drops every kept set that starts above word 0.
    mutating func _dropWindowedSets() {
        guard _highestBase > 0 else { return }
        for (x, cone) in _sets where cone.base > 0 {
            _sets.removeValue(forKey: x)
            _cachedWords -= cone.footprint
        }
        _highestBase = 0
    }

    /// Whether `a` is an ancestor of `z`: a bit of z's ancestor set.
    public mutating func isAncestor(_ a: Int32, of z: Int32, in tangle: Tangle) -> Bool {
        guard a < z else { return false }
        let cone = _set(of: z, in: tangle)
        let word = Int(a) >> 6
        if word >= cone.base { return cone.words[word - cone.base] & (1 << UInt64(Int(a) & 63)) != 0 }
        return _isSettled(a) || _contains(cone.exceptions, a)
    }

    /// Whether ascending `ids` holds `a` (binary search).
    func _contains(_ ids: ContiguousArray<Int32>, _ a: Int32) -> Bool {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) >> 1
            if ids[middle] < a { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == a
    }

    /// ANDs each member's past cone, with the member itself, into `common` from word `base`.
    ///
    /// - Complexity: O(|members| · common.count) word operations (plus a recomputation for a
    ///   member whose set was evicted).
    public mutating func intersectPastCones(
        of members: ContiguousArray<Int32>, fromWord base: Int, into common: inout ContiguousArray<UInt64>, in tangle: Tangle
    ) -> Bool {
        for member in members {
            let cone = _set(of: member, in: tangle)
            let ownWord = Int(member) >> 6 - base
            let ownBit = UInt64(1) << UInt64(Int(member) & 63)
            // Words below the cone's start (not met while the shortcut's frontier is at or
            // above every set's start): settled ids and exceptions.
            let below = Swift.max(0, Swift.min(common.count, cone.base - base))
            for index in 0..<below {
                let word = base + index
                var bits = word < _settled.count ? _settled[word] : 0
                for exception in cone.exceptions where Int(exception) >> 6 == word { bits |= 1 << UInt64(Int(exception) & 63) }
                common[index] &= bits | (index == ownWord ? ownBit : 0)
            }
            common.withUnsafeMutableBufferPointer { target in
                cone.words.withUnsafeBufferPointer { source in
                    // target[index] is absolute word base + index, source word base + index − cone.base.
                    let shift = base - cone.base
                    let overlap = Swift.max(below, Swift.min(target.count, source.count - shift))
                    for index in below..<overlap {
                        target[index] &= source[index + shift] | (index == ownWord ? ownBit : 0)
                    }
                    for index in overlap..<target.count {
                        target[index] &= index == ownWord ? ownBit : 0
                    }
                }
            }
        }
        return true
    }

    /// The ancestor set of `x`, from the cache or recomputed.
    mutating func _set(of x: Int32, in tangle: Tangle) -> _Cone {
        if let cone = _sets[x] { return cone }
        recomputations += 1
        let cone = _Cone(base: 0, exceptions: [], words: _searchPastCone(of: x, in: tangle))
        _store(cone, for: x)
        return cone
    }

    mutating func _store(_ cone: _Cone, for x: Int32) {
        _highestBase = Swift.max(_highestBase, cone.base)
        _sets[x] = cone
        _cachedWords += cone.footprint
        while _cachedWords > cacheLimitWords, let oldest = _evictionOrder.popFirst() {
            if oldest != x, let evicted = _sets.removeValue(forKey: oldest) { _cachedWords -= evicted.footprint }
        }
    }

    /// The past cone of `x` by breadth-first search over parents (for evicted sets).
    mutating func _searchPastCone(of x: Int32, in tangle: Tangle) -> ContiguousArray<UInt64> {
        var set = ContiguousArray<UInt64>(repeating: 0, count: (Int(x) + 63) >> 6)
        _visited.clear()
        _queue.removeAll(keepingCapacity: true)
        _queue.append(x)
        var head = 0
        while head < _queue.count {
            let node = _queue[head]
            head += 1
            tangle.forEachParent(of: node) { parent in
                if _visited.insert(parent) {
                    set[Int(parent) >> 6] |= 1 << UInt64(Int(parent) & 63)
                    _queue.append(parent)
                }
            }
        }
        return set
    }
}
