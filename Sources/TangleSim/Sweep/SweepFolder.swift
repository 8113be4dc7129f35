import Foundation

/// The output folder of a sweep, the only place sweep results are written:
///
///     DIR/sweep.json          what is swept: fingerprint, columns, resolved points
///     DIR/runs/run-000042.csv one record per finished run (run 42; six digits at least)
///     DIR/sweep.csv           all runs, sorted (written once every run is recorded)
///     DIR/aggregate.csv       one row per point
///
/// A record is written under a hidden temporary name (``TemporaryFiles``), flushed to disk
/// (`fsync`), renamed into place and the folder flushed too, so a run is either fully recorded
/// or not at all, even if the process is killed or the machine stops; a write that fails (a
/// full disk) removes its temporary. Several processes — shards on a cluster's shared file
/// system — can record into one folder at the same time: each run has its own file,
/// `sweep.json` is created exclusively (`link(2)`), then only read, and a run under way is
/// locked (``SweepRunLocks``) so that no two processes run it.
public struct SweepFolder: Sendable {
    /// The folder as the user wrote it.
    public let path: String

    /// The name of the file recording what is swept.
    public static let manifestName = "sweep.json"
    /// The subfolder of run records.
    public static let runsName = "runs"

    /// Opens the folder `path` for `sweep`: creates it and `sweep.json` if needed, or checks
    /// that the `sweep.json` already there describes the same sweep.
    ///
    /// Temporaries that dead processes of this host left in the folder and in `runs/` are
    /// removed.
    ///
    /// - Throws: ``SweepError`` when the folder holds another sweep (its fingerprint differs:
    ///   the scenario changed), records made with other columns (another TangleSim version)
    ///   or the results of a run or comparison (`manifest.json`); ``OutputError`` when the
    ///   folder cannot be created or written.
    public static func open(_ path: String, for sweep: Sweep) throws -> SweepFolder {
        guard !path.isEmpty else { throw SweepError("a sweep folder cannot have an empty path") }
        let folder = SweepFolder(path: path)
        try checkNotRunResults(path)
        TemporaryFiles.keep(try TemporaryFiles.createFolders(folder._runs))
        TemporaryFiles.removeStale(in: path)
        TemporaryFiles.removeStale(in: folder._runs)
        let manifest = folder._manifestPath
        if !FileManager.default.fileExists(atPath: manifest) {
            let temporary = _temporaryPath(in: path, for: manifestName)
            try _writeDurably(Array(Self.manifest(for: sweep).prettyPrinted.utf8), to: temporary, finalPath: manifest)
            // link(2) fails if another process created sweep.json meanwhile: then compare.
            let linked = link(temporary, manifest) == 0
            let failure = errno
            TemporaryFiles.remove(temporary)
            if !linked && failure != EEXIST {
                throw SweepError("cannot create \(manifest): \(String(cString: strerror(failure)))")
            }
            if linked {
                _syncDirectory(path)
                return folder
            }
        }
        let recorded = try folder.readManifest()
        // Another version may draw other numbers for the same scenario (a new random-stream
        // seeding, say): its runs are never mixed with this version's.
        guard recorded.version == RunOutput.version else {
            throw SweepError(
                "\(path) holds runs recorded by TangleSim \(recorded.version ?? "of an unknown version") (this is \(RunOutput.version)): "
                    + "runs of different versions are not mixed. Write to another --out folder, or delete \(path) to start over.")
        }
        guard recorded.fingerprint == sweep.fingerprint else {
            throw SweepError(
                "\(path) holds runs of a different sweep (fingerprint \(recorded.fingerprint.prefix(12)) in \(manifest), "
                    + "\(sweep.fingerprint.prefix(12)) for \(sweep.file)): the scenario changed since those runs. "
                    + "Write to another --out folder, or delete \(path) to start over.")
        }
        let columns = SweepTable.header(parameters: sweep.plan.parameters.map(\.path.description))
        guard recorded.columns == columns else {
            throw SweepError(
                "\(path) holds runs recorded with other columns, by another TangleSim version: "
                    + "write to another --out folder, or delete \(path) to start over.")
        }
        return folder
    }

    /// The folder `path` as it is, for reading (merge).
    public init(path: String) {
        self.path = path
    }

    /// Checks that `path` does not hold the results of a run or comparison (`manifest.json`),
    /// which a sweep's files would be mixed with.
    ///
    /// - Throws: ``SweepError`` when it does.
    public static func checkNotRunResults(_ path: String) throws {
        let runManifest = path + "/manifest.json"
        if FileManager.default.fileExists(atPath: runManifest) {
            throw SweepError(
                "\(path) holds the results of a run or comparison (\(runManifest)): a sweep writes into a folder of its own. "
                    + "Write to another --out folder.")
        }
    }

    private var _runs: String { path + "/" + Self.runsName }
    private var _manifestPath: String { path + "/" + Self.manifestName }

    /// The contents of `sweep.json` for `sweep`.
    public static func manifest(for sweep: Sweep) -> JSONValue {
        .object(
            JSONObject([
                ("tanglesim_version", .string(RunOutput.version)),
                ("fingerprint", .string(sweep.fingerprint)),
                ("scenario_file", .string(sweep.file)),
                ("runs", .integer(Int64(sweep.runCount))),
                ("replications", .integer(Int64(sweep.replications))),
                ("columns", .array(SweepTable.header(parameters: sweep.plan.parameters.map(\.path.description)).map { .string($0) })),
                ("sweep", sweep.resolvedJSON),
            ]))
    }

