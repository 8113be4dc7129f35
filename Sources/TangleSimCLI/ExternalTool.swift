import Foundation

/// Programs TangleSim runs but does not ship (gnuplot, Graphviz's dot): found on `PATH`, run
/// as subprocesses.
enum ExternalTool {
    /// The path of the executable `name` in the first `PATH` folder holding one, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments` in `directory` and waits for it.
    ///
    /// - Returns: its exit status and what it wrote on standard error.
    static func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// Whether `path` is a non-empty file.
    static func isNonEmptyFile(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0) > 0
    }
}
