import ArgumentParser
import Foundation
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

            Also estimates what running it costs — events, peak memory and its largest parts, \
            each named by the scenario field responsible — and exits with status 2, like run, \
            sweep and compare, when that exceeds what this process may use or the event \
            limit; a sweep or a comparison with --jobs runs at once (default: all cores). \
            The estimate is printed on standard error after a single scenario (standard \
            output stays its resolved JSON), on standard output after a sweep's points.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @Option(name: .long, help: ArgumentHelp("For a sweep or a comparison: worker threads to estimate (default: all cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        let limits = MemoryLimit.current()
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        switch try input.loadFile() {
        case .single(let scenario):
            var workloads: [(String, WorkloadEstimate)] = [("run", .single(scenario, file: input.scenario))]
            if !scenario.variants.isEmpty {
                workloads.append(("compare", .comparison(scenario, file: input.scenario, jobs: jobs)))
            }
            for (_, workload) in workloads { try input.refuseIfTooCostly(workload, limits: limits) }
            try input.checkRunnable(scenario, replications: scenario.variants.isEmpty ? 1 : scenario.replications)
            print(scenario.resolvedJSON.prettyPrinted, terminator: "")
            let reports = workloads.map { $0.1.report(command: $0.0, limits: limits) }
            FileHandle.standardError.write(Data((input.scenario + ": " + reports.joined()).utf8))
            ScenarioArgument.printWarnings(scenario.warnings(file: input.scenario))
        case .sweep(let sweep):
            let workload = WorkloadEstimate.sweep(sweep, jobs: jobs)
            try input.refuseIfTooCostly(workload, limits: limits)
            try input.checkRunnable(sweep)
            print(Self.describe(sweep), terminator: "")
            print("  " + workload.report(command: "sweep", limits: limits).replacingOccurrences(of: "\n  ", with: "\n    "), terminator: "")
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
