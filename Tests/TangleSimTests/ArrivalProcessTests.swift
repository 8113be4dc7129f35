import CGSL
import Foundation
import Testing

@testable import TangleSim

/// One arrival as the fleet sees it.
private struct Drawn {
    var time: Double
    var wanted: Double
    var device: Int32
}

/// The arrivals of `classes` (replication `replication` of seed `seed`) up to time `end`,
/// drawn as ``DeviceFleet`` draws them.
private func arrivals(_ classes: [DeviceClass], seed: UInt64 = 1, replication: Int = 0, until end: Double) -> [Drawn] {
    let scenario = Scenario(name: "arrivals", seed: seed, duration: end, devices: classes)
    let process = DeviceArrivals(scenario: scenario, replication: replication)
    var drawn: [Drawn] = []
    var time = process.nextArrival(now: 0)
    while time <= end {
        let device = process.nextDevice()
        drawn.append(Drawn(time: time, wanted: process.wanted ?? time, device: device))
        time = process.nextArrival(now: time)
    }
    return drawn
}

/// The two-sided p-value of a sample variance `variance` of `n` normal values against the
/// true variance `sigma2`: (n − 1)·s²/σ² is chi-squared with n − 1 degrees of freedom.
private func varianceTwoSidedP(_ variance: Double, n: Int, sigma2: Double) -> Double {
    let x = Double(n - 1) * variance / sigma2
    return min(1, 2 * min(gsl_cdf_chisq_P(x, Double(n - 1)), gsl_cdf_chisq_Q(x, Double(n - 1))))
}

private func sampleVariance(_ values: [Double]) -> Double {
    let mean = values.reduce(0, +) / Double(values.count)
    return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
}

@Suite("Arrival processes per device class")
struct ArrivalProcessTests {
    @Test("Poisson-only scenarios draw exactly what PoissonArrivals draws")
    func poissonOnlyUnchanged() {
        let classes = [DeviceClass(count: 10, rate: 1), DeviceClass(count: 3, rate: 0.2), DeviceClass(count: 1, rate: 5)]
        let scenario = Scenario(name: "p", seed: 42, duration: 10, devices: classes)
        let merged = DeviceArrivals(scenario: scenario, replication: 3)
        let plain = PoissonArrivals(classes: classes, rng: RandomStream(seed: 42, replication: 3, stream: .arrivals))
        var now = 0.0
        for _ in 0..<10_000 {
            let time = merged.nextArrival(now: now)
            #expect(time == plain.nextArrival(now: now))
            #expect(merged.nextDevice() == plain.nextDevice())
            #expect(merged.wanted == nil)
            now = time
        }
        #expect(merged.deviceClass(of: 12) == 1 && merged.deviceClass(of: 13) == 2)
    }

    @Test("a mix keeps the Poisson classes' law and orders all arrivals by time")
    func mixedOrderAndPoissonShare() {
        // 20 Poisson devices at 1/s beside a periodic class: the Poisson devices' count over
        // 500 s is Poisson(10,000); the periodic devices issue exactly once per period each.
        let classes = [
            DeviceClass(count: 20, rate: 1), DeviceClass(count: 7, rate: 0.5, arrivals: .periodic(jitter: 0)),
        ]
        let drawn = arrivals(classes, seed: 5, until: 500)
        #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.time <= $1.time })
        let poisson = drawn.filter { $0.device < 20 }.count
        let p = poissonTwoSidedP(poisson, mean: 20 * 500)
        #expect(p >= significance, "Poisson part: \(poisson) arrivals in 500 s, p = \(p)")
        // Every periodic device issues once in each period [2m, 2m + 2) of [0, 500).
        for device in Int32(20)..<27 {
            #expect(drawn.filter { $0.device == device }.count == 250)
        }
    }

