/// When the devices of one class want to issue: a device class's `arrivals` (the model's
/// "Device realism"). Poisson at the class's `rate` unless the scenario says otherwise.
public enum ArrivalKind: Sendable, Equatable {
    /// Each device a Poisson process of the class's rate (the default).
    case poisson
    /// Each device every 1 / `rate` seconds at its own phase, each transaction delayed by a
    /// uniform amount in [0, `jitter` × period) (`jitter` a fraction of the period, 0 to 1).
    case periodic(jitter: Double)
    /// Each device a two-state Markov chain (the regular/alarm model of M2M traffic, 3GPP
    /// TR 37.868 annex A): Poisson at the class's `rate` while regular, at `alarmRate` while in
    /// alarm; holding times exponential with means `meanRegular` and `meanAlarm` (seconds).
    /// Devices switch independently; each starts in its stationary state.
    case onOff(alarmRate: Double, meanRegular: Double, meanAlarm: Double)
    /// Each device Poisson at the class's `rate` times a multiplier that changes at the given
    /// times: `steps` holds (time in seconds, multiplier) pairs, times increasing from 0; with
    /// `repeat` (seconds, after the last step's time) the profile starts again every
    /// `repeat` seconds, without it the last multiplier holds for ever.
    case schedule(steps: [ScheduleStep], repeat: Double?)

    /// The kind's name as written in scenarios.
    public var name: String {
        switch self {
        case .poisson: "poisson"
        case .periodic: "periodic"
        case .onOff: "onOff"
        case .schedule: "schedule"
        }
    }

    /// One device's long-run mean rate (transactions per second) for a device of base rate
    /// `rate`: `rate` for Poisson and periodic; the stationary mixture
    /// (rate·meanRegular + alarmRate·meanAlarm) / (meanRegular + meanAlarm) for onOff; `rate`
    /// times the time-averaged multiplier over one `repeat` for a repeating schedule, times
    /// the last multiplier for one that does not repeat. Returns `rate` itself (the same
    /// bits) for Poisson, so Poisson-only scenarios keep their lambda.
    public func meanRate(base rate: Double) -> Double {
        switch self {
        case .poisson, .periodic: return rate
        case .onOff(let alarmRate, let meanRegular, let meanAlarm):
            return (rate * meanRegular + alarmRate * meanAlarm) / (meanRegular + meanAlarm)
        case .schedule(let steps, let period):
            guard let period else { return rate * steps.last!.multiplier }
            return rate * ScheduleStep.integral(steps, repeat: period) / period
        }
    }
}

/// One step of a rate schedule: from `time` (seconds into the profile) the class's rate is
/// multiplied by `multiplier` (≥ 0).
public struct ScheduleStep: Sendable, Equatable {
    public var time: Double
    public var multiplier: Double

    public init(time: Double, multiplier: Double) {
        self.time = time
        self.multiplier = multiplier
    }

    /// ∫ multiplier dt over one repetition [0, `repeat`) of `steps` (seconds).
    ///
    /// - Complexity: O(steps).
    public static func integral(_ steps: [ScheduleStep], repeat period: Double) -> Double {
        var total = 0.0
        for index in steps.indices {
            let end = index + 1 < steps.count ? steps[index + 1].time : period
            total += steps[index].multiplier * (end - steps[index].time)
        }
        return total
    }
}

/// A device class's `dutyCycle`: each device is awake during the first `on` seconds of
/// every `period` (0 < on ≤ period, seconds) and sleeps the rest; a transaction it wants
/// while asleep waits for its next wake-up. All devices of the class share phase 0 (awake in
/// [k·period, k·period + on)) unless `randomPhase`, when each device has its own phase,
/// uniform in [0, period) and fixed for the run.
public struct DutyCycle: Sendable, Equatable {
    /// Awake seconds at the start of every period.
    public var on: Double
    /// The cycle's length in seconds.
    public var period: Double
    /// Whether each device has its own uniform phase (`"phase": "random"`) rather than
    /// phase 0 (`"inPhase"`, the default).
    public var randomPhase: Bool

    public init(on: Double, period: Double, randomPhase: Bool = false) {
        self.on = on
        self.period = period
        self.randomPhase = randomPhase
    }

    /// The earliest time ≥ `time` at which a device of phase `phase` (seconds in
    /// [0, period)) is awake: `time` itself when it is awake then, else its next wake-up.
    ///
    /// Awake means (time − phase) mod period < on. Non-decreasing in `time` for a fixed
    /// phase. - Complexity: O(1).
    @inlinable
    public func issueTime(wanted time: Double, phase: Double) -> Double {
        let shifted = time - phase
        var cycle = (shifted / period).rounded(.down)
        if cycle * period > shifted { cycle -= 1 }
        if shifted - cycle * period < on { return time }
        return (cycle + 1) * period + phase
    }
}

extension DeviceClass {
    /// One device's long-run mean rate: ``ArrivalKind/meanRate(base:)`` of ``rate``. A duty
    /// cycle delays transactions but drops none, so it leaves the mean rate unchanged.
    public var meanRate: Double { arrivals.meanRate(base: rate) }

    /// Whether the class's devices are plain Poisson processes, superposed with the other
    /// such classes on the `arrivals` stream exactly as before per-class processes existed.
    public var isPlainPoisson: Bool { arrivals == .poisson && dutyCycle == nil }
}
