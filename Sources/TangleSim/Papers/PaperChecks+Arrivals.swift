import CGSL
import Foundation

extension PaperChecks {
    /// Four device classes with different arrival processes (Poisson, onOff, a repeating
    /// schedule, a duty-cycled Poisson class in phase).
    public static let arrivalsFile = "arrival-processes.json"

    // MARK: - Arrival processes per device class (the model's "Device realism")

    /// The counts of each class over the run against their mean rates, the index of
    /// dispersion of the Poisson class (1) and of the onOff class (above 1), and that the
    /// duty-cycled class issues only while awake.
    ///
    /// Over [0, T] a Poisson class of N devices at rate r issues Poisson(N·r·T); an onOff
    /// class has mean N·λ̄·T and variance N·[λ̄T + 2(a − r)²·pR·pA·(T/γ − (1 − e^(−γT))/γ²)]
    /// (λ̄ = r·pR + a·pA, pR and pA the stationary shares, γ = 1/meanRegular + 1/meanAlarm:
    /// the counting variance of a stationary two-state Markov-modulated Poisson process); a
    /// schedule N·r·∫₀ᵀ m(t) dt.
    func arrivalChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let path = folder + "/" + Self.arrivalsFile
        var scenario = try Scenario.load(path: path)
        let devices = scenario.devices
        guard devices.count == 4, devices[0].isPlainPoisson, case .onOff = devices[1].arrivals, devices[1].dutyCycle == nil,
            case .schedule(let steps, let period?) = devices[2].arrivals, devices[2].dutyCycle == nil,
            devices[3].arrivals == .poisson, let duty = devices[3].dutyCycle, !duty.randomPhase,
            scenario.adversaries.isEmpty, let end = scenario.duration
        else {
            throw ScenarioError(
                file: path, path: "devices",
                message: "the arrival check needs a duration, no adversaries, and four device classes: plain Poisson, onOff, a repeating schedule, and Poisson with an in-phase dutyCycle")
        }
        scenario.metrics.transactionLog = true
        let replications = mode == .quick ? 10 : 30
        progress("\(path): \(replications) replications with a transaction log (arrival processes)")
        if let refusal = WorkloadEstimate.replications(scenario, file: path, count: replications, jobs: jobs).refusal() { throw refusal }
        let first = devices.indices.map { index in Int32(devices[..<index].reduce(0) { $0 + $1.count }) }
        let logged = scenario
        let runs = WorkerPool.map(0..<replications, jobs: jobs) { replication -> (counts: [Double], asleep: Int) in
            let tangle = Simulation.run(logged, replication: replication).tangle!
            var counts = [Double](repeating: 0, count: 4)
            var asleep = 0
            for x in 1..<Int32(tangle.count) where tangle.isDeviceTransaction(x) {
                let device = tangle.issuer(of: x).id
                let index = first.lastIndex { $0 <= device }!
                counts[index] += 1
                if index == 3 {
                    // Awake: [k·period, k·period + on); a wake-up computed as (k + 1)·period
                    // may round to just below a multiple of the period.
                    let time = tangle.issueTime[Int(x)]
                    let phase = time - (time / duty.period).rounded(.down) * duty.period
                    if phase >= duty.on && duty.period - phase > 1e-9 * duty.period { asleep += 1 }
                }
            }
            return (counts, asleep)
        }
        let counts = (0..<4).map { index in runs.map { $0.counts[index] } }
        let t = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: replications - 1)
        let tBasis = "\(replications) runs; t(\(Self.level(two: true)), \(replications - 1))·SE"

        func meanCheck(_ name: String, _ values: [Double], expected: Double) -> PaperCheck {
            let (mean, se) = CheckStatistics.meanAndStandardError(values)
            return PaperCheck(
                name: name, measured: Self.fixed(mean, 1), expected: Self.fixed(expected, 1), tolerance: "±" + Self.fixed(t * se, 1),
                basis: tBasis, passed: abs(mean - expected) <= t * se)
        }
        func variance(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        }
        let df = Double(replications - 1)

        let poissonMean = Double(devices[0].count) * devices[0].rate * end
        guard case .onOff(let a, let meanRegular, let meanAlarm) = devices[1].arrivals else { return [] }
        let (n, r) = (Double(devices[1].count), devices[1].rate)
        let (pR, pA, gamma) = (meanRegular / (meanRegular + meanAlarm), meanAlarm / (meanRegular + meanAlarm), 1 / meanRegular + 1 / meanAlarm)
        let onOffMean = n * devices[1].meanRate * end
        let onOffVariance = onOffMean + n * 2 * (a - r) * (a - r) * pR * pA * (end / gamma - (1 - exp(-gamma * end)) / (gamma * gamma))
        let scheduleMean = Double(devices[2].count) * devices[2].rate * Self.scheduleIntegral(steps, repeat: period, upTo: end)

        // Poisson: (R − 1)·s²/(N·r·T) is chi-squared with R − 1 degrees of freedom.
        let poissonStatistic = df * variance(counts[0]) / poissonMean
        let poissonP = 2 * Swift.min(gsl_cdf_chisq_P(poissonStatistic, df), gsl_cdf_chisq_Q(poissonStatistic, df))
        // onOff against Poisson: (R − 1)·s²/mean above chi-squared's upper quantile.
        let onOffSampleMean = counts[1].reduce(0, +) / Double(replications)
        let onOffStatistic = df * variance(counts[1]) / onOffSampleMean
        let onOffP = gsl_cdf_chisq_Q(onOffStatistic, df)
        let asleep = runs.reduce(0) { $0 + $1.asleep }
        let dutyIssued = Int(counts[3].reduce(0, +))
        return [
            meanCheck("arrivals: Poisson class count over the run [N·rate·T]", counts[0], expected: poissonMean),
            meanCheck("arrivals: onOff class count over the run [N·mean rate·T]", counts[1], expected: onOffMean),
            meanCheck("arrivals: schedule class count over the run [N·rate·∫multiplier]", counts[2], expected: scheduleMean),
            PaperCheck(
                name: "arrivals: Poisson class index of dispersion [1]", measured: Self.fixed(variance(counts[0]) / poissonMean, 2),
                expected: "1", tolerance: "p ≥ \(Self.compact(Self.significance))",
                basis: "two-sided chi-squared of (R − 1)·s²/(N·rate·T), \(replications) runs; p = \(String(format: "%.2g", poissonP))",
                passed: poissonP >= Self.significance),
            PaperCheck(
                name: "arrivals: onOff class index of dispersion above 1 [MMPP: \(Self.fixed(onOffVariance / onOffMean, 1))]",
                measured: Self.fixed(variance(counts[1]) / onOffSampleMean, 2), expected: "> 1",
                tolerance: "p < \(Self.compact(Self.significance))",
                basis: "one-sided chi-squared of (R − 1)·s²/mean against Poisson, \(replications) runs; p = \(String(format: "%.2g", onOffP))",
                passed: onOffP < Self.significance),
            PaperCheck(
                name: "arrivals: a duty-cycled class issues only while awake", measured: "\(asleep) of \(dutyIssued) asleep",
                expected: "0", tolerance: "exact", basis: "every transaction of the class in \(replications) runs",
                passed: asleep == 0 && dutyIssued > 0),
        ]
    }

    /// ∫₀ᵀ multiplier dt of a schedule repeating every `period` seconds.
    static func scheduleIntegral(_ steps: [ScheduleStep], repeat period: Double, upTo end: Double) -> Double {
        let whole = (end / period).rounded(.down)
        var total = whole * ScheduleStep.integral(steps, repeat: period)
        let rest = end - whole * period
        for index in steps.indices where steps[index].time < rest {
            let stop = Swift.min(rest, index + 1 < steps.count ? steps[index + 1].time : period)
            total += steps[index].multiplier * (stop - steps[index].time)
        }
        return total
    }
}
