/// A set of transaction ids with O(1) insert, remove, membership and uniform sampling.
///
/// Members live densely in `_members`; `_slots[x]` is x's position there, or -1. Removing
/// moves the last member into the hole, so the order of members depends on the history of
/// operations, deterministically.
///
/// Memory: 4 bytes per transaction id ever inserted (the slot column; ids below those
/// forgotten with ``forget(below:)`` excepted) plus 4 per member.
public struct TipSet: Sendable {
    @usableFromInline var _members: ContiguousArray<Int32> = []
    @usableFromInline var _slots: ContiguousArray<Int32> = []
    /// The id of `_slots[0]`: 0 unless ids below it were forgotten (``forget(below:)``).
    @usableFromInline var _base = 0

    public init() {}

    /// The number of members.
    @inlinable
    public var count: Int { _members.count }

    /// Whether `x` is a member.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func contains(_ x: Int32) -> Bool {
        let index = Int(x) &- _base
        return UInt(bitPattern: index) < UInt(_slots.count) && _slots[index] >= 0
    }

    /// The member at dense position `position` (0..<count).
    @inlinable
    public subscript(position: Int) -> Int32 { _members[position] }

    /// The members, in their current dense order.
    @inlinable
    public var members: ContiguousArray<Int32> { _members }

    /// Reserves slots for transaction ids below `idCapacity`.
    public mutating func reserveCapacity(ids idCapacity: Int) {
        _slots.reserveCapacity(idCapacity)
    }

    /// Inserts `x`; returns false when it was already a member.
    ///
    /// - Complexity: amortised O(1).
    @inlinable
    @discardableResult
    public mutating func insert(_ x: Int32) -> Bool {
        let index = Int(x) &- _base
        precondition(index >= 0, "transaction ids are non-negative and not forgotten")
        if index >= _slots.count {
            _slots.append(contentsOf: repeatElement(-1, count: index - _slots.count + 1))
        } else if _slots[index] >= 0 {
            return false
        }
        _slots[index] = Int32(truncatingIfNeeded: _members.count)
        _members.append(x)
        return true
    }

    /// Removes `x`; returns false when it was not a member.
    ///
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    @discardableResult
    public mutating func remove(_ x: Int32) -> Bool {
        let index = Int(x) &- _base
        guard UInt(bitPattern: index) < UInt(_slots.count) else { return false }
        let slot = Int(_slots[index])
        guard slot >= 0 else { return false }
        let last = _members.removeLast()
        if slot < _members.count {
            _members[slot] = last
            _slots[Int(last) &- _base] = Int32(truncatingIfNeeded: slot)
        }
        _slots[index] = -1
        return true
    }

    /// The smallest member, or nil when the set is empty.
    ///
    /// - Complexity: O(count).
    public var smallestMember: Int32? { _members.min() }

    /// Forgets the slots of ids below `id`, none of which is a member: afterwards they are
    /// not members, and cannot be inserted. Slots are moved down only once the forgotten
    /// part is as long as the kept part (O(1) per id, amortized).
    public mutating func forget(below id: Int32) {
        let forgotten = Swift.min(Int(id) &- _base, _slots.count)
        guard forgotten > 0, forgotten >= _slots.count &- forgotten else { return }
        precondition(!_slots[..<forgotten].contains { $0 >= 0 }, "a member is forgotten")
        _slots.removeFirst(forgotten)
        _base &+= forgotten
    }
}
