/// One bit per transaction: whether its visibility event has been handled.
///
/// Walks test visibility against this rather than against `visibleTime <= now`, so a walk
/// sees exactly the state the engine has reached: a transaction whose visibility event is
/// due at this very instant but not handled yet is not visible, as in the visible tip set.
public struct VisibilityBits: Sendable {
    @usableFromInline var _words: ContiguousArray<UInt64> = [1]  // the genesis is visible

    public init() {}

    /// Marks `x` visible.
    @inlinable
    public mutating func insert(_ x: Int32) {
        let word = Int(x) >> 6
        while word >= _words.count { _words.append(0) }
        _words[word] |= 1 << UInt64(Int(x) & 63)
    }

    /// Whether `x` is visible.
    @inlinable
    public func contains(_ x: Int32) -> Bool {
        let word = Int(x) >> 6
        return word < _words.count && _words[word] & (1 << UInt64(Int(x) & 63)) != 0
    }
}
