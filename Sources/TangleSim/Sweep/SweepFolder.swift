import Foundation

/// The output folder of a sweep, the only place sweep results are written:
///
///     DIR/sweep.json          what is swept: fingerprint, columns, resolved points
///     DIR/runs/run-000042.csv one record per finished run (run 42; six digits at least)
///     DIR/sweep.csv           all runs, sorted (written once every run is recorded)
///     DIR/aggregate.csv       one row per point
///
/// A record is written under a hidden temporary name, flushed to disk (`fsync`), renamed into
/// place and the folder flushed too, so a run is either fully recorded or not at all, even if
/// the process is killed or the machine stops. Several processes — shards on a cluster's
/// shared file system — can record into one folder at the same time: each run has its own
/// file, and `sweep.json` is created exclusively (`link(2)`), then only read.
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
    /// - Throws: ``SweepError`` when the folder holds another sweep (its fingerprint differs:
    ///   the scenario changed) or records made with other columns (another TangleSim
    ///   version); an error of the file system otherwise.
    public static func open(_ path: String, for sweep: Sweep) throws -> SweepFolder {
        let folder = SweepFolder(path: path)
        try FileManager.default.createDirectory(atPath: folder._runs, withIntermediateDirectories: true)
        let manifest = folder._manifestPath
        if !FileManager.default.fileExists(atPath: manifest) {
            let temporary = folder._temporaryPath(in: path, for: manifestName)
            try _writeDurably(Array(Self.manifest(for: sweep).prettyPrinted.utf8), to: temporary)
            // link(2) fails if another process created sweep.json meanwhile: then compare.
            let linked = link(temporary, manifest) == 0
            let failure = errno
            unlink(temporary)
            if !linked && failure != EEXIST {
                throw SweepError("cannot create \(manifest): \(String(cString: strerror(failure)))")
            }
            if linked {
                _syncDirectory(path)
                return folder
            }
        }
        let recorded = try folder.readManifest()
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
        return Manifest(
            fingerprint: fingerprint, runs: Int(runs), replications: Int(replications), columns: columns,
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
    public func record(_ record: SweepRecord) throws {
        let name = Self.recordName(run: record.run)
        let temporary = _temporaryPath(in: _runs, for: name)
        try Self._writeDurably(Array(record.csvText.utf8), to: temporary)
        guard rename(temporary, _runs + "/" + name) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SweepError("cannot record run \(record.run) in \(_runs): \(reason)")
        }
        Self._syncDirectory(_runs)
    }

    /// A hidden temporary name in `directory`, unique to this process and thread.
    private func _temporaryPath(in directory: String, for name: String) -> String {
        "\(directory)/.\(name).\(getpid()).\(UInt(bitPattern: Int(bitPattern: pthread_self()))).tmp"
    }

    /// Writes `bytes` to a new file at `path` and flushes it to disk.
    private static func _writeDurably(_ bytes: [UInt8], to path: String) throws {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SweepError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw SweepError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw SweepError("cannot flush \(path) to disk: \(String(cString: strerror(errno)))")
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
