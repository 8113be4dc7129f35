import Foundation

/// A file being written by TangleSim: bytes go straight to its descriptor, and a failure (a
/// full disk, a file-size limit) is an ``OutputError`` naming the file's final path and the
/// system's reason, like `cannot write out/transactions.csv: File too large`.
public struct OutputFile {
    /// The open descriptor; its owner closes it.
    let descriptor: Int32
    /// The path the file will have once complete, for messages.
    public let finalPath: String

    init(descriptor: Int32, finalPath: String) {
        self.descriptor = descriptor
        self.finalPath = finalPath
    }

    /// Writes every byte of `bytes`, retrying short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw OutputError.system("cannot write", finalPath, errno: count < 0 ? errno : ENOSPC) }
            written += count
        }
    }

    /// Writes every byte of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes the file's contents to disk (`fsync`).
    public func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw OutputError.system("cannot flush to disk", finalPath) }
    }
}

/// Bytes on their way to an ``OutputFile``, written in chunks of about 1 MiB, so that a file
/// of millions of rows costs neither a whole string in memory nor a write per row.
public struct BufferedOutput {
    /// The bytes gathered before a write.
    public static let chunk = 1 << 20
    let file: OutputFile
    /// The bytes not written yet: append to them, then call ``writeIfFull()``.
    public var bytes: [UInt8] = []

    public init(_ file: OutputFile) {
        self.file = file
        bytes.reserveCapacity(Self.chunk + 4096)
    }

    /// Writes the gathered bytes once there are a chunk's worth.
    ///
    /// - Throws: ``OutputError`` when the file cannot be written.
    public mutating func writeIfFull() throws {
        if bytes.count >= Self.chunk { try flush() }
    }

    /// Writes the gathered bytes.
    ///
    /// - Throws: ``OutputError`` when the file cannot be written.
    public mutating func flush() throws {
        try file.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}
