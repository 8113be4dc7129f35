import Foundation
import Testing

@testable import TangleSim

/// Runs that forget their settled past (issue 15, bounded memory): the frontier against
/// brute force, and every output of a forgetting run against the same run keeping
/// everything; quantiles beyond `metrics.exactQuantiles`.
@Suite("Settled past and bounded memory")
struct SettledPastTests {
    /// Every id below the frontier is decided: settled, an ancestor of every live target
    /// (leaf or visible tip), or — where targets below `liveFrom` are dead, as under walks
    /// from a window — dead, no live target descending from it and its newest descendant
    /// issued at or before `orphanedBefore`; and the frontier stops at the first live
    /// target or undecided id. Checked by brute force on random tangles grown like URTS
    /// under a random delay (transactions in flight are leaves; a visible tip can have
    /// approvers in flight; with dead targets, only live tips are approved, mostly the
    /// newest), with the targets taken in passes of several sizes.
    @Test("the settled frontier equals brute force", arguments: 0..<12)
    func frontierAgainstBruteForce(seed: Int) {
        let rng = RandomStream(seed: UInt64(seed), replication: 0, stream: .arrivals)
        let k = 2 + seed % 3
        let deadTargets = seed >= 6
        var tangle = Tangle(parents: k)
        var tips = TipSet()
        tips.insert(0)
        var inFlight: [Int32] = []
        // Passes of 7 and 64 targets as well as the default 1,024 (one pass here).
        var past = SettledPast(targetsPerPass: [7, 64, 1 << 10][seed % 3])
        var advances = 0, moved = 0, dead = 0
        var liveFrom: Int32 = 0
        for step in 1...1_500 {
            // Issue onto live visible tips, or let a transaction in flight become visible.
            let live = tips.members.filter { $0 >= liveFrom }.sorted()
            if !live.isEmpty, inFlight.isEmpty || rng.uniform() < 0.5 {
                var parents: [Int32] = []
                for _ in 0..<k {
                    // With dead targets, mostly the newest tips, as a biased walk would:
                    // older ones are left behind, and die.
                    let newest = deadTargets && rng.uniform() < 0.8
                    let tip = newest ? live[live.count - 1 - rng.index(below: Swift.min(4, live.count))] : live[rng.index(below: live.count)]
                    if !parents.contains(tip) { parents.append(tip) }
                }
                let x = tangle.append(issueTime: Double(step), visibleTime: .infinity, issuer: .device(0), parents: parents)
                inFlight.append(x)
            } else if !inFlight.isEmpty {
                // Mostly in the order issued, as under a random delay.
                let x = inFlight.remove(at: rng.index(below: Swift.min(3, inFlight.count)))
                tips.insert(x)
                tangle.forEachParent(of: x) { tips.remove($0) }
            }
            guard step % 37 == 0 else { continue }
            // With dead targets: what a walk from a window 150 transactions back reaches.
            if deadTargets { liveFrom = Swift.max(liveFrom, Int32(Swift.max(0, tangle.count - 150))) }
            let orphanedBefore = Double(step - 60)
            let before = past.frontier
            let frontier = past.advance(
                tangle: tangle, tips: tips, liveFrom: liveFrom, orphanedBefore: deadTargets ? orphanedBefore : -.infinity)
            advances += 1
            if frontier > before { moved += 1 }
            #expect(frontier >= before)
            let targets = (0..<Int32(tangle.count)).filter { (!tangle.isApproved($0) || tips.contains($0)) && $0 >= liveFrom }
            let cones = targets.map { cone(of: $0, in: tangle) }
            func isSettled(_ x: Int32) -> Bool { cones.allSatisfy { $0.contains(x) } }
            func isDead(_ x: Int32) -> Bool {
                deadTargets && !cones.contains { $0.contains(x) } && newestDescendant(of: x, in: tangle) <= orphanedBefore
            }
            for x in before..<frontier {
                #expect(!targets.contains(x), "id \(x) below frontier \(frontier) is a live target")
                if past.isDead(x) {
                    dead += 1
                    #expect(isDead(x), "id \(x) said dead")
                } else {
                    #expect(isSettled(x) && tangle.isApproved(x) && !tips.contains(x), "id \(x) said settled")
                }
            }
            if Int(frontier) < tangle.count {
                #expect(targets.contains(frontier) || !(isSettled(frontier) || isDead(frontier)))
            }
        }
        // Not vacuous: ids were decided, time and again, and some dead where tips die (with
        // four parents, tips are seldom left behind for long).
        #expect(moved >= 5 && past.frontier >= 50, "the frontier moved at \(moved) of \(advances) advances, to \(past.frontier)")
        if deadTargets, k < 4 { #expect(dead > 0) }
    }

    func newestDescendant(of x: Int32, in tangle: Tangle) -> Double {
        var seen: Set<Int32> = [x]
        var stack = [x]
        var newest = tangle.issueTime(of: x)
        while let node = stack.popLast() {
            newest = Swift.max(newest, tangle.issueTime(of: node))
            tangle.forEachApprover(of: node) { if seen.insert($0).inserted { stack.append($0) } }
        }
        return newest
    }

    func cone(of x: Int32, in tangle: Tangle) -> Set<Int32> {
        var seen: Set<Int32> = [x]
        var stack = [x]
        while let node = stack.popLast() {
            tangle.forEachParent(of: node) { if seen.insert($0).inserted { stack.append($0) } }
        }
        return seen
    }

    /// Scenarios a run forgets its past in: URTS and walks from a window (with a bias that
    /// leaves tips behind; with duty cycles that empty the window, so that walks start at
    /// the newest visible transaction before it), arrival processes, work, duty cycles, two
    /// to four parents (with one, a tree, only the chain common to every branch is settled), random delays, warm-up, stops by count and by duration. The last one
    /// issues nothing in its final orphanTimeout (its devices sleep), so that every judged
    /// transaction is an orphan, the forgotten ones included.
    static let scenarios: [String] = [
        #"{"seed": 3, "transactions": 6000, "warmup": 3, "devices": [{"count": 50, "rate": 1}], "network": {"delay": 1}, "metrics": {"orphanTimeout": 5}}"#,
        #"{"seed": 4, "duration": 120, "devices": [{"count": 40, "rate": 1}], "network": {"delay": {"distribution": "exponential", "mean": 0.5}}, "tangle": {"parents": 3}, "metrics": {"orphanTimeout": 4}}"#,
        #"{"seed": 5, "duration": 150, "warmup": 10, "devices": [{"count": 20, "rate": 1, "work": 0.3, "label": "pow"}, {"count": 20, "rate": 1, "arrivals": {"kind": "periodic", "jitter": 0.2}}, {"count": 20, "rate": 0.5, "arrivals": {"kind": "onOff", "alarmRate": 5, "meanRegular": 20, "meanAlarm": 3}}, {"count": 20, "rate": 2, "dutyCycle": {"on": 10, "period": 30, "phase": "random"}}], "network": {"delay": {"distribution": "uniform", "min": 0.2, "max": 1.5}}, "metrics": {"orphanTimeout": 6, "sampleInterval": 0.5}}"#,
        #"{"seed": 6, "transactions": 5000, "devices": [{"count": 30, "rate": 1}], "network": {"delay": 2}, "tangle": {"parents": 4}, "metrics": {"orphanTimeout": 10}}"#,
        #"{"seed": 7, "duration": 95, "devices": [{"count": 100, "rate": 2, "dutyCycle": {"on": 40, "period": 100}}], "network": {"delay": 0.5}, "metrics": {"orphanTimeout": 5}}"#,
        #"{"seed": 8, "duration": 300, "devices": [{"count": 50, "rate": 1}], "network": {"delay": 1}, "tipSelection": {"strategy": "mcmc", "alpha": 0.5, "start": {"kind": "window", "W": 4}}, "metrics": {"orphanTimeout": 6}}"#,
        #"{"seed": 9, "transactions": 8000, "devices": [{"count": 40, "rate": 1}], "network": {"delay": {"distribution": "exponential", "mean": 0.8}}, "tipSelection": {"strategy": "mcmc", "alpha": 0.01, "start": {"kind": "window", "W": 10}}, "tangle": {"parents": 3}}"#,
        #"{"seed": 10, "duration": 400, "devices": [{"count": 60, "rate": 1, "dutyCycle": {"on": 30, "period": 60}}], "network": {"delay": 0.5}, "tipSelection": {"strategy": "mcmc", "alpha": 0.2, "start": {"kind": "window", "W": 3}}, "metrics": {"orphanTimeout": 4}}"#,
    ]

    /// Every output — summary, time series, classes, latencies — of a run that forgets its
    /// settled past every 97 transactions is that of the same run keeping everything, and
    /// the run forgot most of its transactions.
    @Test("a run that forgets its past writes what a run that keeps it writes", arguments: scenarios.indices)
    func forgettingChangesNothing(index: Int) throws {
        let scenario = try Scenario.decode(Array(Self.scenarios[index].utf8), file: "s\(index).json")
        #expect(scenario.forgetsSettledPast)
        let kept = Simulation.run(scenario, forgetEvery: 0)
        let forgot = Simulation.run(scenario, forgetEvery: 97)
        #expect(kept.forgottenTransactions == 0)
        let issued = forgot.summary.integer(.transactions)
        #expect(forgot.forgottenTransactions > issued / 2, "forgot \(forgot.forgottenTransactions) of \(issued)")
        // As written (NaN equals NaN there).
        #expect("\(forgot.summary)" == "\(kept.summary)")
        #expect(forgot.timeseries == kept.timeseries)
        #expect("\(forgot.classes)" == "\(kept.classes)")
        #expect(forgot.latencies == kept.latencies)
        switch index {
        case 4:
            // Nothing issued in the final orphanTimeout: every judged transaction is an orphan.
            #expect(forgot.summary.number(.orphanRate) == 1)
        case 5, 7:
            // Walks with a bias leave tips behind: dead, forgotten as orphans.
            #expect(forgot.summary.number(.orphanRate) > 0.01)
        default:
            #expect(forgot.summary.number(.orphanRate) < 0.05)
        }
    }

    /// A run that forgets writes the rows of `transactions.csv` as it forgets, into a
    /// temporary in the output folder; the log it writes is the log of the run keeping
    /// everything, byte for byte, and the temporary is gone afterwards.
    @Test("a run that forgets streams its transaction log: the same bytes", arguments: [0, 2, 5, 7])
    func streamedTransactionLog(index: Int) throws {
        var scenario = try Scenario.decode(Array(Self.scenarios[index].utf8), file: "s\(index).json")
        scenario.metrics.transactionLog = true
        #expect(scenario.forgetsSettledPast)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-spill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cost = RunCost(wallSeconds: 1, transactions: 1)
        let kept = Simulation.run(scenario, forgetEvery: 0)
        try RunOutput.write(kept, scenarioFile: "s.json", cost: cost, to: root + "/kept")
        try FileManager.default.createDirectory(atPath: root + "/forgot", withIntermediateDirectories: true)
        let spill = try TransactionLogSpill(folder: root + "/forgot")
        let forgot = Simulation.run(scenario, forgetEvery: 97, logSpill: spill)
        #expect(forgot.forgottenTransactions > forgot.summary.integer(.transactions) / 2)
        #expect(spill.rows == forgot.forgottenTransactions)
        try RunOutput.write(forgot, scenarioFile: "s.json", cost: cost, to: root + "/forgot", spill: spill)
        spill.remove()
        let log = try Data(contentsOf: URL(fileURLWithPath: root + "/kept/transactions.csv"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/forgot/transactions.csv")) == log)
        #expect(log.count > 100_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/forgot").sorted() == (try FileManager.default.contentsOfDirectory(atPath: root + "/kept").sorted()))
    }

    @Test("runs that cannot forget their past are refused the option")
    func eligibility() throws {
        func scenario(_ extra: String) throws -> Scenario {
            try Scenario.decode(
                Array((#"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": {"delay": 1}"# + extra + "}").utf8),
                file: "s.json")
        }
        #expect(try scenario("").forgetsSettledPast)
        #expect(try !scenario(#", "tipSelection": {"strategy": "mcmc", "alpha": 0.1, "start": {"kind": "genesis"}}"#).forgetsSettledPast)
        #expect(try scenario(#", "tipSelection": {"strategy": "mcmc", "alpha": 0.1, "start": {"kind": "window", "W": 10}}"#).forgetsSettledPast)
        #expect(try !scenario(#", "consensus": {"kind": "coordinator", "interval": 10}"#).forgetsSettledPast)
        #expect(try scenario(#", "metrics": {"transactionLog": true}"#).forgetsSettledPast)
        #expect(
            try !scenario(
                #", "tipSelection": {"strategy": "mcmc", "alpha": 0.1, "start": {"kind": "window", "W": 10}}, "metrics": {"walkAnalysis": {"every": 10, "walks": 10}}"#
            ).forgetsSettledPast)
        #expect(try !scenario(#", "payments": {"doubleSpendRate": 0.01}"#).forgetsSettledPast)
        #expect(try !scenario(#", "tangle": {"parents": 1}"#).forgetsSettledPast)
        // Only long runs forget by default.
        let long = try scenario("")
        #expect(!SettledPast.isUsed(by: long, expectedTransactions: 1_000_000))
        #expect(SettledPast.isUsed(by: long, expectedTransactions: 100_000_000))
    }

    /// Within the limit the quantiles and the mean are SampleStatistics' exactly; beyond
    /// it the mean, minimum and maximum stay exact and every other quantile p is within
    /// 2^-10 (relative) of the value of rank ⌈p·n⌉, HdrHistogram's bucket at 3 significant
    /// digits (plus 1 ns of rounding to nanoseconds).
    @Test("quantiles: exact within the limit, HdrHistogram's bucket beyond it")
    func quantileSample() {
        let rng = RandomStream(seed: 11, replication: 0, stream: .arrivals)
        let values = (0..<200_000).map { _ in exp(3 * rng.uniform() - 4) * (1 + rng.uniform()) }
        let probabilities = [0, 0.01, 0.5, 0.9, 0.99, 0.999, 1]
        var exact = QuantileSample(exactLimit: values.count)
        var histogram = QuantileSample(exactLimit: 1_000)
        for value in values {
            exact.append(value)
            histogram.append(value)
        }
        #expect(exact.isExact && !histogram.isExact)
        #expect(histogram.method == "hdrhistogram, 3 significant digits")
        var copy = values
        #expect(exact.quantiles(at: probabilities) == SampleStatistics.quantiles(selecting: &copy, at: probabilities))
        #expect(exact.mean == SampleStatistics.mean(values))
        #expect(histogram.mean == exact.mean)
        let sorted = values.sorted()
        let approximate = histogram.quantiles(at: probabilities)
        for (p, value) in zip(probabilities, approximate) {
            let rank = Swift.max(1, Int((p * Double(sorted.count)).rounded(.up)))
            let reference = sorted[rank - 1]
            #expect(abs(value - reference) <= reference * 0x1p-10 + 1e-9, "p \(p): \(value) against \(reference)")
        }
        #expect(approximate.first == sorted.first && approximate.last == sorted.last)
    }

    /// A run whose statistics outgrow `metrics.exactQuantiles` keeps exact means and maxima,
    /// and says its quantiles came from histograms.
    @Test("a run beyond metrics.exactQuantiles")
    func runBeyondTheLimit() throws {
        var scenario = try Scenario.decode(Array(Self.scenarios[0].utf8), file: "s.json")
        let exact = Simulation.run(scenario)
        scenario.metrics.exactQuantiles = 100
        let approximate = Simulation.run(scenario)
        #expect(exact.quantileMethods.map(\.1) == ["exact", "exact"])
        #expect(approximate.quantileMethods.map(\.1) == ["hdrhistogram, 3 significant digits", "hdrhistogram, 3 significant digits"])
        #expect(approximate.summary.number(.firstApprovalMean) == exact.summary.number(.firstApprovalMean))
        #expect(approximate.summary.number(.propagationMax) == exact.summary.number(.propagationMax))
        #expect(exact.summary.integer(.measuredTransactions) > 5_000)
        // The histogram's accuracy is quantileSample's: here only which method, and that
        // the exact figures stay exact.
    }

    @Test("metrics.exactQuantiles must be a count")
    func exactQuantilesDecoding() {
        for bad in ["-1", "0.5", "\"many\"", "3000000000"] {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": {"delay": 1}, "metrics": {"exactQuantiles": "# + bad + "}}"
            #expect {
                try Scenario.decode(Array(json.utf8), file: "s.json")
            } throws: { error in
                "\(error)".contains("s.json") && "\(error)".contains("metrics.exactQuantiles")
                    && "\(error)".contains("a count of values from 0 to 2147483647")
            }
        }
    }
}

extension SettledPastTests {
    /// A frontier that stops moving — here behind a burst of thousands of tips, when a
    /// fleet in phase wakes up from its duty cycle — would make every advance sweep more:
    /// past the window limit the run stops forgetting, and writes what it would have written
    /// keeping everything.
    @Test("a frontier that stops moving stops the forgetting, and changes nothing")
    func stuckFrontier() throws {
        let json = #"{"seed": 12, "duration": 100, "devices": [{"count": 100, "rate": 2, "dutyCycle": {"on": 40, "period": 60}}], "network": {"delay": 0.5}, "metrics": {"orphanTimeout": 5}}"#
        let scenario = try Scenario.decode(Array(json.utf8), file: "stuck.json")
        func run(forgetEvery: Int) -> (summary: String, timeseries: [TimeseriesRow], forgotten: Int32, stopped: Bool) {
            let devices = DeviceFleet(
                scenario: scenario, replication: 0, selector: UniformTipSelector(),
                arrivals: DeviceArrivals(scenario: scenario, replication: 0))
            var simulation = TangleSimulation(
                scenario: scenario, replication: 0, devices: devices, network: DelayNetworkModel(delay: .constant(0.5)),
                expectedTransactions: 0, forgetEvery: forgetEvery)
            if forgetEvery > 0 { simulation._settledPast = SettledPast(maximumWindow: 6_000) }
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            _ = engine.run(until: 100, handler: &simulation)
            let summary = simulation.finish(at: engine.now)
            return ("\(summary)", simulation.metrics.timeseries, simulation.tangle.firstRetained, simulation._nextForgetCheck == .max)
        }
        let kept = run(forgetEvery: 0)
        let forgot = run(forgetEvery: 97)
        #expect(forgot.forgotten > 1_000, "forgot \(forgot.forgotten) before the burst")
        #expect(forgot.stopped)
        #expect(kept.forgotten == 0)
        #expect(forgot.summary == kept.summary)
        #expect(forgot.timeseries == kept.timeseries)
    }
}
