import ArgumentParser
import Foundation
import TangleSim

/// The scenario file argument shared by the subcommands.
struct ScenarioArgument: ParsableArguments {
    @Argument(help: "The JSON scenario file.", completion: .file(extensions: ["json"]))
    var scenario: String

    /// What a command does with a loaded scenario, for its cost estimate.
    enum Estimated {
        /// One run that writes its results (`run`).
        case run
        /// The scenario's variants, each `replications` times (the scenario's own when nil),
        /// `jobs` runs at once (`compare`).
        case compare(replications: Int?, jobs: Int)
        /// The first `transactions` transactions with the transaction log, kept in memory
        /// (`draw`).
        case draw(transactions: Int)
    }

    /// Loads and validates the scenario, or reports the problem on standard error and exits
    /// with status 2 (a bad scenario). A sweep scenario is refused: `tanglesim sweep` runs it.
    /// So is a scenario whose estimated cost exceeds what this process may use or the event
    /// limit (``WorkloadEstimate/refusal()``): `estimated` says what the command will run.
    /// The estimate comes first, before even a random topology is drawn.
    ///
    /// - Parameters:
    ///   - seed: the `--seed` override, applied before the scenario is checked (a random
    ///     topology is drawn with the seed the run will use). `compare`'s `--replications`
    ///     override comes with `estimated`, and is applied before the estimate.
    ///   - warn: whether to print the scenario's warnings on standard error (a command that
    ///     checks more before it runs prints them itself, after its own checks).
    func load(estimating estimated: Estimated = .run, seed: UInt64? = nil, warn: Bool = true) throws -> Scenario {
        switch try loadFile() {
        case .single(var loaded):
            if let seed { loaded.seed = seed }
            switch estimated {
            case .run:
                try refuseIfTooCostly(.single(loaded, file: scenario))
            case .compare(let replications, let jobs):
                if let replications { loaded.replications = replications }
                try refuseIfTooCostly(.comparison(loaded, file: scenario, jobs: jobs))
            case .draw(let transactions):
                var drawn = loaded
                drawn.transactions = transactions
                drawn.duration = nil
                drawn.metrics.transactionLog = true
                try refuseIfTooCostly(.single(drawn, file: scenario, use: .inMemory))
            }
            if case .compare = estimated {
                try checkRunnable(loaded, replications: loaded.replications)
            } else {
                try checkRunnable(loaded)
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

    /// Loads and expands a sweep scenario (every point validated and estimated with `jobs`
    /// runs at once, set by `jobsFlag`), or exits with status 2.
    ///
    /// - Parameter limits: the memory limits to check the estimate against (this process's
    ///   by default).
    func loadSweep(jobs: Int, jobsFlag: String = "--jobs", limits: [MemoryLimit] = MemoryLimit.current()) throws -> Sweep {
        switch try loadFile() {
        case .sweep(let sweep):
            try refuseIfTooCostly(.sweep(sweep, jobs: jobs, jobsFlag: jobsFlag), limits: limits)
            try checkRunnable(sweep)
            Self.printWarnings(Self.warnings(of: sweep))
            return sweep
        case .single:
            throw Failure.badScenario(
                ScenarioError(
                    file: scenario, path: "",
                    message: #"no "sweep" section: add one (see README, "Sweeps") or run it with `tanglesim run \#(scenario)`"#))
        }
    }

    /// Exits with status 2 when `scenario` cannot run as it stands: its random topology
    /// cannot be drawn connected with its seed in one of its first `replications`
    /// replications (``Simulation/checkRunnable(_:replication:file:)``).
    func checkRunnable(_ scenario: Scenario, replications: Int = 1) throws {
        for replication in 0..<replications {
            do {
                try Simulation.checkRunnable(scenario, replication: replication, file: self.scenario)
            } catch var error as ScenarioError {
                if replications > 1 { error.message += " (in replication \(replication))" }
                throw Failure.badScenario(error)
            }
        }
    }

    /// ``checkRunnable(_:)`` for every point and replication of `sweep`.
    func checkRunnable(_ sweep: Sweep) throws {
        do {
            for point in sweep.points {
                for replication in 0..<sweep.plan.replications {
                    try Simulation.checkRunnable(point.scenario, replication: replication, file: scenario)
                }
            }
        } catch let error as ScenarioError {
            throw Failure.badScenario(error)
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

    /// Exits with status 2 when `workload` would exceed `limits` or the event limit, naming
    /// the field responsible (see ``WorkloadEstimate/refusal(limits:)``); nothing has run or
    /// been written yet.
    func refuseIfTooCostly(_ workload: WorkloadEstimate, limits: [MemoryLimit] = MemoryLimit.current()) throws {
        if let error = workload.refusal(limits: limits) { throw Failure.badScenario(error) }
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
