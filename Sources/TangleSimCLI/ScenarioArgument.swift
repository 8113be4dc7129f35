import ArgumentParser
import Foundation
import TangleSim

/// The scenario file argument shared by the subcommands.
struct ScenarioArgument: ParsableArguments {
    @Argument(help: "The JSON scenario file.", completion: .file(extensions: ["json"]))
    var scenario: String

    /// Loads and validates the scenario, or reports the problem on standard error and exits
    /// with status 2 (a bad scenario).
    func load() throws -> Scenario {
        do {
            return try Scenario.load(path: scenario)
        } catch let error as ScenarioError {
            throw Failure.badScenario(error)
        }
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

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
