import Foundation

/// Worker threads for independent runs: sweeps (``SweepRunner``), replications of `check`
/// (``PaperChecks``).
///
/// Each thread takes the next item from a shared list, so `jobs` threads stay busy whatever
/// each item costs; items share nothing else. Threads get 16 MiB stacks (a walk's recursion
/// and the engine's locals stay far below). Which thread runs which item, and in which order
/// items finish, changes nothing in any item's result.
public enum WorkerPool {
    /// Calls `body` with every item of `items`, taken in the order given, on `jobs` threads
    /// (concurrently: `body` must be thread-safe).
    ///
    /// When `body` throws, no further item starts; the items under way finish and the first
    /// error is rethrown once every thread has stopped.
    ///
    /// - Precondition: `jobs >= 1`.
    public static func forEach(_ items: [Int], jobs: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        precondition(jobs >= 1, "at least one worker")
        let state = _SharedState(items: items)
        let workers = min(jobs, items.count)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<workers {
            let thread = Thread {
                while let item = state.next() {
                    do {
                        try body(item)
                    } catch {
                        state.fail(error)
                    }
                }
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in 0..<workers { finished.wait() }
        if let error = state.error { throw error }
    }

    /// `map` over `range` on `jobs` threads; the results in index order.
    public static func map<T: Sendable>(_ range: Range<Int>, jobs: Int, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
        let results = _Results<T>(count: range.count)
        // The body never throws, so neither does forEach.
        try! forEach(Array(range), jobs: max(1, jobs)) { index in results.set(index - range.lowerBound, transform(index)) }
        return results.values
    }
}

/// The items still to start and the first error, behind a lock.
private final class _SharedState: @unchecked Sendable {
    private let _lock = NSLock()
    private var _pending: ArraySlice<Int>
    private var _error: (any Error)?

    init(items: [Int]) {
        _pending = items[...]
    }

    /// The next item to start, or `nil` when none is left or an item failed.
    func next() -> Int? {
        _lock.withLock { _error == nil ? _pending.popFirst() : nil }
    }

    /// Records `error` if it is the first.
    func fail(_ error: any Error) {
        _lock.withLock { if _error == nil { _error = error } }
    }

    var error: (any Error)? { _lock.withLock { _error } }
}

/// Results written by concurrent workers, each to its own index.
private final class _Results<T: Sendable>: @unchecked Sendable {
    private let _lock = NSLock()
    private var _values: [T?]
    init(count: Int) { _values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { _lock.withLock { _values[index] = value } }
    var values: [T] { _lock.withLock { _values.map { $0! } } }
}
