import DequeModule
import HeapModule

/// The pending events of a simulation, popped in (time, sequence) order.
///
/// Two lanes hold the events:
/// - a FIFO lane (a `Deque`) takes every event due no earlier than the lane's last event;
///   since sequence numbers only grow, the lane stays sorted by (time, sequence);
/// - a binary heap (HeapModule's `Heap`) takes the rest.
///
/// `popNext()` takes the smaller head of the two, so the order is exactly that of one heap:
/// the lanes change the cost, never the result. In the whitepaper's delay model with a
/// constant delay every visibility event lands in the FIFO lane and the heap holds only the
/// one pending arrival, so the common case costs O(1) instead of O(log n).
///
/// | operation    | FIFO lane | heap     |
/// |--------------|-----------|----------|
/// | `schedule`   | O(1)      | O(log n) |
/// | `popNext`    | O(1)      | O(log n) |
/// | `peekTime`   | O(1)      | O(1)     |
public struct EventQueue<Payload> {
    @usableFromInline var _lane: Deque<Event<Payload>> = []
    @usableFromInline var _heap: Heap<Event<Payload>> = []
    @usableFromInline var _nextSequence: UInt64 = 0

    public init() {}

    /// The number of pending events.
    @inlinable
    public var count: Int { _lane.count + _heap.count }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { _lane.isEmpty && _heap.isEmpty }

    /// Schedules `payload` at `time` and returns the event's sequence number.
    ///
    /// - Complexity: O(1) when `time` is no earlier than the latest event in the FIFO lane,
    ///   otherwise O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        precondition(!time.isNaN, "an event cannot be scheduled at NaN")
        let sequence = _nextSequence
        _nextSequence &+= 1
        let event = Event(time: time, sequence: sequence, payload: payload)
        if let last = _lane.last, time < last.time {
            _heap.insert(event)
        } else {
            _lane.append(event)
        }
        return sequence
    }

    /// The time of the next event, or nil when none is pending.
    @inlinable
    public var nextTime: Double? {
        switch (_lane.first, _heap.min) {
        case (nil, nil): return nil
        case (let lane?, nil): return lane.time
        case (nil, let heap?): return heap.time
        case (let lane?, let heap?): return Swift.min(lane, heap).time
        }
    }

    /// Removes and returns the next event in (time, sequence) order.
    ///
    /// - Complexity: O(1) from the FIFO lane, O(log n) from the heap.
    @inlinable
    public mutating func popNext() -> Event<Payload>? {
        guard let lane = _lane.first else { return _heap.popMin() }
        if let heap = _heap.min, heap < lane {
            return _heap.popMin()
        }
        return _lane.removeFirst()
    }
}
