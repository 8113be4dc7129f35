import Foundation
import Testing

/// Scenarios that used to abort, hang or grow without bound: each now runs, or is refused
/// with exit status 2 before anything runs and without writing anything.
@Suite("Command line: limits and estimates")
struct LimitsCLITests {
    /// Writes `files` (name → contents) into a fresh folder.
    func folder(_ files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (name, contents) in files {
            try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Every file and folder under `url`, relative to it, sorted.
    func listing(_ url: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: url.path).sorted()
    }

    @Test("devices approving one parent with coordinator milestones (two parents): validate, run, sweep and compare agree")
    func milestoneParentsWiderThanK() throws {
        let scenario = #"{"duration":30,"devices":[{"count":20,"rate":0.5}],"tangle":{"parents":1},"consensus":{"kind":"coordinator","interval":5}"#
        let folder = try folder([
            "k1.json": scenario + "}",
            "k1-log.json": scenario + #","metrics":{"transactionLog":true}}"#,
            "k1-sweep.json": scenario + #","sweep":{"parameters":{"consensus.interval":[5,10]}}}"#,
            "k1-compare.json": scenario + #","metrics":{"transactionLog":true},"variants":[{"label":"URTS"},{"label":"MCMC","tipSelection":{"strategy":"mcmc","alpha":0.1}}]}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        for arguments in [
            ["validate", "k1.json"], ["run", "k1.json", "--out", "run"], ["run", "k1-log.json", "--out", "log"],
            ["sweep", "k1-sweep.json", "--out", "sweep"],
            ["compare", "k1-compare.json", "--out", "compare"],
        ] {
            let result = try TangleSimBinary.run(arguments, in: folder)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let summary = try String(contentsOf: folder.appendingPathComponent("run/summary.csv"), encoding: .utf8)
        let rows = summary.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let milestones = rows[1][rows[0].firstIndex(of: "milestones")!]
        #expect(milestones == "6")
        // transactions.csv: id, device, issue_time, visible_time, parents, ...; milestones
        // (device -2) approve the previous milestone and a tip, devices one parent.
        let log = try String(contentsOf: folder.appendingPathComponent("log/transactions.csv"), encoding: .utf8)
        let entries = log.split(separator: "\n").dropFirst(2).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let milestoneParents = entries.filter { $0[1] == "-2" }.map { $0[4].split(separator: ";").count }
        #expect(milestoneParents.count == 6 && milestoneParents.allSatisfy { $0 == 2 }, "\(milestoneParents)")
        #expect(entries.filter { $0[1] != "-2" }.allSatisfy { $0[4].split(separator: ";").count == 1 })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sweep/sweep.csv").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("compare/compare.csv").path))
    }
}
