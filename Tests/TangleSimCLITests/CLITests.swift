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
    static func run(
        _ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String]? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("tanglesim")
        process.arguments = arguments
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
        try #"{"transactions": 50, "devices": [{"count": 3, "rate": 2}], "network": {"delay": 0.5}}"#
            .write(to: folder.appendingPathComponent("tiny.json"), atomically: true, encoding: .utf8)
        let result = try TangleSimBinary.run(["validate", "tiny.json"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("tiny.json: estimate for run: "), "the estimate, on standard error")
        #expect(result.stdout.contains(#""name": "tiny""#))
        #expect(result.stdout.contains(#""distribution": "constant""#))
        #expect(result.stdout.contains(#""orphanTimeout": 60"#))
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
            outputs.append(try ["summary.csv", "timeseries.csv", "transactions.csv"].map {
                try Data(contentsOf: directory.appendingPathComponent($0))
            })
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["manifest.json", "summary.csv", "timeseries.csv", "transactions.csv"], "no temporary file left")
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

    @Test("every scenario in Scenarios/ validates and runs end to end")
    func shippedScenarios() throws {
        let scenarios = TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios")
        let files = try FileManager.default.subpathsOfDirectory(atPath: scenarios.path).filter { $0.hasSuffix(".json") }
        #expect(!files.isEmpty)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in files.sorted() {
            let path = scenarios.appendingPathComponent(file).path
            let validated = try TangleSimBinary.run(["validate", path])
            #expect(validated.status == 0, "\(file): \(validated.stderr)")
            let out = folder.appendingPathComponent(file).path
            // A scenario with a "sweep" section is run with `tanglesim sweep`, which writes
            // summary rows into sweep.csv instead of summary.csv.
            let isSweep = validated.stdout.hasPrefix(path + ": a sweep of ")
            let ran = try TangleSimBinary.run([isSweep ? "sweep" : "run", path, "--out", out])
            #expect(ran.status == 0, "\(file): \(ran.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + (isSweep ? "/sweep.csv" : "/summary.csv")), "\(file)")
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
