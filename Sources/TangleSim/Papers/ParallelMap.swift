import Foundation

/// `map` on worker threads, results in input order: each thread takes the next index from a
/// shared counter, so `jobs` threads stay busy whatever each transform costs. Used for
/// replications that keep their tangle (a sweep's runs go through ``SweepRunner``).
enum ParallelMap {
    /// Applies `transform` to every index of `range` on `jobs` threads (16 MiB stacks, as
    /// sweep workers) and returns the results in index order.
    static func map<T: Sendable>(_ range: Range<Int>, jobs: Int, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
        let results = _Results<T>(count: range.count)
        let next = _Counter(range.lowerBound)
        let group = DispatchGroup()
        for _ in 0..<min(jobs, range.count) {
            let thread = Thread {
                while let index = next.take(below: range.upperBound) {
                    results.set(index - range.lowerBound, transform(index))
                }
                group.leave()
            }
            thread.stackSize = 16 << 20
            group.enter()
            thread.start()
        }
        group.wait()
        return results.values
    }
}

private final class _Results<T: Sendable>: @unchecked Sendable {
    private let _lock = NSLock()
    private var _values: [T?]
    init(count: Int) { _values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { _lock.withLock { _values[index] = value } }
    var values: [T] { _lock.withLock { _values.map { $0! } } }
}

private final class _Counter: @unchecked Sendable {
    private let _lock = NSLock()
    private var _next: Int
    init(_ start: Int) { _next = start }
    func take(below end: Int) -> Int? {
        _lock.withLock {
            guard _next < end else { return nil }
            defer { _next += 1 }
            return _next
        }
    }
}
