import CGSL

/// The DAG of transactions, in contiguous storage indexed by transaction id.
///
/// Transaction ids are `Int32` indices in issue order; id 0 is the genesis. Nothing is stored
/// per transaction as an object: each field is a column (`ContiguousArray`), and the edges are
/// two flat arrays of `k` slots per transaction:
/// - `parentSlots[x*k + j]`: the j-th parent of x, or -1 when x has fewer than k parents;
/// - approvers form an intrusive singly linked list through the same edge slots:
///   `firstApproverEdge[x]` is the edge slot of x's *first* approver (the one issued
///   first, so the list head never moves) and `nextApproverEdge[e]` links the others. The
///   approver of edge slot `e` is `e / k`.
///
/// A run that forgets its settled past (``forget(below:)``) keeps only the records of ids
/// from ``firstRetained`` on: the columns then hold ids `firstRetained..<count`, and a column
/// read directly is indexed by `id − firstRetained` (the accessors, ``issueTime(of:)`` and
/// the rest, take ids). Every other run has `firstRetained` 0.
///
/// Memory per transaction: 8 (issue time) + 8 (visible time) + 4 + 1 (issuer id and kind) +
/// 4 (first approver) + 8k (parent and next-approver slots) bytes: 41 bytes for k = 2; 8 more
/// (the work time) when some device class does work, 8 more (the wanted time) when a
/// transaction can be held back (a duty cycle, churn).
public struct Tangle: Sendable {
    /// k: the number of parent slots per transaction (1...8).
    public let parentSlotsPerTransaction: Int
    /// Divides edge slots by k without a division instruction (see ``EdgeSlotDivisor``).
    public let edgeSlotDivisor: EdgeSlotDivisor
    /// The lowest id whose record may be read (0 unless the past was forgotten:
    /// ``forget(below:)``).
    public private(set) var firstRetained: Int32 = 0
    /// The id of the columns' first element: at most ``firstRetained`` (records are moved
    /// down only now and then).
    @usableFromInline var _base = 0

    /// Issue time of each transaction, in seconds: when its parents were chosen (the model's
    /// `created`), which is also its broadcast time (`issued`) unless its issuer does work
    /// (``workTime``). Non-decreasing in id. Ages and first approvals count from it; latencies
    /// from ``wantedTime(of:)``, which is the same unless the transaction was held back (a duty
    /// cycle, an offline node).
    public private(set) var issueTime: ContiguousArray<Double> = []
    /// Each transaction's work time (proof of work) in seconds, the gap between choosing its
    /// parents and broadcasting it; empty (nothing stored, nothing paid) unless
    /// ``recordWorkTimes()`` was called, when the scenario has work.
    public private(set) var workTime: ContiguousArray<Double> = []
    /// Each transaction's wanted time in seconds: when its device wanted to issue it, before
    /// a duty cycle or an offline node held it back to its issue time; empty (nothing
    /// stored, nothing paid) unless ``recordWantedTimes()`` was called
    /// (``Scenario/recordsWantedTimes``).
    /// Read it with ``wantedTime(of:)``.
    @usableFromInline var _wantedTimes: ContiguousArray<Double> = []
    /// Time from which each transaction is visible to every issuer, in seconds.
    public private(set) var visibleTime: ContiguousArray<Double> = []
    /// The kind of actor that issued each transaction (see ``issuer(of:)``).
    public private(set) var issuerKind: ContiguousArray<IssuerKind> = []
    /// The id of each transaction's issuer among actors of its kind (the device id for a
    /// device transaction; see ``issuer(of:)``).
    public private(set) var issuerID: ContiguousArray<Int32> = []
    /// Each transaction's k parent slots (x·k + j): the parent (−1: none) and the next
    /// slot approving that parent (−1: none; see ``forEachApprover(of:_:)``). One column of
    /// pairs, not two columns: a transaction's record appended k elements to each, and an
    /// append checks its column's uniqueness.
    @usableFromInline var _edges: ContiguousArray<ParentEdge> = []
    @usableFromInline var _firstApproverEdge: ContiguousArray<Int32> = []

