/// A sweep folder that cannot be used as asked: a different sweep recorded in it, a missing
/// or duplicated run at merge time, an unreadable record. The CLI prints ``message`` and exits
/// with status 1.
public struct SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the folder, file or run.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
