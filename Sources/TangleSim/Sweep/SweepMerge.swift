import Foundation

/// Turns the run records of a sweep into `sweep.csv` and `aggregate.csv`.
///
/// The records may sit in one folder (a single machine, or shards writing to a shared file
/// system) or be spread over several folders of the same sweep (shards with their own
/// `--out`). Every run must be recorded exactly once; the output depends only on the records'
/// contents, sorted by run number, so it is byte-identical however the runs were split.
public enum SweepMerge {
    /// The two final tables.
    public struct Tables: Sendable, Equatable {
        /// `sweep.csv`: one row per run, sorted by (point, replication).
        public var sweep: CSVTable
        /// `aggregate.csv`: one row per point.
        public var aggregate: CSVTable
    }

    /// Reads and checks every record in `folders` and builds the final tables.
    ///
    /// - Throws: ``SweepError`` when the folders hold different sweeps, a record is unreadable
    ///   or belongs to another sweep, or a run is missing or recorded more than once (the
    ///   message names the runs, with their point and replication, and the files).
    public static func tables(from folders: [SweepFolder]) throws -> Tables {
        precondition(!folders.isEmpty, "merge needs a folder")
        let manifest = try folders[0].readManifest()
        var byRun = [[String]?](repeating: nil, count: manifest.runs)
        var fileOfRun = [String?](repeating: nil, count: manifest.runs)
        var duplicates: [(run: Int, files: [String])] = []
        let expectedHeader = manifest.columns
        for folder in folders {
            let other = try folder.readManifest()
            guard other.fingerprint == manifest.fingerprint, other.columns == manifest.columns else {
                throw SweepError(
                    "\(folder.path) holds another sweep than \(folders[0].path) (fingerprint \(other.fingerprint.prefix(12)), not \(manifest.fingerprint.prefix(12))): merge folders of one sweep only")
            }
            for file in try folder.recordFiles() {
                guard let data = FileManager.default.contents(atPath: file),
                    let record = SweepRecord(csvText: String(decoding: data, as: UTF8.self))
                else { throw SweepError("\(file) is not a run record written by tanglesim") }
                guard record.fingerprint == manifest.fingerprint else {
                    throw SweepError("\(file) records run \(record.run) of another sweep (fingerprint \(record.fingerprint.prefix(12)))")
                }
                guard record.header == expectedHeader else {
                    throw SweepError("\(file) has other columns than \(SweepFolder.manifestName) (written by another TangleSim version?)")
                }
                guard record.run < manifest.runs else {
                    throw SweepError("\(file) records run \(record.run), but the sweep has runs 0 to \(manifest.runs - 1)")
                }
                if let first = fileOfRun[record.run] {
                    if let index = duplicates.firstIndex(where: { $0.run == record.run }) {
                        duplicates[index].files.append(file)
                    } else {
                        duplicates.append((record.run, [first, file]))
                    }
                    continue
                }
                byRun[record.run] = record.fields
                fileOfRun[record.run] = file
            }
        }
        func describe(_ run: Int) -> String {
            "run \(run) (point \(run / manifest.replications), replication \(run % manifest.replications))"
        }
        if !duplicates.isEmpty {
            let list = duplicates.sorted { $0.run < $1.run }.prefix(10).map {
                "\(describe($0.run)) in \($0.files.joined(separator: " and "))"
            }
            throw SweepError(
                "\(duplicates.count) run\(duplicates.count == 1 ? " is" : "s are") recorded more than once: "
                    + list.joined(separator: "; ") + (duplicates.count > 10 ? "; ..." : "")
                    + ". Keep one record of each run and merge again.")
        }
        let missing = byRun.indices.filter { byRun[$0] == nil }
        if !missing.isEmpty {
            let list = missing.prefix(10).map(describe).joined(separator: ", ")
            throw SweepError(
                "\(missing.count) of \(manifest.runs) runs \(missing.count == 1 ? "is" : "are") missing: \(list)"
                    + (missing.count > 10 ? ", ..." : "")
                    + ". Run `tanglesim sweep` again (with the same --shard/--of for a shard) to record them.")
        }
        let rows = byRun.map { $0! }
        return Tables(
            sweep: CSVTable(header: expectedHeader, rows: rows.map { $0.map(CSVValue.text) }),
            aggregate: SweepAggregate.table(
                header: expectedHeader, rows: rows, replications: manifest.replications,
                parameterCount: manifest.parameterCount))
    }

    /// Merges `folders` and writes `sweep.csv` and `aggregate.csv` atomically into `output`,
    /// with a copy of `sweep.json` when `output` is none of the folders. Returns the file names.
    ///
    /// - Throws: ``SweepError`` as ``tables(from:)`` does, and when `output` holds the results
    ///   of a run or comparison or another sweep's `sweep.json`; ``OutputError`` when the
    ///   files cannot be written (then none is).
    @discardableResult
    public static func write(from folders: [SweepFolder], to output: String) throws -> [String] {
        let tables = try tables(from: folders)
        try SweepFolder.checkNotRunResults(output)
        let manifest = output + "/" + SweepFolder.manifestName
        let hasManifest = FileManager.default.fileExists(atPath: manifest)
        if hasManifest {
            let theirs = try SweepFolder(path: output).readManifest()
            let ours = try folders[0].readManifest()
            guard theirs.fingerprint == ours.fingerprint else {
                throw SweepError(
                    "\(output) holds another sweep (fingerprint \(theirs.fingerprint.prefix(12)) in \(manifest), "
                        + "not \(ours.fingerprint.prefix(12))): write the merged files to another --out folder.")
            }
        }
        let files = try AtomicFileSet(folder: output)
        var names = ["sweep.csv", "aggregate.csv"]
        try files.stage("sweep.csv", contents: tables.sweep.csvText)
        try files.stage("aggregate.csv", contents: tables.aggregate.csvText)
        if !hasManifest, let data = FileManager.default.contents(atPath: folders[0].path + "/" + SweepFolder.manifestName) {
            try files.stage(SweepFolder.manifestName) { try $0.write(Array(data)) }
            names.append(SweepFolder.manifestName)
        }
        try files.commit()
        return names
    }
}
