import CGSL
import Foundation
import Testing
import TangleSim

@Suite("Paper checks and figures")
struct PapersTests {
    @Test("weighted least squares: the exact line, and the slope's standard error √(1/Σw(x−x̄)²)")
    func weightedSlope() {
        let exact = CheckStatistics.weightedSlope(x: [1, 2, 3, 4], y: [3, 5, 7, 9], standardErrors: [1, 2, 1, 2])
        #expect(abs(exact.slope - 2) < 1e-12 && abs(exact.intercept - 1) < 1e-12)
        // Equal weights 1: Σ(x − x̄)² = 5, so SE = √(1/5).
        let fit = CheckStatistics.weightedSlope(x: [1, 2, 3, 4], y: [1, 3, 2, 5], standardErrors: [1, 1, 1, 1])
        #expect(abs(fit.standardError - (1.0 / 5).squareRoot()) < 1e-12)
        #expect(abs(fit.slope - 1.1) < 1e-12)
    }

    @Test("Welch: clearly separated samples give a tiny p, a reversed order a p near 1")
    func welch() {
        let low = [1.0, 1.1, 0.9, 1.05, 0.95], high = [2.0, 2.1, 1.9, 2.05, 1.95]
        #expect(CheckStatistics.welchGreater(low, high).p < 1e-6)
        #expect(CheckStatistics.welchGreater(high, low).p > 0.999)
        // One sample without spread is fine; two identical constants are not an increase.
        #expect(CheckStatistics.welchGreater([0, 0, 0], [0.1, 0.2, 0.15]).p < 0.05)  // t = 5.2, 2 degrees of freedom
        #expect(CheckStatistics.welchGreater([1, 1], [1, 1]).p == 1)
    }

    @Test("Student's one-sample test: t = (mean − reference)/SE with n − 1 degrees of freedom")
    func student() {
        // Mean 3, sd √2.5, SE √0.5: t = 3/√0.5 against 0, 1/√0.5 against 2.
        let values = [1.0, 2, 3, 4, 5]
        let zero = CheckStatistics.studentGreater(values, than: 0)
        #expect(zero.difference == 3 && abs(zero.standardError - 0.5.squareRoot()) < 1e-12 && zero.degreesOfFreedom == 4)
        #expect(abs(zero.p - gsl_cdf_tdist_Q(3 / 0.5.squareRoot(), 4)) < 1e-15)
        #expect(abs(CheckStatistics.studentGreater(values, than: 2).p - gsl_cdf_tdist_Q(1 / 0.5.squareRoot(), 4)) < 1e-15)
        #expect(CheckStatistics.studentGreater(values, than: 3).p == 0.5)
        #expect(CheckStatistics.studentGreater(values, than: 10).p > 0.999)
        // No spread: decided by the sign alone.
        #expect(CheckStatistics.studentGreater([2, 2, 2], than: 1).p == 0)
        #expect(CheckStatistics.studentGreater([2, 2, 2], than: 2).p == 1)
    }

    @Test("Clopper–Pearson lower bound: 0.001^(1/n) with every trial a success, 0 with none")
    func binomialLowerBound() {
        // P(X ≥ n | p) = p^n, so the bound with n of n is significance^(1/n).
        #expect(abs(CheckStatistics.binomialLowerBound(successes: 10, trials: 10, significance: 0.001) - pow(0.001, 0.1)) < 1e-12)
        #expect(CheckStatistics.binomialLowerBound(successes: 0, trials: 10, significance: 0.001) == 0)
        // P(X ≥ 1 | p) = 1 − (1 − p)^n.
        let one = CheckStatistics.binomialLowerBound(successes: 1, trials: 5, significance: 0.001)
        #expect(abs(1 - pow(1 - one, 5) - 0.001) < 1e-12)
        // Where GSL's beta quantile aborted the process (its Newton steps did not converge):
        // the bounds must be found, and be the points where the tail probabilities equal the
        // significance.
        for successes in [1, 37, 10_000, 19_999] {
            let lower = CheckStatistics.binomialLowerBound(successes: successes, trials: 20_000, significance: 0.001)
            #expect(abs(gsl_cdf_beta_P(lower, Double(successes), Double(20_000 - successes + 1)) - 0.001) < 1e-9)
            let upper = CheckStatistics.binomialUpperBound(successes: successes, trials: 20_000, significance: 0.001)
            #expect(abs(gsl_cdf_beta_Q(upper, Double(successes + 1), Double(20_000 - successes)) - 0.001) < 1e-9)
            #expect(lower < Double(successes) / 20_000 && Double(successes) / 20_000 < upper)
        }
        // P(X ≤ 0 | p) = (1 − p)^n: the upper bound with no success is 1 − 0.001^(1/n).
        #expect(abs(CheckStatistics.binomialUpperBound(successes: 0, trials: 10, significance: 0.001) - (1 - pow(0.001, 0.1))) < 1e-12)
    }

