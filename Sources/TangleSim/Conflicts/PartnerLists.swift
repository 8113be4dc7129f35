/// Every conflict set's list of partner entries (see ``ConflictLedger``'s classes), kept in
/// one pool: set s's list is `pool[start ..< start + count]`, with room up to `capacity`.
/// A list that outgrows its room moves to the end of the pool with twice the room; the room
/// left behind, and a freed set's, is garbage, dropped when it makes up half of the pool
/// (the lists slide down in place, each list's order kept).
///
/// Why not an array of arrays: a pick beside a parent reads the list of that parent's set,
/// and with a heap block per list the first load of each list missed the cache — half of
/// the consistent-tip count's cycles in `urts-1m-double-spends.json` (perf annotate). The
/// pool keeps the live lists (a few thousand entries once conflicts abound) in a few pages,
/// and an append into room already made checks one array's uniqueness instead of two.
///
/// - Complexity: an append O(1) amortized; reading a list O(its length).
struct PartnerLists {
    /// A set's list: where it starts in the pool, its length and its room.
    struct Span {
        var start: Int32
        var count: Int32
        var capacity: Int32

        static let empty = Span(start: 0, count: 0, capacity: 0)
    }

    var _pool: ContiguousArray<UInt64> = []
    /// Per set id.
    var _spans: ContiguousArray<Span> = [.empty]
    /// Pool slots no list owns.
    var _garbage = 0

    /// The room a list is given when it is set or first grows.
    static let initialCapacity = 4
    /// The garbage below which the pool is never compacted.
    static let compactionFloor = 4096

    /// Whether `entry` (a set id | its generation << 32) names a set still live: `generation`
    /// (per set id) holds the same generation — a freed id's next use has a newer one.
    @inline(__always)
    static func isLive(_ entry: UInt64, generation: UnsafeBufferPointer<UInt32>) -> Bool {
        generation[Int(UInt32(truncatingIfNeeded: entry))] == UInt32(truncatingIfNeeded: entry >> 32)
    }

    /// A new set id (`_spans.count`), with an empty list.
    mutating func appendSet() {
        _spans.append(.empty)
    }

    /// The length of `set`'s list.
    @inline(__always)
    func count(of set: Int32) -> Int { Int(_spans[Int(set)].count) }

    /// Calls `body` with `set`'s list.
    @inline(__always)
    func withList<Result>(of set: Int32, _ body: (UnsafeBufferPointer<UInt64>) -> Result) -> Result {
        let span = _spans[Int(set)]
        return _pool.withUnsafeBufferPointer { pool in
            body(UnsafeBufferPointer(rebasing: pool[Int(span.start) ..< Int(span.start) + Int(span.count)]))
        }
    }

    /// Calls `body` with `set`'s list, mutable in place; `body` returns the new length (at
    /// most the old: entries are dropped, never added).
    mutating func withMutableList(of set: Int32, _ body: (UnsafeMutableBufferPointer<UInt64>) -> Int) {
        let span = _spans[Int(set)]
        let kept = _pool.withUnsafeMutableBufferPointer { pool in
            body(UnsafeMutableBufferPointer(rebasing: pool[Int(span.start) ..< Int(span.start) + Int(span.count)]))
        }
        precondition(kept >= 0 && kept <= Int(span.count), "a list only sheds entries in place")
        _spans[Int(set)].count = Int32(kept)
    }

    /// Entry `index` of `set`'s list.
    @inline(__always)
    func entry(at index: Int, of set: Int32) -> UInt64 {
        let span = _spans[Int(set)]
        precondition(index >= 0 && index < Int(span.count), "an entry of the list")
        return _pool[Int(span.start) + index]
    }

    /// Removes entry `index` of `set`'s list, moving its last entry there.
    mutating func swapRemove(at index: Int, of set: Int32) {
        let span = _spans[Int(set)]
        precondition(index >= 0 && index < Int(span.count), "an entry of the list")
        let last = Int(span.start) + Int(span.count) - 1
        _pool[Int(span.start) + index] = _pool[last]
        _spans[Int(set)].count = span.count - 1
    }

    /// Replaces `set`'s list with `entries`.
    mutating func setList(of set: Int32, to entries: ContiguousArray<UInt64>) {
        _release(set)
        let capacity = Swift.max(entries.count, Self.initialCapacity)
        let start = _pool.count
        _reserveOnce()
        _pool.append(contentsOf: entries)
        _pool.append(contentsOf: repeatElement(0, count: capacity - entries.count))
        _spans[Int(set)] = Span(start: Int32(start), count: Int32(entries.count), capacity: Int32(capacity))
        _compactIfWasteful()
    }

