import Foundation

/// The rows of `transactions.csv` that a run forgetting its settled past (``SettledPast``)
/// writes as it goes, so that the log of a run of any length is streamed to disk instead
/// of kept: before the records of transactions are dropped, their rows (the header first)
/// go through a ``BufferedOutput`` into a temporary file in the output folder, and
/// ``RunOutput/write(_:scenarioFile:cost:to:spill:)`` copies it into `transactions.csv`
/// before the rows still retained. Every column is final when a transaction is forgotten:
/// its first approver is issued (it is settled) or never will be (dead), and a run that
/// forgets has no confirmation rule, conflicts or reattachments.
///
/// A failed write (a full disk) is kept and thrown by ``finish()``; the run goes on
/// writing nothing more. The temporary is registered with ``TemporaryFiles``, so an
/// interruption removes it; ``remove()`` removes it after use.
public final class TransactionLogSpill: @unchecked Sendable {
    /// The temporary file's path.
    public let path: String
    /// Rows of ids below this are written (or buffered).
    public private(set) var rows = 0
    let _file: OutputFile
    var _output: BufferedOutput
    var _error: (any Error)?
    var _open = true

    /// Creates the temporary in `folder` (which must exist) for `folder/transactions.csv`.
    ///
    /// - Throws: ``OutputError`` naming the log when the file cannot be created.
    public init(folder: String) throws {
        path = TemporaryFiles.path(in: folder, for: "transactions.csv")
        let finalPath = folder + "/transactions.csv"
        _file = OutputFile(descriptor: try TemporaryFiles.createFile(path, finalPath: finalPath), finalPath: finalPath)
        _output = BufferedOutput(_file)
    }

    deinit { remove() }

    /// Writes the rows of the retained ids from ``rows`` up to `end` (excluded).
    func append(_ tangle: Tangle, upTo end: Int32) {
        guard _error == nil, Int(end) > rows else { return }
        if rows == 0 { TransactionLog.appendHeader(of: tangle, into: &_output.bytes) }
        for index in rows..<Int(end) {
            TransactionLog.appendRow(
                Int32(truncatingIfNeeded: index), of: tangle, confirmedAt: nil, payloads: nil, doubleSpends: [:], rejected: nil,
                into: &_output.bytes)
            _keepingError { try _output.writeIfFull() }
            guard _error == nil else { break }
        }
        rows = Int(end)
    }

    /// Runs a write, keeping its error (the run goes on; ``finish()`` throws it).
    func _keepingError(_ write: () throws -> Void) {
        do {
            try write()
        } catch {
            _error = error
        }
    }

    /// Writes what is buffered, and throws the first failed write's error.
    public func finish() throws {
        if _error == nil { _keepingError { try _output.flush() } }
        if let _error { throw _error }
    }

    /// Copies the rows written into `file`.
    ///
    /// - Throws: ``OutputError`` when the temporary cannot be read or `file` written.
    public func copy(into file: OutputFile) throws {
        try finish()
        let reader = open(path, O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { throw OutputError.system("cannot read back", _file.finalPath) }
        defer { close(reader) }
        var chunk = [UInt8](repeating: 0, count: BufferedOutput.chunk)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw OutputError.system("cannot read back", _file.finalPath) }
            if count == 0 { break }
            try chunk.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Closes and removes the temporary (once).
    public func remove() {
        guard _open else { return }
        _open = false
        close(_file.descriptor)
        TemporaryFiles.remove(path)
    }
}
