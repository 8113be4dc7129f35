import Foundation
import Testing
import TangleSim

/// A scenario with `count` devices sharing the arrival rate `lambda` and a constant delay.
func urtsScenario(lambda: Double, delay: Double = 1, transactions: Int? = nil, duration: Double? = nil, seed: UInt64 = 1) -> Scenario {
    Scenario(
        name: "test", seed: seed, duration: duration, transactions: transactions,
        devices: [DeviceClass(count: 10, rate: lambda / 10)], network: .delay(.constant(delay)))
}

@Suite("Simulation")
struct SimulationTests {
    /// Popov, "The Tangle", section 3: under uniform selection with k = 2, Poisson arrivals and
    /// a constant delay h, the number of tips settles at 2·lambda·h plus a small constant
    /// offset (docs/model.md, "Tips"). So over lambda·h = 5, 20, 50 (h = 1) the mean tips and
    /// the mean visible tips lie on a line of slope 2 in lambda·h: weighted least squares over
    /// the points' means, two-sided tolerance t(1 − 0.001/2, R − 1)·SE, as `tanglesim check`.
    /// Each point has its own seed, so the points are independent, as the fit assumes (with
    /// one seed every point would share its arrivals, and their common fluctuation of the
    /// arrival rate would tilt the line by more than the SE says).
    ///
    /// Little's law, run by run: lambda·E[first approval] = mean tips, with lambda the
    /// rate of the measured arrivals (measured transactions / measured seconds), the rate the
    /// law holds with on each sample path; the mean ratio over all runs is 1 within
    /// t(1 − 0.001/2, n − 1)·SE plus the window's two edges, 2·E[first approval] / (its
    /// length), as `tanglesim check`.
    @Test("URTS, k = 2: mean tips and visible tips have slope 2 in lambda·h; Little's law")
    func tipsMatchTheory() {
        let replications = 5
        let points = [5.0, 20.0, 50.0]
        let runs = points.enumerated().map { index, lambdaH -> [RunSummary] in
            var scenario = urtsScenario(lambda: lambdaH, delay: 1, transactions: 60_000, seed: 7 + UInt64(index))
            scenario.warmup = 50
            return summaries(of: scenario, replications: replications)
        }
        let t = twoSidedT(degreesOfFreedom: replications - 1)
        for (name, column) in [("mean_tips", \RunSummary.meanTips), ("mean_visible_tips", \RunSummary.meanVisibleTips)] {
            let means = runs.map { CheckStatistics.meanAndStandardError($0.map { $0[keyPath: column] }) }
            let fit = CheckStatistics.weightedSlope(x: points, y: means.map(\.mean), standardErrors: means.map(\.standardError))
            #expect(
                abs(fit.slope - 2) <= t * fit.standardError,
                "d(\(name))/d(lambda·h) = \(fit.slope) (offset \(fit.intercept)), expected 2 ± \(t * fit.standardError) (t(0.9995, \(replications - 1))·SE, significance 0.001)")
        }
        let all = runs.flatMap { $0 }
        let ratios = all.map { Double($0.measuredTransactions) / ($0.duration - $0.warmup) * $0.firstApprovalMean / $0.meanTips }
        let little = CheckStatistics.meanAndStandardError(ratios)
        let edges = all.map { 2 * $0.firstApprovalMean / ($0.duration - $0.warmup) }.max()!
        let tolerance = twoSidedT(degreesOfFreedom: all.count - 1) * little.standardError + edges
        #expect(
            abs(little.mean - 1) <= tolerance,
            "lambda·E[first approval] / mean tips = \(describe(ratios)), expected 1 ± \(tolerance) (t(0.9995, \(all.count - 1))·SE + edges \(edges); significance 0.001)")
        // A visible tip is approved at a rate of about 1/h, so one left unapproved for the 60 s
        // timeout has probability about e^-59 per transaction: none in 900,000.
        #expect(all.allSatisfy { $0.leftBehind == 0 })
    }

    @Test("same scenario and seed give identical bytes; another seed gives others")
    func reproducible() throws {
        var scenario = urtsScenario(lambda: 30, transactions: 20_000)
        scenario.devices = [DeviceClass(count: 100, rate: 0.2), DeviceClass(count: 5, rate: 2)]
        scenario.network = .delay(.lognormal(mu: 0, sigma: 0.5))
        scenario.metrics.transactionLog = true
        func files(_ scenario: Scenario) throws -> [String] {
            let result = Simulation.run(scenario)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let cost = RunCost(wallSeconds: 1, transactions: 1)
            try RunOutput.write(result, scenarioFile: "test.json", cost: cost, to: directory.path)
            return try ["summary.csv", "timeseries.csv", "transactions.csv"].map {
                try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
            }
        }
        let first = try files(scenario)
        #expect(try files(scenario) == first)
        var reseeded = scenario
        reseeded.seed = 2
        let other = try files(reseeded)
        for (a, b) in zip(first, other) { #expect(a != b) }
        #expect(first[2].split(separator: "\n").count == 20_002, "header, genesis and every transaction")
    }

    @Test("stop conditions: a transaction count, a duration, or whichever comes first")
    func stopConditions() {
        let byCount = Simulation.run(urtsScenario(lambda: 10, transactions: 1_234)).summary
        #expect(byCount.transactions == 1_234)
        // The 1,234th arrival at 10/s comes at a Gamma(1234, 1/10) time; two-sided, significance 0.001.
        let countP = gammaTwoSidedP(byCount.duration, shape: 1_234, scale: 0.1)
        #expect(countP >= significance, "the 1,234th arrival at \(byCount.duration) s: p = \(countP) under Gamma(1234, 0.1 s)")
        let byTime = Simulation.run(urtsScenario(lambda: 10, duration: 100)).summary
        #expect(byTime.duration == 100)
        // Arrivals in 100 s at 10/s are Poisson(1000); two-sided, significance 0.001.
        let timeP = poissonTwoSidedP(byTime.transactions, mean: 1_000)
        #expect(timeP >= significance, "\(byTime.transactions) arrivals in 100 s: p = \(timeP) under Poisson(1000)")
        let both = Simulation.run(urtsScenario(lambda: 10, transactions: 100, duration: 1_000)).summary
        #expect(both.transactions == 100 && both.duration < 1_000)
        let bothTime = Simulation.run(urtsScenario(lambda: 10, transactions: 100_000, duration: 50)).summary
        #expect(bothTime.duration == 50 && bothTime.transactions < 100_000)
    }

    @Test("warm-up, censoring and left-behind counts agree with a recount from the Tangle")
    func accounting() {
        var scenario = urtsScenario(lambda: 20, duration: 300)
        scenario.warmup = 40
        scenario.metrics.orphanTimeout = 2.5  // short enough that some transactions are left behind
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let summary = result.summary
        let tangle = result.tangle!
        var measured = 0, censored = 0, leftBehind = 0
        for index in 1..<tangle.count where tangle.issueTime[index] >= 40 {
            measured += 1
            if tangle.issueTime[index] > 300 - 2.5 {
                censored += 1
                continue
            }
            let approver = tangle.firstApprover(of: Int32(index))
            if approver.map({ tangle.issueTime[Int($0)] - tangle.issueTime[index] > 2.5 }) ?? true {
                leftBehind += 1
            }
        }
        #expect(summary.measuredTransactions == measured)
        #expect(summary.censored == censored)
        #expect(summary.leftBehind == leftBehind)
        #expect(leftBehind > 0, "the short timeout leaves some behind")
        #expect(summary.leftBehindRate == Double(leftBehind) / Double(measured - censored))
        #expect(result.timeseries.count == 301, "rows at 0, 1, ..., 300 s")
        #expect(result.timeseries.last!.transactions == summary.transactions)
    }

    @Test("the visible tip set equals a brute-force recount at random moments", arguments: 1...5)
    func visibleTipSet(seed: UInt64) {
        var scenario = urtsScenario(lambda: 25, transactions: 100_000, seed: seed)
        scenario.network = .delay(.exponential(mean: 0.7))
        scenario.tangle.parents = Int(seed % 3) + 1
        var simulation = delaySimulation(scenario, selector: UniformTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        for checkpoint in [3.0, 17.5, 40.0, 41.0, 90.0] {
            _ = engine.run(until: checkpoint, handler: &simulation)
            let tangle = simulation.tangle
            let visible = { (x: Int) in tangle.visibleTime[x] <= checkpoint }
            var expected = Set<Int32>()
            for x in 0..<tangle.count where visible(x) {
                if !tangle.approvers(of: Int32(x)).contains(where: { visible(Int($0)) }) {
                    expected.insert(Int32(x))
                }
            }
            #expect(Set(simulation.visibleTips.members) == expected)
            // Tips counted from issue: no approver issued yet.
            let unapproved = (0..<tangle.count).filter { !tangle.isApproved(Int32($0)) }.count
            #expect(simulation.metrics.tips.tipCount == unapproved)
        }
    }

    @Test("parents are visible at their approver's issue; collapse may approve fewer than k")
    func parentsWereVisible() {
        var scenario = urtsScenario(lambda: 40, transactions: 20_000)
        scenario.network = .delay(.uniform(min: 0, max: 2))
        scenario.tangle = TangleConfiguration(parents: 3, repeatedPicks: .collapse)
        scenario.metrics.transactionLog = true
        let tangle = Simulation.run(scenario).tangle!
        var fewer = 0
        for index in 1..<tangle.count {
            let parents = Array(tangle.parents(of: Int32(index)))
            #expect(!parents.isEmpty && parents.count <= 3)
            if parents.count < 3 { fewer += 1 }
            for parent in parents {
                #expect(tangle.visibleTime[Int(parent)] <= tangle.issueTime[index])
            }
        }
        #expect(fewer > 0)
    }
}
