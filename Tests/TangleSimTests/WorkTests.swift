import Foundation
import Testing

@testable import TangleSim

/// Work time (proof of work) per device class (issue 14, item 1): `devices[i].work` and
/// `devices[i].power`, the `created` column of `transactions.csv`, and the work columns of
/// `summary.csv` and `classes.csv`.
@Suite("Work time and energy per device class")
struct WorkTests {
    /// One honest class of 50 devices at 1 tx/s with `work`, a constant delay of 0.5 s, URTS.
    static func scenario(
        work: DelayDistribution?, power: Double? = nil, seed: UInt64 = 3, duration: Double = 120,
        consensus: ConsensusConfiguration = .none
    ) -> Scenario {
        var scenario = Scenario(
            name: "work", seed: seed, duration: duration, warmup: 20,
            devices: [DeviceClass(count: 50, rate: 1, work: work, power: power)],
            network: .delay(.constant(0.5)), tipSelection: .uniform, metrics: MetricsConfiguration(orphanTimeout: 30))
        scenario.consensus = consensus
        return scenario
    }

    static func decodeError(_ text: String) -> String? {
        do {
            _ = try Scenario.decode(Array(text.utf8), file: "pow.json")
            return nil
        } catch {
            return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
        }
    }

    @Test("work and power decode, in the delay forms; the resolved scenario writes them back, and omits them when absent")
    func decoding() throws {
        let text = #"{"duration": 60, "devices": [{"count": 5, "rate": 0.5, "work": {"distribution": "gamma", "shape": 2, "scale": 0.1}, "power": 3.1}, {"count": 2, "rate": 1, "work": 0.25}, {"count": 1, "rate": 1}]}"#
        let scenario = try Scenario.decode(Array(text.utf8), file: "pow.json")
        #expect(scenario.devices[0].work == .gamma(shape: 2, scale: 0.1))
        #expect(scenario.devices[0].power == 3.1)
        #expect(scenario.devices[1].work == .constant(0.25))
        #expect(scenario.devices[1].power == nil)
        #expect(scenario.devices[2].work == nil)
        #expect(scenario.hasWork)
        let resolved = scenario.resolvedJSON
        #expect(try Scenario(json: resolved, file: "pow.json") == scenario)
        let devices = resolved.prettyPrinted
        #expect(devices.contains(#""work": {"#) && devices.contains(#""distribution": "gamma""#) && devices.contains(#""power": 3.1"#))

        let plain = try Scenario.decode(Array(#"{"duration": 60, "devices": [{"count": 5, "rate": 0.5}]}"#.utf8), file: "p.json")
        #expect(!plain.hasWork)
        #expect(!plain.resolvedJSON.prettyPrinted.contains(#""work""#) && !plain.resolvedJSON.prettyPrinted.contains(#""power""#))
    }

    @Test("bad work and power are errors naming the field", arguments: [
        (#"{"count": 1, "rate": 1, "power": 2}"#,
         #"pow.json: devices[0].power: power is drawn while a device does its work: add "work" (the seconds of proof of work per transaction)"#),
        (#"{"count": 1, "rate": 1, "work": 1, "power": 0}"#, "pow.json: devices[0].power: expected a positive number of watts, at most 1e6, got 0"),
        (#"{"count": 1, "rate": 1, "work": -1}"#,
         #"pow.json: devices[0].work: expected a non-negative number of seconds or an object like {"distribution": "exponential", "mean": 1.0}, got -1"#),
        (#"{"count": 1, "rate": 1, "work": {"distribution": "gamma", "shape": 2}}"#,
         "pow.json: devices[0].work.scale: required key is missing (expected a positive number of seconds)"),
        (#"{"count": 1, "rate": 1, "work": {"distribution": "gamma", "shape": 0, "scale": 1}}"#,
         "pow.json: devices[0].work.shape: expected a positive number, got 0"),
    ])
    func badValues(device: String, message: String) {
        #expect(Self.decodeError(#"{"duration": 60, "devices": ["# + device + "]}") == message)
    }

    @Test("work on a gossip network is refused at the work field")
    func gossipRefused() {
        let text = #"{"duration": 60, "devices": [{"count": 1, "rate": 1}, {"count": 1, "rate": 1, "work": 1}], "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}}"#
        #expect(
            Self.decodeError(text)
                == #"pow.json: devices[1].work: a work time (proof of work) is modelled under the delay model only: use "network": {"model": "delay", ...}, or remove "work""#)
    }

    /// Hand-worked: with constant work w and delay h, a device transaction created at t is
    /// broadcast at t + w and visible at t + w + h; a milestone (no work) at t + h. Every
    /// parent was visible when the parents were chosen, so no transaction is approved before
    /// it is broadcast.
    @Test("constant work: visible at created + w + h, milestones without work, parents visible when chosen")
    func constantWork() throws {
        var scenario = Self.scenario(work: .constant(0.75), consensus: .coordinator(CoordinatorConfiguration(interval: 5)))
        scenario.metrics.transactionLog = true
        let tangle = try #require(Simulation.run(scenario).tangle)
        #expect(tangle.workTime.count == tangle.count)
        var milestones = 0
        for index in 1..<tangle.count {
            let x = Int32(index)
            let w = tangle.isMilestone(x) ? 0 : 0.75
            if tangle.isMilestone(x) { milestones += 1 }
            #expect(tangle.workTime[index] == w)
            #expect(tangle.broadcastTime(of: x) == tangle.issueTime[index] + w)
            #expect(abs(tangle.visibleTime[index] - (tangle.issueTime[index] + w + 0.5)) <= 1e-9)
            tangle.forEachParent(of: x) { parent in
                #expect(tangle.visibleTime[Int(parent)] <= tangle.issueTime[index])
                #expect(tangle.broadcastTime(of: parent) < tangle.issueTime[index])
            }
        }
        #expect(milestones >= 20)
    }

    /// Work draws come from a stream of their own: a work time of 0 gives the run without
    /// work, transaction for transaction (the same arrivals, parents, delays and times).
    @Test("zero work reproduces the run without work exactly")
    func zeroWorkIsNoWork() throws {
        var with = Self.scenario(work: .constant(0), consensus: .cumulativeWeight(threshold: 10))
        var without = Self.scenario(work: nil, consensus: .cumulativeWeight(threshold: 10))
        with.metrics.transactionLog = true
        without.metrics.transactionLog = true
        let a = Simulation.run(with), b = Simulation.run(without)
        let ta = try #require(a.tangle), tb = try #require(b.tangle)
        #expect(ta.count == tb.count && ta.count > 5000)
        #expect(ta.issueTime == tb.issueTime)
        #expect(ta.visibleTime == tb.visibleTime)
        #expect((0..<ta.count).allSatisfy { Array(ta.parents(of: Int32($0))) == Array(tb.parents(of: Int32($0))) })
        #expect(a.summary.csvFields.map(\.csvText) == b.summary.csvFields.map(\.csvText))
        #expect(a.summary.hasWorkColumns && !b.summary.hasWorkColumns)
        #expect(a.summary.number(.workMean) == 0)
        #expect(b.classes[0].work == nil)
    }

    /// Exponential work of mean 2 s: the recorded work times of device transactions have that
    /// mean, within t(1 − 0.001/2, n − 1)·SE.
    @Test("exponential work times have their distribution's mean")
    func exponentialMean() throws {
        var scenario = Self.scenario(work: .exponential(mean: 2))
        scenario.metrics.transactionLog = true
        let tangle = try #require(Simulation.run(scenario).tangle)
        let works = (1..<tangle.count).map { tangle.workTime[$0] }
        let (mean, se) = CheckStatistics.meanAndStandardError(works)
        #expect(works.count > 5000)
        #expect(abs(mean - 2) <= twoSidedT(degreesOfFreedom: works.count - 1) * se, "mean \(mean) ± \(se)")
    }

    /// Two classes, constant work 2 s at 3 W and 1 s without power, under a cumulative
    /// weight threshold: the work columns recomputed from the Tangle and the confirmation
    /// times (measured, uncensored device transactions; confirmed payloads among them).
    @Test("work_mean, energy_per_transaction and energy_per_confirmed_transaction, per class and overall")
    func energyColumns() throws {
        var scenario = Self.scenario(work: .constant(2), power: 3, consensus: .cumulativeWeight(threshold: 10))
        scenario.devices.append(DeviceClass(count: 20, rate: 1, work: .constant(1)))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = try #require(result.tangle)
        let confirmedAt = try #require(result.confirmedAt)
        let end = result.summary.duration
        var judged = [0, 0], confirmed = [0, 0]
        for index in 1..<tangle.count where tangle.issueTime[index] >= 20 && tangle.issueTime[index] <= end - 30 {
            let row = tangle.issuerID[index] < 50 ? 0 : 1
            judged[row] += 1
            if !confirmedAt[index].isNaN { confirmed[row] += 1 }
        }
        #expect(judged[0] > 1000 && judged[1] > 500 && confirmed[0] > 0)
        let first = try #require(result.classes[0].work)
        #expect(first.workMean == 2)
        #expect(first.energyPerTransaction == 6)
        #expect(abs(first.energyPerConfirmedTransaction - 6 * Double(judged[0]) / Double(confirmed[0])) <= 1e-9)
        let second = try #require(result.classes[1].work)
        #expect(second.workMean == 1)
        #expect(second.energyPerTransaction.isNaN && second.energyPerConfirmedTransaction.isNaN)
        let overall = (2 * Double(judged[0]) + Double(judged[1])) / Double(judged[0] + judged[1])
        #expect(abs(result.summary.number(.workMean) - overall) <= 1e-9)
        #expect(result.summary.number(.energyPerTransaction).isNaN, "a class without power makes the energy undefined")
    }

    @Test("files: summary.csv and classes.csv end with the work columns, transactions.csv with created; issue_time is the broadcast")
    func files() throws {
        var scenario = Self.scenario(work: .constant(0.5), power: 2, duration: 60, consensus: .cumulativeWeight(threshold: 10))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-work-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try RunOutput.write(result, scenarioFile: "work.json", cost: RunCost(wallSeconds: 1, transactions: 1), to: folder.path)
        func read(_ name: String) throws -> NamedCSV {
            try NamedCSV(text: String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), file: name)
        }
        let summary = try read("summary.csv")
        #expect(summary.header == RunSummary.csvHeader + ["work_mean", "energy_per_transaction", "energy_per_confirmed_transaction"])
        #expect(summary.text(0, "work_mean") == "0.5" && summary.text(0, "energy_per_transaction") == "1.0")
        let classes = try read("classes.csv")
        #expect(classes.header == ClassRow.csvHeader + ["work_mean", "energy_per_transaction", "energy_per_confirmed_transaction"])
        #expect(classes.text(0, "energy_per_transaction") == "1.0")
        let log = try read("transactions.csv")
        #expect(log.header == TransactionLog.csvHeader + ["created"])
        let tangle = try #require(result.tangle)
        for row in 1..<log.rows.count {
            #expect(try log.number(row, "created") == tangle.issueTime[row])
            #expect(try log.number(row, "issue_time") == tangle.issueTime[row] + 0.5)
        }
        // Read back, the log gives the run's Tangle: creation times and work times.
        let read = try TransactionLogReader.tangle(from: log)
        #expect(read.issueTime == tangle.issueTime && read.workTime.count == tangle.count)

        let plain = Simulation.run(Self.scenario(work: nil, duration: 60))
        #expect(RunOutput.summaryCSV([plain.summary]).hasPrefix(RunSummary.csvHeader.joined(separator: ",") + "\n"))
        #expect(!RunOutput.summaryCSV([plain.summary]).contains("work_mean"))
        #expect(!RunOutput.classesCSV(plain.classes).contains("work_mean"))
    }

    @Test("the memory estimate counts the work column")
    func memoryEstimate() {
        let without = RunEstimate(Self.scenario(work: nil, duration: 10_000), use: .inMemory)
        let with = RunEstimate(Self.scenario(work: .constant(1), duration: 10_000), use: .inMemory)
        #expect(with.peakResidentBytes > without.peakResidentBytes)
    }
}
