/// A set of transaction ids with O(1) insert, remove, membership and uniform sampling.
///
/// Members live densely in `_members[..<_count]`; `_slots[x]` is x's position there, or -1.
/// Removing moves the last member into the hole, so the order of members depends on the
/// history of operations, deterministically. The column of members never shrinks (what lies
/// beyond `_count` is room): a removal writes it once, where removing its last element too
/// checked its uniqueness a second time — with the slots written through one buffer, two
/// checks a removal instead of four (two removals a transaction; callgrind).
///
/// Memory: 4 bytes per transaction id ever inserted (the slot column; ids below those
/// forgotten with ``forget(below:)`` excepted) plus 4 per member.
public struct TipSet: Sendable {
    @usableFromInline var _members: ContiguousArray<Int32> = []
    /// The number of members: the first `_count` entries of `_members`.
    @usableFromInline var _count = 0
    @usableFromInline var _slots: ContiguousArray<Int32> = []
    /// The id of `_slots[0]`: 0 unless ids below it were forgotten (``forget(below:)``).
    @usableFromInline var _base = 0
    /// The positions of members below `_base` (tips no walk can reach any more, kept by a
    /// run that forgot their slots).
    @usableFromInline var _oldSlots: [Int32: Int32] = [:]

    public init() {}

    /// The number of members.
    @inlinable
    public var count: Int { _count }

    /// Whether `x` is a member.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func contains(_ x: Int32) -> Bool {
        let index = Int(x) &- _base
        if index < 0 { return _oldSlots[x] != nil }
        return index < _slots.count && _slots[index] >= 0
    }

    /// The member at dense position `position` (0..<count).
    @inlinable
    public subscript(position: Int) -> Int32 { _members[position] }

    /// The members, in their current dense order.
    @inlinable
    public var members: ContiguousArray<Int32> { ContiguousArray(_members[..<_count]) }

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
        if index == _slots.count {
            // The common case, the newest transaction: its slot appended with its position
            // (`append(contentsOf:)` of one repeated element cost about 85 instructions, and an
            // append then a write checked the column's uniqueness twice; callgrind).
            _slots.append(Int32(truncatingIfNeeded: _count))
            _appendMember(x)
            return true
        } else if index > _slots.count {
            _slots.append(contentsOf: repeatElement(-1, count: index - _slots.count + 1))
        } else if _slots[index] >= 0 {
            return false
        }
        _slots[index] = Int32(truncatingIfNeeded: _count)
        _appendMember(x)
        return true
    }

    /// Puts `x` at position `_count`, in the room left by removals if there is some.
    @inlinable @inline(__always)
    mutating func _appendMember(_ x: Int32) {
        if _count < _members.count {
            _members[_count] = x
        } else {
            _members.append(x)
        }
        _count &+= 1
    }

    /// Removes `x`; returns false when it was not a member.
    ///
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    @discardableResult
    public mutating func remove(_ x: Int32) -> Bool {
        let index = Int(x) &- _base
        if index < 0 { return _removeOld(x) }
        guard index < _slots.count else { return false }
        let slot = Int(_slots[index])
        guard slot >= 0 else { return false }
        _fill(slot, vacating: index)
        return true
    }

    @usableFromInline
    mutating func _removeOld(_ x: Int32) -> Bool {
        guard let slot = _oldSlots.removeValue(forKey: x) else { return false }
        _fill(Int(slot), vacating: -1)
        return true
    }

    /// Moves the last member into the hole at `slot`, and clears slot `vacating` (the removed
    /// member's index in `_slots`; −1 for a member below `_base`, kept in `_oldSlots`).
    @inlinable @inline(__always)
    mutating func _fill(_ slot: Int, vacating index: Int) {
        _count &-= 1
        let last = _members[_count]
        guard slot < _count else {
            if index >= 0 { _slots[index] = -1 }
            return
        }
        _members[slot] = last
        let lastIndex = Int(last) &- _base
        _slots.withUnsafeMutableBufferPointer { slots in
            if index >= 0 { slots[index] = -1 }
            if lastIndex >= 0 { slots[lastIndex] = Int32(truncatingIfNeeded: slot) }
        }
        if lastIndex < 0 { _oldSlots[last] = Int32(truncatingIfNeeded: slot) }
    }

    /// Forgets the slots of ids below `id`, which must not be inserted again: the members
    /// among them (tips no selection can reach any more) keep their positions in a table.
    /// Slots are moved down only once the forgotten part is as long as the kept part (O(1)
    /// per id, amortized).
    public mutating func forget(below id: Int32) {
        let forgotten = Swift.min(Int(id) &- _base, _slots.count)
        guard forgotten > 0, forgotten >= _slots.count &- forgotten else { return }
        for index in 0..<forgotten where _slots[index] >= 0 {
            _oldSlots[Int32(truncatingIfNeeded: _base &+ index)] = _slots[index]
        }
        _slots.removeFirst(forgotten)
        _base &+= forgotten
    }
}
