import Foundation
import Testing

/// Every name in `folder`, hidden ones included, sorted (empty when it does not exist).
private func listing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

private func write(_ text: String, _ folder: URL, _ name: String) throws {
    try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

private func scenario(_ name: String) -> String {
    TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios/" + name).path
}

/// Runs `tanglesim` under `/bin/sh` with a file-size limit of `blocks` (`ulimit -f`): a disk
/// that is full for every file larger than that.
private func tanglesimWithFileLimit(_ blocks: Int, _ arguments: [String], in folder: URL) throws -> CommandResult {
    try TangleSimBinary.run(arguments, in: folder, ulimit: "-f \(blocks)")
}

/// Starts `tanglesim`, sends it `signal` as soon as `ready()` holds, and waits for it.
///
/// - Returns: what it did, and whether the signal was sent (false: it ended first).
private func interrupt(
    _ arguments: [String], in folder: URL, with signal: Int32, when ready: () -> Bool
) throws -> (result: CommandResult, signalled: Bool) {
    let process = Process()
    process.executableURL = TangleSimBinary.productsDirectory.appendingPathComponent("tanglesim")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(300)
    while process.isRunning && !ready() && Date() < deadline { usleep(1_000) }
    let signalled = process.isRunning && ready()
    if signalled { kill(process.processIdentifier, signal) }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        CommandResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)), signalled
    )
}

/// Whether `folder` has a staging folder holding `name` (a run writing that file).
private func isStaging(_ name: String, in folder: URL) -> Bool {
    listing(folder).contains { $0.hasPrefix(".staging.") && listing(folder.appendingPathComponent($0)).contains(name) }
}

/// A temporary's name from another process: `.BASE.HOST.PID.1.tmp`, with this host's name
/// as TangleSim writes it.
private func temporaryName(_ base: String, host: String? = nil, pid: pid_t) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, buffer.count - 1)
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let safe = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    return ".\(base).\(host ?? safe).\(pid).1.tmp"
}