    /// Creates a tangle holding only the genesis (id 0, issued and visible at time 0).
    ///
    /// - Parameters:
    ///   - parents: k, the number of parent slots per transaction.
    ///   - expectedTransactions: capacity to reserve, so that storage grows at most rarely.
    public init(parents: Int, expectedTransactions: Int = 0) {
        precondition((1...TangleConfiguration.maximumParents).contains(parents), "k must be in 1...8")
        parentSlotsPerTransaction = parents
        edgeSlotDivisor = EdgeSlotDivisor(parents)
        reserveCapacity(expectedTransactions)
        _appendRecord(issueTime: 0, visibleTime: 0, issuer: .genesis)
    }

    /// Starts the ``workTime`` column (the genesis's is 0): from now on every transaction
    /// appended must be followed by ``appendWorkTime(_:)``. Call before the first append.
    public mutating func recordWorkTimes() {
        precondition(count == 1, "work times are recorded from the first transaction")
        workTime.reserveCapacity(issueTime.capacity)
        workTime.append(0)
    }

    /// Records the work time of the transaction just appended (``recordWorkTimes()`` on).
    public mutating func appendWorkTime(_ seconds: Double) {
        workTime.append(seconds)
    }

    /// Starts the wanted-time column (the genesis's is 0): from now on every transaction
    /// appended must be followed by ``appendWantedTime(_:)``. Call before the first append.
    public mutating func recordWantedTimes() {
        precondition(count == 1, "wanted times are recorded from the first transaction")
        _wantedTimes.reserveCapacity(issueTime.capacity)
        _wantedTimes.append(0)
    }

    /// Records the wanted time of the transaction just appended (``recordWantedTimes()`` on).
    public mutating func appendWantedTime(_ seconds: Double) {
        _wantedTimes.append(seconds)
    }

    /// Whether wanted times are recorded (``Scenario/recordsWantedTimes``).
    @inlinable
    public var recordsWantedTimes: Bool { !_wantedTimes.isEmpty }

    /// When `x`'s device wanted to issue it: earlier than its issue time when a duty cycle
    /// or an offline node held it back, otherwise its issue time. Confirmation latencies count from it.
    @inlinable
    public func wantedTime(of x: Int32) -> Double {
        _wantedTimes.isEmpty ? issueTime[Int(x) &- _base] : _wantedTimes[Int(x) &- _base]
    }

    /// When `x` was broadcast (the model's `issued`): its issue time plus its work time, or
    /// its issue time when no work is recorded.
    @inlinable
    public func broadcastTime(of x: Int32) -> Double {
        workTime.isEmpty ? issueTime[Int(x) &- _base] : issueTime[Int(x) &- _base] + workTime[Int(x) &- _base]
    }

    /// Sets when withheld transaction `x`, released, becomes visible everywhere.
    public mutating func setVisibleTime(of x: Int32, to time: Double) {
        visibleTime[Int(x) &- _base] = time
    }

    /// Reserves storage for `capacity` transactions in every column.

    public mutating func reserveCapacity(_ capacity: Int) {
        guard capacity > 0 else { return }
        issueTime.reserveCapacity(capacity)
        visibleTime.reserveCapacity(capacity)
        issuerKind.reserveCapacity(capacity)
        issuerID.reserveCapacity(capacity)
        _firstApproverEdge.reserveCapacity(capacity)
        _edges.reserveCapacity(capacity * parentSlotsPerTransaction)
    }

    /// The number of transactions, genesis included.
    @inlinable
    public var count: Int { _base &+ issueTime.count }

    /// When `x` was issued (``issueTime``).
    @inlinable
    public func issueTime(of x: Int32) -> Double { issueTime[Int(x) &- _base] }

