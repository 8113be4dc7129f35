import ArgumentParser
import TangleSim

/// `tanglesim`: the root command.
@main
struct TangleSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tanglesim",
        abstract: "A discrete-event simulator of the IOTA Tangle.",
        discussion: """
            Virtual IoT devices issue transactions as Poisson processes; each transaction \
            approves k earlier ones chosen by a tip-selection strategy, and reaches the rest \
            of the network after a delay. A run is described by a JSON scenario file and \
            writes CSV results.

            Start here (results go to Results/<scenario name>/):
              tanglesim validate Scenarios/quickstart.json
              tanglesim run Scenarios/quickstart.json
              tanglesim compare Scenarios/compare-strategies.json
              tanglesim sweep Scenarios/sweep-example.json

            The scenario and CSV reference is in README.md.
            """,
        version: RunOutput.version,
        subcommands: [
            RunCommand.self, ValidateCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self,
            SlurmCommand.self, CheckCommand.self, PlotCommand.self,
            DrawCommand.self,
        ]
    )

    /// Installs the interruption handlers (before any thread starts), then parses the
    /// command line and runs the subcommand.
    static func main() {
        Interruption.install()
        main(nil)
    }
}
