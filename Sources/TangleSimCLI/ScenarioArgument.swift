import ArgumentParser
import Foundation
import TangleSim

/// The scenario file argument shared by the subcommands.
struct ScenarioArgument: ParsableArguments {
    @Argument(help: "The JSON scenario file.", completion: .file(extensions: ["json"]))
    var scenario: String

    /// Loads and validates the scenario, or reports the problem on standard error and exits
    /// with status 2 (a bad scenario). A sweep scenario is refused: `tanglesim sweep` runs it.
    ///
    /// - Parameter warn: whether to print the scenario's warnings on standard error (a command
    ///   that checks more before it runs prints them itself, after its own checks).
    func load(warn: Bool = true) throws -> Scenario {
        switch try loadFile() {
        case .single(let loaded):
            do {
                try Simulation.checkRunnable(loaded, file: scenario)
            } catch let error as ScenarioError {
                throw Failure.badScenario(error)
            }
            if warn { Self.printWarnings(loaded.warnings(file: scenario)) }
            return loaded
        case .sweep(let sweep):
            throw Failure.badScenario(
                ScenarioError(
                    file: scenario, path: "sweep",
                    message: "this scenario is a sweep of \(sweep.runCount) runs: run it with `tanglesim sweep \(scenario)`"))
        }
    }

    /// Loads and expands a sweep scenario (every point validated), or exits with status 2.
    func loadSweep() throws -> Sweep {
        switch try loadFile() {
        case .sweep(let sweep):
            do {
                for point in sweep.points {
                    for replication in 0..<sweep.plan.replications {
                        try Simulation.checkRunnable(point.scenario, replication: replication, file: scenario)
                    }
                }
            } catch let error as ScenarioError {
                throw Failure.badScenario(error)
            }
            Self.printWarnings(Self.warnings(of: sweep))
            return sweep
        case .single:
            throw Failure.badScenario(
                ScenarioError(
                    file: scenario, path: "",
                    message: #"no "sweep" section: add one (see README, "Sweeps") or run it with `tanglesim run \#(scenario)`"#))
        }
    }

    /// Prints each warning as `warning: <warning>` on standard error.
    static func printWarnings(_ warnings: [ScenarioWarning]) {
        for warning in warnings { Failure.printError("warning: \(warning)") }
    }

    /// The warnings of every point of `sweep`, each naming its point like sweep errors do.
    static func warnings(of sweep: Sweep) -> [ScenarioWarning] {
        sweep.points.flatMap { point in
            point.scenario.warnings(file: sweep.file).map { warning in
                var warning = warning
                warning.message += " (\(sweep.context(ofPoint: point.index)))"
                return warning
            }
        }
    }

    /// Loads the file as a single scenario or a sweep, or exits with status 2.
    func loadFile() throws -> ScenarioFile {
        do {
            return try ScenarioFile.load(path: scenario)
        } catch let error as ScenarioError {
            throw Failure.badScenario(error)
        }
    }
}

/// The options of commands that run a scenario and write results.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output folder (default: Results/<scenario name>/).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Override the scenario's seed.", valueName: "n"))
    var seed: UInt64?

    /// `scenario` with the seed override applied.
    func applying(to scenario: Scenario) -> Scenario {
        var scenario = scenario
        if let seed { scenario.seed = seed }
        return scenario
    }

    /// The output folder for `scenario`.
    func folder(for scenario: Scenario) -> String {
        out ?? "Results/\(scenario.name)"
    }
}

/// Failures reported to the user with their own exit status.
enum Failure {
    /// Exit status for a scenario that cannot be used.
    static let badScenarioStatus: Int32 = 2

    /// Prints `error: <scenario error>` on standard error; the caller throws the result.
    static func badScenario(_ error: ScenarioError) -> ExitCode {
        printError("error: \(error)")
        return ExitCode(badScenarioStatus)
    }

    /// Prints `error: <message>` on standard error and returns exit status 1.
    static func runtime(_ message: String) -> ExitCode {
        printError("error: \(message)")
        return ExitCode.failure
    }

    /// The text of an error for the user: a sweep error's message, a file system error's
    /// description.
    static func describe(_ error: any Error) -> String {
        if let error = error as? SweepError { return error.message }
        return error.localizedDescription
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
