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
    /// How many FIFO lanes the queue keeps (the lanes' keys are `InlineArray`s of 4). More lanes
    /// cost more than they save: 8 ran 4.5% more instructions on `urts-1m-devices-10.json`
    /// and 10% more with gamma work times (`urts-1m-mix-gamma.json`, callgrind).
    public static var laneCount: Int { 4 }

    /// The lanes inline, so that a lane is mutated in place without a uniqueness check of
    /// an array of lanes.
    @usableFromInline var _lanes = InlineArray<4, Deque<Event<Payload>>>(repeating: [])
    /// Each lane's head key, (time, sequence), and last time. Kept beside the deques so that
    /// choosing a lane reads four keys instead of four deques. With the tails: 1,053 M
    /// instructions against 1,110 M for `urts-1m-mix.json` at 300,000 transactions (its
    /// events all go by lane), 1,317 M against 1,414 M with gamma work times (callgrind).
    ///
    /// One key per lane, not one vector per field: writing one lane of a `SIMD4` (or of an
    /// `InlineArray<4, Double>`, which the compiler read back as vectors) stored a scalar that
    /// the next scan loaded within a wider vector — a failed store forwarding that took about
    /// half of `schedule` and `popNext` (perf annotate of `urts-1m-devices-10.json`).
    @usableFromInline var _keys = InlineArray<4, _LaneKey>(repeating: _LaneKey())
    @usableFromInline var _heap = BinaryHeap<Event<Payload>>()
    @usableFromInline var _nextSequence: UInt64 = 0

    public init() {}

    /// The number of pending events.
    @inlinable
    public var count: Int {
        var total = _heap.count
        for lane in 0..<Self.laneCount { total += _lanes[lane].count }
        return total
    }

    /// Whether no event is pending.
    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// Schedules `payload` at `time` and returns the event's sequence number.
    ///
    /// - Complexity: O(lanes) when a lane takes it, otherwise O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        _scheduleBestFit(payload, at: time)
    }

    /// ``schedule(_:at:)``: in the lane whose last event is the latest one not after `time`,
    /// else in an empty lane, else in the heap.
    @inlinable
    mutating func _scheduleBestFit(_ payload: Payload, at time: Double) -> UInt64 {
        precondition(!time.isNaN && time > -.infinity, "an event is scheduled at a time, not NaN or −infinity")
        var best = -1
        var bestTime = -Double.infinity
        var empty = -1
        for lane in 0..<Self.laneCount {
            let last = _keys[lane].tailTime
            if last == -.infinity {
                if empty < 0 { empty = lane }
            } else if last <= time, last >= bestTime {
                best = lane
                bestTime = last
            }
        }
        if best < 0 { best = empty }
        return _schedule(payload, at: time, lane: best)
    }

    /// Schedules `payload` at `time` in lane `lane`, which must be empty or end no later than
    /// `time`, or in the heap when `lane` is −1.
    @inlinable
    mutating func _schedule(_ payload: Payload, at time: Double, lane: Int) -> UInt64 {
        let sequence = _nextSequence
        _nextSequence &+= 1
        let event = Event(time: time, sequence: sequence, payload: payload)
        if lane >= 0 {
            if _keys[lane].headSequence == .max {
                _keys[lane].headTime = time
                _keys[lane].headSequence = sequence
            }
            _keys[lane].tailTime = time
            _lanes[lane].append(event)
        } else {
            _heap.insert(event)
        }
        return sequence
    }

    /// The lane whose head comes first (any lane when every lane is empty: then its head key
    /// is (+infinity, UInt64.max)).
    @inlinable
    @inline(__always)
    func _firstLane() -> Int {
        // The best key so far in locals: reading it back through `first` spilled every key
        // to the stack.
        var first = 0
        var time = _keys[0].headTime, sequence = _keys[0].headSequence
        for lane in 1..<Self.laneCount {
            let laneTime = _keys[lane].headTime, laneSequence = _keys[lane].headSequence
            if laneTime < time || (laneTime == time && laneSequence < sequence) {
                first = lane
                time = laneTime
                sequence = laneSequence
            }
        }
        return first
    }

    /// Whether the heap's first event comes before lane `lane`'s head (true when the lane is
    /// empty and the heap is not).
    @inlinable
    func _heapFirst(_ heap: Event<Payload>, lane: Int) -> Bool {
        let key = _keys[lane]
        return heap.time < key.headTime || (heap.time == key.headTime && heap.sequence < key.headSequence)
    }

    /// The time of the next event, or nil when none is pending.
    @inlinable
    public var nextTime: Double? {
        let lane = _firstLane()
        if let heap = _heap.min, _heapFirst(heap, lane: lane) { return heap.time }
        return _keys[lane].headSequence == .max ? nil : _keys[lane].headTime
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
        if let heap = _heap.min, _heapFirst(heap, lane: lane) {
            return heap.time <= limit ? _heap.popMin() : nil
        }
        guard _keys[lane].headSequence != .max, _keys[lane].headTime <= limit else { return nil }
        let event = _lanes[lane].removeFirst()
        if let next = _lanes[lane].first {
            _keys[lane].headTime = next.time
            _keys[lane].headSequence = next.sequence
        } else {
            _keys[lane] = _LaneKey()
        }
        return event
    }
}

/// A lane's head key, (time, sequence), and its last time: (+infinity, UInt64.max) and
/// −infinity for an empty lane, whose head compares after every event (no event is scheduled
/// at −infinity).
@usableFromInline
struct _LaneKey {
    @usableFromInline var headTime = Double.infinity
    @usableFromInline var headSequence = UInt64.max
    @usableFromInline var tailTime = -Double.infinity

    @inlinable
    init() {}
}

/// A payload that names the lane its events should try first: the events of one kind
/// (arrivals of one issuer, visibility after a constant delay, periodic samples) are
/// usually scheduled in time order, so that lane fits them and the search for the
/// best-fitting lane is skipped (one comparison instead of a scan of every lane's tail).
/// The lane changes the cost only, never the order events are popped in.
public protocol LanePreferring {
    /// The lane to try first, in `0..<EventQueue.laneCount`.
    var preferredLane: Int { get }
}

extension EventQueue where Payload: LanePreferring {
    /// Schedules `payload` at `time` in its preferred lane when that lane is empty or ends
    /// no later than `time`, as the unconstrained ``schedule(_:at:)`` does otherwise.
    ///
    /// - Complexity: O(1) in the preferred lane; otherwise that of ``schedule(_:at:)``.
    @inlinable
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        let lane = payload.preferredLane
        // An empty lane's tail is −infinity; NaN and −infinity take the checked path.
        guard time > -.infinity, _keys[lane].tailTime <= time else { return _scheduleBestFit(payload, at: time) }
        return _schedule(payload, at: time, lane: lane)
    }
}
