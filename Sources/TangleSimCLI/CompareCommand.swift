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
            manifest.json into the output folder.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @OptionGroup var output: OutputOptions

    func run() throws {
        let scenario = output.applying(to: try input.load(estimating: .compare))
        guard !scenario.variants.isEmpty else {
            throw Failure.badScenario(
                ScenarioError(
                    file: input.scenario, path: "variants",
                    message: #"compare needs a list of variants like [{"label": "URTS", "tipSelection": {"strategy": "uniform"}}]"#))
        }
        let outputPath = output.folder(for: scenario)
        let progress = ProgressBar(label: scenario.name)
        let count = Double(scenario.variants.count)
        let rows = Comparison.run(scenario, progress: progress.map { bar in { index, done in bar.update((Double(index) + done) / count) } })
        progress?.finish()
        do {
            var files = try AtomicFileSet(directory: URL(fileURLWithPath: outputPath, isDirectory: true))
            do {
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
                files.discard()
                throw error
            }
        } catch {
            throw Failure.runtime("cannot write the results to \(outputPath): \(error.localizedDescription)")
        }
        print(Comparison.table(rows))
        print("wrote \(outputPath)/{compare.csv,compare-latency.csv,manifest.json}")
    }
}
