/// A binary min-heap in one contiguous array, popped by Floyd's bottom-up method.
///
/// swift-collections' `Heap` is a min-max heap: every level compares against grandchildren
/// as well, which the event queue never needs (it only pops the minimum). This one keeps the
/// classic implicit binary tree (children of i at 2i + 1 and 2i + 2) and moves a hole instead
/// of swapping: `insert` sifts the hole up from the end; `popMin` walks the hole from the
/// root down to a leaf along the smaller child (one comparison a level, no comparison with
/// the moved element), then sifts the former last element up from there — it usually
/// belongs near the bottom, so that costs about one comparison (R. W. Floyd, "Algorithm
/// 245: Treesort 3", CACM 7(12), 1964; Knuth, TAOCP vol. 3, 5.2.3, exercise 18).
///
/// Measured against `Heap` on the event queue (`Benchmarks/Scenarios/urts-1m-work.json`,
/// gamma work times, so every visibility event goes through the heap): see the commit that
/// added it and the README's performance section.
///
/// Elements must be totally ordered by `<` (the event queue's (time, sequence) order is):
/// then the pop order is that of any correct priority queue, so swapping heaps never
/// changes a simulation's output.
///
/// | operation | cost                                  |
/// |-----------|---------------------------------------|
/// | `insert`  | O(log n) moves, O(1) on average       |
/// | `popMin`  | log2(n) + O(1) comparisons and moves  |
/// | `min`     | O(1)                                  |
@usableFromInline
struct BinaryHeap<Element: Comparable> {
    @usableFromInline var _storage: ContiguousArray<Element> = []

    @inlinable
    init() {}

    /// The number of elements.
    @inlinable
    var count: Int { _storage.count }

    /// The smallest element, or nil when empty.
    @inlinable
    var min: Element? { _storage.first }

    /// Adds `element`.
    @inlinable
    mutating func insert(_ element: Element) {
        _storage.append(element)
        _storage.withUnsafeMutableBufferPointer { heap in
            var hole = heap.count - 1
            while hole > 0 {
                let parent = (hole - 1) >> 1
                guard element < heap[parent] else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = element
        }
    }

    /// Removes and returns the smallest element, or nil when empty.
    @inlinable
    mutating func popMin() -> Element? {
        guard let last = _storage.popLast() else { return nil }
        guard !_storage.isEmpty else { return last }
        return _storage.withUnsafeMutableBufferPointer { heap in
            let smallest = heap[0]
            let count = heap.count
            var hole = 0
            while true {
                let left = 2 &* hole &+ 1
                guard left < count else { break }
                let right = left &+ 1
                let child = right < count && heap[right] < heap[left] ? right : left
                heap[hole] = heap[child]
                hole = child
            }
            while hole > 0 {
                let parent = (hole &- 1) >> 1
                guard last < heap[parent] else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = last
            return smallest
        }
    }
}