    @Test("exact Mann–Whitney: 1/C(n+m, m) for complete separation, midranks and the exact distribution with ties")
    func mannWhitney() {
        let separated = CheckStatistics.mannWhitneyGreater([1, 2, 3], [4, 5, 6])
        #expect(separated.u == 9 && abs(separated.p - 1.0 / 20) < 1e-15)
        #expect(abs(CheckStatistics.mannWhitneyGreater([4, 5, 6], [1, 2, 3]).p - 1) < 1e-15)
        // Ties (a censoring point 9 in both samples): a = {1, 9, 9}, b = {2, 9} have midranks
        // 1, 4, 4 and 2, 4 (b's sum 6). Of the C(5, 2) = 10 pairs of ranks from {1, 2, 4, 4, 4},
        // the sums reaching 6 are {2, 4} (3 ways) and {4, 4} (3 ways): p = 6/10. U: 2 > 1, 9 > 1,
        // and 9 tied with two 9s (one half each) = 3.
        let tied = CheckStatistics.mannWhitneyGreater([1, 9, 9], [2, 9])
        #expect(abs(tied.p - 0.6) < 1e-15)
        #expect(tied.u == 3)
        // Everything tied: no evidence either way.
        #expect(CheckStatistics.mannWhitneyGreater([5, 5], [5, 5]).p == 1)
        // n = 10 each, completely separated: 1/C(20, 10).
        let ten = CheckStatistics.mannWhitneyGreater((0..<10).map(Double.init), (10..<20).map(Double.init))
        #expect(abs(ten.p - 1.0 / 184_756) < 1e-18)
    }

    @Test("cumulative weight of a hand-built tangle at given ages")
    func weightGrowthByHand() {
        // 0 ← 1 ← 2 and 1 ← 3, 2 ← 3; each visible 1 s after issue.
        var tangle = Tangle(parents: 2)
        tangle.append(issueTime: 1, visibleTime: 2, issuer: .device(0), parents: [0])
        tangle.append(issueTime: 3, visibleTime: 4, issuer: .device(0), parents: [1])
        tangle.append(issueTime: 5, visibleTime: 6, issuer: .device(0), parents: [1, 2])
        tangle.append(issueTime: 20, visibleTime: 21, issuer: .device(0), parents: [3])
        // x = 1 (issued at 1): H = 1, then 2 when 2 is visible (t = 4, age 3), 3 at t = 6 (age 5).
        let curve = WeightGrowthCurve(tangle: tangle, ages: [0, 2.9, 3, 5, 6], issued: 0.5...1.5)
        #expect(curve.samples == 1)
        #expect(curve.meanWeight == [1, 1, 2, 3, 3])
        #expect(abs(WeightGrowthCurve.adaptationPeriod(lambda: 50, delay: 1) - Foundation.log(100) / 0.352) < 1e-12)
    }