    @Test("periodic: each device every 1/rate seconds; jitter delays uniformly in [0, jitter/rate)")
    func periodicLaw() {
        // One device at 0.5/s with jitter 0.4: t_m = 2m + phase + 0.8·u_m. Gaps between
        // issues 2m and 2m + 1 are 2 + 0.8·(u_{2m+1} − u_{2m}), independent over m; the
        // difference of two uniforms has the triangular CDF F(d) = (1 + d)²/2 below 0 and
        // 1 − (1 − d)²/2 above, on (−1, 1). Chi-squared over 10 equal bins, significance 0.001.
        let drawn = arrivals([DeviceClass(count: 1, rate: 0.5, arrivals: .periodic(jitter: 0.4))], seed: 11, until: 40_000)
        #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.time <= $1.time })
        var bins = Array(repeating: 0, count: 10)
        var index = 0
        while index + 1 < drawn.count {
            let d = (drawn[index + 1].time - drawn[index].time - 2) / 0.8
            #expect(d > -1 && d < 1)
            bins[min(9, max(0, Int(((d + 1) / 0.2).rounded(.down))))] += 1
            index += 2
        }
        let cdf = { (d: Double) in d < 0 ? (1 + d) * (1 + d) / 2 : 1 - (1 - d) * (1 - d) / 2 }
        let probabilities = (0..<10).map { cdf(-1 + 0.2 * Double($0 + 1)) - cdf(-1 + 0.2 * Double($0)) }
        let p = chiSquaredPValue(observed: bins, expected: probabilities)
        #expect(p > significance, "triangular gaps: bins \(bins), p = \(p)")
        // Without jitter the gaps are exactly the period, and a device's phase stays put.
        let exact = arrivals([DeviceClass(count: 3, rate: 0.25, arrivals: .periodic(jitter: 0))], seed: 2, until: 400)
        for device in Int32(0)..<3 {
            let times = exact.filter { $0.device == device }.map(\.time)
            #expect(times.count == 100)
            #expect(zip(times, times.dropFirst()).allSatisfy { abs($1 - $0 - 4) < 1e-9 })
        }
    }

    /// onOff: N devices, regular rate r, alarm rate a, mean holding times mR and mA. Each
    /// device's rate process is a stationary two-state chain with mean λ̄ = (r·mR + a·mA) /
    /// (mR + mA) and autocovariance (a − r)²·pR·pA·e^(−γτ), γ = 1/mR + 1/mA, so a count over
    /// [0, T] has mean N·λ̄·T and variance N·[λ̄T + 2(a − r)²·pR·pA·(T/γ − (1 − e^(−γT))/γ²)]
    /// (the MMPP's counting variance).
    @Test("onOff: counts have the chain's mean and variance (index of dispersion above 1)")
    func onOffLaw() {
        let (n, r, a, mR, mA, end) = (20.0, 1.0, 10.0, 6.0, 2.0, 200.0)
        let deviceClass = DeviceClass(count: 20, rate: r, arrivals: .onOff(alarmRate: a, meanRegular: mR, meanAlarm: mA))
        let meanRate = (r * mR + a * mA) / (mR + mA)
        #expect(abs(deviceClass.meanRate - meanRate) < 1e-12)
        let (pR, pA, gamma) = (mR / (mR + mA), mA / (mR + mA), 1 / mR + 1 / mA)
        let mean = n * meanRate * end
        let variance = n * (meanRate * end + 2 * (a - r) * (a - r) * pR * pA * (end / gamma - (1 - exp(-gamma * end)) / (gamma * gamma)))
        let replications = 60
        let counts = (0..<replications).map { Double(arrivals([deviceClass], seed: 17, replication: $0, until: end).count) }
        let (sampleMean, se) = CheckStatistics.meanAndStandardError(counts)
        let t = twoSidedT(degreesOfFreedom: replications - 1)
        #expect(abs(sampleMean - mean) <= t * se, "mean count \(describe(counts)), expected \(mean)")
        let s2 = sampleVariance(counts)
        let p = varianceTwoSidedP(s2, n: replications, sigma2: variance)
        #expect(p >= significance, "variance \(s2), expected \(variance) (index \(variance / mean)), p = \(p)")
        // Against Poisson: (R − 1)·s²/mean above the chi-squared quantile (one-sided, 0.001).
        let statistic = Double(replications - 1) * s2 / sampleMean
        #expect(gsl_cdf_chisq_Q(statistic, Double(replications - 1)) < significance, "index of dispersion \(s2 / sampleMean)")
    }

