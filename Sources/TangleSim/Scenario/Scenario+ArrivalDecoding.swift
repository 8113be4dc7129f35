// Decoding of a device class's `arrivals` and `dutyCycle` (README, "Scenario reference",
// devices). Kept apart from Scenario+Decoding.swift, which only asks for the two keys.

/// The arrival kinds a scenario can name in `devices[i].arrivals.kind`.
private enum _ArrivalKindName: String, CaseIterable {
    case poisson, periodic, onOff, schedule
}

/// The phases a scenario can name in `devices[i].dutyCycle.phase`.
private enum _DutyPhase: String, CaseIterable {
    case inPhase, random
}

extension _Expectation where Value == ArrivalKind {
    /// Most state changes an onOff device may make per transaction on average: more would
    /// spend the run switching states (each change is a step of the class's process).
    static var maximumChangesPerTransaction: Double { 1000 }

    /// Fewest transactions a device of a repeating schedule may issue per repetition on
    /// average: fewer would make each arrival walk through millions of repetitions.
    static var minimumTransactionsPerRepeat: Double { 1e-6 }

    /// A device class's `arrivals` for devices of base rate `rate` (transactions per second).
    static func arrivalKind(rate: Double) -> Self {
        object(#"an object like {"kind": "periodic", "jitter": 0.1}"#) { reader in
            let perSecond = _Expectation<Double>.number("a positive number of transactions per second, at most 1e7") {
                $0 > 0 && $0 <= Scenario.highestDeviceRate
            }
            switch try reader.required("kind", .oneOf(_ArrivalKindName.self)) {
            case .poisson:
                return .poisson
            case .periodic:
                let jitter = try reader.optional("jitter", .number("a fraction of the period from 0 to 1") { (0...1).contains($0) })
                return .periodic(jitter: jitter ?? 0)
            case .onOff:
                let kind = ArrivalKind.onOff(
                    alarmRate: try reader.required("alarmRate", perSecond),
                    meanRegular: try reader.required("meanRegular", .interval),
                    meanAlarm: try reader.required("meanAlarm", .interval))
                guard case .onOff(_, let meanRegular, let meanAlarm) = kind else { return kind }
                let changes = 2 / ((meanRegular + meanAlarm) * kind.meanRate(base: rate))
                guard changes <= maximumChangesPerTransaction else {
                    throw reader.field.failure(
                        "expected holding times long enough for at most 1000 state changes per transaction on average, got 2 / ((meanRegular + meanAlarm) × mean rate) = \(JSONValue._numberText(changes))")
                }
                return kind
            case .schedule:
                let steps = try reader.required("steps", .scheduleSteps(rate: rate))
                let last = steps.last!
                let written = reader.member("steps")?.elements?.last?.elements?.first?.value._summary ?? String(last.time)
                let period = try reader.optional(
                    "repeat", .number("a number of seconds after the last step's time (\(written))") { $0 > last.time && $0 >= Scenario.shortestInterval })
                if let period {
                    let perRepeat = rate * ScheduleStep.integral(steps, repeat: period)
                    guard perRepeat >= minimumTransactionsPerRepeat else {
                        throw reader.member("steps")!.failure(
                            "expected a profile under which a device issues at least 1e-6 transactions per repeat on average, got rate × ∫multiplier = \(JSONValue._numberText(perRepeat))")
                    }
                } else if last.multiplier == 0 {
                    throw reader.member("steps")!.elements!.last!.failure(
                        #"the last multiplier holds for ever without "repeat": expected a positive multiplier, got 0"#)
                }
                return .schedule(steps: steps, repeat: period)
            }
        }
    }
}

extension _Expectation where Value == [ScheduleStep] {
    /// `arrivals.steps`: [time, multiplier] pairs, times increasing from 0, multipliers ≥ 0
    /// with rate × multiplier at most 1e7.
    static func scheduleSteps(rate: Double) -> Self {
        let description = "a non-empty list of [seconds, multiplier] pairs like [[0, 1.0], [300, 2.0]]"
        let pair = "a pair [seconds, multiplier] of non-negative numbers"
        return Self(description) { field in
            guard let elements = field.elements, !elements.isEmpty else { throw field.mismatch(expected: description) }
            var steps: [ScheduleStep] = []
            for element in elements {
                guard let members = element.elements, members.count == 2, let time = members[0].value.numberValue,
                    let multiplier = members[1].value.numberValue, time >= 0, multiplier >= 0
                else { throw element.mismatch(expected: pair) }
                if let previous = steps.last {
                    guard time > previous.time else {
                        throw members[0].failure(
                            "expected a time after the previous step's (\(JSONValue._numberText(previous.time))), got \(members[0].value._summary)")
                    }
                } else if time != 0 {
                    throw members[0].failure("expected 0 (a schedule starts at time 0), got \(members[0].value._summary)")
                }
                guard rate * multiplier <= Scenario.highestDeviceRate else {
                    throw members[1].failure(
                        "expected a multiplier with rate × multiplier at most 1e7 transactions per second, got \(members[1].value._summary)")
                }
                steps.append(ScheduleStep(time: time, multiplier: multiplier))
            }
            return steps
        }
    }
}

extension _Expectation where Value == DutyCycle {
    /// A device class's `dutyCycle`: awake `on` seconds every `period`, in phase or not.
    static var dutyCycle: Self {
        object(#"an object like {"on": 36, "period": 3600}"#) { reader in
            let on = try reader.required("on", .interval)
            let written = reader.member("on")?.value._summary ?? String(on)
            let period = try reader.required("period", .number("a number of seconds no less than on (\(written))") { $0 >= on })
            let phase = try reader.optional("phase", .oneOf(_DutyPhase.self)) ?? .inPhase
            return DutyCycle(on: on, period: period, randomPhase: phase == .random)
        }
    }
}
