/// A scheduled event: a payload due at a simulated time.
///
/// Events are totally ordered by (time, sequence): `sequence` is assigned by the queue when the
/// event is scheduled, so events due at the same time run in the order they were scheduled.
public struct Event<Payload>: Comparable {
    /// When the event is due, in simulated seconds.
    public var time: Double
    /// The scheduling order; unique within one queue.
    public var sequence: UInt64
    /// What happens.
    public var payload: Payload

    @inlinable
    public init(time: Double, sequence: UInt64, payload: Payload) {
        self.time = time
        self.sequence = sequence
        self.payload = payload
    }

    @inlinable
    public static func < (lhs: Event, rhs: Event) -> Bool {
        lhs.time < rhs.time || (lhs.time == rhs.time && lhs.sequence < rhs.sequence)
    }

    @inlinable
    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.time == rhs.time && lhs.sequence == rhs.sequence
    }
}