    @Test("Poisson through a class stream: index of dispersion 1")
    func poissonDispersion() {
        // A duty cycle as long as the period leaves a Poisson class Poisson, through its own stream.
        let deviceClass = DeviceClass(count: 20, rate: 3.25, dutyCycle: DutyCycle(on: 10, period: 10))
        let replications = 60
        let counts = (0..<replications).map { Double(arrivals([deviceClass], seed: 18, replication: $0, until: 200).count) }
        let p = varianceTwoSidedP(sampleVariance(counts), n: replications, sigma2: 20 * 3.25 * 200)
        #expect(p >= significance, "variance \(sampleVariance(counts)) against 13000: p = \(p)")
    }

    @Test("schedule: nothing where the multiplier is 0, Poisson counts of the integrated rate elsewhere")
    func scheduleLaw() {
        // Per device: multiplier 1 on [0, 3), 4 on [3, 5), 0 on [5, 10), repeating every 10 s:
        // 3 + 8 = 11 transactions per device-second-of-rate per repetition.
        let steps = [ScheduleStep(time: 0, multiplier: 1), ScheduleStep(time: 3, multiplier: 4), ScheduleStep(time: 5, multiplier: 0)]
        let deviceClass = DeviceClass(count: 5, rate: 2, arrivals: .schedule(steps: steps, repeat: 10))
        #expect(abs(deviceClass.meanRate - 2 * 1.1) < 1e-12)
        var low = 0, high = 0
        for replication in 0..<20 {
            let drawn = arrivals([deviceClass], seed: 19, replication: replication, until: 100)
            for arrival in drawn {
                let phase = arrival.time.truncatingRemainder(dividingBy: 10)
                #expect(phase < 5, "an arrival at \(arrival.time), where the multiplier is 0")
                if phase < 3 { low += 1 } else { high += 1 }
            }
        }
        // Over 20 runs × 10 repetitions: Poisson(20·10·5·2·3) and Poisson(20·10·5·2·8), independent.
        let pLow = poissonTwoSidedP(low, mean: 6000), pHigh = poissonTwoSidedP(high, mean: 16_000)
        #expect(pLow >= significance && pHigh >= significance, "\(low) in [0, 3), \(high) in [3, 5): p = \(pLow), \(pHigh)")
        // Without repeat the last multiplier holds for ever.
        let late = DeviceClass(count: 1, rate: 1, arrivals: .schedule(steps: [ScheduleStep(time: 0, multiplier: 0), ScheduleStep(time: 50, multiplier: 3)], repeat: nil))
        let drawn = arrivals([late], seed: 20, until: 1050)
        #expect(drawn.allSatisfy { $0.time >= 50 })
        let p = poissonTwoSidedP(drawn.count, mean: 3000)
        #expect(p >= significance, "\(drawn.count) arrivals in [50, 1050] at 3/s: p = \(p)")
    }

    @Test("duty cycle in phase: issues only while awake; asleep wants wait for the next wake-up")
    func dutyCycleInPhase() {
        let duty = DutyCycle(on: 2, period: 10)
        for kind in [ArrivalKind.poisson, .periodic(jitter: 0.5), .onOff(alarmRate: 2, meanRegular: 5, meanAlarm: 5)] {
            let drawn = arrivals([DeviceClass(count: 50, rate: 0.5, arrivals: kind, dutyCycle: duty)], seed: 21, until: 1000)
            #expect(!drawn.isEmpty)
            #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.time <= $1.time }, "\(kind)")
            for arrival in drawn {
                let wantedPhase = arrival.wanted - (arrival.wanted / 10).rounded(.down) * 10
                if wantedPhase < 2 {
                    #expect(arrival.time == arrival.wanted)
                } else {
                    #expect(abs(arrival.time - ((arrival.wanted / 10).rounded(.down) + 1) * 10) < 1e-9, "\(kind): wanted \(arrival.wanted), issued \(arrival.time)")
                }
            }
        }
        // The wants of a Poisson class stay Poisson: their count over [0, 990) is Poisson(50·0.5·990).
        let drawn = arrivals([DeviceClass(count: 50, rate: 0.5, dutyCycle: duty)], seed: 22, until: 2000)
        let wanted = drawn.filter { $0.wanted < 990 }.count
        let p = poissonTwoSidedP(wanted, mean: 50 * 0.5 * 990)
        #expect(p >= significance, "\(wanted) wanted in [0, 990): p = \(p)")
    }

