import Foundation
import Testing

/// Runs the built `tanglesim` binary (beside the test bundle) and captures what it does.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum TangleSimBinary {
    /// The folder holding the built products (`.build/<configuration>/`).
    static let productsDirectory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("tanglesim").path) {
                return url
            }
        }
        fatalError("tanglesim binary not found near \(CommandLine.arguments[0])")
    }()

    /// The repository root (this file is Tests/TangleSimCLITests/CLITests.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `tanglesim` with `arguments` in `directory`, with `environment` in place of this
    /// process's when given.
    ///
    /// - Parameter ulimit: shell `ulimit` options to run it under (like `-v 4194304` or
    ///   `-f 100`), through `/bin/sh`.
    static func run(
        _ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String]? = nil,
        ulimit: String? = nil
    ) throws -> CommandResult {
        let process = Process()
        let binary = productsDirectory.appendingPathComponent("tanglesim")
        if let ulimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit \(ulimit) && exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-cli-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Command line")
struct CLITests {
    @Test(
        "each class of bad scenario: its message, exit status 2, nothing written",
        arguments: [
            ("malformed.json", #"{"duration": 600,, "devices": []}"#,
             "error: malformed.json: line 1, column 18: malformed JSON: expected a key in double quotes"),
            ("unknown.json", #"{"duration": 600, "devices": [{"count": 1, "rate": 1}], "tangle": {"parent": 2}}"#,
             #"error: unknown.json: tangle.parent: unknown key "parent"; did you mean "parents"?"#),
            ("type.json", #"{"duration": 600, "devices": [{"count": 1, "rate": "fast"}]}"#,
             #"error: type.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got "fast""#),
            ("rate.json", #"{"duration": 600, "devices": [{"count": 1, "rate": 0}]}"#,
             "error: rate.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got 0"),
            ("negative.json", #"{"duration": 600, "devices": [{"count": 1, "rate": -0.5}]}"#,
             "error: negative.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got -0.5"),
            ("parents.json", #"{"duration": 600, "devices": [{"count": 1, "rate": 1}], "tangle": {"parents": 9}}"#,
             "error: parents.json: tangle.parents: expected an integer from 1 to 8, got 9"),
            ("nostop.json", #"{"devices": [{"count": 1, "rate": 1}]}"#,
             #"error: nostop.json: no stop condition: set "duration" (seconds) or "transactions" (a count), or both"#),
            ("disconnected.json", #"{"duration": 60, "devices": [{"count": 2, "rate": 1}], "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "edges", "edges": [[0, 1], [2, 3]]}, "linkLatency": 0.1}}"#,
             "error: disconnected.json: network.topology.edges: the links do not connect the network: node 0 cannot reach 2 node(s) (2, 3); every node must be reachable"),
            ("infinite.json", #"{"duration": 60, "devices": [{"count": 2, "rate": 1}], "network": {"delay": {"distribution": "lognormal", "mu": 1e300, "sigma": 1}}}"#,
             "error: infinite.json: network.delay: expected a delay with a mean of at most 1e7 s (about 4 months; longer has no physical meaning), got an infinite mean"),
            ("months.json", #"{"duration": 60, "devices": [{"count": 2, "rate": 1}], "network": {"model": "gossip", "nodes": 2, "topology": {"kind": "fullMesh"}, "linkLatency": 2e7}}"#,
             "error: months.json: network.linkLatency: expected a delay with a mean of at most 1e7 s (about 4 months; longer has no physical meaning), got a mean of 20000000.0 s"),
            ("missing.json", nil,
             "error: missing.json: cannot read the file: No such file or directory"),
        ] as [(String, String?, String)])
    func badScenario(file: String, contents: String?, message: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        if let contents { try contents.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        for command in ["run", "validate"] {
            let result = try TangleSimBinary.run([command, file, "--out", "out"].dropLast(command == "validate" ? 2 : 0), in: folder)
            #expect(result.status == 2)
            #expect(result.stderr == message + "\n")
            #expect(result.stdout.isEmpty)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != file }
        #expect(left.isEmpty, "nothing written: \(left)")
    }

    @Test("validate prints the resolved scenario and exits 0")
    func validate() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"transactions": 500, "devices": [{"count": 3, "rate": 2}], "network": {"delay": 0.5}}"#
            .write(to: folder.appendingPathComponent("tiny.json"), atomically: true, encoding: .utf8)
        let result = try TangleSimBinary.run(["validate", "tiny.json"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("tiny.json: estimate for run: "), "the estimate, on standard error")
        #expect(result.stdout.contains(#""name": "tiny""#))
        #expect(result.stdout.contains(#""distribution": "constant""#))
        #expect(result.stdout.contains(#""orphanTimeout": 60"#))
    }

    @Test(
        "a run too short to judge anything: validate and run warn, naming orphanTimeout, duration and warmup, and still exit 0",
        arguments: [
            (#"{"duration": 30, "devices": [{"count": 20, "rate": 0.5}]}"#,
             "warning: short.json: metrics.orphanTimeout: every transaction will be censored, so left-behind and latency figures will be n/a: transactions are judged only when issued at or after warmup (0 s) and at least orphanTimeout (60 s) before the end, and the run ends at duration 30 s; lower metrics.orphanTimeout below 30 s or lengthen the run beyond 60 s"),
            (#"{"duration": 100, "warmup": 50, "devices": [{"count": 20, "rate": 0.5}], "metrics": {"orphanTimeout": 50}}"#,
             "warning: short.json: metrics.orphanTimeout: every transaction will be censored, so left-behind and latency figures will be n/a: transactions are judged only when issued at or after warmup (50 s) and at least orphanTimeout (50 s) before the end, and the run ends at duration 100 s; lower metrics.orphanTimeout below 50 s or lengthen the run beyond 100 s"),
            (#"{"transactions": 100, "warmup": 5, "devices": [{"count": 20, "rate": 0.5}]}"#,
             "warning: short.json: metrics.orphanTimeout: every transaction will be censored, so left-behind and latency figures will be n/a: transactions are judged only when issued at or after warmup (5 s) and at least orphanTimeout (60 s) before the end, and the run ends after about 10 s (transactions 100 at lambda 10/s); lower metrics.orphanTimeout below 5 s or lengthen the run beyond 65 s"),
        ])
    func shortRunWarning(contents: String, warning: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try contents.write(to: folder.appendingPathComponent("short.json"), atomically: true, encoding: .utf8)
        let validate = try TangleSimBinary.run(["validate", "short.json"], in: folder)
        #expect(validate.status == 0)
        #expect(validate.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") } == [Substring(warning)],
                "the warning after the estimate: \(validate.stderr)")
        let run = try TangleSimBinary.run(["run", "short.json", "--out", "out"], in: folder)
        #expect(run.status == 0)
        #expect(run.stderr == warning + "\n")
        #expect(run.stdout.contains("left behind n/a"), "the warned-of result: \(run.stdout)")
    }

    @Test("a delay as long as the run is warned about (milliseconds written as seconds), naming the field")
    func delayAsLongAsTheRun() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"duration": 120, "devices": [{"count": 4, "rate": 1}], "metrics": {"orphanTimeout": 10}, "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 100, "processingDelay": 20}}"#
            .write(to: folder.appendingPathComponent("slow.json"), atomically: true, encoding: .utf8)
        let validate = try TangleSimBinary.run(["validate", "slow.json"], in: folder)
        #expect(validate.status == 0)
        #expect(
            validate.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
                == ["warning: slow.json: network.linkLatency: a mean delay of 120 s is not shorter than the run (120 s): most transactions will become visible only after the run ends, so issuers will see little but the genesis (and on a gossip network every transaction stays in flight, which makes each issue slow); delays are in seconds"],
            "\(validate.stderr)")
    }

    @Test("a run long enough to judge something is not warned about")
    func noShortRunWarning() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"duration": 100.5, "warmup": 50, "devices": [{"count": 20, "rate": 0.5}], "metrics": {"orphanTimeout": 50}}"#
            .write(to: folder.appendingPathComponent("long.json"), atomically: true, encoding: .utf8)
        let validate = try TangleSimBinary.run(["validate", "long.json"], in: folder)
        #expect(validate.status == 0)
        #expect(!validate.stderr.contains("warning:"), "\(validate.stderr)")
    }

    @Test("run twice with one seed: identical CSV bytes; --seed changes them and is recorded")
    func runIsReproducible() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"""
            {"name": "repro", "duration": 60, "devices": [{"count": 20, "rate": 1}],
             "network": {"delay": {"distribution": "exponential", "mean": 1}},
             "metrics": {"transactionLog": true, "orphanTimeout": 10}}
            """#.write(to: folder.appendingPathComponent("repro.json"), atomically: true, encoding: .utf8)
        var outputs: [[Data]] = []
        for (out, seed) in [("a", nil), ("b", nil), ("c", "99")] as [(String, String?)] {
            let arguments = ["run", "repro.json", "--out", out] + (seed.map { ["--seed", $0] } ?? [])
            let result = try TangleSimBinary.run(arguments, in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty, "no progress bar when stderr is not a terminal")
            let directory = folder.appendingPathComponent(out)
            outputs.append(try ["summary.csv", "timeseries.csv", "classes.csv", "transactions.csv"].map {
                try Data(contentsOf: directory.appendingPathComponent($0))
            })
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["classes.csv", "manifest.json", "summary.csv", "timeseries.csv", "transactions.csv"], "no temporary file left")
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0][0] != outputs[2][0])
        let summary = String(decoding: outputs[2][0], as: UTF8.self)
        #expect(summary.split(separator: "\n")[1].hasPrefix("repro,99,0,uniform,"))
        let manifest = try String(contentsOf: folder.appendingPathComponent("c/manifest.json"), encoding: .utf8)
        #expect(manifest.contains(#""seed": 99"#))
        for key in ["wall_seconds", "tx_per_second", "peak_rss_bytes", "tanglesim_version"] {
            #expect(manifest.contains("\"\(key)\""))
        }
    }

    @Test("bad flags are reported by the argument parser with its usage status")
    func badFlag() throws {
        let result = try TangleSimBinary.run(["run", "Scenarios/quickstart.json", "--seed", "minus-one"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("The value 'minus-one' is invalid for '--seed <n>'"))
    }

    @Test("compare: a table, compare.csv identical on a rerun, and exit 2 without variants")
    func compare() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"""
            {"name": "cmp", "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 1}],
             "variants": [{"label": "URTS"},
                          {"label": "URTS + coordinator", "consensus": {"kind": "coordinator", "interval": 10}},
                          {"label": "MCMC", "tipSelection": {"strategy": "mcmc", "alpha": 0.1}}]}
            """#.write(to: folder.appendingPathComponent("cmp.json"), atomically: true, encoding: .utf8)
        var csvs: [String] = []
        for out in ["a", "b"] {
            let result = try TangleSimBinary.run(["compare", "cmp.json", "--out", out], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines[0].hasPrefix("label") && lines[0].contains("latency p50"))
            #expect(lines[1].hasPrefix("URTS ") && lines[2].hasPrefix("URTS + coordinator") && lines[3].hasPrefix("MCMC"))
            csvs.append(try String(contentsOf: folder.appendingPathComponent("\(out)/compare.csv"), encoding: .utf8))
            let latency = try String(contentsOf: folder.appendingPathComponent("\(out)/compare-latency.csv"), encoding: .utf8)
            #expect(latency.split(separator: "\n").count == 1 + 102, "header and the coordinator variant's quantiles")
        }
        #expect(csvs[0] == csvs[1])
        let rows = csvs[0].split(separator: "\n")
        #expect(rows.count == 4 && rows[0].hasPrefix("label,scenario,seed"))
        try #"{"duration": 10, "devices": [{"count": 1, "rate": 1}]}"#
            .write(to: folder.appendingPathComponent("plain.json"), atomically: true, encoding: .utf8)
        let plain = try TangleSimBinary.run(["compare", "plain.json", "--out", "c"], in: folder)
        #expect(plain.status == 2)
        #expect(plain.stderr.hasPrefix(#"error: plain.json: variants: compare needs a list of variants"#))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("c").path))
    }

    @Test("--seed is applied before the topology is checked: run, compare and draw refuse with --seed what validate and run refuse with that seed in the file")
    func seedBeforeTopologyCheck() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A random 2-regular graph on 30,000 nodes is one cycle with probability about 1.5%: in
        // 100 attempts, seed 1 draws none (exit 2) and seed 2 draws one.
        func scenario(seed: Int) -> String {
            #"{"duration": 10, "seed": \#(seed), "devices": [{"count": 4, "rate": 1}], "metrics": {"orphanTimeout": 2}, "#
                + #""network": {"model": "gossip", "nodes": 30000, "topology": {"kind": "randomRegular", "degree": 2}, "linkLatency": 0.1}, "#
                + #""variants": [{"label": "URTS"}]}"#
        }
        try scenario(seed: 2).write(to: folder.appendingPathComponent("two.json"), atomically: true, encoding: .utf8)
        try scenario(seed: 1).write(to: folder.appendingPathComponent("one.json"), atomically: true, encoding: .utf8)
        let message = "network.topology: could not draw a connected randomRegular network of 30000 nodes in 100 attempts; use more links per node\n"
        for command in ["validate", "run"] {
            let result = try TangleSimBinary.run([command, "one.json"] + (command == "run" ? ["--out", "one"] : []), in: folder)
            #expect(result.status == 2, "\(command) with seed 1 in the file")
            #expect(result.stderr.hasSuffix("error: one.json: " + message), "\(result.stderr)")
        }
        for arguments in [["run", "--out", "a"], ["compare", "--out", "b"], ["draw", "--transactions", "10", "--out", "c"]] {
            let result = try TangleSimBinary.run([arguments[0], "two.json"] + arguments.dropFirst() + ["--seed", "1"], in: folder)
            #expect(result.status == 2, "\(arguments) --seed 1")
            #expect(result.stderr == "error: two.json: " + message, "\(arguments): \(result.stderr)")
        }
        let accepted = try TangleSimBinary.run(["run", "two.json", "--out", "d"], in: folder)
        #expect(accepted.status == 0, "seed 2 draws a connected graph: \(accepted.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["d", "one.json", "two.json"], "only the accepted run wrote anything")
    }

    @Test("a random topology that cannot be drawn connected exits 2 before anything runs, for run and sweep")
    func unconnectableTopology() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Degree 1 on 4 nodes: two separate links, never one network.
        let network = #""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "randomRegular", "degree": 1}, "linkLatency": 0.1}"#
        try #"{"duration": 10, "devices": [{"count": 4, "rate": 1}], \#(network)}"#
            .write(to: folder.appendingPathComponent("single.json"), atomically: true, encoding: .utf8)
        try #"{"duration": 10, "devices": [{"count": 4, "rate": 1}], \#(network), "sweep": {"parameters": {"devices[0].rate": [1, 2]}}}"#
            .write(to: folder.appendingPathComponent("swept.json"), atomically: true, encoding: .utf8)
        let message = "network.topology: could not draw a connected randomRegular network of 4 nodes in 100 attempts; use more links per node\n"
        let run = try TangleSimBinary.run(["run", "single.json", "--out", "a"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr == "error: single.json: " + message)
        let sweep = try TangleSimBinary.run(["sweep", "swept.json", "--out", "b"], in: folder)
        #expect(sweep.status == 2)
        #expect(sweep.stderr == "error: swept.json: " + message)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["single.json", "swept.json"], "nothing written")
    }
}
