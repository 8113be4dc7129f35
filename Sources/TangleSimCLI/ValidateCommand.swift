import ArgumentParser
import TangleSim

/// `tanglesim validate SCENARIO`: checks a scenario and prints it with every default filled in.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and print it resolved (defaults filled in).",
        discussion: """
            Exits with status 0 when the scenario is valid, and 2 with a message naming the \
            file, the field and what was expected when it is not.
            """
    )

    @OptionGroup var input: ScenarioArgument

    func run() throws {
        let scenario = try input.load()
        print(scenario.resolvedJSON.prettyPrinted, terminator: "")
    }
}
