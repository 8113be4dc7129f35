import Foundation

/// Writes a set of files into one folder so that a reader never sees a half-written file, a
/// mix of old and new files, or a file left over from an earlier command.
///
/// Each file is written in full (and flushed to disk) into a hidden staging folder inside the
/// output folder, `.staging.HOST.PID.N.tmp` (see ``TemporaryFiles``); an external program can
/// write there too (``stagingFolder``, then ``include(_:)``). ``commit()`` renames every file
/// to its final name (`rename(2)` within one file system is atomic) and removes the files the
/// set *owns* but did not write this time: the names a previous command of the same kind wrote
/// there (a run's `latency.csv` when the new run has no confirmation rule). Nothing else in
/// the folder is touched.
///
/// On any failure before the commit — a full disk, a tool that fails — ``discard()`` (also
/// called when the set is dropped uncommitted) removes the staging folder and any output
/// folder the set created, so neither a final name nor a temporary is left, and the files of
/// the earlier command stay as they were.
public final class AtomicFileSet {
    /// The folder the files go to, as given.
    public let folder: String
    /// The hidden folder files are staged in before the commit.
    public let stagingFolder: String
    private let _owned: [String]
    private var _staged: [String] = []
    private var _createdFolders: [String]
    private var _open = true

    /// Prepares to write into `folder`, creating it (and its parents) if needed and removing
    /// the temporaries that dead processes of this host left there.
    ///
    /// - Parameter owned: the file names commands of this kind write into the folder; those
    ///   not written by this set are removed when it commits.
    /// - Throws: ``OutputError`` when the folder cannot be created or written.
    public init(folder: String, owning owned: [String] = []) throws {
        self.folder = folder
        _owned = owned
        _createdFolders = try TemporaryFiles.createFolders(folder)
        TemporaryFiles.removeStale(in: folder)
        stagingFolder = TemporaryFiles.path(in: folder, for: "staging")
        do {
            try TemporaryFiles.createFolder(stagingFolder, in: folder)
        } catch {
            TemporaryFiles.removeIfEmpty(_createdFolders)
            throw error
        }
    }

    /// Prepares to write into the folder at `directory`; see ``init(folder:owning:)``.
    public convenience init(directory: URL, owning owned: [String] = []) throws {
        try self.init(folder: directory.path, owning: owned)
    }

    deinit { discard() }

    /// Stages `contents` as the file `name`.
    public func stage(_ name: String, contents: String) throws {
        try stage(name) { try $0.write(contents) }
    }

    /// Stages the file `name`, whose contents `write` streams into an ``OutputFile``.
    ///
    /// - Throws: ``OutputError`` naming the final path when the file cannot be written.
    public func stage(_ name: String, write: (OutputFile) throws -> Void) throws {
        precondition(_open && !name.contains("/") && !name.isEmpty, "stage a plain file name in an open set")
        let path = stagingFolder + "/" + name
        let file = OutputFile(
            descriptor: try TemporaryFiles.createFile(path, finalPath: folder + "/" + name), finalPath: folder + "/" + name)
        defer { close(file.descriptor) }
        try write(file)
        try file.synchronize()
        _staged.append(name)
    }

    /// Adds the file `name` that another program wrote into ``stagingFolder``.
    public func include(_ name: String) {
        precondition(_open && !name.contains("/") && !name.isEmpty, "include a plain file name in an open set")
        _staged.append(name)
    }

    /// Renames every staged file to its final name, in the order staged, then removes the
    /// owned files not staged this time and the staging folder.
    ///
    /// - Throws: ``OutputError`` when a final name is taken by a folder (checked before any
    ///   rename) or a rename fails.
    public func commit() throws {
        precondition(_open, "commit an open set once")
        for name in _staged {
            var status = stat()
            if lstat(folder + "/" + name, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
                throw OutputError("cannot write \(folder)/\(name): a folder of that name is in the way")
            }
        }
        try TemporaryFiles.committing {
            for name in _staged {
                let temporary = stagingFolder + "/" + name
                guard rename(temporary, folder + "/" + name) == 0 else {
                    throw OutputError.system("cannot write", folder + "/" + name)
                }
                TemporaryFiles.forget(temporary)
            }
            for name in _owned where !_staged.contains(name) {
                unlink(folder + "/" + name)
            }
            rmdir(stagingFolder)
            TemporaryFiles.forget(stagingFolder)
        }
        _open = false
        TemporaryFiles.keep(_createdFolders)
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Removes everything staged and not committed, and the output folders this set created
    /// if they are empty. Does nothing after a commit.
    public func discard() {
        guard _open else { return }
        _open = false
        TemporaryFiles.remove(stagingFolder)
        TemporaryFiles.removeIfEmpty(_createdFolders)
    }
}
