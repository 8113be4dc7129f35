/// What an event handler tells the engine after handling an event.
public enum EngineControl: Sendable {
    /// Go on with the next event.
    case proceed
    /// End the run now; the clock stays at the current event's time.
    case stop
}

/// A model driven by the engine: it handles each event and may schedule new ones.
public protocol EventHandler<Payload> {
    associatedtype Payload

    /// Handles `payload`, due now (`engine.now`), scheduling follow-up events on `engine`.
    mutating func handle(_ payload: Payload, engine: inout Engine<Payload>) -> EngineControl
}

/// Why a run ended.
public enum StopReason: Sendable, Equatable {
    /// The next event was due after the time limit; the clock was advanced to the limit.
    case timeLimit
    /// The handler asked to stop.
    case handler
    /// No event was left.
    case exhausted
}

/// The discrete-event engine: a clock and an ``EventQueue``.
///
/// `run(until:handler:)` pops events in (time, sequence) order, advances the clock to each
/// event's time and hands it to the handler, the loop of SimPy's `Environment.step()`.
public struct Engine<Payload> {
    /// The current simulated time, in seconds.
    public private(set) var now: Double = 0
    /// The pending events.
    public private(set) var queue = EventQueue<Payload>()
    /// How many events have been handled.
    public private(set) var handledEvents: UInt64 = 0

    public init() {}

    /// Schedules `payload` at the absolute time `time` (not before `now`).
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        precondition(time >= now, "an event cannot be scheduled in the past (\(time) < \(now))")
        return queue.schedule(payload, at: time)
    }

    /// Schedules `payload` `delay` seconds from now.
    @discardableResult
    public mutating func schedule(_ payload: Payload, after delay: Double) -> UInt64 {
        schedule(payload, at: now + delay)
    }

    /// Runs events until one is due after `endTime`, the handler says stop, or none is left.
    ///
    /// Events due exactly at `endTime` still run. On a time limit the clock ends at `endTime`.
    /// `progress` is called with the clock every `progressEvery` events, so a caller can
    /// report progress without the model printing anything.
    public mutating func run<Handler: EventHandler<Payload>>(
        until endTime: Double = .infinity,
        handler: inout Handler,
        progressEvery: UInt64 = 1 << 16,
        progress: ((Double) -> Void)? = nil
    ) -> StopReason {
        while true {
            guard let event = queue.popNext(ifNotAfter: endTime) else {
                if queue.isEmpty { break }
                now = endTime
                return .timeLimit
            }
            now = event.time
            handledEvents &+= 1
            if let progress, handledEvents % progressEvery == 0 {
                progress(now)
            }
            if handler.handle(event.payload, engine: &self) == .stop {
                return .handler
            }
        }
        if endTime.isFinite { now = endTime }
        return .exhausted
    }
}

extension Engine where Payload: LanePreferring {
    /// ``schedule(_:at:)`` trying the payload's preferred lane first (``LanePreferring``).
    /// (``schedule(_:after:)`` searches the lanes: it serves periodic events, rare ones.)
    @discardableResult
    public mutating func schedule(_ payload: Payload, at time: Double) -> UInt64 {
        precondition(time >= now, "an event cannot be scheduled in the past (\(time) < \(now))")
        return queue.schedule(payload, at: time)
    }
}