    /// What merging needs from `sweep.json`.
    public struct Manifest: Sendable, Equatable {
        /// The TangleSim version that wrote the folder (nil when not recorded).
        public var version: String?
        public var fingerprint: String
        public var runs: Int
        public var replications: Int
        /// The header of `sweep.csv`.
        public var columns: [String]
        /// How many parameter columns follow `point`.
        public var parameterCount: Int
    }

    /// Reads this folder's `sweep.json`.
    ///
    /// - Throws: ``SweepError`` when it is missing or not one TangleSim wrote.
    public func readManifest() throws -> Manifest {
        let file = _manifestPath
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SweepError("\(file) is missing: \(path) is not a sweep folder (tanglesim sweep writes one)")
        }
        let invalid = SweepError("\(file) is not a sweep description written by tanglesim")
        guard case .object(let object) = try? JSONValue(parsing: data, file: file),
            case .string(let fingerprint)? = object["fingerprint"],
            case .integer(let runs)? = object["runs"], runs > 0,
            case .integer(let replications)? = object["replications"], replications > 0, runs % replications == 0,
            case .array(let columnValues)? = object["columns"],
            case .object(let sweep)? = object["sweep"], case .object(let plan)? = sweep["sweep"],
            case .object(let parameters)? = plan["parameters"]
        else { throw invalid }
        let columns = columnValues.compactMap { value -> String? in
            if case .string(let text) = value { return text } else { return nil }
        }
        guard columns.count == columnValues.count else { throw invalid }
        var version: String?
        if case .string(let text)? = object["tanglesim_version"] { version = text }
        return Manifest(
            version: version, fingerprint: fingerprint, runs: Int(runs), replications: Int(replications), columns: columns,
            parameterCount: parameters.count)
    }

    /// The file name of run `run`'s record: `run-000042.csv` (at least six digits).
    public static func recordName(run: Int) -> String {
        let digits = String(run)
        return "run-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".csv"
    }

    /// The run numbers whose record file exists, from the file names (cheap; merge reads and
    /// checks the contents).
    public func recordedRuns() throws -> Set<Int> {
        var runs = Set<Int>()
        for name in try FileManager.default.contentsOfDirectory(atPath: _runs) {
            guard name.hasPrefix("run-"), name.hasSuffix(".csv"), let run = Int(name.dropFirst(4).dropLast(4)) else {
                continue
            }
            runs.insert(run)
        }
        return runs
    }

    /// Whether run `run`'s record file exists.
    public func isRecorded(run: Int) -> Bool {
        access(_runs + "/" + Self.recordName(run: run), F_OK) == 0
    }

    /// The folder of run records, `runs/`.
    public var runsPath: String { _runs }

    /// The paths of every visible `.csv` file in `runs/`, sorted by name: the records merge
    /// reads (a record copied under another name counts as a duplicate).
    public func recordFiles() throws -> [String] {
        guard FileManager.default.fileExists(atPath: _runs) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: _runs)
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(".csv") }
            .sorted()
            .map { _runs + "/" + $0 }
    }

    /// Records run `run` durably: `runs/run-N.csv` holds the fingerprint, the run number and
    /// the run's row of `sweep.csv`, under a header (see ``SweepRecord``).
    ///
    /// - Throws: ``SweepError`` naming the record when it cannot be written; then no
    ///   temporary is left.
    public func record(_ record: SweepRecord) throws {
        let name = Self.recordName(run: record.run)
        let final = _runs + "/" + name
        let temporary = Self._temporaryPath(in: _runs, for: name)
        try Self._writeDurably(Array(record.csvText.utf8), to: temporary, finalPath: final)
        try TemporaryFiles.committing {
            guard rename(temporary, final) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                TemporaryFiles.forget(temporary)
                throw SweepError("cannot record run \(record.run) in \(final): \(reason)")
            }
            TemporaryFiles.forget(temporary)
        }
        Self._syncDirectory(_runs)
    }

    /// A hidden temporary name in `directory` for `name`, unique to this process.
    private static func _temporaryPath(in directory: String, for name: String) -> String {
        TemporaryFiles.path(in: directory, for: name)
    }

    /// Writes `bytes` to the new temporary file `path` and flushes it to disk; on failure
    /// removes it.
    ///
    /// - Throws: ``SweepError`` naming `finalPath` and the reason.
    private static func _writeDurably(_ bytes: [UInt8], to path: String, finalPath: String) throws {
        do {
            let descriptor = try TemporaryFiles.createFile(path, finalPath: finalPath)
            defer { close(descriptor) }
            let file = OutputFile(descriptor: descriptor, finalPath: finalPath)
            try file.write(bytes)
            try file.synchronize()
        } catch let error as OutputError {
            TemporaryFiles.remove(path)
            throw SweepError(error.message)
        }
    }

    /// Flushes a folder's entries (a rename into it) to disk; best effort.
    private static func _syncDirectory(_ path: String) {
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
