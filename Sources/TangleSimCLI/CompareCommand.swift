import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim compare SCENARIO`: runs the scenario's variants on the same arrivals, each
/// `replications` times, on all cores.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run a scenario's strategy variants side by side on identical arrivals, on all cores.",
        discussion: """
            The scenario lists "variants": [{"label": "URTS", "tipSelection": {...}, \
            "consensus": {...}}, ...]; each replaces the scenario's own tipSelection and \
            consensus. Every variant sees the same issue times and devices (common random \
            numbers). Prints a table and writes compare.csv (every summary column per \
            variant), compare-latency.csv (latency quantiles of the confirming variants), \
            compare-classes.csv (every run's classes.csv rows, by variant and replication) and \
            manifest.json into the output folder, and removes the files of an earlier run \
            there (summary.csv, ...). A folder holding a sweep is refused.

            Replications: each variant runs N times ("replications": N at the top of the \
            scenario, or --replications N, which overrides it; default 1). Replication r of \
            every variant shares its arrivals; replications are independent, numbered as a \
            sweep numbers a point's (replication 0 is what tanglesim run gives). With N > 1, \
            compare.csv holds per variant the mean of every measured column under its own \
            name, with <column>_sd and <column>_ci95 (the half-width of the 95% confidence \
            interval of the mean, Student's t with N - 1 degrees of freedom, as in a sweep's \
            aggregate.csv) and a replications column; compare-runs.csv holds every run; \
            compare-latency.csv pools the replications' latencies; the table shows \
            mean ± half-width.

            The variants × replications runs run --jobs at a time (default: all cores); the \
            files are identical for any --jobs. A comparison whose runs at once and kept \
            results (each run's summary and latencies) would exceed the memory this process \
            may use is refused before anything runs (exit status 2), like a sweep.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Runs of each variant (default: the scenario's \"replications\", or 1).", valueName: "n"))
    var replications: Int?

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let replications, !(1...Scenario.maximumReplications).contains(replications) {
            throw ValidationError("--replications must be from 1 to \(Scenario.maximumReplications), got \(replications)")
        }
    }

    func run() throws {
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let scenario = try input.load(
            estimating: .compare(replications: replications, jobs: jobs), seed: output.seed, warn: false)
        guard !scenario.variants.isEmpty else {
            throw Failure.badScenario(
                ScenarioError(
                    file: input.scenario, path: "variants",
                    message: #"compare needs a list of variants like [{"label": "URTS", "tipSelection": {"strategy": "uniform"}}]"#))
        }
        ScenarioArgument.printWarnings(scenario.warnings(file: input.scenario))
        let outputPath = output.folder(for: scenario)
        do {
            try RunOutput.checkFolder(outputPath)
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        let runCount = scenario.variants.count * scenario.replications
        let progress = ProgressBar(label: scenario.name, parts: runCount)
        let clock = ContinuousClock()
        let started = clock.now
        let report: (@Sendable (Int, Double) -> Void)? = progress.map { bar in
            { @Sendable run, done in bar.update(part: run, fraction: done) }
        }
        let result = Comparison.run(scenario, jobs: jobs, progress: report)
        let elapsed = clock.now - started
        progress?.finish()
        let speeds: [JSONValue] = result.labels.indices.map { variant in
            let speed = result.transactionsPerSecond(ofVariant: variant)
            return JSONValue.number(speed.isFinite ? speed : 0)
        }
        let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let several = scenario.replications > 1
        let files = ["compare.csv"] + (several ? ["compare-runs.csv"] : []) + ["compare-latency.csv", "compare-classes.csv", "manifest.json"]
        do {
            let set = try AtomicFileSet(folder: outputPath, owning: RunOutput.fileNames)
            try set.stage("compare.csv", contents: result.csv)
            if several { try set.stage("compare-runs.csv", contents: result.runsCSV) }
            try set.stage("compare-latency.csv", contents: result.latencyCSV)
            try set.stage("compare-classes.csv", contents: result.classesCSV)
            let manifest: JSONValue = .object(
                JSONObject([
                    ("tanglesim_version", .string(RunOutput.version)),
                    ("scenario_file", .string(input.scenario)),
                    ("seed", .integer(Int64(bitPattern: scenario.seed))),
                    ("replications", .integer(Int64(scenario.replications))),
                    ("files", .array(files.map { .string($0) })),
                    ("jobs", .integer(Int64(min(jobs, runCount)))),
                    ("wall_seconds", .number(wallSeconds)),
                    ("tx_per_second", .array(speeds)),
                    ("peak_rss_bytes", .integer(Int64(RunCost.peakRSSBytes()))),
                    ("scenario", scenario.resolvedJSON),
                ]))
            try set.stage("manifest.json", contents: manifest.prettyPrinted)
            try set.commit()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print(result.table())
        print("wrote \(outputPath)/{\(files.joined(separator: ","))}")
    }
}
