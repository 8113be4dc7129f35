import Foundation

/// Results that cannot be written as asked: a folder that cannot be created, a full disk, a
/// folder holding another kind of results. The message names the file or folder and the
/// reason; the CLI prints it and exits with status 1. Nothing is left under a final name.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// What is wrong, naming the file or folder.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The error of a failed system call on `path`: `"<action> <path>: <strerror(errno)>"`.
    static func system(_ action: String, _ path: String, errno code: Int32 = errno) -> OutputError {
        OutputError("\(action) \(path): \(String(cString: strerror(code)))")
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
