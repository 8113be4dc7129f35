import ArgumentParser
import Foundation
import TangleSim

extension FigureFormat: ExpressibleByArgument {}

/// `tanglesim plot RESULTS`: figures from a results folder, drawn by gnuplot.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw figures from a results folder with gnuplot.",
        discussion: """
            Reads the CSV files of a run, sweep or compare folder (or one CSV file) by column \
            name and draws: tips over time (timeseries.csv, with 2·lambda·h under uniform \
            selection), the latency distribution (latency.csv), each main metric against the \
            swept parameter with 95% confidence intervals and the theory where it has a formula \
            (sweep.csv or aggregate.csv), strategies side by side (compare.csv, \
            compare-latency.csv) and cumulative weight against age (transactions.csv). Each \
            figure NAME comes with NAME.gp, the gnuplot script that draws it, and NAME.dat, its \
            data: edit the script and run `gnuplot NAME.gp` in that folder to redraw. Needs \
            gnuplot (Debian: apt-get install gnuplot-nox).

            The figures are drawn in a hidden folder and moved into place when all are \
            drawn; then the figures an earlier plot of the same results left there and this \
            one does not draw (another format, a file no longer in RESULTS) are removed. If \
            gnuplot fails or runs longer than --timeout, nothing is written.
            """
    )

    @Argument(help: "A results folder, or one CSV file in it.", completion: .file())
    var results: String

    @Option(name: .long, help: "Image format.")
    var format: FigureFormat = .svg

    @Option(name: .long, help: ArgumentHelp("Output folder (default: RESULTS/figures/).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Seconds gnuplot may take for one figure before it is killed.", valueName: "s"))
    var timeout: Double = 120

    func validate() throws {
        guard !results.isEmpty else { throw ValidationError("<results> '': the path is empty; give a results folder or CSV file") }
        if let out { try OutputPath.checkFolder(out, flag: "--out") }
        guard timeout > 0 && timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds, got \(timeout)") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: results, isDirectory: &isDirectory) else {
            throw Failure.runtime("\(results): no such file or folder")
        }
        let folder = isDirectory.boolValue ? results : (results as NSString).deletingLastPathComponent.nonEmpty ?? "."
        var names: [String]
        if isDirectory.boolValue {
            names = ResultFigures.inputs.filter { FileManager.default.fileExists(atPath: folder + "/" + $0) }
            guard !names.isEmpty else {
                throw Failure.runtime(
                    "\(results): no results to plot: expected one of \(ResultFigures.inputs.joined(separator: ", "))")
            }
        } else {
            let name = (results as NSString).lastPathComponent
            guard ResultFigures.inputs.contains(name) else {
                throw Failure.runtime("\(results): not a file tanglesim plot reads: expected one of \(ResultFigures.inputs.joined(separator: ", "))")
            }
            names = [name]
        }
        if FileManager.default.fileExists(atPath: folder + "/summary.csv") { names.append("summary.csv") }

        guard let gnuplot = ExternalTool.find("gnuplot") else {
            throw Failure.runtime(
                "gnuplot not found on PATH: install it (Debian: apt-get install gnuplot-nox, or scripts/install-dependencies.sh) and run tanglesim plot again")
        }
        var texts: [String: String] = [:]
        for name in names {
            guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else {
                throw Failure.runtime("\(folder)/\(name): cannot read the file")
            }
            texts[name] = text
        }
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL
        let prefix = absolute.lastPathComponent.nonEmpty ?? "results"
        let figures: [Figure]
        do {
            figures = try ResultFigures.figures(texts: texts, folder: folder, prefix: prefix, format: format)
        } catch let error as FigureError {
            throw Failure.runtime(error.message)
        }
        guard !figures.isEmpty else {
            throw Failure.runtime("\(results): nothing to plot (no defined values, for example no confirmed transaction in latency.csv)")
        }

        let outputPath = out ?? folder + "/figures"
        // The figures this plot stands for: those of every input file for a folder, of the
        // one file otherwise; in any format, with their scripts and data.
        let inputs = isDirectory.boolValue ? ResultFigures.inputs : names.filter { ResultFigures.inputs.contains($0) }
        let owned = inputs.flatMap { ResultFigures.figureNames(prefix: prefix, input: $0) }.flatMap { name in
            ["gp", "dat"].map { name + "." + $0 } + FigureFormat.allCases.map { name + "." + $0.rawValue }
        }
        var written: [String] = []
        do {
            let files = try AtomicFileSet(folder: outputPath, owning: owned)
            for figure in figures {
                try files.stage(figure.name + ".gp", contents: figure.script)
                try files.stage(figure.name + ".dat", contents: figure.data)
            }
            for figure in figures {
                let image = figure.name + "." + format.rawValue
                let result = try ExternalTool.run(gnuplot, [figure.name + ".gp"], in: files.stagingFolder, timeout: timeout)
                let drawn = ExternalTool.isNonEmptyFile(files.stagingFolder + "/" + image)
                guard result.ending == .exited(0), drawn else {
                    let how = result.ending == .exited(0) ? "no image written" : ExternalTool.describe(result.ending)
                    let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                    throw OutputError(
                        "gnuplot failed to draw \(outputPath)/\(image): \(how)\(detail.isEmpty ? "" : ": " + detail)")
                }
                files.include(image)
                written.append(image)
            }
            try files.commit()
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        print("wrote \(outputPath)/{\(written.joined(separator: ","))}")
        print("  each with its gnuplot script NAME.gp and data NAME.dat: edit and run `gnuplot NAME.gp` in \(outputPath) to redraw")
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
