#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Counts and sampled costs of MCMC walks and weight updates during one run.
///
/// Counts are exact and deterministic. Costs are wall-clock times of one call in
/// ``sampleEvery`` (timing every call would add a clock read pair to each), scaled up to
/// estimates of the totals; they vary from run to run and so go into `manifest.json`, never
/// into a CSV.
public struct WalkStatistics: Sendable, Equatable {
    /// Calls to the timed operations between two timed ones.
    public static let sampleEvery = 16

    /// Walks made (all k per transaction, redraws included).
    public var walks = 0
    /// Steps made over all walks.
    public var steps = 0
    /// Walks made for transactions issued at or after the warm-up.
    public var measuredWalks = 0
    /// Steps made by those walks.
    public var measuredSteps = 0
    /// Steps those walks skipped with a ``GenesisWalkShortcut``, at their expected number
    /// given each walk's entry (0 without the shortcut).
    public var measuredSkippedSteps = 0.0
    /// Transactions that approved fewer than k parents because distinct picks ran out.
    public var shortTransactions = 0
    /// Parent selections and their sampled wall time, in seconds.
    public var selections = 0
    public var sampledSelectionSeconds = 0.0
    public var sampledSelections = 0
    /// Wall time of the genesis walk shortcut's finalization attempts (every one timed, and
    /// left out of the sampled selections: one runs every 128 issues, so sampling one
    /// selection in 16 would time every one of them and scale it up 16 times), in seconds.
    public var finalizationSeconds = 0.0
    /// Weight updates (visibility events) and their sampled wall time, in seconds.
    public var weightUpdates = 0
    public var sampledWeightUpdateSeconds = 0.0
    public var sampledWeightUpdates = 0

    public init() {}

    /// Mean steps per measured walk (skipped steps counted at their expected number).
    public var meanWalkLength: Double {
        measuredWalks > 0 ? (Double(measuredSteps) + measuredSkippedSteps) / Double(measuredWalks) : .nan
    }

    /// Estimated total wall time spent choosing parents (walks), in seconds.
    public var estimatedWalkSeconds: Double {
        (sampledSelections > 0 ? sampledSelectionSeconds * Double(selections) / Double(sampledSelections) : 0)
            + finalizationSeconds
    }

    /// Estimated total wall time spent updating weights, in seconds.
    public var estimatedWeightUpdateSeconds: Double {
        sampledWeightUpdates > 0
            ? sampledWeightUpdateSeconds * Double(weightUpdates) / Double(sampledWeightUpdates) : 0
    }

    /// Estimated mean wall time of one walk, in milliseconds.
    public var meanWalkMilliseconds: Double {
        walks > 0 ? estimatedWalkSeconds * 1000 / Double(walks) : .nan
    }

    /// Both walkers' counts and sampled times together (a strategy per parent with several
    /// walking parents).
    public func adding(_ other: WalkStatistics) -> WalkStatistics {
        var sum = self
        sum.walks += other.walks
        sum.steps += other.steps
        sum.measuredWalks += other.measuredWalks
        sum.measuredSteps += other.measuredSteps
        sum.measuredSkippedSteps += other.measuredSkippedSteps
        sum.shortTransactions += other.shortTransactions
        sum.selections += other.selections
        sum.sampledSelectionSeconds += other.sampledSelectionSeconds
        sum.sampledSelections += other.sampledSelections
        sum.finalizationSeconds += other.finalizationSeconds
        sum.weightUpdates += other.weightUpdates
        sum.sampledWeightUpdateSeconds += other.sampledWeightUpdateSeconds
        sum.sampledWeightUpdates += other.sampledWeightUpdates
        return sum
    }
}

/// A monotonic clock reading in seconds, for sampled cost measurements.
@usableFromInline
func _monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

extension SummaryColumn {
    public static let meanWalkLength = SummaryColumn(
        "mean_walk_length",
        "MCMC: mean steps per walk over the walks made for measured transactions (redraws included); empty for uniform selection")
}
