import DequeModule

/// Exact cumulative weights of every transaction, for walks that start at the genesis.
///
/// When y becomes visible, every transaction in y's past cone gains 1. The past cone is kept
/// as a dense bitset over ids, computed once when y is issued as the union of its parents'
/// sets plus the parents themselves; the update then scans the set's words (O(n/64) words
/// and one increment per ancestor) instead of searching the graph.
///
/// Sets are kept only while they can still be needed: a transaction's set is read when it
/// becomes visible and when it is chosen as a parent, which can happen only while it has no
/// visible approver. So a set is dropped as soon as its transaction gets a visible approver.
/// Tips that are never approved (left behind) keep theirs until the cache exceeds
/// `cacheLimitWords`; then the oldest are evicted, and an evicted set is recomputed by a
/// breadth-first search over parents if it is ever needed again (O(size of the past cone)).
///
/// Settled transactions (``settle(_:)``: every later visible transaction descends from them,
/// as the genesis walk shortcut establishes for the transactions it finalizes) are not
/// counted one by one: their weight is held as an offset from G, the number of visible
/// transactions, H(x) = G − offset(x), so a visibility increments only the unsettled part
/// of the past cone (the last tens of seconds of the Tangle, and side branches).
///
/// - Complexity: O(n/64 + |past cone|) per transaction, so O(n²) for a run of n
///   transactions, with a small constant (one bit scan and increment per ancestor); with
///   settled transactions, O(n/64 + |unsettled past cone|).
///   Memory: 4 bytes per transaction for the weights, plus n/8 bytes for each live set (the
///   visible tips and the transactions not yet visible), at most `cacheLimitWords` · 8 bytes.
public struct PastConeWeights: CumulativeWeights {
    @usableFromInline var _weights: ContiguousArray<Int32> = [1]
    /// Which transactions have become visible.
    public private(set) var visible = VisibilityBits()
    @usableFromInline var _sets: [Int32: ContiguousArray<UInt64>] = [:]
    @usableFromInline var _cachedWords = 0
    /// The most 64-bit words of ancestor sets kept at once.
    public let cacheLimitWords: Int
    /// Visible transactions whose sets are kept, oldest first, for eviction (lazily pruned).
    @usableFromInline var _evictionOrder: Deque<Int32> = []
    /// Sets recomputed after eviction, for diagnostics.
    public private(set) var recomputations = 0
    /// Settled transactions, whose `_weights` entry is G − H (see ``settle(_:)``).
    @usableFromInline var _settled: ContiguousArray<UInt64> = []
    /// How many transactions are settled (0: the counting of old).
    @usableFromInline var _settledCount = 0
    /// G: how many transactions are visible, the genesis included.
    @usableFromInline var _visibleCount: Int32 = 1
    @usableFromInline var _visited = StampMarks()
    @usableFromInline var _queue: ContiguousArray<Int32> = []

    /// The default ``cacheLimitWords``: 2^25 words, 256 MiB of ancestor sets.
    public static let defaultCacheLimitWords = 1 << 25