    @Test(
        "duty cycle with random phases: each device issues within one awake window of its own",
        arguments: [ArrivalKind.poisson, .onOff(alarmRate: 1, meanRegular: 10, meanAlarm: 10), .periodic(jitter: 0.3)])
    func dutyCycleRandomPhase(kind: ArrivalKind) {
        // Poisson takes the batched path (0.4 × 20 = 8 wants a period); the others the heap.
        let duty = DutyCycle(on: 3, period: 20, randomPhase: true)
        let drawn = arrivals(
            [DeviceClass(count: 4, rate: 1), DeviceClass(count: 30, rate: 0.4, arrivals: kind, dutyCycle: duty)], seed: 23,
            until: 2000)
        #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.time <= $1.time })
        var phases: [Double] = []
        for device in Int32(4)..<34 {
            let mine = drawn.filter { $0.device == device }
            #expect(mine.allSatisfy { $0.time >= $0.wanted })
            // Residues modulo the period fit in an arc of length `on`: the largest circular
            // gap between sorted residues is at least period − on.
            let residues = mine.map { $0.time.truncatingRemainder(dividingBy: 20) }.sorted()
            guard let first = residues.first, let last = residues.last else { continue }
            var gap = first + 20 - last
            for (a, b) in zip(residues, residues.dropFirst()) { gap = max(gap, b - a) }
            #expect(gap >= 17 - 1e-9, "device \(device): residues spread over \(20 - gap) s")
            phases.append(first)
        }
        // Phases differ between devices (they are not all in phase).
        #expect(Set(phases.map { Int($0) }).count > 5)
    }

    @Test("batched random phases: the wants of a Poisson class stay Poisson; asleep ones wait at most period − on")
    func batchedWantsArePoisson() {
        // Wants in [0, 1000) are all issued by 1000 + period: their count over 20 runs is
        // Poisson(20 · 30 · 0.4 · 1000); a want's wait is at most period − on, 0 when awake.
        let duty = DutyCycle(on: 3, period: 20, randomPhase: true)
        var wanted = 0
        var waited = 0, immediate = 0
        for replication in 0..<20 {
            let drawn = arrivals([DeviceClass(count: 30, rate: 0.4, dutyCycle: duty)], seed: 24, replication: replication, until: 1020)
            for arrival in drawn where arrival.wanted < 1000 {
                wanted += 1
                #expect(arrival.wanted <= arrival.time && arrival.time - arrival.wanted <= 17 + 1e-9)
                if arrival.time == arrival.wanted { immediate += 1 } else { waited += 1 }
            }
        }
        let p = poissonTwoSidedP(wanted, mean: 20 * 30 * 0.4 * 1000)
        #expect(p >= significance, "\(wanted) wants in [0, 1000) over 20 runs: p = \(p)")
        // Each want is awake with probability on/period = 0.15, independently: binomial.
        let pAwake = min(1, 2 * min(gsl_cdf_binomial_P(UInt32(immediate), 0.15, UInt32(wanted)), gsl_cdf_binomial_Q(UInt32(immediate) - 1, 0.15, UInt32(wanted))))
        #expect(pAwake >= significance, "\(immediate) of \(wanted) issued at once: p = \(pAwake)")
        #expect(waited > 0)
    }

