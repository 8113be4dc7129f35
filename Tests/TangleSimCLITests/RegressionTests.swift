import Foundation
import Testing

/// Every shipped scenario against its stored reference outputs (ns-3's examples as
/// regression tests).
///
/// Each file in `Scenarios/` is validated and run the way its kind is meant to be run —
/// `tanglesim run` (summary.csv, classes.csv, latency.csv when it has a confirmation rule,
/// and the first ``RegressionTests/timeseriesLines`` lines of timeseries.csv), `tanglesim
/// sweep` for a sweep (sweep.csv, aggregate.csv), and also `tanglesim compare` when it lists
/// variants (compare.csv, compare-latency.csv, compare-classes.csv) — and each output is compared byte for byte with
/// `Tests/Reference/<scenario path without .json>/<file>`.
///
/// A change that alters an output on purpose regenerates the references with
/// `scripts/update-references.sh`, which runs this test with `TANGLESIM_UPDATE_REFERENCES=1`
/// (the test then writes the references instead of comparing) and prints the diff; the
/// commit message says why the numbers changed.
@Suite("Shipped scenarios against their reference outputs")
struct RegressionTests {
    /// Lines of timeseries.csv kept as reference (the header and the first samples).
    static let timeseriesLines = 121

    static let referenceRoot = TangleSimBinary.repositoryRoot.appendingPathComponent("Tests/Reference")
    static let updating = ProcessInfo.processInfo.environment["TANGLESIM_UPDATE_REFERENCES"] == "1"

    /// The shipped scenarios, as paths relative to `Scenarios/`.
    static let scenarios: [String] = {
        let folder = TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios").path
        return ((try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test("there are shipped scenarios, and a reference folder for each and no other")
    func everyScenarioHasReferences() throws {
        #expect(Self.scenarios.count >= 10)
        guard !Self.updating else { return }
        let stored = try FileManager.default.subpathsOfDirectory(atPath: Self.referenceRoot.path)
            .filter { $0.hasSuffix(".csv") }
            .map { ($0 as NSString).deletingLastPathComponent }
        let expected = Self.scenarios.map { String($0.dropLast(5)) }
        #expect(Set(stored) == Set(expected), "reference folders \(Set(stored).sorted()) for scenarios \(expected)")
    }

    @Test("each shipped scenario validates, runs and reproduces its reference outputs byte for byte", arguments: scenarios)
    func reproducesReferences(scenario: String) throws {
        let path = "Scenarios/" + scenario
        let validated = try TangleSimBinary.run(["validate", path])
        #expect(validated.status == 0, "\(scenario): \(validated.stderr)")
        #expect(!validated.stderr.contains("warning:"), "a shipped scenario has no warnings: \(validated.stderr)")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        var outputs: [(file: String, folder: String, lines: Int?)] = []
        if validated.stdout.hasPrefix(path + ": a sweep of ") {
            let ran = try TangleSimBinary.run(["sweep", path, "--out", folder.appendingPathComponent("sweep").path])
            #expect(ran.status == 0, "\(scenario): \(ran.stderr)")
            outputs += [("sweep.csv", "sweep", nil), ("aggregate.csv", "sweep", nil)]
        } else {
            let ran = try TangleSimBinary.run(["run", path, "--out", folder.appendingPathComponent("run").path])
            #expect(ran.status == 0, "\(scenario): \(ran.stderr)")
            outputs += [("summary.csv", "run", nil), ("classes.csv", "run", nil), ("timeseries.csv", "run", Self.timeseriesLines)]
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("run/latency.csv").path) {
                outputs.append(("latency.csv", "run", nil))
            }
            if validated.stdout.contains(#""variants": ["#) && !validated.stdout.contains(#""variants": []"#) {
                let compared = try TangleSimBinary.run(["compare", path, "--out", folder.appendingPathComponent("compare").path])
                #expect(compared.status == 0, "\(scenario): \(compared.stderr)")
                outputs += [
                    ("compare.csv", "compare", nil), ("compare-latency.csv", "compare", nil), ("compare-classes.csv", "compare", nil),
                ]
            }
        }

        let references = Self.referenceRoot.appendingPathComponent(String(scenario.dropLast(5)))
        for (file, subfolder, lines) in outputs {
            let produced = folder.appendingPathComponent(subfolder).appendingPathComponent(file)
            guard var text = try? String(contentsOf: produced, encoding: .utf8) else {
                Issue.record("\(scenario): \(subfolder)/\(file) was not written")
                continue
            }
            if let lines {
                let all = text.split(separator: "\n")
                if all.count > lines { text = all.prefix(lines).joined(separator: "\n") + "\n" }
            }
            let reference = references.appendingPathComponent(file)
            if Self.updating {
                try FileManager.default.createDirectory(at: references, withIntermediateDirectories: true)
                try text.write(to: reference, atomically: true, encoding: .utf8)
                continue
            }
            guard let stored = try? String(contentsOf: reference, encoding: .utf8) else {
                Issue.record("\(scenario): no reference Tests/Reference/\(scenario.dropLast(5))/\(file): run scripts/update-references.sh")
                continue
            }
            #expect(
                text == stored,
                "\(scenario): \(file) differs from Tests/Reference/\(scenario.dropLast(5))/\(file) (scripts/update-references.sh shows the diff)")
        }
    }
}
