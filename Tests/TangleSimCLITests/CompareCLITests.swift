import Foundation
import Testing

/// `tanglesim compare` with replications and worker threads: the files, their bytes for any
/// `--jobs`, the confidence intervals, and bad input.
@Suite("Command line: compare with replications")
struct CompareCLITests {
    /// Three variants, one with a coordinator, small enough to run in a blink; `extra` is
    /// added to the scenario's keys.
    static func scenario(_ extra: String = "") -> String {
        #"""
        {"name": "cmp", "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 1}],
         "variants": [{"label": "URTS"},
                      {"label": "URTS + coordinator", "consensus": {"kind": "coordinator", "interval": 10}},
                      {"label": "MCMC", "tipSelection": {"strategy": "mcmc", "alpha": 0.1}}]
        """# + extra + "}\n"
    }

    /// A fresh folder holding `files` (name → contents).
    static func folder(_ files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (name, contents) in files {
            try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static func read(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    /// The rows of a CSV without quoted fields, as dictionaries from column to field.
    static func rows(_ text: String) -> [[String: String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    @Test("replications on 1 and 2 jobs: identical bytes; the flag equals the key; mean ± CI printed")
    func jobsChangeNothing() throws {
        let folder = try Self.folder(["cmp.json": Self.scenario(#", "replications": 3"#), "plain.json": Self.scenario()])
        defer { try? FileManager.default.removeItem(at: folder) }
        for (jobs, out) in [("1", "j1"), ("2", "j2")] {
            let result = try TangleSimBinary.run(["compare", "cmp.json", "--jobs", jobs, "--out", out], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("wrote \(out)/{compare.csv,compare-runs.csv,compare-latency.csv,compare-classes.csv,manifest.json}"))
            #expect(result.stdout.contains(" ± ") && result.stdout.contains("over 3 replications per variant"))
        }
        let flagged = try TangleSimBinary.run(["compare", "plain.json", "--replications", "3", "--jobs", "2", "--out", "flag"], in: folder)
        #expect(flagged.status == 0, "\(flagged.stderr)")
        for file in ["compare.csv", "compare-runs.csv", "compare-latency.csv", "compare-classes.csv"] {
            let one = try Self.read(folder, "j1/" + file)
            #expect(try Self.read(folder, "j2/" + file) == one, "\(file): the same bytes on 1 and 2 jobs")
            #expect(try Self.read(folder, "flag/" + file) == one, "\(file): --replications 3 is \"replications\": 3")
        }
        #expect(Self.rows(try Self.read(folder, "j1/compare-runs.csv")).count == 9, "3 variants × 3 replications")
        let manifest = try Self.read(folder, "flag/manifest.json")
        #expect(manifest.contains(#""replications": 3"#) && manifest.contains(#""jobs": 2"#))
        #expect(manifest.contains(#""files": ["#) && manifest.contains(#""compare-runs.csv""#))
    }

    @Test("one replication: today's files, the same with the flag or the key; replication 0 of several is that comparison")
    func oneReplicationUnchanged() throws {
        let folder = try Self.folder([
            "plain.json": Self.scenario(), "one.json": Self.scenario(#", "replications": 1"#),
            "three.json": Self.scenario(#", "replications": 3"#),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        for arguments in [["plain.json", "--out", "a"], ["plain.json", "--replications", "1", "--out", "b"], ["one.json", "--out", "c"]] {
            let result = try TangleSimBinary.run(["compare"] + arguments, in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("±"))
        }
        let compare = try Self.read(folder, "a/compare.csv"), latency = try Self.read(folder, "a/compare-latency.csv")
        #expect(compare.hasPrefix("label,scenario,seed,replication,"))
        for out in ["b", "c"] {
            #expect(try Self.read(folder, out + "/compare.csv") == compare)
            #expect(try Self.read(folder, out + "/compare-latency.csv") == latency)
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(out + "/compare-runs.csv").path))
        }
        // Replication 0 of a comparison of three is the comparison of one, row for row.
        #expect(try TangleSimBinary.run(["compare", "three.json", "--out", "a"], in: folder).status == 0)
        let runs = try Self.read(folder, "a/compare-runs.csv").split(separator: "\n")
        let single = compare.split(separator: "\n")
        #expect(runs[0] == single[0])
        #expect(runs.count == 1 + 9)
        for variant in 0..<3 { #expect(runs[1 + 3 * variant] == single[1 + variant]) }
        // A comparison of one into that folder removes the runs file it no longer writes.
        #expect(try TangleSimBinary.run(["compare", "plain.json", "--out", "a"], in: folder).status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a/compare-runs.csv").path))
        #expect(try Self.read(folder, "a/compare.csv") == compare)
    }

    @Test("compare-classes.csv: every run's classes.csv rows by (variant, replication), labels from the classes' label keys")
    func classesPerVariant() throws {
        let scenario = #"""
            {"name": "cls", "duration": 120, "warmup": 10, "replications": 2,
             "devices": [{"count": 10, "rate": 1, "label": "gateways"}, {"count": 30, "rate": 0.2}],
             "consensus": {"kind": "cumulativeWeight", "threshold": 5},
             "variants": [{"label": "URTS"}, {"label": "MCMC", "tipSelection": {"strategy": "mcmc", "alpha": 0.5}}]}
            """#
        let folder = try Self.folder(["cls.json": scenario])
        defer { try? FileManager.default.removeItem(at: folder) }
        let compared = try TangleSimBinary.run(["compare", "cls.json", "--out", "cmp"], in: folder)
        #expect(compared.status == 0, "\(compared.stderr)")
        let ran = try TangleSimBinary.run(["run", "cls.json", "--out", "run"], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        let lines = try Self.read(folder, "cmp/compare-classes.csv").split(separator: "\n").map(String.init)
        let classes = try Self.read(folder, "run/classes.csv").split(separator: "\n").map(String.init)
        #expect(lines[0] == "label,replication," + classes[0])
        #expect(lines.count == 1 + 2 * 2 * 2, "2 variants × 2 replications × 2 classes")
        // The base scenario is the URTS variant: its replication 0 is what run writes.
        #expect(Array(lines[1...2]) == classes[1...2].map { "URTS,0," + $0 })
        #expect(classes[1].hasPrefix("gateways,") && classes[2].hasPrefix("devices[1],"))
        let keys = lines.dropFirst().map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
        #expect(keys == [
            "URTS,0,gateways", "URTS,0,devices[1]", "URTS,1,gateways", "URTS,1,devices[1]",
            "MCMC,0,gateways", "MCMC,0,devices[1]", "MCMC,1,gateways", "MCMC,1,devices[1]",
        ])
        // Replication 1 is another sample: its rows differ from replication 0's.
        #expect(lines[3] != lines[1])
    }

    @Test("compare.csv: per variant the mean, sd and t(0.975, N − 1)·sd/√N of each measured column, computed again here from compare-runs.csv")
    func confidenceIntervals() throws {
        let folder = try Self.folder(["cmp.json": Self.scenario(#", "replications": 3"#)])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try TangleSimBinary.run(["compare", "cmp.json", "--out", "r"], in: folder).status == 0)
        let compare = try Self.read(folder, "r/compare.csv")
        #expect(compare.hasPrefix("label,replications,scenario,seed,tip_selection,alpha,walk_start,parents,"))
        #expect(compare.contains(",mean_tips,mean_tips_sd,mean_tips_ci95,"))
        #expect(compare.contains(",consensus,milestone_interval,confirmed_fraction,"), "settings once, without _sd and _ci95")
        #expect(!compare.contains(",replication,"))
        let means = Self.rows(compare)
        let runs = Self.rows(try Self.read(folder, "r/compare-runs.csv"))
        #expect(means.map { $0["label"] } == ["URTS", "URTS + coordinator", "MCMC"])
        // Student's t with 2 degrees of freedom in closed form: F(t) = 1/2 + t / (2·√(2 + t²)),
        // so F(t) = 0.975 at t = √(2q² / (1 − q²)), q = 0.95.
        let q = 0.95
        let t = (2 * q * q / (1 - q * q)).squareRoot()
        #expect(abs(t - 4.302652729749464) < 1e-12)
        for row in means {
            let label = row["label"]!
            let mine = runs.filter { $0["label"] == label }
            #expect(mine.map { $0["replication"] } == ["0", "1", "2"])
            #expect(row["replications"] == "3" && row["seed"] == mine[0]["seed"] && row["tip_selection"] == mine[0]["tip_selection"])
            for column in ["mean_tips", "left_behind_rate", "first_approval_mean", "transactions", "latency_p50", "latency_p99"] {
                let values = mine.compactMap { Double($0[column]!) }
                if values.isEmpty {
                    #expect(row[column] == "" && row[column + "_sd"] == "" && row[column + "_ci95"] == "", "\(label) \(column): undefined")
                    continue
                }
                #expect(values.count == 3, "\(label) \(column)")
                let mean = values.reduce(0, +) / 3
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
                let half = t * sd / 3.0.squareRoot()
                func close(_ field: String?, _ expected: Double) -> Bool {
                    guard let field, let value = Double(field) else { return false }
                    return abs(value - expected) <= 1e-9 * max(1, abs(expected))
                }
                #expect(close(row[column], mean), "\(label) \(column): mean \(mean), compare.csv \(row[column] ?? "-")")
                #expect(close(row[column + "_sd"], sd), "\(label) \(column)_sd: \(sd)")
                #expect(close(row[column + "_ci95"], half), "\(label) \(column)_ci95: \(half), compare.csv \(row[column + "_ci95"] ?? "-")")
            }
        }
        #expect(means[1]["latency_p50_ci95"]! != "" && means[0]["latency_p50"]! == "", "a coordinator's latency, none without")
        // compare-latency.csv pools the replications: the median lies between the runs' medians.
        let latency = Self.rows(try Self.read(folder, "r/compare-latency.csv"))
        #expect(Set(latency.map { $0["label"]! }) == ["URTS + coordinator"])
        let median = Double(latency.first { $0["quantile"] == "0.5" }!["latency"]!)!
        let medians = runs.filter { $0["label"] == "URTS + coordinator" }.map { Double($0["latency_p50"]!)! }
        #expect(median >= medians.min()! && median <= medians.max()!)
    }

    @Test(
        "a bad replications key: exit 2 naming the file, the field and what was expected; nothing written",
        arguments: [
            ("0", "0"), ("-1", "-1"), ("2.5", "2.5"), (#""3""#, #""3""#), ("1e12", "1000000000000.0"), ("true", "true"),
        ])
    func badKey(value: String, shown: String) throws {
        let folder = try Self.folder(["cmp.json": Self.scenario(#", "replications": "# + value)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = "error: cmp.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got \(shown)\n"
        for command in [["compare", "cmp.json", "--out", "out"], ["validate", "cmp.json"], ["run", "cmp.json", "--out", "out"]] {
            let result = try TangleSimBinary.run(command, in: folder)
            #expect(result.status == 2)
            #expect(result.stderr == expected)
            #expect(result.stdout.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cmp.json"], "nothing written")
    }

    @Test(
        "bad flags: exit 64 naming the flag",
        arguments: [
            (["--replications", "0"], "Error: --replications must be from 1 to 10000000, got 0"),
            (["--replications", "10000001"], "Error: --replications must be from 1 to 10000000, got 10000001"),
            (["--replications", "2.5"], "Error: The value '2.5' is invalid for '--replications <n>'"),
            (["--jobs", "0"], "Error: --jobs must be at least 1, got 0"),
            (["--jobs", "-3"], "Error: "),
        ])
    func badFlags(flags: [String], message: String) throws {
        let folder = try Self.folder(["cmp.json": Self.scenario()])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try TangleSimBinary.run(["compare", "cmp.json", "--out", "out"] + flags, in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cmp.json"], "nothing written")
    }

    @Test("huge replications: more runs than a comparison may have, or results beyond memory, are refused before anything runs")
    func hugeReplications() throws {
        let folder = try Self.folder([
            "cmp.json": Self.scenario(),
            "big.json": #"{"duration": 600, "devices": [{"count": 100, "rate": 1}], "consensus": {"kind": "coordinator", "interval": 10}, "variants": [{"label": "URTS"}], "replications": 5000000}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = try TangleSimBinary.run(["compare", "cmp.json", "--replications", "10000000", "--out", "out"], in: folder)
        #expect(runs.status == 2)
        #expect(
            runs.stderr
                == "error: cmp.json: replications: 3 variants × 10000000 replications are 30000000 runs; a comparison has at most 10000000\n")
        for command in [["compare", "big.json", "--out", "out", "--jobs", "2"], ["validate", "big.json", "--jobs", "2"]] {
            let memory = try TangleSimBinary.run(command, in: folder, ulimit: "-v 2097152")
            #expect(memory.status == 2)
            #expect(memory.stderr.hasPrefix("error: big.json: replications: 1 variant × 5000000 replications keep about "), "\(memory.stderr)")
            #expect(memory.stderr.hasSuffix(" of address space in all); this process may use 2.0 GiB of address space (ulimit -v)\n"))
            #expect(memory.stdout.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["big.json", "cmp.json"], "nothing written")
    }
}
