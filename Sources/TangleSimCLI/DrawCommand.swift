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
            with Graphviz when it is on PATH (Debian: apt-get install graphviz): dot lays out \
            up to 500 transactions (genesis and milestones included); beyond, TangleSim \
            places them itself and neato -n2 draws them. Without Graphviz, keeps the .dot \
            (and removes an older .svg) and says how to render it. If Graphviz fails or runs \
            longer than --timeout, nothing is written.
            """
    )

    @OptionGroup var input: ScenarioArgument

    @Option(name: .long, help: ArgumentHelp("Transactions to draw (issued by devices; 1 to 5000).", valueName: "n"))
    var transactions: Int

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Seconds Graphviz may take before it is killed.", valueName: "s"))
    var timeout: Double = 120

    func validate() throws {
        guard timeout > 0 && timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds, got \(timeout)") }
        guard (1...5000).contains(transactions) else {
            throw ValidationError("--transactions must be from 1 to 5000 (a picture of more is unreadable), got \(transactions)")
        }
    }

    func run() throws {
        var scenario = try input.load(estimating: .draw(transactions: transactions), seed: output.seed)
        scenario.transactions = transactions
        scenario.duration = nil
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let outputPath = output.folder(for: scenario)
        let name = "\(scenario.name)-tangle"
        let dotFile = "\(outputPath)/\(name).dot"
        let renderer = TangleDrawing.layout(count: result.tangle!.count).renderer
        let command = ([renderer.program] + renderer.arguments).joined(separator: " ")
        do {
            let files = try AtomicFileSet(folder: outputPath, owning: [name + ".dot", name + ".svg"])
            try files.stage(name + ".dot", contents: TangleDrawing.dot(result))
            guard let program = ExternalTool.find(renderer.program) else {
                try files.commit()
                print("wrote \(dotFile)")
                Failure.printError(
                    "note: Graphviz's \(renderer.program) not found on PATH, so no SVG: install it (Debian: apt-get install graphviz, or scripts/install-dependencies.sh) and run: \(command) -Tsvg \(dotFile) -o \(outputPath)/\(name).svg")
                return
            }
            let rendered = try ExternalTool.run(
                program, renderer.arguments + ["-Tsvg", name + ".dot", "-o", name + ".svg"], in: files.stagingFolder,
                timeout: timeout)
            let drawn = ExternalTool.isNonEmptyFile(files.stagingFolder + "/" + name + ".svg")
            guard rendered.ending == .exited(0), drawn else {
                let how = rendered.ending == .exited(0) ? "no image written" : ExternalTool.describe(rendered.ending)
                let detail = rendered.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                throw OutputError(
                    "\(renderer.program) failed to draw \(outputPath)/\(name).svg: \(how)\(detail.isEmpty ? "" : ": " + detail)")
            }
            files.include(name + ".svg")
            try files.commit()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print("wrote \(outputPath)/{\(name).dot,\(name).svg}")
    }
}