    /// Appends `entry` to the list of each set among `sets` (entries id | generation << 32).
    ///
    /// Full lists are moved first; then every append is a store through buffers (an append
    /// per list through the columns checked their uniqueness at each one).
    mutating func append(_ entry: UInt64, toEach sets: ContiguousArray<UInt64>) {
        for other in sets {
            let set = Int(UInt32(truncatingIfNeeded: other))
            if _spans[set].count == _spans[set].capacity { _grow(Int32(set)) }
        }
        _pool.withUnsafeMutableBufferPointer { pool in
            _spans.withUnsafeMutableBufferPointer { spans in
                for other in sets {
                    let set = Int(UInt32(truncatingIfNeeded: other))
                    let span = spans[set]
                    precondition(span.count < span.capacity && Int(span.start) + Int(span.capacity) <= pool.count, "room made")
                    pool[Int(span.start) + Int(span.count)] = entry
                    spans[set].count = span.count + 1
                }
            }
        }
    }

    /// Empties `set`'s list (the set is freed).
    mutating func free(_ set: Int32) {
        _release(set)
        _spans[Int(set)] = .empty
        _compactIfWasteful()
    }

    /// Moves `set`'s list to the end of the pool with twice the room.
    @inline(never)
    mutating func _grow(_ set: Int32) {
        let span = _spans[Int(set)]
        let capacity = Swift.max(2 * Int(span.capacity), Self.initialCapacity)
        let start = _pool.count
        _reserveOnce()
        _pool.append(contentsOf: repeatElement(0, count: capacity))
        _pool.withUnsafeMutableBufferPointer { pool in
            for index in 0..<Int(span.count) { pool[start + index] = pool[Int(span.start) + index] }
        }
        _garbage += Int(span.capacity)
        _spans[Int(set)] = Span(start: Int32(start), count: span.count, capacity: Int32(capacity))
        _compactIfWasteful()
    }

    /// One pass over the live sets among `set`'s list (entries of freed sets have an older
    /// generation than `generation` holds) in list order: the first whose tips (`tips`, per
    /// set id) hold index `index` once those of the sets before it are counted (−1 when the
    /// index is beyond them all), the tips of the sets before it (all of them when none
    /// holds the index), and whether an entry of a freed set was met.
    func tips(
        of set: Int32, generation: ContiguousArray<UInt32>, tips: ContiguousArray<Int32>, holding index: Int = .max
    ) -> (set: Int32, before: Int, stale: Bool) {
        let span = _spans[Int(set)]
        var before = 0
        var found: Int32 = -1
        var stale = false
        _pool.withUnsafeBufferPointer { pool in
            generation.withUnsafeBufferPointer { generation in
                tips.withUnsafeBufferPointer { tips in
                    for entry in pool[Int(span.start) ..< Int(span.start) + Int(span.count)] {
                        guard Self.isLive(entry, generation: generation) else {
                            stale = true
                            continue
                        }
                        let other = Int(UInt32(truncatingIfNeeded: entry))
                        let count = Int(tips[other])
                        if index - before < count {
                            found = Int32(other)
                            return
                        }
                        before += count
                    }
                }
            }
        }
        return (found, before, stale)
    }

    /// The pool's first room: address space only (16 MiB), its pages touched as the lists
    /// fill it.
    ///
    /// Why: grown by doubling, each new buffer's pages were fresh — those of the copy and of
    /// the new room — 5,000 of `urts-1m-double-spends.json`'s 26,000 page faults (`perf
    /// record -e page-faults -c 1`; its pool peaks near a million entries early in the run),
    /// at about 2 µs each here. Beyond this room the pool doubles as before.
    static let reservedEntries = 1 << 21

    @inline(__always)
    mutating func _reserveOnce() {
        if _pool.capacity == 0 { _pool.reserveCapacity(Self.reservedEntries) }
    }

    /// Counts `set`'s room as garbage (its list is about to be replaced or dropped).
    mutating func _release(_ set: Int32) {
        _garbage += Int(_spans[Int(set)].capacity)
    }

    /// Drops the garbage once it is half of the pool: the lists slide down in place, in the
    /// order they lie in the pool, each with its room.
    ///
    /// In place, not into a new pool: a new pool of the live size doubled again at the next
    /// append, and each new buffer's pages were fresh — a page fault apiece, 8,000 of
    /// `urts-1m-double-spends.json`'s 28,000 (`perf record -e page-faults`), at about 2 µs
    /// each on this machine. The pool keeps the room it once needed.
    mutating func _compactIfWasteful() {
        guard _garbage >= Self.compactionFloor, 2 * _garbage >= _pool.count else { return }
        var order = ContiguousArray<Int32>()
        order.reserveCapacity(_spans.count)
        for set in _spans.indices where _spans[set].capacity > 0 { order.append(Int32(set)) }
        var write = 0
        _spans.withUnsafeMutableBufferPointer { spans in
            order.sort { spans[Int($0)].start < spans[Int($1)].start }
            _pool.withUnsafeMutableBufferPointer { pool in
                let base = pool.baseAddress!
                for set in order {
                    let span = spans[Int(set)]
                    if Int(span.start) != write {
                        (base + write).update(from: base + Int(span.start), count: Int(span.capacity))
                        spans[Int(set)].start = Int32(write)
                    }
                    write += Int(span.capacity)
                }
            }
        }
        _pool.removeLast(_pool.count - write)
        _garbage = 0
    }
}