    /// Popov, section 3: after the adaptation period H(x) grows linearly at rate lambda. Per
    /// run, the least-squares slope of the mean H against age over 2-4 adaptation periods
    /// (as `tanglesim check`); over replications, two-sided t(1 − 0.001/2, R − 1)·SE around
    /// lambda = 30/s, significance 0.001.
    @Test("cumulative weight grows at rate lambda after the adaptation period")
    func weightGrowthSlope() {
        let replications = 6
        var scenario = Scenario(
            name: "w", seed: 5, duration: 300, warmup: 50, devices: [DeviceClass(count: 10, rate: 3)],
            network: .delay(.constant(1)))
        scenario.metrics.transactionLog = true
        let t0 = WeightGrowthCurve.adaptationPeriod(lambda: 30, delay: 1)
        let ages = stride(from: 0.0, through: 4 * t0, by: 0.25).map { $0 }
        let slopes = (0..<replications).map { replication -> Double in
            let tangle = Simulation.run(scenario, replication: replication).tangle!
            let curve = WeightGrowthCurve(tangle: tangle, ages: ages, issued: 50...(300 - ages.last!), maximumSamples: 2_000)
            return curve.slope(over: (2 * t0)...(4 * t0))
        }
        let (mean, se) = CheckStatistics.meanAndStandardError(slopes)
        let tolerance = twoSidedT(degreesOfFreedom: replications - 1) * se
        #expect(
            abs(mean - 30) <= tolerance,
            "dH/d(age) = \(describe(slopes)), expected 30 ± \(tolerance) (t(0.9995, \(replications - 1))·SE, significance 0.001)")
    }

    @Test("CSV columns are found by name: reordered and added columns change nothing")
    func columnsByName() throws {
        let plain = try NamedCSV(text: "time,tips,visible_tips\n0,1,2\n1,3,4\n", file: "a.csv")
        let shuffled = try NamedCSV(text: "gossip_hops,visible_tips,time,extra,tips\n9,2,0,x,1\n9,4,1,y,3\n", file: "b.csv")
        for csv in [plain, shuffled] {
            #expect(try csv.numbers("tips") == [1, 3])
            #expect(try csv.numbers("visible_tips") == [2, 4])
        }
        let a = try ResultFigures.figures(texts: ["timeseries.csv": "time,tips,visible_tips\n0,1,2\n1,3,4\n"], folder: "f", prefix: "p", format: .svg)
        let b = try ResultFigures.figures(
            texts: ["timeseries.csv": "gossip_hops,visible_tips,time,extra,tips\n9,2,0,x,1\n9,4,1,y,3\n"], folder: "f", prefix: "p", format: .svg)
        #expect(a == b)
        #expect(throws: FigureError("f.csv: line 3 has 1 fields, the header has 2")) {
            try NamedCSV(text: "a,b\n1,2\n3\n", file: "f.csv")
        }
    }

    @Test("a sweep.csv with extra summary columns after the known ones plots the same figures")
    func sweepWithAddedColumns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = Scenario(name: "s", duration: 60, warmup: 5, devices: [DeviceClass(count: 10, rate: 1)])
        let rows = (0..<3).map { Simulation.run(scenario, replication: $0).summary }
        let header = ["point", "network.delay"] + RunSummary.csvHeader
        let text = CSVTable(header: header, rows: rows.map { [.integer(0), .real(1)] + $0.csvFields }).csvText
        let widened = CSVTable(header: header + ["gossip_messages"], rows: rows.map { [.integer(0), .real(1)] + $0.csvFields + [.integer(7)] }).csvText
        let a = try ResultFigures.figures(texts: ["sweep.csv": text], folder: folder.path, prefix: "s", format: .svg)
        let b = try ResultFigures.figures(texts: ["sweep.csv": widened], folder: folder.path, prefix: "s", format: .svg)
        #expect(!a.isEmpty && a == b)
    }

    @Test("drawing states: every milestone drawn as one, the genesis first, states consistent with the log")
    func drawingStates() {
        var scenario = Scenario(
            name: "d", seed: 2, transactions: 300, devices: [DeviceClass(count: 5, rate: 1)], network: .delay(.constant(1)),
            tipSelection: .mcmc(alpha: 1, start: .genesis), consensus: .coordinator(CoordinatorConfiguration(interval: 5)))
        scenario.metrics.orphanTimeout = 5
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = result.tangle!
        let states = TangleDrawing.states(of: result)
        #expect(states.count == tangle.count && states[0] == .genesis)
        #expect(states.filter { $0 == .milestone }.count == result.summary.milestones)
        for (index, state) in states.enumerated() where state == .tip {
            #expect(!tangle.isApproved(Int32(index)))
        }
        #expect(states.contains(.leftBehind) && states.contains(.confirmed) && states.contains(.tip))
        let dot = TangleDrawing.dot(result)
        let edges = dot.split(separator: "\n").filter { $0.contains(" -> x") }.count
        let parents = (1..<tangle.count).reduce(0) { $0 + Array(tangle.parents(of: Int32($1))).count }
        #expect(edges == parents, "one edge per approval")
    }
}