/// A small run with a coordinator and a transaction log.
private let coordinatorRun = #"""
    {"name": "r", "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 1}],
     "consensus": {"kind": "coordinator", "interval": 5},
     "metrics": {"orphanTimeout": 20, "transactionLog": true}}
    """#

/// The same without a confirmation rule or a transaction log.
private let plainRun = #"{"name": "r", "duration": 120, "devices": [{"count": 20, "rate": 1}]}"#

/// A run whose transaction log (about 85 MB) takes a while to write.
private let bigLogRun = #"""
    {"name": "big", "transactions": 1000000, "devices": [{"count": 100, "rate": 1}], "metrics": {"transactionLog": true}}
    """#

/// A sweep of 4 points × 3 replications, each run a fraction of a second.
private let miniSweep = #"""
    {"name": "mini", "seed": 3, "duration": 200, "warmup": 20,
     "devices": [{"count": 100, "rate": 0.5}], "metrics": {"orphanTimeout": 20},
     "sweep": {"parameters": {"network.delay": [0.5, 1.5], "tangle.parents": [2, 3]}, "replications": 3}}
    """#

@Suite("Where results go: --out, stale files, full disks and interruptions")
struct OutputCLITests {
    @Test(
        "an unusable --out is a bad flag naming it and the path; nothing is written, neither there nor in /",
        arguments: [
            ["run", scenario("quickstart.json")], ["compare", scenario("compare-strategies.json")],
            ["sweep", scenario("sweep-example.json")], ["merge", "d"], ["plot", "r"],
            ["slurm", scenario("sweep-example.json"), "--shards", "2"],
            ["draw", scenario("quickstart.json"), "--transactions", "5"],
        ])
    func badOut(command: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("", folder, "afile")
        let root = listing(URL(fileURLWithPath: "/"))
        for (out, message) in [
            ("", "Error: --out '': the path is empty; give a folder"),
            ("afile", "Error: --out 'afile': a file of that name exists; give a folder"),
            ("afile/sub", "Error: --out 'afile/sub': 'afile' is a file, not a folder"),
        ] {
            let result = try TangleSimBinary.run(command + ["--out", out], in: folder)
            #expect(result.status == 64, "\(command) --out '\(out)'")
            #expect(result.stderr.hasPrefix(message + "\n"), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(listing(folder) == ["afile"], "nothing written in the current folder")
        #expect(listing(URL(fileURLWithPath: "/")) == root, "nothing written in /")
    }

    @Test("slurm --script and merge's folders are checked like --out")
    func badScriptAndFolders() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("", folder, "afile")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let slurm = ["slurm", scenario("sweep-example.json"), "--shards", "2", "--out", "s", "--script"]
        for (arguments, message) in [
            (slurm + [""], "Error: --script '': the path is empty; give a file"),
            (slurm + ["sub"], "Error: --script 'sub': a folder of that name exists; give a file"),
            (slurm + ["afile/submit.sh"], "Error: --script 'afile/submit.sh': 'afile' is a file, not a folder"),
            (["merge", ""], "Error: <dir> '': the path is empty; give a sweep folder"),
            (["merge", "d", "d/"], "Error: <dir> 'd' and 'd/' are the same folder; give each folder once"),
            (["merge", "d", "./x/../d"], "Error: <dir> 'd' and './x/../d' are the same folder; give each folder once"),
            (["plot", ""], "Error: <results> '': the path is empty; give a results folder or CSV file"),
        ] {
            let result = try TangleSimBinary.run(arguments, in: folder)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix(message + "\n"), "\(arguments): \(result.stderr)")
        }
        #expect(listing(folder) == ["afile", "sub"])
        #expect(listing(folder.appendingPathComponent("sub")).isEmpty)
    }

    @Test("an --out that cannot be written is a bad flag naming the folder and the reason", .enabled(if: geteuid() != 0))
    func unwritableOut() throws {
        let folder = try temporaryFolder()
        defer {
            chmod(folder.appendingPathComponent("ro").path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("ro"), withIntermediateDirectories: true)
        chmod(folder.appendingPathComponent("ro").path, 0o555)
        for (out, message) in [
            ("ro", "Error: --out 'ro': cannot write in 'ro': Permission denied"),
            ("ro/x/y", "Error: --out 'ro/x/y': cannot create a folder in 'ro': Permission denied"),
        ] {
            let result = try TangleSimBinary.run(["run", scenario("quickstart.json"), "--out", out], in: folder)
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
        }
    }

    @Test("a run owns its folder: files of an earlier run or comparison it does not write are removed, nothing else")
    func staleFilesAreRemoved() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(coordinatorRun, folder, "coordinator.json")
        try write(plainRun, folder, "plain.json")
        let first = try TangleSimBinary.run(["run", "coordinator.json", "--out", "r"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let plotted = try TangleSimBinary.run(["plot", "r"], in: folder)
        #expect(plotted.stdout.hasPrefix("wrote r/figures/{r-tips.svg,r-latency-cdf.svg,r-weight-growth.svg}\n"))
        let r = folder.appendingPathComponent("r")
        try write("mine", r, "notes.txt")
        #expect(listing(r) == ["classes.csv", "figures", "latency.csv", "manifest.json", "notes.txt", "summary.csv", "timeseries.csv", "transactions.csv"])

        let second = try TangleSimBinary.run(["run", "plain.json", "--out", "r"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasSuffix("  wrote r/{summary.csv,timeseries.csv,classes.csv,manifest.json}\n"))
        #expect(listing(r) == ["classes.csv", "figures", "manifest.json", "notes.txt", "summary.csv", "timeseries.csv"], "no stale latency.csv, transactions.csv")
        let replotted = try TangleSimBinary.run(["plot", "r"], in: folder)
        #expect(replotted.stdout.hasPrefix("wrote r/figures/{r-tips.svg}\n"))
        #expect(listing(r.appendingPathComponent("figures")) == ["r-tips.dat", "r-tips.gp", "r-tips.svg"], "no stale figures")

        try write(
            #"{"name": "r", "duration": 60, "devices": [{"count": 5, "rate": 1}], "metrics": {"orphanTimeout": 10}, "variants": [{"label": "URTS"}]}"#,
            folder, "cmp.json")
        let compared = try TangleSimBinary.run(["compare", "cmp.json", "--out", "r"], in: folder)
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(listing(r) == ["compare-classes.csv", "compare-latency.csv", "compare.csv", "figures", "manifest.json", "notes.txt"])
        #expect(try String(contentsOf: r.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }

    @Test("run and compare refuse a sweep's folder; sweep and merge refuse a run's: exit 1, the reason, nothing written")
    func otherKindsOfResultsAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(miniSweep, folder, "mini.json")
        try write(plainRun, folder, "plain.json")
        try write(
            #"{"name": "c", "duration": 10, "devices": [{"count": 5, "rate": 1}], "metrics": {"orphanTimeout": 2}, "variants": [{"label": "URTS"}]}"#,
            folder, "cmp.json")
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "s"], in: folder).status == 0)
        #expect(try TangleSimBinary.run(["run", "plain.json", "--out", "r"], in: folder).status == 0)
        let sweepFolder = listing(folder.appendingPathComponent("s")), runFolder = listing(folder.appendingPathComponent("r"))
        let intoSweep = "error: s holds a sweep (s/sweep.json): a run or comparison writes into a folder of its own. Write to another --out folder.\n"
        let intoRun = "error: r holds the results of a run or comparison (r/manifest.json): a sweep writes into a folder of its own. Write to another --out folder.\n"
        for (arguments, message) in [
            (["run", "plain.json", "--out", "s"], intoSweep), (["compare", "cmp.json", "--out", "s"], intoSweep),
            (["sweep", "mini.json", "--out", "r"], intoRun), (["merge", "s", "--out", "r"], intoRun),
        ] {
            let result = try TangleSimBinary.run(arguments, in: folder)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr == message, "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
        // slurm writes absolute paths (its script runs on other machines).
        let slurm = try TangleSimBinary.run(["slurm", "mini.json", "--shards", "2", "--out", "r"], in: folder)
        let r = folder.resolvingSymlinksInPath().appendingPathComponent("r").path
        #expect(slurm.status == 1)
        #expect(slurm.stderr == intoRun.replacingOccurrences(of: "error: r holds", with: "error: \(r) holds")
            .replacingOccurrences(of: "(r/manifest.json)", with: "(\(r)/manifest.json)"))
        #expect(listing(folder.appendingPathComponent("s")) == sweepFolder)
        #expect(listing(folder.appendingPathComponent("r")) == runFolder)
        #expect(listing(folder) == ["cmp.json", "mini.json", "plain.json", "r", "s"])
    }

    @Test("a full disk during a run: exit 1 naming the file; no temporary, no final file, earlier results untouched")
    func fullDiskRun() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(coordinatorRun, folder, "r.json")
        // transactions.csv has about 300 kB, the other files under 50 kB: a limit of 100 blocks
        // (51 or 102 kB) fails on it.
        let fresh = try tanglesimWithFileLimit(100, ["run", "r.json", "--out", "out"], in: folder)
        #expect(fresh.status == 1)
        #expect(fresh.stderr == "error: cannot write out/transactions.csv: File too large\n")
        #expect(fresh.stdout.isEmpty)
        #expect(listing(folder) == ["r.json"], "not even the folder")

        #expect(try TangleSimBinary.run(["run", "r.json", "--out", "out", "--seed", "7"], in: folder).status == 0)
        let out = folder.appendingPathComponent("out")
        let before = try listing(out).map { try Data(contentsOf: out.appendingPathComponent($0)) }
        let again = try tanglesimWithFileLimit(100, ["run", "r.json", "--out", "out"], in: folder)
        #expect(again.status == 1)
        #expect(again.stderr == "error: cannot write out/transactions.csv: File too large\n")
        #expect(listing(out) == ["classes.csv", "latency.csv", "manifest.json", "summary.csv", "timeseries.csv", "transactions.csv"])
        #expect(try listing(out).map { try Data(contentsOf: out.appendingPathComponent($0)) } == before, "the earlier run's files, unchanged")
        #expect(listing(folder) == ["out", "r.json"])
    }

    @Test("a full disk during a sweep: exit 1 naming the record; no temporary in runs/")
    func fullDiskSweep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(miniSweep, folder, "mini.json")
        // sweep.json and run 0 first; then records (about 1.1 kB) exceed a 1-block limit.
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "s", "--shard", "0", "--of", "12"], in: folder).status == 0)
        let result = try tanglesimWithFileLimit(1, ["sweep", "mini.json", "--out", "s", "--jobs", "1"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot write s/runs/run-000001.csv: File too large\n")
        #expect(listing(folder.appendingPathComponent("s")) == ["runs", "sweep.json"])
        #expect(listing(folder.appendingPathComponent("s/runs")) == ["locks", "run-000000.csv"])
    }

    @Test("a full disk during plot: exit 1 naming the file; nothing written")
    func fullDiskPlot() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(plainRun, folder, "r.json")
        #expect(try TangleSimBinary.run(["run", "r.json", "--out", "r"], in: folder).status == 0)
        let result = try tanglesimWithFileLimit(1, ["plot", "r", "--out", "figures"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot write figures/r-tips.gp: File too large\n")
        #expect(listing(folder) == ["r", "r.json"])
    }

    @Test("SIGINT or SIGTERM while a run writes: exit 130 or 143, temporaries removed, earlier results untouched")
    func interruptedRun() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(bigLogRun, folder, "big.json")
        let out = folder.appendingPathComponent("out")
        let (interrupted, signalled) = try interrupt(["run", "big.json", "--out", "out"], in: folder, with: SIGINT) {
            isStaging("transactions.csv", in: out)
        }
        #expect(signalled, "interrupted while writing transactions.csv")
        #expect(interrupted.status == 130)
        #expect(interrupted.stderr == "error: interrupted by SIGINT; temporary files removed\n")
        #expect(listing(folder) == ["big.json"], "neither a temporary nor the folder")

        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try write("earlier", out, "summary.csv")
        let (terminated, alsoSignalled) = try interrupt(["run", "big.json", "--out", "out"], in: folder, with: SIGTERM) {
            isStaging("transactions.csv", in: out)
        }
        #expect(alsoSignalled)
        #expect(terminated.status == 143)
        #expect(terminated.stderr == "error: interrupted by SIGTERM; temporary files removed\n")
        #expect(listing(out) == ["summary.csv"])
        #expect(try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8) == "earlier")
    }

    @Test("SIGTERM during a sweep: exit 143; the recorded runs stay, no temporary")
    func interruptedSweep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(miniSweep.replacingOccurrences(of: #""replications": 3"#, with: #""replications": 50"#), folder, "mini.json")
        let runs = folder.appendingPathComponent("s/runs")
        let (result, signalled) = try interrupt(["sweep", "mini.json", "--out", "s", "--jobs", "1"], in: folder, with: SIGTERM) {
            listing(runs).filter { $0.hasPrefix("run-") }.count >= 2
        }
        #expect(signalled)
        #expect(result.status == 143)
        #expect(result.stderr.hasSuffix("error: interrupted by SIGTERM; temporary files removed\n"))
        let names = listing(runs)
        #expect(names.allSatisfy { $0 == "locks" || ($0.hasPrefix("run-") && $0.hasSuffix(".csv")) }, "\(names)")
        #expect(listing(folder.appendingPathComponent("s")) == ["runs", "sweep.json"])
    }

    @Test("temporaries of dead processes of this host are removed at start; others' are left")
    func staleTemporaries() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(plainRun, folder, "r.json")
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = temporaryName("transactions.csv", pid: finished.processIdentifier)
        let otherHost = temporaryName("transactions.csv", host: "another-node", pid: finished.processIdentifier)
        let alive = temporaryName("transactions.csv", pid: getpid())
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for name in [dead, otherHost, alive] { try write("x", out, name) }
        #expect(try TangleSimBinary.run(["run", "r.json", "--out", "out"], in: folder).status == 0)
        #expect(listing(out) == [alive, otherHost, "classes.csv", "manifest.json", "summary.csv", "timeseries.csv"].sorted())
    }

    @Test("two sweeps into one folder share the work: every run is simulated once, both write the full files")
    func concurrentSweeps() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(miniSweep, folder, "mini.json")
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "alone"], in: folder).status == 0)
        // Started together, both with the folder empty; each writes a few lines only, so
        // waiting before reading their pipes cannot block them.
        let processes = (0..<2).map { _ in Process() }
        var pipes: [(Pipe, Pipe)] = []
        for process in processes {
            process.executableURL = TangleSimBinary.productsDirectory.appendingPathComponent("tanglesim")
            process.arguments = ["sweep", "mini.json", "--out", "shared", "--jobs", "1"]
            process.currentDirectoryURL = folder
            pipes.append((Pipe(), Pipe()))
            process.standardOutput = pipes.last!.0
            process.standardError = pipes.last!.1
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        let results = zip(processes, pipes).map { process, pipes in
            CommandResult(
                status: process.terminationStatus,
                stdout: String(decoding: pipes.0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                stderr: String(decoding: pipes.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        var ranNow = 0
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            let counts = result.stdout.split(separator: "\n")[0].split(separator: "(")[1].split(separator: ",")
            ranNow += Int(counts[0].split(separator: " ")[0])!
            #expect(result.stdout.hasSuffix("\n  wrote shared/{sweep.csv,aggregate.csv}\n"))
        }
        #expect(ranNow == 12, "each run simulated by exactly one of them")
        for name in ["sweep.csv", "aggregate.csv"] {
            #expect(
                try Data(contentsOf: folder.appendingPathComponent("shared/" + name))
                    == Data(contentsOf: folder.appendingPathComponent("alone/" + name)))
        }
    }

    @Test("small flag checks: more Slurm shards than runs; --jobs shows one default")
    func smallFlagChecks() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = try TangleSimBinary.run(["slurm", scenario("sweep-example.json"), "--shards", "20", "--out", "s"], in: folder)
        #expect(shards.status == 64)
        #expect(shards.stderr.hasPrefix(
            "Error: --shards 20 is more than the 12 runs of the sweep: 8 shards would have nothing to do; give --shards 12 or fewer\n"))
        #expect(listing(folder).isEmpty)
        for command in ["sweep", "check"] {
            let help = try TangleSimBinary.run([command, "--help"])
            let line = help.stdout.split(separator: "\n").first { $0.contains("--jobs <n>") && !$0.contains("USAGE") }
            #expect(line?.hasSuffix("Worker threads (default: all cores).") == true, "\(command): \(line ?? "")")
        }
    }
}