    @Test("each class stream is its own: adding a class leaves another class's arrivals unchanged")
    func streamsAreIndependent() {
        let onOff = DeviceClass(count: 5, rate: 1, arrivals: .onOff(alarmRate: 4, meanRegular: 10, meanAlarm: 3))
        let alone = arrivals([DeviceClass(count: 3, rate: 2), onOff], seed: 30, until: 100).filter { $0.device >= 3 }
        let mixed = arrivals(
            [DeviceClass(count: 3, rate: 2), onOff, DeviceClass(count: 2, rate: 1, arrivals: .periodic(jitter: 0.2))], seed: 30,
            until: 100
        ).filter { $0.device >= 3 && $0.device < 8 }
        #expect(alone.map(\.time) == mixed.map(\.time))
        #expect(alone.map(\.device) == mixed.map(\.device))
    }

    @Test("a simulated duty-cycled class issues only while awake; latency origin is the wanted time")
    func simulationDutyCycle() throws {
        var scenario = Scenario(
            name: "duty", seed: 3, duration: 300,
            devices: [
                DeviceClass(count: 10, rate: 1),
                DeviceClass(count: 100, rate: 0.05, dutyCycle: DutyCycle(on: 5, period: 60)),
                DeviceClass(count: 20, rate: 0.2, arrivals: .onOff(alarmRate: 1, meanRegular: 30, meanAlarm: 10)),
            ])
        scenario.metrics.transactionLog = true
        scenario.consensus = .cumulativeWeight(threshold: 8)
        let result = Simulation.run(scenario)
        let tangle = try #require(result.tangle)
        #expect(tangle.recordsWantedTimes)
        var duty = 0, held = 0
        for x in 1..<Int32(tangle.count) where tangle.isDeviceTransaction(x) {
            let device = tangle.issuer(of: x).id
            let time = tangle.issueTime[Int(x)]
            let wanted = tangle.wantedTime(of: x)
            guard device >= 10 && device < 110 else {
                #expect(wanted == time, "transaction \(x) of an always-awake class")
                continue
            }
            duty += 1
            let phase = time - (time / 60).rounded(.down) * 60
            #expect(phase < 5 || phase > 60 - 1e-9, "transaction \(x) of a sleeping device at \(time)")
            // Wanted while awake: issued at once; while asleep: at the next wake-up.
            let wantedPhase = wanted - (wanted / 60).rounded(.down) * 60
            if wantedPhase < 5 {
                #expect(wanted == time, "transaction \(x) wanted while awake")
            } else {
                held += 1
                #expect(abs(time - ((wanted / 60).rounded(.down) + 1) * 60) < 1e-9, "transaction \(x) waits for the wake-up")
            }
        }
        #expect(duty > 0 && held > 0)
        // Every latency is a confirmation time minus a wanted time (exact doubles), and some
        // are not a confirmation time minus an issue time: the held transactions'.
        let confirmedAt = try #require(result.confirmedAt)
        var fromWanted: [Double: Int] = [:]
        var fromIssue: [Double: Int] = [:]
        for x in 1..<Int32(tangle.count) where tangle.isDeviceTransaction(x) && !confirmedAt[Int(x)].isNaN {
            fromWanted[confirmedAt[Int(x)] - tangle.wantedTime(of: x), default: 0] += 1
            fromIssue[confirmedAt[Int(x)] - tangle.issueTime[Int(x)], default: 0] += 1
        }
        #expect(result.latencies.count > 100)
        var notFromIssue = 0
        for latency in result.latencies {
            #expect(fromWanted[latency, default: 0] > 0, "latency \(latency) is not confirmation − wanted")
            fromWanted[latency, default: 0] -= 1
            if fromIssue[latency, default: 0] > 0 { fromIssue[latency, default: 0] -= 1 } else { notFromIssue += 1 }
        }
        #expect(notFromIssue > 0)
    }

