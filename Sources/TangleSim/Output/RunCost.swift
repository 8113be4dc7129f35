import Foundation

/// What a run cost on this machine: recorded in `manifest.json`, never in a CSV (CSVs hold
/// results only, so they are identical from run to run).
public struct RunCost: Sendable {
    /// Wall-clock seconds of the simulation.
    public var wallSeconds: Double
    /// Simulated transactions per wall-clock second.
    public var transactionsPerSecond: Double
    /// The process's peak resident set size so far, in bytes (`getrusage`'s `ru_maxrss`).
    public var peakRSSBytes: Int

    public init(wallSeconds: Double, transactions: Int, peakRSSBytes: Int = RunCost.peakRSSBytes()) {
        self.wallSeconds = wallSeconds
        self.transactionsPerSecond = wallSeconds > 0 ? Double(transactions) / wallSeconds : .nan
        self.peakRSSBytes = peakRSSBytes
    }

    /// The peak resident set size of this process, in bytes (Linux reports kilobytes).
    public static func peakRSSBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
