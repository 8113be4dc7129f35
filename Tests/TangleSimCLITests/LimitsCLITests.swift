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

    /// Runs `tanglesim` with `arguments` in `directory`; with `virtualKiB`, under
    /// `ulimit -v virtualKiB` (a shell lowers the limit, then becomes tanglesim), so that
    /// a refusal names the same limit on any machine.
    func run(_ arguments: [String], in directory: URL, virtualKiB: Int? = nil) throws -> CommandResult {
        try TangleSimBinary.run(arguments, in: directory, ulimit: virtualKiB.map { "-v \($0)" })
    }

    /// Scenarios that used to abort, hang or grow without bound, each with the command that
    /// refuses it and the exact message. Memory refusals run under `ulimit -v 2 GiB` (4 GiB
    /// for the MCMC rings, the limit the test suite runs under) so that the limit named is
    /// the same on every machine.
    static let refusals: [(name: String, contents: String, command: String, virtualKiB: Int?, message: String)] = [
        ("window.json", #"{"duration":600,"devices":[{"count":1000,"rate":0.1}],"tipSelection":{"strategy":"mcmc","start":{"kind":"window","W":1e300}}}"#,
         "run", 2_097_152,
         "window.json: tipSelection.start.W: a window of 1e+300 s at lambda 100/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.3e+05 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("depth.json", #"{"duration":600,"devices":[{"count":1000,"rate":0.1}],"tipSelection":{"strategy":"mcmc","start":{"kind":"milestone","depth":1e6}},"consensus":{"kind":"coordinator","interval":10}}"#,
         "run", 2_097_152,
         "depth.json: tipSelection.start.depth: a walk start 1000000 milestones of 10 s back at lambda 100/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.3e+05 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("rate.json", #"{"duration":600,"devices":[{"count":1,"rate":1e300}]}"#, "run", nil,
         "rate.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got 1e+300"),
        ("count.json", #"{"transactions":9e18,"devices":[{"count":1000,"rate":1}]}"#, "run", nil,
         "count.json: transactions: 9e+18 arrivals at lambda 1000/s means about 1.8e+19 events (the run about 1.8e+19 in all); runs are limited to 1e+12 events"),
        ("written.json", #"{"transactions":9000000000000000000,"devices":[{"count":1000,"rate":1}]}"#, "run", nil,
         "written.json: transactions: 9e+18 arrivals at lambda 1000/s means about 1.8e+19 events (the run about 1.8e+19 in all); runs are limited to 1e+12 events"),
        ("samples.json", #"{"duration":600,"devices":[{"count":1000,"rate":1}],"metrics":{"sampleInterval":1e-300}}"#, "run", nil,
         "samples.json: metrics.sampleInterval: expected a number of seconds, at least 1e-6, got 1e-300"),
        ("rows.json", #"{"duration":600,"devices":[{"count":1000,"rate":1}],"metrics":{"sampleInterval":1e-6}}"#, "run", 2_097_152,
         "rows.json: metrics.sampleInterval: a sample every 1e-06 s for 600 s (600000001 rows) needs about 180.0 GiB of time series (the run about 183.7 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("milestones.json", #"{"duration":600,"devices":[{"count":1000,"rate":1}],"consensus":{"kind":"coordinator","interval":1e-300}}"#, "run", nil,
         "milestones.json: consensus.interval: expected a number of seconds, at least 1e-6, got 1e-300"),
        ("fast-milestones.json", #"{"duration":600,"devices":[{"count":1000,"rate":1}],"consensus":{"kind":"coordinator","interval":1e-6}}"#, "run", 2_097_152,
         "fast-milestones.json: consensus.interval: a Tangle of 600600001 transactions (2 parent slots) needs about 25.4 GiB of tangle columns (the run about 37.1 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("duration.json", #"{"duration":1e18,"devices":[{"count":1000,"rate":1}]}"#, "run", nil,
         "duration.json: duration: 1e+21 arrivals at lambda 1000/s means about 2e+21 events (the run about 2e+21 in all); runs are limited to 1e+12 events"),
        ("mesh.json", #"{"duration":60,"devices":[{"count":1000,"rate":1}],"network":{"model":"gossip","nodes":100000,"topology":{"kind":"fullMesh"},"linkLatency":0.1}}"#,
         "run", 2_097_152,
         "mesh.json: network.topology: a fullMesh network of 100000 nodes (4999950000 links) needs about 518.9 GiB of network topology (the run about 529.4 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("rings.json", #"{"duration":600,"devices":[{"count":3000,"rate":1}],"tipSelection":{"strategy":"mcmc"},"consensus":{"kind":"coordinator","interval":10,"tipSelection":{"strategy":"mcmc"}}}"#,
         "run", 4_194_304,
         "rings.json: tipSelection.start.W: a window of 10 s at lambda 3000/s (a ring of 131072 transactions) needs about 2.0 GiB of ancestor bits (the run about 4.3 GiB of address space in all); this process may use 4.0 GiB of address space (ulimit -v)"),
        ("reattach.json", #"{"duration":600,"devices":[{"count":1000,"rate":1,"reattachAfter":1e-9}],"consensus":{"kind":"coordinator","interval":10}}"#, "run", nil,
         "reattach.json: devices[0].reattachAfter: expected a number of seconds, at least 1e-6, got 1e-09"),
        ("reattach-fast.json", #"{"duration":600,"devices":[{"count":1000,"rate":1,"reattachAfter":1e-6}],"consensus":{"kind":"coordinator","interval":10}}"#, "run", nil,
         "reattach-fast.json: devices[0].reattachAfter: reattaching after 1e-06 s with about 28.6 s to confirmation means about 5.1e+13 events (the run about 5.1e+13 in all); runs are limited to 1e+12 events"),
        ("edge.json", #"{"duration":60,"devices":[{"count":10,"rate":1}],"network":{"model":"gossip","nodes":10,"topology":{"kind":"edges","edges":[[0,1],[0,17]]},"linkLatency":0.1}}"#, "run", nil,
         "edge.json: network.topology.edges[1]: expected a link [a, b] between nodes 0 to 9, got [0, 17]"),
        ("sweep.json", #"{"duration":600,"devices":[{"count":100,"rate":1}],"tipSelection":{"strategy":"mcmc","start":{"kind":"window","W":10}},"sweep":{"parameters":{"tipSelection.start.W":[10,1e300]}}}"#,
         "sweep", 2_097_152,
         "sweep.json: tipSelection.start.W: a window of 1e+300 s at lambda 100/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.3e+05 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v) (in sweep point 1: tipSelection.start.W = 1e+300)"),
        ("jobs.json", #"{"duration":10,"devices":[{"count":3000,"rate":1}],"tipSelection":{"strategy":"mcmc"},"sweep":{"parameters":{"tipSelection.alpha":[0.01,0.1]}}}"#,
         "sweep", 4_194_304,
         "jobs.json: 2 runs at once (--jobs 2) need about 4.4 GiB of address space in all, the largest about 2.0 GiB (in sweep point 0: tipSelection.alpha = 0.01); this process may use 4.0 GiB of address space (ulimit -v): use --jobs 1"),
        ("variants.json", #"{"duration":600,"devices":[{"count":100,"rate":1}],"variants":[{"label":"URTS"},{"label":"huge window","tipSelection":{"strategy":"mcmc","start":{"kind":"window","W":1e300}}}]}"#,
         "compare", 2_097_152,
         #"variants.json: tipSelection.start.W: a window of 1e+300 s at lambda 100/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.3e+05 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v) (in variant "huge window")"#),
        ("draw.json", #"{"duration":60,"devices":[{"count":10,"rate":1}],"tipSelection":{"strategy":"mcmc","start":{"kind":"window","W":1e300}}}"#,
         "draw", 2_097_152,
         "draw.json: tipSelection.start.W: a window of 1e+300 s at lambda 10/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.3e+05 GiB of address space in all); this process may use 2.0 GiB of address space (ulimit -v)"),
        ("slurm.json", #"{"duration":1e18,"devices":[{"count":1000,"rate":1}],"sweep":{"parameters":{"seed":[1,2]}}}"#, "slurm", nil,
         "slurm.json: duration: 1e+21 arrivals at lambda 1000/s means about 2e+21 events (the run about 2e+21 in all); runs are limited to 1e+12 events (in sweep point 0: seed = 1)"),
    ]

    @Test("each refusal: its exact message, exit status 2, nothing written (and validate agrees)", arguments: 0..<refusals.count)
    func refusal(index: Int) throws {
        let case_ = Self.refusals[index]
        let folder = try folder([case_.name: case_.contents])
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try listing(folder)
        var arguments = [case_.command, case_.name, "--out", "out"]
        switch case_.command {
        case "sweep": arguments += ["--jobs", "2"]
        case "draw": arguments += ["--transactions", "100"]
        case "slurm": arguments += ["--shards", "2"]
        default: break
        }
        let result = try run(arguments, in: folder, virtualKiB: case_.virtualKiB)
        #expect(result.status == 2, "\(case_.name): \(result.stderr)")
        #expect(result.stderr == "error: " + case_.message + "\n")
        #expect(result.stdout.isEmpty)
        #expect(try listing(folder) == before, "nothing written")
        // validate refuses what the commands refuse (a sweep with all cores: the jobs case
        // depends on the machine's cores, so it is left out).
        if case_.name != "jobs.json" {
            let validated = try run(["validate", case_.name], in: folder, virtualKiB: case_.virtualKiB)
            #expect(validated.status == 2, "\(case_.name): \(validated.stderr)")
            #expect(validated.stderr == "error: " + case_.message + "\n")
        }
    }

    @Test("a scenario file of any size: /dev/zero and 17 MiB are refused after 16 MiB")
    func oversizedFiles() throws {
        let folder = try folder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(repeating: UInt8(ascii: " "), count: 17 << 20).write(to: folder.appendingPathComponent("big.json"))
        for file in ["/dev/zero", "big.json"] {
            for command in ["run", "validate", "sweep"] {
                let result = try run([command, file, "--out", "out"].dropLast(command == "validate" ? 2 : 0), in: folder)
                #expect(result.status == 2)
                #expect(result.stderr == "error: \(file): the file is larger than 16 MiB: a scenario is a small JSON document\n")
            }
        }
        #expect(try listing(folder) == ["big.json"])
    }

    @Test("validate prints the estimate: on standard error after a scenario, on standard output after a sweep")
    func validatePrintsTheEstimate() throws {
        let folder = try folder([
            "one.json": #"{"transactions": 1000000, "devices": [{"count": 10, "rate": 100}]}"#,
            "many.json": #"{"duration": 60, "devices": [{"count": 10, "rate": 1}], "sweep": {"parameters": {"devices[0].rate": [1, 2]}, "replications": 3}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = try run(["validate", "one.json"], in: folder)
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix("{"), "standard output is the resolved scenario")
        let lines = one.stderr.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("one.json: estimate for run: about 2001001 events; peak memory about "))
        #expect(lines.contains { $0.hasSuffix("tangle columns (transactions: a Tangle of 1000001 transactions (2 parent slots))") && $0.contains("38.1 MiB") })
        #expect(lines.last!.hasPrefix("  limits: this machine has "))
        let many = try run(["validate", "many.json", "--jobs", "2"], in: folder)
        #expect(many.status == 0)
        #expect(many.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("warning: many.json: metrics.orphanTimeout: every transaction will be censored") },
                "only the short-run warning (60 s runs with the default orphanTimeout 60): \(many.stderr)")
        #expect(many.stdout.contains("  estimate for sweep with --jobs 2 (2 runs at once): about 2461 events in the largest run; peak memory about "))
        #expect(many.stdout.contains("    point 1: about 2461 events, "))
        let seeded = try run(["validate", "one.json"], in: folder)
        #expect(seeded.stderr == one.stderr, "the estimate is the same every time")
    }

    @Test("check refuses a paper scenario beyond the limits before running anything")
    func checkRefuses() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let papers = TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios/papers")
        for file in try FileManager.default.contentsOfDirectory(atPath: papers.path) {
            try FileManager.default.copyItem(at: papers.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        let tips = folder.appendingPathComponent("urts-tips.json")
        let text = try String(contentsOf: tips, encoding: .utf8)
        try text.replacingOccurrences(of: #""duration": 1000"#, with: #""duration": 1e15"#).write(to: tips, atomically: true, encoding: .utf8)
        let result = try run(["check", "--quick", "--scenarios", folder.path, "--jobs", "1"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(folder.path)/urts-tips.json: duration: 5e+16 arrivals at lambda 50/s means about 1e+17 events (the run about 1e+17 in all); runs are limited to 1e+12 events (in sweep point 0: network.delay.value = 0.1)\n")
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
        // transactions.csv: id, issuer, issuer_id, issue_time, visible_time, parents, ...;
        // milestones (issuer coordinator) approve the previous milestone and a tip, devices one
        // parent.
        let log = try String(contentsOf: folder.appendingPathComponent("log/transactions.csv"), encoding: .utf8)
        let entries = log.split(separator: "\n").dropFirst(2).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let milestoneParents = entries.filter { $0[1] == "coordinator" }.map { $0[5].split(separator: ";").count }
        #expect(milestoneParents.count == 6 && milestoneParents.allSatisfy { $0 == 2 }, "\(milestoneParents)")
        #expect(entries.filter { $0[1] == "device" }.allSatisfy { $0[5].split(separator: ";").count == 1 })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sweep/sweep.csv").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("compare/compare.csv").path))
    }
}