    /// `x`'s work time (``workTime``; recorded only when some device class does work).
    @inlinable
    public func workTime(of x: Int32) -> Double { workTime[Int(x) &- _base] }

    /// When `x` became visible everywhere (``visibleTime``).
    @inlinable
    public func visibleTime(of x: Int32) -> Double { visibleTime[Int(x) &- _base] }

    /// Forgets the records of every transaction below `id`, which nothing may read, approve
    /// or walk through again: the caller guarantees it (``SettledPast``). Storage is moved
    /// down only once the forgotten part is as long as the kept part, so that forgetting costs
    /// O(1) per transaction, amortized.
    public mutating func forget(below id: Int32) {
        precondition(Int(id) <= count, "only recorded transactions can be forgotten")
        firstRetained = Swift.max(firstRetained, id)
        let forgotten = Int(id) &- _base
        guard forgotten > 0, forgotten >= issueTime.count &- forgotten else { return }
        let k = parentSlotsPerTransaction
        issueTime.removeFirst(forgotten)
        visibleTime.removeFirst(forgotten)
        issuerKind.removeFirst(forgotten)
        issuerID.removeFirst(forgotten)
        _firstApproverEdge.removeFirst(forgotten)
        _edges.removeFirst(forgotten &* k)
        if !workTime.isEmpty { workTime.removeFirst(forgotten) }
        if !_wantedTimes.isEmpty { _wantedTimes.removeFirst(forgotten) }
        _base = Int(id)
    }

    /// Appends a transaction approving `parents` and returns its id.
    ///
    /// The caller guarantees that each parent exists and appears once, and that `issueTime`
    /// is no earlier than any earlier transaction's (ids are in issue order).
    ///
    /// - Complexity: O(k).
    @inlinable
    @discardableResult
    public mutating func append(
        issueTime time: Double, visibleTime visible: Double, issuer: IssuerIdentity, parents: some Collection<Int32>
    ) -> Int32 {
        let k = parentSlotsPerTransaction
        precondition(parents.count <= k, "a transaction has at most k parents")
        let id = Int32(truncatingIfNeeded: count)
        _appendRecord(issueTime: time, visibleTime: visible, issuer: issuer)
        // Edge slots are stored as ids times k plus j; `edgeBase` turns them into offsets.
        // Written through buffers, one uniqueness check per column rather than one per write.
        let base = _base
        let edgeBase = base &* k
        let start = Int(id) &* k
        _firstApproverEdge.withUnsafeMutableBufferPointer { first in
            _edges.withUnsafeMutableBufferPointer { edges in
                var slot = start
                for parent in parents {
                    edges[slot &- edgeBase].parent = parent
                    let index = Int(parent) &- base
                    precondition(index >= 0 && index < first.count, "a parent is a retained transaction")
                    let head = first[index]
                    if head < 0 {
                        first[index] = Int32(truncatingIfNeeded: slot)
                    } else {
                        // Insert after the head, so the head stays the first approver.
                        edges[slot &- edgeBase].nextApprover = edges[Int(head) &- edgeBase].nextApprover
                        edges[Int(head) &- edgeBase].nextApprover = Int32(truncatingIfNeeded: slot)
                    }
                    slot &+= 1
                }
            }
        }
        return id
    }

    @usableFromInline
    mutating func _appendRecord(issueTime time: Double, visibleTime visible: Double, issuer: IssuerIdentity) {
        issueTime.append(time)
        visibleTime.append(visible)
        issuerKind.append(issuer.kind)
        issuerID.append(issuer.id)
        _firstApproverEdge.append(-1)
        for _ in 0..<parentSlotsPerTransaction { _edges.append(.empty) }
    }

    /// Who issued `x`.
    @inlinable
    public func issuer(of x: Int32) -> IssuerIdentity {
        IssuerIdentity(issuerKind[Int(x) &- _base], issuerID[Int(x) &- _base])
    }

