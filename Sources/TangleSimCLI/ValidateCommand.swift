import ArgumentParser
import TangleSim

/// `tanglesim validate SCENARIO`: checks a scenario and prints it with every default filled in.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and print it resolved (defaults filled in).",
        discussion: """
            Exits with status 0 when the scenario is valid, and 2 with a message naming the \
            file, the field and what was expected when it is not. For a sweep, every point is \
            checked as a scenario, and the number of runs and each point's values and seed \
            are printed.
            """
    )

    @OptionGroup var input: ScenarioArgument

    func run() throws {
        switch try input.loadFile() {
        case .single(let scenario):
            print(scenario.resolvedJSON.prettyPrinted, terminator: "")
            ScenarioArgument.printWarnings(scenario.warnings(file: input.scenario))
        case .sweep(let sweep):
            print(Self.describe(sweep), terminator: "")
            ScenarioArgument.printWarnings(ScenarioArgument.warnings(of: sweep))
        }
    }

    /// What `validate` prints for a sweep: the run count, then one line per point.
    static func describe(_ sweep: Sweep) -> String {
        let plan = sweep.plan
        let points = plan.pointCount == 1 ? "1 point" : "\(plan.pointCount) points"
        let replications = plan.replications == 1 ? "1 replication" : "\(plan.replications) replications"
        let parameters = plan.parameters.isEmpty
            ? "no parameters" : "\(plan.mode.rawValue) of " + plan.parameters.map(\.path.description).joined(separator: ", ")
        var text = "\(sweep.file): a sweep of \(points) × \(replications) = \(sweep.runCount) runs (\(parameters))\n"
        for point in sweep.points {
            let values = zip(plan.parameters, point.values).map { "\($0.path) = \($1._compactText)" }
            text += "  point \(point.index): " + (values + ["seed \(point.scenario.seed)"]).joined(separator: ", ") + "\n"
        }
        text += "  fingerprint \(sweep.fingerprint)\n"
        return text
    }
}
