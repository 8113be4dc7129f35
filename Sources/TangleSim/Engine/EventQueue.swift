import DequeModule

/// The pending events of a simulation, popped in (time, sequence) order.
///
/// Events wait in up to ``laneCount`` FIFO lanes (`Deque`s) or in a binary heap
/// (``BinaryHeap``):
/// - a new event joins the lane whose last event is the latest one not after it (best fit),
///   or an empty lane when no lane fits; since sequence numbers only grow, every lane stays
///   sorted by (time, sequence);
/// - only when every lane is busy and none fits does it go to the heap.
///
/// `popNext()` takes the smallest head among the lanes and the heap, so the order is exactly
/// that of one heap: the lanes change the cost, never the result. A simulation's event
/// streams are mostly monotone — visibility events with a constant delay, periodic samples,
/// periodic milestones — and each settles in a lane of its own, so the common case costs
/// O(1) instead of O(log n). With random delays most events go through the heap.
///
/// | operation    | lanes          | heap     |
/// |--------------|----------------|----------|
/// | `schedule`   | O(lanes)       | O(log n) |
/// | `popNext`    | O(lanes)       | O(log n) |
public struct EventQueue<Payload> {
    /// How many FIFO lanes the queue keeps.
    public static var laneCount: Int { 4 }

    @usableFromInline var _lanes: [Deque<Event<Payload>>] = Array(repeating: [], count: laneCount)
    @usableFromInline var _heap = BinaryHeap<Event<Payload>>()
    @usableFromInline var _nextSequence: UInt64 = 0

    public init() {}

    /// The number of pending events.
    @inlinable
    public var count: Int { _lanes.reduce(_heap.count) { $0 + $1.count } }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// Schedules `payload` at `time` and returns the event's sequence number.
    ///
    /// - Complexity: O(lanes) when a lane takes it, otherwise O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        precondition(!time.isNaN, "an event cannot be scheduled at NaN")
        let sequence = _nextSequence
        _nextSequence &+= 1
        let event = Event(time: time, sequence: sequence, payload: payload)
        var best = -1
        var bestTime = -Double.infinity
        var empty = -1
        for lane in _lanes.indices {
            if let last = _lanes[lane].last {
                if last.time <= time, last.time >= bestTime {
                    best = lane
                    bestTime = last.time
                }
            } else if empty < 0 {
                empty = lane
            }
        }
        if best < 0 { best = empty }
        if best >= 0 {
            _lanes[best].append(event)
        } else {
            _heap.insert(event)
        }
        return sequence
    }

    /// The lane whose head comes first, or -1 when every lane is empty.
    @inlinable
    func _firstLane() -> Int {
        var first = -1
        for lane in _lanes.indices {
            guard let head = _lanes[lane].first else { continue }
            if first < 0 || head < _lanes[first].first! { first = lane }
        }
        return first
    }

    /// The time of the next event, or nil when none is pending.
    @inlinable
    public var nextTime: Double? {
        let lane = _firstLane()
        switch (lane >= 0 ? _lanes[lane].first : nil, _heap.min) {
        case (nil, nil): return nil
        case (let head?, nil): return head.time
        case (nil, let heap?): return heap.time
        case (let head?, let heap?): return Swift.min(head, heap).time
        }
    }

    /// Removes and returns the next event in (time, sequence) order.
    ///
    /// - Complexity: O(lanes) from a lane, O(log n) from the heap.
    @inlinable
    public mutating func popNext() -> Event<Payload>? {
        popNext(ifNotAfter: .infinity)
    }

    /// Removes and returns the next event if it is due no later than `limit`; nil when the
    /// next event is later or none is pending. One scan of the lane heads, where
    /// ``nextTime`` followed by ``popNext()`` would make two.
    ///
    /// - Complexity: O(lanes) from a lane, O(log n) from the heap.
    @inlinable
    public mutating func popNext(ifNotAfter limit: Double) -> Event<Payload>? {
        let lane = _firstLane()
        guard lane >= 0 else {
            guard let heap = _heap.min, heap.time <= limit else { return nil }
            return _heap.popMin()
        }
        let head = _lanes[lane].first!
        if let heap = _heap.min, heap < head {
            return heap.time <= limit ? _heap.popMin() : nil
        }
        return head.time <= limit ? _lanes[lane].removeFirst() : nil
    }
}