    /// Whether `x` was issued by a device (not the genesis, not a milestone).
    @inlinable
    public func isDeviceTransaction(_ x: Int32) -> Bool {
        issuerKind[Int(x) &- _base] == .device
    }

    /// Whether `x` is a milestone (issued by the coordinator).
    @inlinable
    public func isMilestone(_ x: Int32) -> Bool {
        issuerKind[Int(x) &- _base] == .coordinator
    }

    /// The parents of `x`, in the order they were chosen.
    ///
    /// - Complexity: O(k).
    @inlinable
    public func parents(of x: Int32) -> ParentSequence {
        let start = (Int(x) - _base) * parentSlotsPerTransaction
        return ParentSequence(slots: _edges[start..<(start + parentSlotsPerTransaction)])
    }

    /// Calls `body` with each parent of `x`, in the order they were chosen, without creating
    /// a sequence (the hot-path form of ``parents(of:)``).
    ///
    /// - Complexity: O(k).
    @inlinable
    public func forEachParent(of x: Int32, _ body: (Int32) throws -> Void) rethrows {
        let k = parentSlotsPerTransaction
        let start = (Int(x) &- _base) &* k
        for slot in start..<(start &+ k) {
            let parent = _edges[slot].parent
            if parent < 0 { return }
            try body(parent)
        }
    }

    /// Calls `body` with each approver of `x` (the first one first), without creating a
    /// sequence (the hot-path form of ``approvers(of:)``).
    ///
    /// - Complexity: O(number of approvers).
    @inlinable
    public func forEachApprover(of x: Int32, _ body: (Int32) throws -> Void) rethrows {
        let k = parentSlotsPerTransaction
        let edgeBase = _base &* k
        var edge = _firstApproverEdge[Int(x) &- _base]
        while edge >= 0 {
            try body(edgeSlotDivisor.transaction(ofSlot: edge))
            edge = _edges[Int(edge) &- edgeBase].nextApprover
        }
    }

    /// The first approver of `x` (the earliest issued), or nil when `x` is unapproved.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func firstApprover(of x: Int32) -> Int32? {
        let edge = _firstApproverEdge[Int(x) &- _base]
        return edge < 0 ? nil : edgeSlotDivisor.transaction(ofSlot: edge)
    }

    /// How far ahead of the transaction they judge the loops over transactions in issue order
    /// prefetch (``prefetchFirstApproverIssueTime(of:)``).
    public static let judgingPrefetchDistance: Int32 = 16

    /// Asks the processor to fetch the issue time of the first approver of `x` (if any) into
    /// its cache: a loop judging transaction after transaction calls it some way ahead, since
    /// the approver is issued seconds later and its time is far from `x`'s in memory (half of
    /// the end-of-run judging's cycles waited for it, perf annotate of `urts-1m-devices-10.json`).
    ///
    /// - Complexity: O(1); nothing observable changes.
    @inlinable
    public func prefetchFirstApproverIssueTime(of x: Int32) {
        let index = Int(x) &- _base
        guard index >= 0, index < _firstApproverEdge.count, let first = firstApprover(of: x) else { return }
        let approver = Int(first) &- _base
        issueTime.withUnsafeBufferPointer { times in
            guard approver >= 0, approver < times.count else { return }
            tanglesim_prefetch(times.baseAddress! + approver)
        }
    }

    /// Whether `x` has an approver (visible or not).
    @inlinable
    public func isApproved(_ x: Int32) -> Bool {
        _firstApproverEdge[Int(x) &- _base] >= 0
    }

    /// Every approver of `x`: the first one first, the others in no particular order.
    ///
    /// - Complexity: O(1) to create, O(number of approvers) to iterate.
    @inlinable
    public func approvers(of x: Int32) -> ApproverSequence {
        ApproverSequence(
            first: _firstApproverEdge[Int(x) &- _base], edges: _edges, divisor: edgeSlotDivisor,
            edgeBase: _base &* parentSlotsPerTransaction)
    }
}

