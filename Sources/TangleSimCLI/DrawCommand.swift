import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim draw SCENARIO --transactions N`: the picture of the Tangle, with Graphviz.
struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw the first N transactions of a scenario as a Graphviz graph.",
        discussion: """
            Runs the scenario until N transactions have been issued (its duration is ignored) \
            and writes NAME-tangle.dot: the transactions left to right by issue time, an arrow \
            from each transaction to each one it approves, coloured by state at the end of the \
            run (genesis, milestone, confirmed, left behind — no approver within \
            metrics.orphanTimeout —, tip, approved), with a legend. Renders NAME-tangle.svg \
            with Graphviz's dot when it is on PATH (Debian: apt-get install graphviz); without \
            it, keeps the .dot and says how to render it.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @Option(name: .long, help: ArgumentHelp("Transactions to draw (issued by devices; 1 to 5000).", valueName: "n"))
    var transactions: Int

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...5000).contains(transactions) else {
            throw ValidationError("--transactions must be from 1 to 5000 (a picture of more is unreadable), got \(transactions)")
        }
    }

    func run() throws {
        var scenario = output.applying(to: try input.load(estimating: .draw(transactions: transactions)))
        scenario.transactions = transactions
        scenario.duration = nil
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let outputPath = output.folder(for: scenario)
        let name = "\(scenario.name)-tangle"
        let directory = URL(fileURLWithPath: outputPath, isDirectory: true)
        do {
            var files = try AtomicFileSet(directory: directory)
            try files.stage(name + ".dot", contents: TangleDrawing.dot(result))
            try files.commit()
        } catch {
            throw Failure.runtime("cannot write to \(outputPath): \(error.localizedDescription)")
        }
        let dotFile = "\(outputPath)/\(name).dot"
        guard let dot = ExternalTool.find("dot") else {
            print("wrote \(dotFile)")
            Failure.printError(
                "note: Graphviz's dot not found on PATH, so no SVG: install it (Debian: apt-get install graphviz, or scripts/install-dependencies.sh) and run: dot -Tsvg \(dotFile) -o \(outputPath)/\(name).svg")
            return
        }
        let result2 = try ExternalTool.run(dot, ["-Tsvg", name + ".dot", "-o", name + ".svg"], in: directory)
        guard result2.status == 0, ExternalTool.isNonEmptyFile("\(outputPath)/\(name).svg") else {
            throw Failure.runtime(
                "dot failed on \(dotFile) (exit status \(result2.status)): \(result2.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        print("wrote \(outputPath)/{\(name).dot,\(name).svg}")
    }
}
