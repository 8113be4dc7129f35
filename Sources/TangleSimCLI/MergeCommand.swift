import ArgumentParser
import Foundation
import TangleSim

/// `tanglesim merge DIR...`: writes the final files of a sweep from its run records.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Write sweep.csv and aggregate.csv from the run records of a sweep's shards.",
        discussion: """
            Reads the run records in DIR/runs/ (and in every further folder of the same \
            sweep, for shards that wrote to folders of their own), checks that every run is \
            recorded exactly once, and writes sweep.csv and aggregate.csv into the first DIR \
            (or --out): the same bytes as a sweep run on one machine. Exits with status 1 \
            naming the missing or duplicated runs.
            """
    )

    @Argument(help: ArgumentHelp("Sweep output folders (tanglesim sweep --out).", valueName: "dir"))
    var folders: [String]

    @Option(name: .long, help: ArgumentHelp("Where to write the merged files (default: the first folder).", valueName: "dir"))
    var out: String?

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("Missing expected argument '<dir> ...'") }
        for folder in folders where folder.isEmpty {
            throw ValidationError("<dir> '': the path is empty; give a sweep folder")
        }
        var seen: [String: String] = [:]
        for folder in folders {
            let canonical = OutputPath.canonical(folder)
            if let first = seen[canonical] {
                throw ValidationError("<dir> '\(first)' and '\(folder)' are the same folder; give each folder once")
            }
            seen[canonical] = folder
        }
        if let out { try OutputPath.checkFolder(out, flag: "--out") }
    }

    func run() throws {
        let outputPath = out ?? folders[0]
        let files: [String]
        do {
            files = try SweepMerge.write(from: folders.map(SweepFolder.init(path:)), to: outputPath)
        } catch {
            throw Failure.runtime(Failure.describe(error))
        }
        let manifest = try? SweepFolder(path: folders[0]).readManifest()
        let runs = manifest.map { "\($0.runs) runs of \($0.runs / $0.replications) points" } ?? "runs"
        print("merged \(runs) from \(folders.joined(separator: ", "))")
        print("  wrote \(outputPath)/{\(files.joined(separator: ","))}")
    }
}