    @Test("resolved JSON omits Poisson defaults and round-trips the new keys")
    func resolvedJSON() throws {
        let text = #"""
            {"duration": 600, "devices": [{"count": 1, "rate": 1},
              {"count": 2, "rate": 0.5, "arrivals": {"kind": "onOff", "alarmRate": 2.0, "meanRegular": 60, "meanAlarm": 10}},
              {"count": 2, "rate": 0.5, "arrivals": {"kind": "schedule", "steps": [[0, 1.0], [300, 2.0]], "repeat": 86400}, "dutyCycle": {"on": 36, "period": 3600}},
              {"count": 2, "rate": 0.5, "arrivals": {"kind": "periodic"}, "dutyCycle": {"on": 36, "period": 3600, "phase": "random"}}]}
            """#
        let scenario = try Scenario.decode(Array(text.utf8), file: "a.json")
        #expect(scenario.devices[1].arrivals == .onOff(alarmRate: 2, meanRegular: 60, meanAlarm: 10))
        #expect(scenario.devices[2].arrivals == .schedule(steps: [ScheduleStep(time: 0, multiplier: 1), ScheduleStep(time: 300, multiplier: 2)], repeat: 86400))
        #expect(scenario.devices[2].dutyCycle == DutyCycle(on: 36, period: 3600))
        #expect(scenario.devices[3].arrivals == .periodic(jitter: 0))
        #expect(scenario.devices[3].dutyCycle == DutyCycle(on: 36, period: 3600, randomPhase: true))
        let again = try Scenario(json: scenario.resolvedJSON, file: "a.json")
        #expect(again == scenario)
        guard case .object(let root) = scenario.resolvedJSON, case .array(let devices)? = root["devices"],
            case .object(let plain) = devices[0]
        else { Issue.record("no devices"); return }
        #expect(plain.keys == ["count", "rate", "behaviour"])
        // lambda counts mean rates: 1 + 2·(0.5·60 + 2·10)/70 + 2·0.5·(300 + 2·86100)/86400 + 2·0.5.
        let onOff: Double = 2 * (0.5 * 60 + 2 * 10) / 70
        let schedule: Double = 2 * 0.5 * (300 + 2 * 86100) / 86400
        let expected: Double = 1 + onOff + schedule + 1
        #expect(abs(scenario.lambda - expected) < 1e-12)
    }

    @Test("bad arrivals and duty cycles are refused with the file, field and expectation", arguments: [
        (#"{"kind": "bursty"}"#, #"bad.json: devices[0].arrivals.kind: expected one of "poisson", "periodic", "onOff", "schedule", got "bursty""#),
        (#"{}"#, #"bad.json: devices[0].arrivals.kind: required key is missing (expected one of "poisson", "periodic", "onOff", "schedule")"#),
        (#""poisson""#, #"bad.json: devices[0].arrivals: expected an object like {"kind": "periodic", "jitter": 0.1}, got "poisson""#),
        (#"{"kind": "poisson", "jitter": 0.1}"#, #"bad.json: devices[0].arrivals.jitter: unknown key "jitter"; known keys: kind"#),
        (#"{"kind": "periodic", "jitter": 1.5}"#, "bad.json: devices[0].arrivals.jitter: expected a fraction of the period from 0 to 1, got 1.5"),
        (#"{"kind": "periodic", "jitter": -0.1}"#, "bad.json: devices[0].arrivals.jitter: expected a fraction of the period from 0 to 1, got -0.1"),
        (#"{"kind": "onOff", "meanRegular": 60, "meanAlarm": 10}"#, "bad.json: devices[0].arrivals.alarmRate: required key is missing (expected a positive number of transactions per second, at most 1e7)"),
        (#"{"kind": "onOff", "alarmRate": 0, "meanRegular": 60, "meanAlarm": 10}"#, "bad.json: devices[0].arrivals.alarmRate: expected a positive number of transactions per second, at most 1e7, got 0"),
        (#"{"kind": "onOff", "alarmRate": 2, "meanRegular": -60, "meanAlarm": 10}"#, "bad.json: devices[0].arrivals.meanRegular: expected a number of seconds, at least 1e-6, got -60"),
        (#"{"kind": "onOff", "alarmRate": 2, "meanRegular": 60, "meanAlarm": 0}"#, "bad.json: devices[0].arrivals.meanAlarm: expected a number of seconds, at least 1e-6, got 0"),
        (#"{"kind": "onOff", "alarmRate": 2, "meanRegular": 1e-4, "meanAlarm": 1e-4}"#, "bad.json: devices[0].arrivals: expected holding times long enough for at most 1000 state changes per transaction on average, got 2 / ((meanRegular + meanAlarm) × mean rate) = 6666.666666666666"),
        (#"{"kind": "schedule"}"#, "bad.json: devices[0].arrivals.steps: required key is missing (expected a non-empty list of [seconds, multiplier] pairs like [[0, 1.0], [300, 2.0]])"),
        (#"{"kind": "schedule", "steps": []}"#, "bad.json: devices[0].arrivals.steps: expected a non-empty list of [seconds, multiplier] pairs like [[0, 1.0], [300, 2.0]], got an array"),
        (#"{"kind": "schedule", "steps": [[0, 1], [300]]}"#, "bad.json: devices[0].arrivals.steps[1]: expected a pair [seconds, multiplier] of non-negative numbers, got an array"),
        (#"{"kind": "schedule", "steps": [[0, -1]]}"#, "bad.json: devices[0].arrivals.steps[0]: expected a pair [seconds, multiplier] of non-negative numbers, got an array"),
        (#"{"kind": "schedule", "steps": [[10, 1]]}"#, "bad.json: devices[0].arrivals.steps[0][0]: expected 0 (a schedule starts at time 0), got 10"),
        (#"{"kind": "schedule", "steps": [[0, 1], [300, 2], [300, 1]]}"#, "bad.json: devices[0].arrivals.steps[2][0]: expected a time after the previous step's (300.0), got 300"),
        (#"{"kind": "schedule", "steps": [[0, 1], [300, 2], [200, 1]]}"#, "bad.json: devices[0].arrivals.steps[2][0]: expected a time after the previous step's (300.0), got 200"),
        (#"{"kind": "schedule", "steps": [[0, 1e8]]}"#, "bad.json: devices[0].arrivals.steps[0][1]: expected a multiplier with rate × multiplier at most 1e7 transactions per second, got 100000000.0"),
        (#"{"kind": "schedule", "steps": [[0, 1], [300, 0]]}"#, #"bad.json: devices[0].arrivals.steps[1]: the last multiplier holds for ever without "repeat": expected a positive multiplier, got 0"#),
        (#"{"kind": "schedule", "steps": [[0, 1], [300, 2]], "repeat": 300}"#, "bad.json: devices[0].arrivals.repeat: expected a number of seconds after the last step's time (300), got 300"),
        (#"{"kind": "schedule", "steps": [[0, 0], [300, 1e-12]], "repeat": 600}"#, "bad.json: devices[0].arrivals.steps: expected a profile under which a device issues at least 1e-6 transactions per repeat on average, got rate × ∫multiplier = 3e-10"),
    ])
    func arrivalErrors(arrivals: String, message: String) {
        // (2e-3 s of holding per cycle at a mean rate of 1.5/s is 667 changes per
        // transaction: accepted; 2e-4 s is 6667: refused.)
        let text = #"{"duration": 600, "devices": [{"count": 1, "rate": 1, "arrivals": "# + arrivals + "}]}"
        #expect(decodeError(text) == message)
    }

    @Test("the state-change bound admits holding times just long enough")
    func onOffBoundAccepts() {
        let text = #"{"duration": 600, "devices": [{"count": 1, "rate": 1, "arrivals": {"kind": "onOff", "alarmRate": 2, "meanRegular": 1e-3, "meanAlarm": 1e-3}}]}"#
        #expect(decodeError(text) == nil)
    }

    @Test("bad duty cycles are refused with the file, field and expectation", arguments: [
        (#"{"on": 36}"#, "bad.json: devices[0].dutyCycle.period: required key is missing (expected a number of seconds no less than on (36))"),
        (#"{"on": 36, "period": 30}"#, "bad.json: devices[0].dutyCycle.period: expected a number of seconds no less than on (36), got 30"),
        (#"{"on": 0, "period": 30}"#, "bad.json: devices[0].dutyCycle.on: expected a number of seconds, at least 1e-6, got 0"),
        (#"{"on": 3, "period": 30, "phase": "late"}"#, #"bad.json: devices[0].dutyCycle.phase: expected one of "inPhase", "random", got "late""#),
        (#"{"on": 3, "period": 30, "offset": 2}"#, #"bad.json: devices[0].dutyCycle.offset: unknown key "offset"; known keys: on, period, phase"#),
        (#"[36, 3600]"#, #"bad.json: devices[0].dutyCycle: expected an object like {"on": 36, "period": 3600}, got an array"#),
    ])
    func dutyCycleErrors(dutyCycle: String, message: String) {
        let text = #"{"duration": 600, "devices": [{"count": 1, "rate": 1, "dutyCycle": "# + dutyCycle + "}]}"
        #expect(decodeError(text) == message)
    }
}

@Suite("Device class labels")
struct DeviceClassLabelTests {
    @Test("bad or duplicate labels are refused with the file, field and expectation", arguments: [
        (#"[{"count": 1, "rate": 1, "label": ""}]"#, #"bad.json: devices[0].label: expected a non-empty string of at most 100 characters, got """#),
        (#"[{"count": 1, "rate": 1, "label": 3}]"#, "bad.json: devices[0].label: expected a non-empty string of at most 100 characters, got 3"),
        (
            #"[{"count": 1, "rate": 1, "label": "a"}, {"count": 1, "rate": 1, "label": "a"}]"#,
            #"bad.json: devices[1].label: duplicate label "a"; labels name the rows of classes.csv"#
        ),
        (
            #"[{"count": 1, "rate": 1}, {"count": 1, "rate": 1, "label": "devices[0]"}]"#,
            #"bad.json: devices[1].label: "devices[0]" is reserved: devices[i] and adversaries[i] name the rows of unlabelled classes and of adversaries in classes.csv"#
        ),
        (
            #"[{"count": 1, "rate": 1, "label": "adversaries[0]"}]"#,
            #"bad.json: devices[0].label: "adversaries[0]" is reserved: devices[i] and adversaries[i] name the rows of unlabelled classes and of adversaries in classes.csv"#
        ),
    ])
    func labelErrors(devices: String, message: String) {
        #expect(decodeError(#"{"duration": 600, "devices": "# + devices + "}") == message)
    }

