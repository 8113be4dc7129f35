import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim slurm SCENARIO --shards N`: writes a script that runs a sweep on a Slurm cluster.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write a script that runs a sweep on a Slurm cluster as a job array, then merges it.",
        discussion: """
            Checks the sweep, prepares its output folder (DIR/sweep.json, so that a later \
            change of the scenario is refused instead of mixed in) and writes \
            DIR/slurm/submit.sh. Run that script on a login node: it submits a job array of \
            N shards (tanglesim sweep --shard I --of N, all into DIR, which must be on a file \
            system every node sees) and a merge job that starts when every shard succeeded \
            and is cancelled if one fails. Submitting the script again after a failure \
            skips the runs already recorded.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @Option(name: .long, help: ArgumentHelp("Output folder, shared by every node (default: Results/<scenario name>/).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Number of shards: array tasks.", valueName: "n"))
    var shards: Int

    @Option(name: .long, help: ArgumentHelp("Slurm partition (default: the cluster's default).", valueName: "p"))
    var partition: String?

    @Option(name: .long, help: ArgumentHelp("Time limit of each job, as sbatch --time takes it (like 2:00:00).", valueName: "t"))
    var time: String?

    @Option(name: .long, help: ArgumentHelp("CPUs per shard; each shard runs that many worker threads.", valueName: "c"))
    var cpus: Int = 1

    @Option(name: .long, help: ArgumentHelp("Where to write the script (default: DIR/slurm/submit.sh).", valueName: "file"))
    var script: String?

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1, got \(shards)") }
        guard cpus >= 1 else { throw ValidationError("--cpus must be at least 1, got \(cpus)") }
        for (flag, value) in [("--partition", partition), ("--time", time)] {
            if let value, value.isEmpty || value.contains(where: \.isNewline) {
                throw ValidationError("\(flag) must be one non-empty line")
            }
        }
        if let out { try OutputPath.checkFolder(out, flag: "--out") }
        if let script { try OutputPath.checkFile(script, flag: "--script") }
    }

    func run() throws {
        // A shard runs on a compute node: check its --cpus runs against this machine's physical
        // memory only (a login node's ulimit or cgroup says nothing of the nodes'); each shard
        // checks its own limits again before it runs.
        let sweep = try input.loadSweep(jobs: cpus, jobsFlag: "--cpus", limits: MemoryLimit.current().filter { $0.source == .physicalMemory })
        guard shards <= sweep.runCount else {
            let empty = shards - sweep.runCount
            throw ValidationError(
                "--shards \(shards) is more than the \(sweep.runCount) runs of the sweep: \(empty) shard\(empty == 1 ? "" : "s") would have nothing to do; give --shards \(sweep.runCount) or fewer")
        }
        let outputPath = Self.absolute(out ?? "Results/\(sweep.name)")
        let scriptPath = Self.absolute(script ?? outputPath + "/slurm/submit.sh")
        let executable: String
        do {
            executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        } catch {
            throw Failure.runtime("cannot find the tanglesim executable's path: \(error.localizedDescription)")
        }
        let text = SlurmScript(
            executable: executable, scenario: Self.absolute(input.scenario), output: outputPath,
            name: sweep.name, runs: sweep.runCount, shards: shards, cpus: cpus, partition: partition,
            time: time
        ).text
        do {
            _ = try SweepFolder.open(outputPath, for: sweep)
            let directory = (scriptPath as NSString).deletingLastPathComponent
            let files = try AtomicFileSet(folder: directory)
            let name = (scriptPath as NSString).lastPathComponent
            try files.stage(name, contents: text)
            chmod(files.stagingFolder + "/" + name, 0o755)
            try files.commit()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        let perShard = (sweep.runCount + shards - 1) / shards
        print("\(sweep.name): \(sweep.runCount) runs in \(shards) shards (up to \(perShard) runs each, \(cpus) CPU\(cpus == 1 ? "" : "s") per shard)")
        print("  wrote \(scriptPath)")
        print("  submit with: bash \(SlurmScript.quoted(scriptPath))")
    }

    /// `path` made absolute against the current folder, with `.` and `..` resolved.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardized.path
    }
}
