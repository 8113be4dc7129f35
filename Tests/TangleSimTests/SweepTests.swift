import Foundation
import Testing

@testable import TangleSim

/// A small sweep scenario: `parameters` and `extra` are spliced into the document.
private func sweepText(_ parameters: String, mode: String = "grid", replications: Int = 2, extra: String = "") -> String {
    """
    {"name": "s", "seed": 5, "duration": 30, "devices": [{"count": 10, "rate": 1}], "metrics": {"orphanTimeout": 5}\(extra),
     "sweep": {"parameters": {\(parameters)}, "mode": "\(mode)", "replications": \(replications)}}
    """
}

private func sweep(_ text: String, file: String = "sweep.json") throws -> Sweep {
    try Sweep(json: JSONValue(parsing: Array(text.utf8), file: file), file: file)
}

/// The description of the error expanding `text` throws, or `nil` when it is valid.
private func sweepError(_ text: String) -> String? {
    do {
        _ = try sweep(text)
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}

@Suite("Sweeps")
struct SweepTests {
    @Test func parameterPathsParse() throws {
        #expect(FieldPath("devices[0].rate")?.steps == [.key("devices"), .index(0), .key("rate")])
        #expect(FieldPath("network.delay.mean")?.steps == [.key("network"), .key("delay"), .key("mean")])
        #expect(FieldPath("duration")?.steps == [.key("duration")])
        #expect(FieldPath("devices[12]")?.steps == [.key("devices"), .index(12)])
        for bad in ["", ".a", "a.", "a..b", "a[0]b", "a[]", "a[-1]", "a[x]", "[0]", "a[0", "a\"b"] {
            #expect(FieldPath(bad) == nil, "\(bad)")
        }
    }

    @Test func applyingCreatesAbsentSectionsAndNamesBadSteps() throws {
        var document: JSONValue = ["devices": [["count": 1, "rate": 1.0]], "network": ["delay": 1.0]]
        try FieldPath("tangle.parents")!.apply(3, to: &document)
        try FieldPath("devices[0].rate")!.apply(0.5, to: &document)
        #expect(document == ["devices": [["count": 1, "rate": 0.5]], "network": ["delay": 1.0], "tangle": ["parents": 3]])
        #expect(throws: FieldPath.Failure(message: "devices[1] does not exist: devices has 1 element")) {
            try FieldPath("devices[1].rate")!.apply(1, to: &document)
        }
        #expect(throws: FieldPath.Failure(message: #"network.delay is 1.0, not an object with the key "mean""#)) {
            try FieldPath("network.delay.mean")!.apply(1, to: &document)
        }
        #expect(throws: FieldPath.Failure(message: "network is an object, not an array")) {
            try FieldPath("network[0]")!.apply(1, to: &document)
        }
    }

    @Test func gridAndZipOrderPoints() throws {
        let grid = try sweep(sweepText(#""tangle.parents": [1, 2, 3], "devices[0].rate": [0.5, 2]"#))
        #expect(grid.plan.pointCount == 6)
        #expect(grid.runCount == 12)
        #expect(grid.points.map(\.values) == [[1, 0.5], [1, 2], [2, 0.5], [2, 2], [3, 0.5], [3, 2]])
        #expect(grid.points[3].scenario.tangle.parents == 2)
        #expect(grid.points[3].scenario.devices[0].rate == 2)
        #expect(grid.location(ofRun: 7) == (point: 3, replication: 1))

        let zipped = try sweep(sweepText(#""tangle.parents": [1, 2], "network.delay": [0.5, {"distribution": "exponential", "mean": 2}]"#, mode: "zip"))
        #expect(zipped.plan.pointCount == 2)
        #expect(zipped.points[1].scenario.network == .delay(.exponential(mean: 2)))

        let none = try sweep(sweepText("", replications: 3))
        #expect(none.plan.pointCount == 1)
        #expect(none.runCount == 3)
    }

    @Test func seedsDependOnScenarioSeedAndPointOnly() throws {
        let a = try sweep(sweepText(#""tangle.parents": [1, 2]"#))
        let b = try sweep(sweepText(#""tangle.parents": [1, 2, 3]"#, mode: "grid", replications: 5))
        #expect(a.points[0].scenario.seed == Sweep.runSeed(scenarioSeed: 5, point: 0))
        #expect(a.points[1].scenario.seed == b.points[1].scenario.seed)
        #expect(a.points[0].scenario.seed != a.points[1].scenario.seed)
        #expect(a.points.allSatisfy { $0.scenario.seed <= UInt64(Int64.max) })
        #expect(a.points.allSatisfy { !$0.scenario.metrics.transactionLog })
        // A run of the sweep is the point's scenario run alone with its replication number.
        // (Compared as CSV text: a summary may hold NaN for an undefined value, and NaN != NaN.)
        let run = a.simulate(run: 3)
        let alone = Simulation.run(a.points[1].scenario, replication: 1)
        #expect(run.summary.csvFields.map(\.csvText) == alone.summary.csvFields.map(\.csvText))
        #expect(run.summary.replication == 1)
    }

    @Test func fingerprintFollowsWhatIsRunNotLayout() throws {
        let a = try sweep(sweepText(#""tangle.parents": [1, 2]"#))
        let spaced = try sweep(sweepText(#" "tangle.parents" : [ 1 , 2 ] "#))
        let other = try sweep(sweepText(#""tangle.parents": [1, 3]"#))
        #expect(a.fingerprint == spaced.fingerprint)
        #expect(a.fingerprint != other.fingerprint)
        #expect(a.fingerprint.count == 64)
    }

    @Test(
        "bad sweeps name the field, and the point with its values",
        arguments: [
            (#""devices[0].rate": [1, -1]"#, "grid",
             "sweep.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got -1 (in sweep point 1: devices[0].rate = -1)"),
            (#""tangle.parents": [2], "devices[0].rate": [1, "fast"]"#, "grid",
             #"sweep.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got "fast" (in sweep point 1: tangle.parents = 2, devices[0].rate = "fast")"#),
            (#""tangle.parnets": [3]"#, "grid",
             #"sweep.json: tangle.parnets: unknown key "parnets"; did you mean "parents"? (in sweep point 0: tangle.parnets = 3)"#),
            (#""devices[2].rate": [1]"#, "grid",
             #"sweep.json: sweep.parameters["devices[2].rate"]: cannot set devices[2].rate: devices[2] does not exist: devices has 1 element (in sweep point 0: devices[2].rate = 1)"#),
            (#""devices[0]rate": [1]"#, "grid",
             #"sweep.json: sweep.parameters["devices[0]rate"]: not a field path: write keys joined by "." and array indexes in brackets, like devices[0].rate or network.delay.mean"#),
            (#""duration": []"#, "grid",
             "sweep.json: sweep.parameters.duration: expected a non-empty list of values, got an empty list"),
            (#""duration": 5"#, "grid",
             "sweep.json: sweep.parameters.duration: expected a non-empty list of values, got 5"),
            (#""duration": [5, 6], "warmup": [1]"#, "zip",
             "sweep.json: sweep.parameters.warmup: zip mode needs lists of equal length: duration has 2 values, this one 1"),
            (#""duration": [5]"#, "cartesian",
             #"sweep.json: sweep.mode: expected one of "grid", "zip", got "cartesian""#),
            (#""sweep.replications": [5]"#, "grid",
             #"sweep.json: sweep.parameters["sweep.replications"]: a sweep cannot vary its own section"#),
            (#""replications": [2, 3]"#, "grid",
             #"sweep.json: sweep.parameters.replications: a sweep sets its runs per point in "sweep": {"replications": N}"#),
        ] as [(String, String, String)])
    func badSweep(parameters: String, mode: String, message: String) {
        #expect(sweepError(sweepText(parameters, mode: mode)) == message)
    }

    @Test("a sweep refuses compare's top-level replications")
    func topLevelReplications() {
        #expect(
            sweepError(sweepText(#""duration": [5]"#, extra: #", "replications": 3"#))
                == #"sweep.json: replications: a sweep sets its runs per point in "sweep": {"replications": N}; the top-level "replications" is for tanglesim compare"#)
    }

    @Test func unknownSweepKeysAreRejected() {
        let text = #"{"duration": 5, "devices": [{"count": 1, "rate": 1}], "sweep": {"parameters": {}, "replicatons": 2}}"#
        #expect(sweepError(text) == #"sweep.json: sweep.replicatons: unknown key "replicatons"; did you mean "replications"?"#)
        let missing = #"{"duration": 5, "devices": [{"count": 1, "rate": 1}], "sweep": {"replications": 2}}"#
        #expect(sweepError(missing)?.hasPrefix("sweep.json: sweep.parameters: required key is missing") == true)
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func csvFieldsRoundTrip() {
        let fields = ["plain", "with,comma", "with \"quote\"", "two\nlines", "", "{\"a\":1}"]
        let text = CSVTable(header: ["x"] + fields.indices.dropLast().map { "c\($0)" }, rows: [fields.map(CSVValue.text)]).csvText
        #expect(CSVTable.parseFields(text) == [["x", "c0", "c1", "c2", "c3", "c4"], fields])
        #expect(CSVTable.parseFields("a,\"b") == nil)
        #expect(CSVTable.parseFields("a\r\nb\r\n") == [["a"], ["b"]])
    }

    @Test func aggregateUsesStudentsT() {
        let (mean, sd, ci95) = SweepAggregate.statistics([1, 2, 3])
        #expect(mean == 2)
        #expect(sd == 1)
        // With 2 degrees of freedom t(p) = (2p - 1) / sqrt(2p(1 - p)) exactly.
        let t = 0.95 / (2 * 0.975 * 0.025).squareRoot()
        #expect(abs(ci95 - t / 3.0.squareRoot()) < 1e-9)
        #expect(SweepAggregate.statistics([4]).mean == 4)
        #expect(SweepAggregate.statistics([4]).sd.isNaN)
        #expect(SweepAggregate.statistics([]).mean.isNaN)
    }

    @Test func recordsRoundTrip() throws {
        let s = try sweep(sweepText(#""network.delay": [0.5, {"distribution": "uniform", "min": 0, "max": 1}]"#))
        let record = SweepRecord(sweep: s, run: 3, summary: s.simulate(run: 3).summary)
        #expect(record.fields[1] == #"{"distribution":"uniform","min":0,"max":1}"#)
        #expect(SweepRecord(csvText: record.csvText) == record)
        #expect(record.header == SweepTable.header(parameters: ["network.delay"]))
        #expect(record.header.count == record.fields.count)
    }

    @Test func workerCountDoesNotChangeTheResults() throws {
        let s = try sweep(sweepText(#""devices[0].rate": [1, 2, 4]"#, replications: 3))
        // The tables' CSV bytes: a summary may hold NaN for an undefined value, and NaN != NaN.
        var outputs: [(sweep: String, aggregate: String)] = []
        for jobs in [1, 2, 3] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-sweep-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let opened = try SweepFolder.open(folder, for: s)
            try SweepRunner.run(s, runs: Array((0..<s.runCount).reversed()), jobs: jobs) { completion in
                try opened.record(SweepRecord(sweep: s, run: completion.run, summary: completion.result.summary))
            }
            let tables = try SweepMerge.tables(from: [opened])
            #expect(tables.sweep.rows.count == 9)
            #expect(tables.aggregate.rows.count == 3)
            #expect(tables.sweep.rows.map { $0[0] } == (0..<9).map { .text(String($0 / 3)) })
            outputs.append((tables.sweep.csvText, tables.aggregate.csvText))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
    }
}