    /// - Parameter cacheLimitWords: the most words of ancestor sets to keep (default 2^25,
    ///   256 MiB).
    public init(cacheLimitWords: Int = PastConeWeights.defaultCacheLimitWords) {
        self.cacheLimitWords = cacheLimitWords
        _sets[0] = []
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        precondition(Int(x) == _weights.count, "transactions are reported in issue order")
        _weights.append(1)
        var set = ContiguousArray<UInt64>(repeating: 0, count: (Int(x) + 63) >> 6)
        tangle.forEachParent(of: x) { parent in
            set[Int(parent) >> 6] |= 1 << UInt64(Int(parent) & 63)
            let parentSet = _set(of: parent, in: tangle)
            set.withUnsafeMutableBufferPointer { target in
                parentSet.withUnsafeBufferPointer { source in
                    for word in source.indices { target[word] |= source[word] }
                }
            }
        }
        _store(set, for: x)
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        visible.insert(x)
        _visibleCount += 1
        let set = _set(of: x, in: tangle)
        if _settledCount == 0 {
            _weights.withUnsafeMutableBufferPointer { weights in
                set.withUnsafeBufferPointer { words in
                    for index in words.indices {
                        var word = words[index]
                        while word != 0 {
                            weights[index << 6 | word.trailingZeroBitCount] &+= 1
                            word &= word &- 1
                        }
                    }
                }
            }
        } else {
            // Settled ancestors gain through G.
            _weights.withUnsafeMutableBufferPointer { weights in
                set.withUnsafeBufferPointer { words in
                    _settled.withUnsafeBufferPointer { settled in
                        for index in words.indices {
                            var word = words[index] & ~(index < settled.count ? settled[index] : 0)
                            while word != 0 {
                                weights[index << 6 | word.trailingZeroBitCount] &+= 1
                                word &= word &- 1
                            }
                        }
                    }
                }
            }
        }
        _evictionOrder.append(x)
        // x's parents now have a visible approver: they can never be chosen again.
        tangle.forEachParent(of: x) { parent in
            if let dropped = _sets.removeValue(forKey: parent) { _cachedWords -= dropped.count }
        }
    }

    public mutating func prepareWalk(from x: Int32, in tangle: Tangle, now: Double) {}

    @inlinable
    public func weight(of x: Int32) -> Int {
        if _settledCount > 0, _isSettled(x) { return Int(_visibleCount &- _weights[Int(x)]) }
        return Int(_weights[Int(x)])
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
        let word = Int(x) >> 6
        while word >= _settled.count { _settled.append(0) }
        _weights[Int(x)] = _visibleCount &- _weights[Int(x)]
        _settled[word] |= 1 << UInt64(Int(x) & 63)
        _settledCount += 1
    }

    /// Turns every settled weight back into a count.
    ///
    /// - Complexity: O(n/64 + settled transactions).
    public mutating func unsettleAll() {
        guard _settledCount > 0 else { return }
        for index in _settled.indices {
            var word = _settled[index]
            while word != 0 {
                let x = index << 6 | word.trailingZeroBitCount
                _weights[x] = _visibleCount &- _weights[x]
                word &= word &- 1
            }
        }
        _settled.removeAll()
        _settledCount = 0
    }

    /// Whether `a` is an ancestor of `z`: a bit of z's ancestor set.
    public mutating func isAncestor(_ a: Int32, of z: Int32, in tangle: Tangle) -> Bool {
        guard a < z else { return false }
        let set = _set(of: z, in: tangle)
        return set[Int(a) >> 6] & (1 << UInt64(Int(a) & 63)) != 0
    }

    /// ANDs each member's past cone, with the member itself, into `common` from word `base`.
    ///
    /// - Complexity: O(|members| · common.count) word operations (plus a recomputation for a
    ///   member whose set was evicted).
    public mutating func intersectPastCones(
        of members: ContiguousArray<Int32>, fromWord base: Int, into common: inout ContiguousArray<UInt64>, in tangle: Tangle
    ) -> Bool {
        for member in members {
            let set = _set(of: member, in: tangle)
            let ownWord = Int(member) >> 6 - base
            let ownBit = UInt64(1) << UInt64(Int(member) & 63)
            common.withUnsafeMutableBufferPointer { target in
                set.withUnsafeBufferPointer { source in
                    let overlap = Swift.max(0, Swift.min(target.count, source.count - base))
                    for index in 0..<overlap {
                        target[index] &= source[base + index] | (index == ownWord ? ownBit : 0)
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
    mutating func _set(of x: Int32, in tangle: Tangle) -> ContiguousArray<UInt64> {
        if let set = _sets[x] { return set }
        recomputations += 1
        let set = _searchPastCone(of: x, in: tangle)
        _store(set, for: x)
        return set
    }

    mutating func _store(_ set: ContiguousArray<UInt64>, for x: Int32) {
        _sets[x] = set
        _cachedWords += set.count
        while _cachedWords > cacheLimitWords, let oldest = _evictionOrder.popFirst() {
            if oldest != x, let evicted = _sets.removeValue(forKey: oldest) { _cachedWords -= evicted.count }
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
