import ArgumentParser
import Foundation

/// The checks of every flag that names where TangleSim writes (`--out`, `slurm --script`),
/// made before anything runs: a path that cannot work is a bad flag (exit status 64) with a
/// message naming the flag and the path. Nothing is created by the checks.
enum OutputPath {
    /// Checks that `path`, given with `flag`, can be an output folder: not empty, not a file,
    /// and either a folder this process can write in or one it can create (the nearest
    /// existing parent is a folder it can write in).
    static func checkFolder(_ path: String, flag: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(flag) '': the path is empty; give a folder") }
        try _checkWritable(folder: path, flag: flag, given: path, what: "folder")
    }

    /// Checks that `path`, given with `flag`, can be an output file: not empty, not a folder,
    /// and in a folder that exists or can be created, and can be written in.
    static func checkFile(_ path: String, flag: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(flag) '': the path is empty; give a file") }
        var status = stat()
        if stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
            throw ValidationError("\(flag) '\(path)': a folder of that name exists; give a file")
        }
        try _checkWritable(folder: _parent(path), flag: flag, given: path, what: "file")
    }

    /// Walks up from `folder` to the nearest existing path and checks it is a folder this
    /// process can write in.
    private static func _checkWritable(folder: String, flag: String, given: String, what: String) throws {
        var folder = folder
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        var existing = folder
        var status = stat()
        while stat(existing, &status) != 0 { existing = _parent(existing) }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            if existing == folder && what == "folder" {
                throw ValidationError("\(flag) '\(given)': a file of that name exists; give a \(what)")
            }
            throw ValidationError("\(flag) '\(given)': '\(existing)' is a file, not a folder")
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            if existing == folder {
                throw ValidationError("\(flag) '\(given)': cannot write in '\(existing)': \(reason)")
            }
            throw ValidationError("\(flag) '\(given)': cannot create a folder in '\(existing)': \(reason)")
        }
    }

    /// The folder holding `path`: `.` for a bare name, `/` for a top-level one.
    private static func _parent(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` made absolute, with `.`, `..`, a trailing `/` and symbolic links resolved as far
    /// as it exists: two spellings of one folder give the same text.
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardized.resolvingSymlinksInPath().path
    }
}

extension OutputOptions {
    /// Rejects an `--out` that cannot be an output folder (see ``OutputPath/checkFolder(_:flag:)``).
    func validate() throws {
        if let out { try OutputPath.checkFolder(out, flag: "--out") }
    }
}
