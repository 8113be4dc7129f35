import Foundation

/// Writes a set of files into one folder so that a reader never sees a half-written file.
///
/// Each file is first written in full under a hidden temporary name in the same folder; only
/// when every one is written are they renamed to their final names (`rename(2)` within one
/// file system is atomic). If anything fails before the renames, the temporary files are
/// removed and no final file is touched.
public struct AtomicFileSet {
    /// The folder the files go to.
    public let directory: URL
    private var _pending: [(temporary: URL, final: URL)] = []

    /// Prepares to write into `directory`, creating it (and its parents) if needed.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The temporary path for the final file `name`.
    private func temporaryURL(for name: String) -> URL {
        directory.appendingPathComponent(".\(name).\(getpid()).tmp")
    }

    /// Stages `contents` as the file `name`.
    public mutating func stage(_ name: String, contents: String) throws {
        try stage(name) { handle in try handle.write(contentsOf: Data(contents.utf8)) }
    }

    /// Stages the file `name`, whose contents `write` streams into a file handle.
    public mutating func stage(_ name: String, write: (FileHandle) throws -> Void) throws {
        let temporary = temporaryURL(for: name)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        _pending.append((temporary, directory.appendingPathComponent(name)))
        let handle = try FileHandle(forWritingTo: temporary)
        defer { try? handle.close() }
        try write(handle)
        try handle.synchronize()
    }

    /// Renames every staged file to its final name, in the order staged.
    public mutating func commit() throws {
        for (temporary, final) in _pending {
            if rename(temporary.path, final.path) != 0 {
                let reason = String(cString: strerror(errno))
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [NSFilePathErrorKey: final.path, NSLocalizedDescriptionKey: "cannot rename \(temporary.path) to \(final.path): \(reason)"])
            }
        }
        _pending.removeAll()
    }

    /// Removes every staged file that was not committed.
    public mutating func discard() {
        for (temporary, _) in _pending {
            try? FileManager.default.removeItem(at: temporary)
        }
        _pending.removeAll()
    }
}
