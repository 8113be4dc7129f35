import Foundation
import Testing

/// A sweep of 4 points × `replications` runs, each a fraction of a second in a debug build.
private func sweepScenario(replications: Int = 3, seed: Int = 3) -> String {
    """
    {"name": "mini", "seed": \(seed), "duration": 200, "warmup": 20,
     "devices": [{"count": 100, "rate": 0.5}], "metrics": {"orphanTimeout": 20},
     "sweep": {"parameters": {"network.delay": [0.5, 1.5], "tangle.parents": [2, 3]}, "replications": \(replications)}}
    """
}

/// The final files of a sweep folder.
private func finalFiles(_ folder: URL) throws -> [Data] {
    try ["sweep.csv", "aggregate.csv"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }
}

private func write(_ text: String, to url: URL) throws {
    try text.write(to: url, atomically: true, encoding: .utf8)
}

@Suite("Sweeps from the command line")
struct SweepCLITests {
    @Test("--jobs 1 and --jobs 2 give identical sweep.csv and aggregate.csv")
    func jobsDoNotMatter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(), to: folder.appendingPathComponent("mini.json"))
        var outputs: [[Data]] = []
        for jobs in ["1", "2"] {
            let result = try TangleSimBinary.run(["sweep", "mini.json", "--jobs", jobs, "--out", "j\(jobs)"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("mini: 12 runs (12 run now, 0 already recorded)"))
            #expect(result.stderr.split(separator: "\n").count == 12, "one line per finished run")
            outputs.append(try finalFiles(folder.appendingPathComponent("j\(jobs)")))
        }
        #expect(outputs[0] == outputs[1])
        let sweep = String(decoding: outputs[0][0], as: UTF8.self).split(separator: "\n")
        #expect(sweep.count == 13)
        #expect(sweep[0].hasPrefix("point,network.delay,tangle.parents,scenario,seed,replication,"))
        #expect(sweep[1].hasPrefix("0,0.5,2,mini,"))
        #expect(sweep[12].hasPrefix("3,1.5,3,mini,"))
        let aggregate = String(decoding: outputs[0][1], as: UTF8.self).split(separator: "\n")
        #expect(aggregate.count == 5)
        #expect(aggregate[0].hasPrefix("point,network.delay,tangle.parents,replications,mean_tips_mean,mean_tips_sd,mean_tips_ci95,"))
        #expect(aggregate[4].hasPrefix("3,1.5,3,3,"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("j2/runs").path).sorted()
        #expect(names == ["locks"] + (0..<12).map { "run-0000\($0 < 10 ? "0" : "")\($0).csv" }, "no temporary file left: \(names)")
    }

    @Test("a sweep killed midway and run again gives the files of a sweep run straight through")
    func killedAndResumed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(replications: 6), to: folder.appendingPathComponent("mini.json"))
        let straight = try TangleSimBinary.run(["sweep", "mini.json", "--out", "straight"], in: folder)
        #expect(straight.status == 0, "\(straight.stderr)")

        let process = Process()
        process.executableURL = TangleSimBinary.productsDirectory.appendingPathComponent("tanglesim")
        process.arguments = ["sweep", "mini.json", "--out", "killed", "--jobs", "1"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let runs = folder.appendingPathComponent("killed/runs")
        func recorded() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter { $0.hasPrefix("run-") }.count
        }
        let deadline = Date().addingTimeInterval(60)
        while recorded() < 3 && process.isRunning && Date() < deadline {
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "killed, not finished")
        let before = recorded()
        #expect(before >= 3 && before < 24, "killed midway: \(before) of 24 runs recorded")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("killed/sweep.csv").path))

        let resumed = try TangleSimBinary.run(["sweep", "mini.json", "--out", "killed"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("mini: 24 runs (\(24 - before) run now, \(before) already recorded)"))
        #expect(try finalFiles(folder.appendingPathComponent("killed")) == finalFiles(folder.appendingPathComponent("straight")))
    }

    @Test("shards in one shared folder or in folders of their own merge into the unsharded files")
    func shardsMerge() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(), to: folder.appendingPathComponent("mini.json"))
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "whole"], in: folder).status == 0)
        for shard in 0..<3 {
            let shared = try TangleSimBinary.run(
                ["sweep", "mini.json", "--out", "shared", "--shard", "\(shard)", "--of", "3"], in: folder)
            #expect(shared.status == 0, "\(shared.stderr)")
            #expect(shared.stdout.contains("mini shard \(shard) of 3: 4 runs"))
            #expect(shared.stdout.contains("once every shard is done: tanglesim merge shared"))
            let own = try TangleSimBinary.run(
                ["sweep", "mini.json", "--out", "own\(shard)", "--shard", "\(shard)", "--of", "3"], in: folder)
            #expect(own.status == 0, "\(own.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("shared/sweep.csv").path))
        let merged = try TangleSimBinary.run(["merge", "shared"], in: folder)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == "merged 12 runs of 4 points from shared\n  wrote shared/{sweep.csv,aggregate.csv}\n")
        let whole = try finalFiles(folder.appendingPathComponent("whole"))
        #expect(try finalFiles(folder.appendingPathComponent("shared")) == whole)

        let separate = try TangleSimBinary.run(["merge", "own0", "own1", "own2", "--out", "joined"], in: folder)
        #expect(separate.status == 0, "\(separate.stderr)")
        #expect(try finalFiles(folder.appendingPathComponent("joined")) == whole)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("joined/sweep.json").path))
    }

    @Test("merge refuses a missing or duplicated run, naming it")
    func mergeRefusesIncompleteSets() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(), to: folder.appendingPathComponent("mini.json"))
        for shard in 0..<2 {
            let result = try TangleSimBinary.run(
                ["sweep", "mini.json", "--out", "s\(shard)", "--shard", "\(shard)", "--of", "2"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let alone = try TangleSimBinary.run(["merge", "s0"], in: folder)
        #expect(alone.status == 1)
        #expect(alone.stdout.isEmpty)
        #expect(alone.stderr == """
            error: 6 of 12 runs are missing: run 1 (point 0, replication 1), run 3 (point 1, replication 0), \
            run 5 (point 1, replication 2), run 7 (point 2, replication 1), run 9 (point 3, replication 0), \
            run 11 (point 3, replication 2). Run `tanglesim sweep` again (with the same --shard/--of for a shard) to record them.

            """)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s0/sweep.csv").path))

        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("s1/runs/run-000003.csv"),
            to: folder.appendingPathComponent("s0/runs/run-000003.csv"))
        let duplicated = try TangleSimBinary.run(["merge", "s0", "s1"], in: folder)
        #expect(duplicated.status == 1)
        #expect(duplicated.stderr == """
            error: 1 run is recorded more than once: run 3 (point 1, replication 0) in s0/runs/run-000003.csv \
            and s1/runs/run-000003.csv. Keep one record of each run and merge again.

            """)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("s0/runs/run-000003.csv"))
        #expect(try TangleSimBinary.run(["merge", "s0", "s1"], in: folder).status == 0)

        let empty = try TangleSimBinary.run(["merge", "nowhere"], in: folder)
        #expect(empty.status == 1)
        #expect(empty.stderr == "error: nowhere/sweep.json is missing: nowhere is not a sweep folder (tanglesim sweep writes one)\n")
    }

    @Test("a changed scenario is refused in a folder holding another sweep's runs")
    func changedScenarioIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(replications: 1), to: folder.appendingPathComponent("mini.json"))
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "out"], in: folder).status == 0)
        try write(sweepScenario(replications: 1, seed: 4), to: folder.appendingPathComponent("mini.json"))
        let result = try TangleSimBinary.run(["sweep", "mini.json", "--out", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: out holds runs of a different sweep (fingerprint "))
        #expect(result.stderr.hasSuffix(
            "the scenario changed since those runs. Write to another --out folder, or delete out to start over.\n"))
    }

    @Test("runs recorded by another TangleSim version are never mixed in: the folder is refused")
    func otherVersionIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(replications: 1), to: folder.appendingPathComponent("mini.json"))
        #expect(try TangleSimBinary.run(["sweep", "mini.json", "--out", "out"], in: folder).status == 0)
        let manifest = folder.appendingPathComponent("out/sweep.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let version = try #require(text.range(of: #""tanglesim_version": "[^"]*""#, options: .regularExpression))
        try text.replacingCharacters(in: version, with: #""tanglesim_version": "0.1.0""#)
            .write(to: manifest, atomically: true, encoding: .utf8)
        let result = try TangleSimBinary.run(["sweep", "mini.json", "--out", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: out holds runs recorded by TangleSim 0.1.0 (this is "))
        #expect(result.stderr.hasSuffix(
            "runs of different versions are not mixed. Write to another --out folder, or delete out to start over.\n"))
    }

    @Test("a bad sweep names the point and the field, exit status 2, nothing written")
    func badSweep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "sweep": {"parameters": {"tangle.parents": [2, 9]}}}"#,
            to: folder.appendingPathComponent("bad.json"))
        try write(
            #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "sweep": {"parameters": {"devices[1].rate": [2]}}}"#,
            to: folder.appendingPathComponent("path.json"))
        let messages = [
            "bad.json": "error: bad.json: tangle.parents: expected an integer from 1 to 8, got 9 (in sweep point 1: tangle.parents = 9)\n",
            "path.json": #"error: path.json: sweep.parameters["devices[1].rate"]: cannot set devices[1].rate: devices[1] does not exist: devices has 1 element (in sweep point 0: devices[1].rate = 2)"# + "\n",
        ]
        for (file, message) in messages {
            for command in [["validate", file], ["sweep", file, "--out", "out"], ["slurm", file, "--shards", "2", "--out", "out"], ["run", file, "--out", "out"]] {
                let result = try TangleSimBinary.run(command, in: folder)
                #expect(result.status == 2, "\(command)")
                #expect(result.stderr == message, "\(command)")
                #expect(result.stdout.isEmpty)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("validate counts a sweep's runs; run refuses a sweep; sweep refuses a single scenario")
    func commandsTellSweepsApart() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(), to: folder.appendingPathComponent("mini.json"))
        try write(#"{"duration": 10, "devices": [{"count": 1, "rate": 1}]}"#, to: folder.appendingPathComponent("one.json"))
        let validated = try TangleSimBinary.run(["validate", "mini.json"], in: folder)
        #expect(validated.status == 0)
        let lines = validated.stdout.split(separator: "\n")
        #expect(lines[0] == "mini.json: a sweep of 4 points × 3 replications = 12 runs (grid of network.delay, tangle.parents)")
        #expect(lines[1].hasPrefix("  point 0: network.delay = 0.5, tangle.parents = 2, seed "))
        #expect(lines.count == 6 + 1 + 4 + 1, "then the estimate: a line, one per point, the limits")
        #expect(lines[6].hasPrefix("  estimate for sweep with --jobs "))

        let ran = try TangleSimBinary.run(["run", "mini.json"], in: folder)
        #expect(ran.status == 2)
        #expect(ran.stderr == "error: mini.json: sweep: this scenario is a sweep of 12 runs: run it with `tanglesim sweep mini.json`\n")

        let swept = try TangleSimBinary.run(["sweep", "one.json"], in: folder)
        #expect(swept.status == 2)
        #expect(swept.stderr == #"error: one.json: no "sweep" section: add one (see README, "Sweeps") or run it with `tanglesim run one.json`"# + "\n")
    }

    @Test(
        "bad sweep flags are the argument parser's, with its usage status",
        arguments: [
            (["sweep", "x.json", "--shard", "2", "--of", "2"], "Error: --shard must be from 0 to 1 (--of 2), got 2"),
            (["sweep", "x.json", "--shard", "0"], "Error: --shard needs --of, the number of shards"),
            (["sweep", "x.json", "--jobs", "0"], "Error: --jobs must be at least 1, got 0"),
            (["slurm", "x.json", "--shards", "0"], "Error: --shards must be at least 1, got 0"),
            (["slurm", "x.json"], "Error: Missing expected argument '--shards <n>'"),
        ])
    func badFlags(arguments: [String], message: String) throws {
        let result = try TangleSimBinary.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
    }

    @Test("slurm writes a submission script: a job array over the shards and a merge job after them")
    func slurmScript() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(sweepScenario(), to: folder.appendingPathComponent("mini.json"))
        let result = try TangleSimBinary.run(
            ["slurm", "mini.json", "--shards", "3", "--cpus", "2", "--partition", "short", "--time", "0:10:00", "--out", "out"],
            in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let out = folder.resolvingSymlinksInPath().appendingPathComponent("out").path
        #expect(result.stdout.contains("wrote \(out)/slurm/submit.sh"))
        let script = try String(contentsOfFile: out + "/slurm/submit.sh", encoding: .utf8)
        #expect(script.hasPrefix("#!/usr/bin/env bash\n"))
        #expect(script.contains("--array=0-2 \\\n    --ntasks=1 --cpus-per-task=2 --partition=short --time=0:10:00"))
        #expect(script.contains(#"--shard "$SLURM_ARRAY_TASK_ID" --of 3 --jobs 2"#))
        #expect(script.contains(#"--dependency=afterok:"$array_job" --kill-on-invalid-dep=yes"#))
        #expect(script.contains(" merge \(out)\n"))
        #expect(FileManager.default.isExecutableFile(atPath: out + "/slurm/submit.sh"))
        #expect(FileManager.default.fileExists(atPath: out + "/sweep.json"), "the folder is tied to the sweep")
        let syntax = Process()
        syntax.executableURL = URL(fileURLWithPath: "/bin/bash")
        syntax.arguments = ["-n", out + "/slurm/submit.sh"]
        try syntax.run()
        syntax.waitUntilExit()
        #expect(syntax.terminationStatus == 0, "bash -n accepts the script")
    }
}
