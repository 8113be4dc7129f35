/// Exact cumulative weights of the most recent transactions, at a cost per transaction that
/// does not grow with the length of the run.
///
/// A walk that starts at transaction s visits only s and transactions issued after it, so
/// weights are needed only for a recent window of ids. This keeps them for the last M ids
/// (a ring; M a power of two, doubled on demand by ``prepareWalk(from:in:now:)``):
///
/// - **Ancestor bitsets.** Each transaction n in the ring has an M-bit set whose bit d says
///   "n − d is an ancestor of n". It is computed once, at issue, as the union over parents p
///   of (p's set shifted by d_p = n − p) plus bit d_p: O(k·M/64) word operations. Bits that
///   shift past M fall off, so the sets never hold stale ids.
/// - **Bit-sliced counters.** When y becomes visible, every ancestor's weight grows by 1:
///   y's set, masked to ancestors still in the ring and rotated into counter order, is added
///   to log2(M) bit planes of vertical counters with a ripple carry, O(M/64) word operations
///   (about two planes per word on average) instead of one increment per ancestor.
/// - A weight is read by gathering its counter's bit from each plane: O(log M).
///
/// H(x) is exact for every x in the ring: each of x's visible descendants is younger than x,
/// so it was issued and became visible while x was in the ring, with x in its ancestor set.
///
/// - Complexity: O(k·M/64) per issue, O(M/64 + log M) per visibility, O(log M) per weight
///   read, where M ~ lambda·(2W + delay) rounded up to a power of two. Memory: M²/8 bytes
///   for the ancestor sets (2 MiB at M = 4,096). A rebuild after doubling M costs
///   O(M²/64); it happens only when the window outgrows the ring, and changes no result.
public struct WindowedWeights: CumulativeWeights {
    /// M: how many of the newest transactions have exact weights.
    public private(set) var capacity: Int
    /// How often the ring was doubled.
    public private(set) var rebuilds = 0
    @usableFromInline var _words: Int
    @usableFromInline var _planeCount: Int
    @usableFromInline var _ancestors: ContiguousArray<UInt64>
    @usableFromInline var _planes: ContiguousArray<UInt64>
    /// The newest transaction id reported by `didIssue`.
    @usableFromInline var _newest = 0
    /// Which transactions have become visible (kept for all ids, for rebuilds).
    public private(set) var visible = VisibilityBits()

    /// Creates the tracker holding only the genesis, with a ring of at least
    /// `initialCapacity` transactions.
    public init(initialCapacity: Int) {
        let capacity = Self.ringCapacity(atLeast: initialCapacity)
        self.capacity = capacity
        _words = capacity / 64
        _planeCount = capacity.trailingZeroBitCount
        _ancestors = ContiguousArray(repeating: 0, count: capacity * _words)
        _planes = ContiguousArray(repeating: 0, count: _planeCount * _words)
    }

    /// The ring size M for a requested capacity: the smallest power of two, at least 64,
    /// that holds `requested` transactions.
    public static func ringCapacity(atLeast requested: Int) -> Int {
        var capacity = 64
        while capacity < requested { capacity <<= 1 }
        return capacity
    }

    /// The bytes a ring of M transactions allocates, all zero-filled at once: M ancestor
    /// sets of M bits (M²/8 bytes) and log2(M) bit planes of M counters (M·log2(M)/8).
    public static func ringBytes(capacity: Int) -> Double {
        let m = Double(capacity)
        return m * m / 8 + Double(capacity.trailingZeroBitCount) * m / 8
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        let n = Int(x)
        precondition(n == _newest + 1, "transactions are reported in issue order")
        _newest = n
        _computeAncestors(of: n, in: tangle)
        // The counter now belongs to n: clear what the id M before it left there.
        let counter = (capacity - (n & (capacity - 1))) & (capacity - 1)
        let word = counter >> 6
        let clear = ~(UInt64(1) << UInt64(counter & 63))
        for plane in 0..<_planeCount {
            _planes[plane * _words + word] &= clear
        }
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        visible.insert(x)
        _addToAncestors(of: Int(x))
    }

    public mutating func prepareWalk(from x: Int32, in tangle: Tangle, now: Double) {
        guard _newest - Int(x) >= capacity else { return }
        var grown = capacity
        while _newest - Int(x) >= grown { grown <<= 1 }
        _rebuild(capacity: grown, tangle: tangle)
    }

