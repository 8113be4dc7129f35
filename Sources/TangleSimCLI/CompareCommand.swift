import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim compare SCENARIO`: runs the scenario's variants on the same arrivals.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run a scenario's strategy variants side by side on identical arrivals.",
        discussion: """
            The scenario lists "variants": [{"label": "URTS", "tipSelection": {...}, \
            "consensus": {...}}, ...]; each replaces the scenario's own tipSelection and \
            consensus. Every variant sees the same issue times and devices (common random \
            numbers). Prints a table and writes compare.csv (every summary column per \
            variant), compare-latency.csv (latency quantiles of the confirming variants) and \
            manifest.json into the output folder, and removes the files of an earlier run \
            there (summary.csv, ...). A folder holding a sweep is refused.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @OptionGroup var output: OutputOptions

    func run() throws {
        let scenario = try input.load(estimating: .compare, seed: output.seed, warn: false)
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
        let progress = ProgressBar(label: scenario.name)
        let count = Double(scenario.variants.count)
        let rows = Comparison.run(scenario, progress: progress.map { bar in { index, done in bar.update((Double(index) + done) / count) } })
        progress?.finish()
        do {
            let files = try AtomicFileSet(folder: outputPath, owning: RunOutput.fileNames)
            try files.stage("compare.csv", contents: Comparison.csv(rows))
            try files.stage("compare-latency.csv", contents: Comparison.latencyCSV(rows))
            let manifest: JSONValue = .object(
                JSONObject([
                    ("tanglesim_version", .string(RunOutput.version)),
                    ("scenario_file", .string(input.scenario)),
                    ("seed", .integer(Int64(bitPattern: scenario.seed))),
                    ("files", ["compare.csv", "compare-latency.csv", "manifest.json"]),
                    ("tx_per_second", .array(rows.map { .number($0.transactionsPerSecond.isFinite ? $0.transactionsPerSecond : 0) })),
                    ("peak_rss_bytes", .integer(Int64(RunCost.peakRSSBytes()))),
                    ("scenario", scenario.resolvedJSON),
                ]))
            try files.stage("manifest.json", contents: manifest.prettyPrinted)
            try files.commit()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print(Comparison.table(rows))
        print("wrote \(outputPath)/{compare.csv,compare-latency.csv,manifest.json}")
    }
}
