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

            Start here:
              tanglesim validate Scenarios/quickstart.json   # check a scenario, print it resolved
              tanglesim run Scenarios/quickstart.json        # run it, results in Results/quickstart/

            The scenario and CSV reference is in README.md.
            """,
        version: RunOutput.version,
        subcommands: [
            RunCommand.self, ValidateCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self,
            SlurmCommand.self, CheckCommand.self, PlotCommand.self,
            DrawCommand.self,
        ]
    )
}
