import CGSL

/// The arrivals of one device class whose devices are not plain Poisson processes: its
/// `arrivals` kind, delayed by its `dutyCycle`, as one time-ordered stream of
/// (issue time, wanted time, device). ``DeviceArrivals`` merges the streams of all classes.
///
/// Cost per transaction does not depend on the class's device count, and nothing is
/// scheduled per device:
/// - `poisson` (with a duty cycle): the class's superposed Poisson process, device uniform.
/// - `periodic`: device i has phase (i + uᵢ)·P/N in [0, P) (P = 1/rate, uᵢ uniform from a hash
///   of the stream's key and i, so each device keeps its phase and no phase is stored):
///   devices fire in index order every period, so the next nominal time is the next index's.
/// - `onOff`: the devices' independent two-state chains as one birth–death process of the
///   number K in alarm; each step is a transaction or a state change (competing
///   exponentials), and which device is drawn from a permutation whose first K entries are
///   the devices in alarm (memoryless holding times make any device of a state equally
///   likely to switch or issue). 4 bytes a device; state changes per transaction
///   2 / ((meanRegular + meanAlarm)·mean rate), at most 1000 by decoding.
/// - `schedule`: the class's inhomogeneous Poisson process by time change (an Exp(1)
///   variate consumed piece by piece of the piecewise-constant rate), device uniform.
///
/// A duty cycle maps a wanted time w to the device's first awake time ≥ w
/// (``DutyCycle/issueTime(wanted:phase:)``). In phase (and without jitter) that map is
/// non-decreasing, so the stream stays ordered at O(1). Jitter or random phases can reorder
/// arrivals: they then pass through a binary heap keyed by issue time, released once the
/// process's own (nominal) clock has passed them — issue ≥ wanted ≥ nominal, so nothing
/// later can come before. The heap holds the arrivals in flight, about
/// class rate × mean delay (jitter·P/2, or the mean wait for a wake-up); O(log that) each.
///
/// Draws come only from the class's own stream (``StreamID/classArrivals``); a random phase
/// or a periodic phase is a hash of the stream's key and the device, not a draw.
final class ClassArrivals {
    /// One arrival: when it is issued, when it was wanted, by which device.
    struct Arrival {
        var time: Double
        var wanted: Double
        var device: Int32
    }

    /// The class's base process.
    enum _Kind {
        case poisson
        case periodic
        case onOff
        case schedule
    }

    let _kind: _Kind
    let _rng: RandomStream
    let _key: UInt64
    let _first: Int32
    let _count: Int
    /// The base process's clock: the latest nominal time drawn (seconds).
    var _clock = 0.0

    // Poisson: mean gap 1 / (count · rate).
    let _meanGap: Double

    // Periodic: period P, jitter span J = jitter · P, the next device index and its cycle.
    let _period: Double
    let _jitterSpan: Double
    var _cursor = 0
    var _cycle = 0.0

    // OnOff: rates and the permutation whose first `_alarm` devices are in alarm.
    let _regularRate: Double
    let _alarmRate: Double
    let _toAlarm: Double
    let _toRegular: Double
    var _alarm = 0
    var _order: ContiguousArray<Int32> = []

    // Schedule: the class's rate, steps, repeat, the current step and repetition.
    let _classRate: Double
    let _steps: [ScheduleStep]
    let _repeat: Double?
    var _step = 0
    var _repetition = 0.0

    // Duty cycle and reordering.
    let _duty: DutyCycle?
    let _reorders: Bool
    var _heap: ContiguousArray<(arrival: Arrival, order: UInt64)> = []
    var _pushed: UInt64 = 0
    /// The base process's next arrival (reordering only), already drawn.
    var _lookahead = Arrival(time: 0, wanted: 0, device: 0)
    var _lookaheadNominal = 0.0

    /// The class `deviceClass`, whose first device is `first`, drawing from `rng` (whose key
    /// is `key`, hashed for phases).
    init(_ deviceClass: DeviceClass, first: Int32, rng: RandomStream, key: UInt64) {
        _rng = rng
        _key = key
        _first = first
        _count = deviceClass.count
        _meanGap = 1 / (Double(deviceClass.count) * deviceClass.rate)
        _period = 1 / deviceClass.rate
        _classRate = Double(deviceClass.count) * deviceClass.rate
        _duty = deviceClass.dutyCycle
        var jitter = 0.0
        var regular = 0.0, alarm = 0.0, toAlarm = 0.0, toRegular = 0.0
        var steps: [ScheduleStep] = []
        var period: Double?
        switch deviceClass.arrivals {
        case .poisson: _kind = .poisson
        case .periodic(let value):
            _kind = .periodic
            jitter = value
        case .onOff(let alarmRate, let meanRegular, let meanAlarm):
            _kind = .onOff
            (regular, alarm, toAlarm, toRegular) = (deviceClass.rate, alarmRate, 1 / meanRegular, 1 / meanAlarm)
        case .schedule(let values, let every):
            _kind = .schedule
            (steps, period) = (values, every)
        }
        _jitterSpan = jitter * _period
        (_regularRate, _alarmRate, _toAlarm, _toRegular) = (regular, alarm, toAlarm, toRegular)
        (_steps, _repeat) = (steps, period)
        _reorders = _jitterSpan > 0 || (deviceClass.dutyCycle?.randomPhase ?? false)
        if _kind == .onOff {
            _order = ContiguousArray((0..<Int32(deviceClass.count)).map { first + $0 })
            // The stationary start: each device in alarm with probability meanAlarm / (sum).
            let pAlarm = toRegular > 0 ? toAlarm / (toAlarm + toRegular) : 0
            _alarm = Int(gsl_ran_binomial(rng.gslGenerator, pAlarm, UInt32(deviceClass.count)))
        }
        if _reorders { _lookahead = _draw() }
    }