    @Test("labels that only look like default names are accepted", arguments: ["devices", "devices[]", "devices[x]", "adversaries[1", "my devices[0]"])
    func nearDefaultNames(label: String) throws {
        let text = #"{"duration": 60, "devices": [{"count": 1, "rate": 1, "label": ""# + label + #""}]}"#
        #expect(try Scenario.decode(Array(text.utf8), file: "ok.json").devices[0].label == label)
    }

    @Test("a label names the class in classes.csv and round-trips through the resolved JSON")
    func labelNamesTheRow() throws {
        let text = #"{"duration": 60, "devices": [{"count": 2, "rate": 1, "label": "gateways, FPGA"}, {"count": 2, "rate": 1}]}"#
        let scenario = try Scenario.decode(Array(text.utf8), file: "ok.json")
        #expect(scenario.devices.map(\.label) == ["gateways, FPGA", nil])
        let again = try Scenario.decode(Array(scenario.resolvedJSON.prettyPrinted.utf8), file: "resolved.json")
        #expect(again.devices.map(\.label) == ["gateways, FPGA", nil])
        let result = Simulation.run(scenario)
        #expect(result.classes.map(\.label) == ["gateways, FPGA", "devices[1]"])
        #expect(RunOutput.classesCSV(result.classes).contains("\n\"gateways, FPGA\",honest,"))
    }
}

/// The description of the error that decoding `text` as `bad.json` throws, or nil.
private func decodeError(_ text: String) -> String? {
    do {
        _ = try Scenario.decode(Array(text.utf8), file: "bad.json")
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}
