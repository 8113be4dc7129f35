import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim check [--quick]`: runs the paper scenarios and compares them with theory.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the paper scenarios and compare each result with its theory.",
        discussion: """
            Runs the scenarios of Scenarios/papers/ that have closed-form expectations \
            (Popov, "The Tangle": tips 2·lambda·h, first approval 2h, Little's law, cumulative \
            weight growing at rate lambda; the weighted walk's left-behind rate rising with \
            alpha; coordinator latency above I/2 + 2h and rising with the interval) and prints \
            a PASS/FAIL table: measured value, expectation, tolerance and where the tolerance \
            comes from (Student's t over replications, each check at significance 0.001). \
            Exits with status 1 if any check fails, 2 if the folder or a paper scenario is \
            missing or invalid. \
            Run it from the repository root, or pass --scenarios.
            """
    )

    @Flag(name: .long, help: "Fewer replications: under a minute on two cores (CI runs this).")
    var quick = false

    @Option(name: .long, help: ArgumentHelp("The folder of paper scenarios.", valueName: "dir"))
    var scenarios = "Scenarios/papers"

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: scenarios, isDirectory: &isDirectory), isDirectory.boolValue else {
            Failure.printError(
                "error: cannot find the paper scenarios folder \(scenarios): run tanglesim check from the repository root, or pass --scenarios DIR")
            throw ExitCode(Failure.badScenarioStatus)
        }
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let mode: PaperCheckMode = quick ? .quick : .full
        let checks = PaperChecks(folder: scenarios, mode: mode, jobs: jobs)
        let clock = ContinuousClock()
        let started = clock.now
        let results: [PaperCheck]
        do {
            results = try checks.run(progress: { Failure.printError("running \($0)") })
        } catch let error as ScenarioError {
            throw Failure.badScenario(error)
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(PaperCheck.table(results))
        let failed = results.filter { !$0.passed }.count
        print(
            "\(results.count) checks, \(failed) failed (\(mode.rawValue), \(String(format: "%.1f", seconds)) s wall on \(jobs) worker\(jobs == 1 ? "" : "s"))")
        if failed > 0 { throw ExitCode.failure }
    }
}