    /// A uniform number in [0, 1) from the stream's key and `device`: a fixed per-device
    /// phase without storage or draws.
    @inline(__always)
    func _hashUniform(_ device: Int32, salt: UInt64) -> Double {
        Double(StreamID.splitMix(_key ^ salt ^ UInt64(UInt32(bitPattern: device))) >> 11) * 0x1p-53
    }

    /// The next arrival of the class, in issue-time order.
    ///
    /// - Complexity: O(1) amortized (plus state changes for onOff, steps crossed for a
    ///   schedule); O(log in-flight) when reordering.
    func next() -> Arrival {
        guard _reorders else { return _draw() }
        while _heap.isEmpty || _heap[0].arrival.time > _lookaheadNominal {
            _push(_lookahead)
            _lookahead = _draw()
        }
        return _pop()
    }

    /// The base process's next arrival with its duty-cycle delay; sets `_lookaheadNominal`
    /// to its nominal time (≤ wanted ≤ issue).
    func _draw() -> Arrival {
        var device: Int32
        switch _kind {
        case .poisson:
            _clock += _rng.exponential(mean: _meanGap)
            device = _first + Int32(truncatingIfNeeded: _count == 1 ? 0 : _rng.index(below: _count))
        case .periodic:
            let index = _cursor
            _clock = (_cycle + (Double(index) + _hashUniform(Int32(index), salt: 0)) / Double(_count)) * _period
            _cursor += 1
            if _cursor == _count { (_cursor, _cycle) = (0, _cycle + 1) }
            device = _first + Int32(index)
        case .onOff:
            device = _onOffStep()
        case .schedule:
            _scheduleStep()
            device = _first + Int32(truncatingIfNeeded: _count == 1 ? 0 : _rng.index(below: _count))
        }
        _lookaheadNominal = _clock
        var wanted = _clock
        if _jitterSpan > 0 { wanted += _rng.uniform() * _jitterSpan }
        var time = wanted
        if let duty = _duty {
            let phase = duty.randomPhase ? _hashUniform(device - _first, salt: 0x5DEE_CE66_D1CE_CAFE) * duty.period : 0
            time = duty.issueTime(wanted: wanted, phase: phase)
        }
        return Arrival(time: time, wanted: wanted, device: device)
    }

    /// Advances the onOff chain to its next transaction; returns the issuing device.
    func _onOffStep() -> Int32 {
        while true {
            let regular = _count - _alarm
            let issueRegular = Double(regular) * _regularRate
            let issueAlarm = issueRegular + Double(_alarm) * _alarmRate
            let goAlarm = issueAlarm + Double(regular) * _toAlarm
            let total = goAlarm + Double(_alarm) * _toRegular
            _clock += _rng.exponential(mean: 1 / total)
            let u = _rng.uniform() * total
            if u < issueRegular && regular > 0 { return _order[_alarm + _rng.index(below: regular)] }
            if u < issueAlarm && _alarm > 0 { return _order[_rng.index(below: _alarm)] }
            if (u < goAlarm || _alarm == 0) && regular > 0 {
                _order.swapAt(_alarm + _rng.index(below: regular), _alarm)
                _alarm += 1
            } else if _alarm > 0 {
                _order.swapAt(_rng.index(below: _alarm), _alarm - 1)
                _alarm -= 1
            }
        }
    }

    /// Advances `_clock` to the schedule's next arrival: an Exp(1) amount of integrated rate.
    func _scheduleStep() {
        var remaining = _rng.exponential(mean: 1)
        while true {
            let start = _repetition * (_repeat ?? 0)
            let end = _step + 1 < _steps.count ? start + _steps[_step + 1].time : _repeat.map { start + $0 } ?? .infinity
            let rate = _classRate * _steps[_step].multiplier
            if rate > 0 {
                let time = _clock + remaining / rate
                if time < end {
                    _clock = time
                    return
                }
                remaining = Swift.max(0, remaining - rate * (end - _clock))
            }
            _clock = end
            _step += 1
            if _step == _steps.count { (_step, _repetition) = (0, _repetition + 1) }
        }
    }

    // MARK: - The reordering heap: a binary min-heap on (time, push order).

    @inline(__always)
    func _less(_ a: Int, _ b: Int) -> Bool {
        let x = _heap[a], y = _heap[b]
        return x.arrival.time < y.arrival.time || (x.arrival.time == y.arrival.time && x.order < y.order)
    }

    func _push(_ arrival: Arrival) {
        _heap.append((arrival, _pushed))
        _pushed += 1
        var child = _heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard _less(child, parent) else { break }
            _heap.swapAt(child, parent)
            child = parent
        }
    }

    func _pop() -> Arrival {
        let top = _heap[0].arrival
        let last = _heap.removeLast()
        guard !_heap.isEmpty else { return top }
        _heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < _heap.count else { break }
            var smallest = left
            if left + 1 < _heap.count && _less(left + 1, left) { smallest = left + 1 }
            guard _less(smallest, parent) else { break }
            _heap.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}