/// The parents of one transaction: its non-empty parent slots.
public struct ParentSequence: Sequence {
    @usableFromInline let slots: ArraySlice<ParentEdge>

    @inlinable
    init(slots: ArraySlice<ParentEdge>) { self.slots = slots }

    public struct Iterator: IteratorProtocol {
        @usableFromInline var base: ArraySlice<ParentEdge>.Iterator

        @inlinable
        init(base: ArraySlice<ParentEdge>.Iterator) { self.base = base }

        @inlinable
        public mutating func next() -> Int32? {
            guard let parent = base.next()?.parent, parent >= 0 else { return nil }
            return parent
        }
    }

    @inlinable
    public func makeIterator() -> Iterator { Iterator(base: slots.makeIterator()) }
}

/// The approvers of one transaction, walked along the intrusive list.
public struct ApproverSequence: Sequence, IteratorProtocol {
    @usableFromInline var edge: Int32
    @usableFromInline let _edges: ContiguousArray<ParentEdge>
    @usableFromInline let divisor: EdgeSlotDivisor
    @usableFromInline let edgeBase: Int

    @inlinable
    init(first: Int32, edges: ContiguousArray<ParentEdge>, divisor: EdgeSlotDivisor, edgeBase: Int) {
        self.edge = first
        self._edges = edges
        self.divisor = divisor
        self.edgeBase = edgeBase
    }

    @inlinable
    public mutating func next() -> Int32? {
        guard edge >= 0 else { return nil }
        let approver = divisor.transaction(ofSlot: edge)
        edge = _edges[Int(edge) &- edgeBase].nextApprover
        return approver
    }
}

/// One parent slot of a transaction: the parent it approves (−1: an empty slot) and the
/// next slot approving that parent (−1: none), the link of the parent's list of approvers.
public struct ParentEdge: Sendable {
    public var parent: Int32
    public var nextApprover: Int32

    @inlinable
    init(parent: Int32, nextApprover: Int32) {
        self.parent = parent
        self.nextApprover = nextApprover
    }

    /// A slot approving nothing yet.
    @usableFromInline static let empty = ParentEdge(parent: -1, nextApprover: -1)
}

/// Division of an edge slot (x·k + j, non-negative, below 2^31) by k (1...8) by a multiply
/// and a shift: the approver of a slot is read on every step of every walk, and a 32-bit
/// division there cost about 7% of a walk's time (perf annotate, mcmc-genesis-100k.json).
///
/// With M = ⌈2^63/k⌉ = (2^63 + e)/k, 0 ≤ e < k, ⌊n·M/2^63⌋ = ⌊n/k + n·e/(k·2^63)⌋; the
/// fraction of n/k is at most (k − 1)/k, and n·e/(k·2^63) < 1/k because n·e < 2^31·8 < 2^63,
/// so the sum stays below the next integer and the quotient is exact for every slot (Granlund and Montgomery, "Division by invariant
/// integers using multiplication", 1994, section 4).
public struct EdgeSlotDivisor: Sendable {
    @usableFromInline let _multiplier: UInt64

    /// A divisor by `k` (1...8).
    public init(_ k: Int) {
        precondition((1...8).contains(k), "k must be in 1...8")
        let power = UInt64(1) << 63
        _multiplier = power / UInt64(k) + (power % UInt64(k) == 0 ? 0 : 1)
    }

    /// The transaction whose parent slot `slot` is: slot / k.
    @inlinable
    public func transaction(ofSlot slot: Int32) -> Int32 {
        let (high, low) = _multiplier.multipliedFullWidth(by: UInt64(truncatingIfNeeded: slot))
        return Int32(truncatingIfNeeded: high << 1 | low >> 63)
    }
}
