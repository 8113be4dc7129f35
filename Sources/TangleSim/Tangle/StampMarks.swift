/// A set of transaction ids that is emptied in O(1): marks are generation stamps, and
/// ``clear()`` starts a new generation.
///
/// Graph searches and per-issuer views mark transactions for the duration of one operation;
/// clearing a bit array each time would cost O(n). The stamps wrap after 2^32 generations,
/// when every mark is reset once.
public struct StampMarks: Sendable {
    @usableFromInline var _stamps: ContiguousArray<UInt32> = []
    @usableFromInline var _current: UInt32 = 1

    public init() {}

    /// Unmarks every id.
    ///
    /// - Complexity: O(1), except O(n) once every 2^32 calls.
    @inlinable
    public mutating func clear() {
        _current &+= 1
        if _current == 0 {
            for index in _stamps.indices { _stamps[index] = 0 }
            _current = 1
        }
    }

    /// Whether `x` is marked.
    @inlinable
    public func contains(_ x: Int32) -> Bool {
        Int(x) < _stamps.count && _stamps[Int(x)] == _current
    }

    /// Marks `x`; returns false when it was marked already.
    @inlinable
    @discardableResult
    public mutating func insert(_ x: Int32) -> Bool {
        let index = Int(x)
        if index == _stamps.count {
            _stamps.append(0)  // one element: `append(contentsOf:)` cost about 85 instructions
        } else if index > _stamps.count {
            _stamps.append(contentsOf: repeatElement(0, count: index - _stamps.count + 1))
        }
        guard _stamps[index] != _current else { return false }
        _stamps[index] = _current
        return true
    }

    /// Reserves room for ids below `capacity`.
    public mutating func reserveCapacity(_ capacity: Int) {
        _stamps.reserveCapacity(capacity)
    }
}