    @inlinable
    public func weight(of x: Int32) -> Int {
        precondition(_newest - Int(x) < capacity, "weight of a transaction outside the window")
        let counter = (capacity - (Int(x) & (capacity - 1))) & (capacity - 1)
        let word = counter >> 6
        let bit = UInt64(counter & 63)
        var count = 0
        for plane in 0..<_planeCount {
            count |= Int((_planes[plane * _words + word] >> bit) & 1) << plane
        }
        return 1 + count
    }

    /// Whether `a` is an ancestor of `z`: one bit of z's ancestor set when both are in the
    /// ring, a search of the Tangle otherwise.
    public mutating func isAncestor(_ a: Int32, of z: Int32, in tangle: Tangle) -> Bool {
        let distance = Int(z) - Int(a)
        guard distance > 0 else { return false }
        guard distance < capacity, _newest - Int(z) < capacity else { return tangle.isAncestor(a, of: z) }
        let row = (Int(z) & (capacity - 1)) * _words
        return _ancestors[row + distance >> 6] & (1 << UInt64(distance & 63)) != 0
    }

    /// Sets n's ancestor bits (bit d: n − d is an ancestor) from its parents' sets.
    mutating func _computeAncestors(of n: Int, in tangle: Tangle) {
        let words = _words
        let row = (n & (capacity - 1)) * words
        for j in 0..<words { _ancestors[row + j] = 0 }
        tangle.forEachParent(of: Int32(truncatingIfNeeded: n)) { parent in
            let distance = n - Int(parent)
            guard distance < capacity else { return }  // the parent and its past are out of the ring
            let source = (Int(parent) & (capacity - 1)) * words
            let wordShift = distance >> 6
            let bitShift = UInt64(distance & 63)
            _ancestors.withUnsafeMutableBufferPointer { bits in
                var j = words - 1
                while j >= wordShift {
                    var shifted = bits[source + j - wordShift] << bitShift
                    if bitShift > 0, j - wordShift - 1 >= 0 {
                        shifted |= bits[source + j - wordShift - 1] >> (64 - bitShift)
                    }
                    bits[row + j] |= shifted
                    j -= 1
                }
                bits[row + wordShift] |= 1 << bitShift
            }
        }
    }

    /// Adds 1 to the counter of every ancestor of n that is still in the ring.
    mutating func _addToAncestors(of n: Int) {
        let capacity = capacity
        let limit = capacity - (_newest - n)  // ancestors at distance < limit are in the ring
        guard limit > 1 else { return }
        let words = _words
        let planeCount = _planeCount
        let row = (n & (capacity - 1)) * words
        // Counter of ancestor a = n − d is (−a) mod M = (d + phi) mod M.
        let phi = (capacity - (n & (capacity - 1))) & (capacity - 1)
        let wordRotate = phi >> 6
        let bitRotate = UInt64(phi & 63)
        _ancestors.withUnsafeBufferPointer { bits in
            _planes.withUnsafeMutableBufferPointer { planes in
                @inline(__always) func masked(_ w: Int) -> UInt64 {
                    let low = w << 6
                    if low + 64 <= limit { return bits[row + w] }
                    if low >= limit { return 0 }
                    return bits[row + w] & ((1 << UInt64(limit - low)) &- 1)
                }
                for j in 0..<words {
                    let w = (j - wordRotate + words) & (words - 1)
                    var carry = masked(w) << bitRotate
                    if bitRotate > 0 {
                        carry |= masked((w - 1 + words) & (words - 1)) >> (64 - bitRotate)
                    }
                    var plane = 0
                    while carry != 0 {
                        precondition(plane < planeCount, "a counter overflowed its planes")
                        let index = plane * words + j
                        let old = planes[index]
                        planes[index] = old ^ carry
                        carry &= old
                        plane += 1
                    }
                }
            }
        }
    }

    /// Doubles the ring to `newCapacity` and recomputes every set and counter from the Tangle.
    mutating func _rebuild(capacity newCapacity: Int, tangle: Tangle) {
        capacity = newCapacity
        _words = newCapacity / 64
        _planeCount = newCapacity.trailingZeroBitCount
        _ancestors = ContiguousArray(repeating: 0, count: newCapacity * _words)
        _planes = ContiguousArray(repeating: 0, count: _planeCount * _words)
        rebuilds += 1
        // A run that forgot its settled past has no record below `firstRetained`; no walk
        // reaches there, and the sets above it are exact without it.
        let oldest = Swift.max(Int(tangle.firstRetained), _newest - newCapacity + 1)
        for n in oldest..._newest {
            _computeAncestors(of: n, in: tangle)
        }
        for n in oldest..._newest where visible.contains(Int32(truncatingIfNeeded: n)) {
            _addToAncestors(of: n)
        }
    }
}
