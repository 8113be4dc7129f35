import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim run SCENARIO`: runs one scenario and writes its results.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write its results as CSV.",
        discussion: """
            Writes summary.csv, timeseries.csv, manifest.json, latency.csv with a \
            confirmation rule and, when the scenario's metrics.transactionLog is true, \
            transactions.csv into the output folder. The files are written under temporary \
            names and renamed when all are complete; then the files of an earlier run or \
            compare there that this run does not write are removed. A folder holding a \
            sweep is refused. A bad scenario exits with status 2 and writes nothing; a \
            failed write (a full disk) or an interruption leaves the folder as it was.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @OptionGroup var output: OutputOptions

    func run() throws {
        let scenario = try input.load(seed: output.seed)
        let outputPath = output.folder(for: scenario)
        do {
            try RunOutput.checkFolder(outputPath)
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }

        // A run that forgets its settled past writes its transaction log as it goes, into a
        // temporary in the output folder (removed whatever happens).
        var spill: TransactionLogSpill?
        var createdFolders: [String] = []
        if Simulation.forgetsWithLog(scenario) {
            do {
                createdFolders = try TemporaryFiles.createFolders(outputPath)
                spill = try TransactionLogSpill(folder: outputPath)
            } catch {
                TemporaryFiles.removeIfEmpty(createdFolders)
                throw Failure.runtime(Failure.describe(error))
            }
        }
        defer {
            spill?.remove()
            TemporaryFiles.removeIfEmpty(createdFolders)
        }

        let progress = ProgressBar(label: scenario.name)
        let clock = ContinuousClock()
        var result: RunResult?
        let elapsed = clock.measure {
            result = Simulation.run(scenario, progress: progress.map { bar in { bar.update($0) } }, logSpill: spill)
        }
        progress?.finish()
        guard let result else { return }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let cost = RunCost(wallSeconds: wall, transactions: result.summary.transactions)
        let files: [String]
        do {
            files = try RunOutput.write(result, scenarioFile: input.scenario, cost: cost, to: outputPath, spill: spill)
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print(Self.report(result.summary, cost: cost, directory: outputPath, files: files))
    }

    /// The few lines printed after a run: what was simulated and where the results are.
    static func report(_ summary: RunSummary, cost: RunCost, directory: String, files: [String]) -> String {
        func fixed(_ value: Double, _ digits: Int) -> String {
            value.isNaN ? "n/a" : String(format: "%.\(digits)f", value)
        }
        return """
            \(summary.scenario): \(summary.transactions) transactions in \(fixed(summary.duration, 1)) simulated seconds \
            (\(fixed(cost.wallSeconds, 2)) s wall, \(fixed(cost.transactionsPerSecond / 1e6, 2)) M tx/s)
              mean tips \(fixed(summary.meanTips, 2)), mean visible tips \(fixed(summary.meanVisibleTips, 2)), \
            first approval mean \(fixed(summary.firstApprovalMean, 3)) s (p99 \(fixed(summary.firstApprovalP99, 3)) s), \
            left behind \(fixed(summary.leftBehindRate * 100, 3))%
              wrote \(directory)/{\(files.joined(separator: ","))}
            """
    }
}
