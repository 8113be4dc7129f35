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
            """
    )

    @Argument(help: "A results folder, or one CSV file in it.", completion: .file())
    var results: String

    @Option(name: .long, help: "Image format.")
    var format: FigureFormat = .svg

    @Option(name: .long, help: ArgumentHelp("Output folder (default: RESULTS/figures/).", valueName: "dir"))
    var out: String?

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
        let directory = URL(fileURLWithPath: outputPath, isDirectory: true)
        do {
            var files = try AtomicFileSet(directory: directory)
            for figure in figures {
                try files.stage(figure.name + ".gp", contents: figure.script)
                try files.stage(figure.name + ".dat", contents: figure.data)
            }
            try files.commit()
        } catch {
            throw Failure.runtime("cannot write to \(outputPath): \(error.localizedDescription)")
        }
        var written: [String] = []
        for figure in figures {
            let image = figure.name + "." + format.rawValue
            let result = try ExternalTool.run(gnuplot, [figure.name + ".gp"], in: directory)
            guard result.status == 0, ExternalTool.isNonEmptyFile(outputPath + "/" + image) else {
                throw Failure.runtime(
                    "gnuplot failed on \(outputPath)/\(figure.name).gp (exit status \(result.status)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            written.append(image)
        }
        print("wrote \(outputPath)/{\(written.joined(separator: ","))}")
        print("  each with its gnuplot script NAME.gp and data NAME.dat: edit and run `gnuplot NAME.gp` in \(outputPath) to redraw")
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
