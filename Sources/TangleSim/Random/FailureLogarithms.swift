import Foundation

/// Geometric draws whose success probability is a ratio of counts, successes / trials, with
/// log1p(−successes / trials) remembered per pair (direct-mapped, 2,048 entries).
///
/// Why: a pick resolved from the conflict classes (``UniformTipSelector``) draws one such
/// variate per transaction, and the same few thousand pairs (accepted tips, tips) come back
/// all run long — 90% of `urts-1m-double-spends.json`'s million draws find theirs — while
/// log1p was the slowest step of a draw (about 14 ns here, against 6 for log). The
/// logarithm is computed by the same expression as ``RandomStream/failuresBeforeSuccess(_:cap:)``
/// computes it, so every variate is the same to the bit.
///
/// A value type, owned by the run's ``ConflictLedger``: a table in the stream (a class)
/// paid a dynamic exclusivity check at each draw.
public struct FailureLogarithms {
    /// A remembered logarithm: `key` is successes << 32 | trials (both below 2^31), or
    /// −1 for an empty slot.
    struct Entry {
        var key: Int
        var value: Double
    }

    /// 2,048 slots of 16 bytes: the table stays in the first-level cache's reach (a table
    /// of 96 KiB had its lookups miss it).
    static let slots = 2048
    /// Empty until the first draw.
    var _entries: ContiguousArray<Entry> = []

    public init() {}

    /// ``RandomStream/failuresBeforeSuccess(_:cap:)`` for the success probability
    /// `successes / trials` (0 when `trials` is not positive): the same draws, the same
    /// result.
    public mutating func failuresBeforeSuccess(successes: Int, trials: Int, cap: Int, rng: RandomStream) -> Int {
        if trials <= 0 || successes <= 0 { return cap }
        if successes >= trials { return 0 }
        return rng.failuresBeforeSuccess(logFailure: _logFailure(successes: successes, trials: trials), cap: cap)
    }

    /// log1p(−successes / trials), remembered (0 < successes < trials).
    @inline(__always)
    mutating func _logFailure(successes: Int, trials: Int) -> Double {
        guard trials < 1 << 31 else { return log1p(-(Double(successes) / Double(trials))) }
        if _entries.isEmpty { _entries = ContiguousArray(repeating: Entry(key: -1, value: 0), count: Self.slots) }
        let key = successes << 32 | trials
        let slot = (trials &* 31 &+ successes) & (Self.slots - 1)
        let entry = _entries[slot]
        if entry.key == key { return entry.value }
        let value = log1p(-(Double(successes) / Double(trials)))
        _entries[slot] = Entry(key: key, value: value)
        return value
    }
}
