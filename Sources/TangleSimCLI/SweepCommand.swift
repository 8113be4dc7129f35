import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim sweep SCENARIO`: runs every (point, replication) of a sweep on all cores.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every point and replication of a sweep scenario on all cores.",
        discussion: """
            Records each finished run at once in DIR/runs/ (written in full, flushed to disk, \
            then renamed), so running the same command again after a crash or Ctrl-C skips \
            the finished runs. When every run is recorded, writes DIR/sweep.csv (one row per \
            run) and DIR/aggregate.csv (one row per point). Results do not depend on --jobs \
            or on how runs are split into shards. A folder holding another sweep, or the \
            results of a run or compare, is refused.

            Several sweeps into one folder share the work: a run under way is locked \
            (DIR/runs/locks), the others skip it, and each waits at the end for the runs \
            another is running, so every one writes the complete final files.

            With --shard I --of N only the runs whose number mod N is I are run, and \
            `tanglesim merge` writes the final files once every shard is done.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @Option(name: .long, help: ArgumentHelp("Output folder (default: Results/<scenario name>/).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("Run only the runs whose number mod --of is this (0-based).", valueName: "i"))
    var shard: Int?

    @Option(name: .long, help: ArgumentHelp("The number of shards the sweep is split into.", valueName: "n"))
    var of: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let out { try OutputPath.checkFolder(out, flag: "--out") }
        switch (shard, of) {
        case (nil, nil):
            break
        case (_?, nil):
            throw ValidationError("--shard needs --of, the number of shards")
        case (nil, _?):
            throw ValidationError("--of needs --shard, the shard to run")
        case (let shard?, let count?):
            guard count >= 1 else { throw ValidationError("--of must be at least 1, got \(count)") }
            guard (0..<count).contains(shard) else {
                throw ValidationError("--shard must be from 0 to \(count - 1) (--of \(count)), got \(shard)")
            }
        }
    }

    func run() throws {
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let sweep = try input.loadSweep(jobs: jobs)
        let outputPath = out ?? "Results/\(sweep.name)"
        let folder: SweepFolder
        let recorded: Set<Int>
        do {
            folder = try SweepFolder.open(outputPath, for: sweep)
            recorded = try folder.recordedRuns()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        let mine = (0..<sweep.runCount).filter { run in shard.map { run % of! == $0 } ?? true }
        let todo = mine.filter { !recorded.contains($0) }
        let shardLabel = shard.map { " shard \($0) of \(of!)" } ?? ""
        let progress = ProgressBar(
            label: sweep.name + shardLabel, total: mine.count, alreadyDone: mine.count - todo.count)
        Self.keepFreedMemoryForTheNextRun()
        let clock = ContinuousClock()
        let started = clock.now
        let tally: SweepRunner.Tally
        do {
            tally = try SweepRunner.runAndRecord(
                sweep, runs: todo, jobs: jobs, into: folder,
                waiting: { count in
                    progress.finish()
                    Failure.printError(
                        "\(sweep.name)\(shardLabel): waiting for \(count) run\(count == 1 ? "" : "s") another process is running")
                },
                finished: { completion in
                    let (point, replication) = sweep.location(ofRun: completion.run)
                    progress.finished(
                        run: completion.run, point: point, replication: replication, seconds: completion.seconds)
                })
        } catch {
            progress.finish()
            throw Failure.runtime(Failure.describe(error))
        }
        progress.finish()
        let elapsed = clock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let workers = min(jobs, max(1, tally.ranHere))
        let elsewhere = tally.ranElsewhere > 0 ? "\(tally.ranElsewhere) run by another process, " : ""
        let header = "\(sweep.name)\(shardLabel): \(mine.count) runs (\(tally.ranHere) run now, \(elsewhere)"
            + "\(mine.count - todo.count) already recorded) in \(String(format: "%.2f", wall)) s wall "
            + "on \(workers) worker\(workers == 1 ? "" : "s")"
        if shard != nil {
            print(header)
            print("  recorded in \(outputPath)/runs/; once every shard is done: tanglesim merge \(outputPath)")
            return
        }
        let files: [String]
        do {
            files = try SweepMerge.write(from: [folder], to: outputPath)
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print(header)
        print("  wrote \(outputPath)/{\(files.joined(separator: ","))}")
    }

    /// Makes glibc's malloc keep freed memory (up to 1 GiB) for reuse instead of returning it
    /// to the kernel, and serve blocks up to 32 MiB from its heaps rather than fresh mappings.
    ///
    /// A sweep of short runs otherwise maps, zero-fills and unmaps every run's columns anew:
    /// 40 runs of 500,000 transactions took 249,000 page faults and an eighth of the time in
    /// the kernel; with this, 7,700 faults and 13% less wall time, for 5% more peak memory
    /// (a worker's next run reuses its previous run's memory, so the peak stays what the
    /// concurrent runs need). Runs above about 4 million transactions still get their own
    /// mappings (32 MiB is glibc's ceiling), which is fine: they are long.
    static func keepFreedMemoryForTheNextRun() {
        // <malloc.h> is not part of Swift's Glibc module: look mallopt up by name. Its
        // parameter numbers, from <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 32 << 20)
        _ = mallopt(-1, 1 << 30)
    }
}
