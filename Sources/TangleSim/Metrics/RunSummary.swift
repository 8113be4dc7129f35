/// One row of `summary.csv`: the measured results of one run.
///
/// Definitions follow the model notes (`docs/model.md`) and the README's CSV
/// reference. "Measured" transactions are device transactions (arrivals and reattachments;
/// not the genesis, not milestones) issued at or after `warmup`; "censored" ones are measured
/// transactions issued after `duration - orphanTimeout`, too young to be judged, left out of
/// `left_behind_rate` and the first-approval statistics. Confirmation is judged per payload:
/// a new arrival and its reattachments carry one payload, confirmed when the first of them
/// is, with latency counted from the arrival.
public struct RunSummary: Sendable, Equatable {
    public var scenario: String
    public var seed: UInt64
    public var replication: Int
    public var tipSelection: String
    /// MCMC's alpha (NaN, written empty, for uniform selection).
    public var alpha: Double
    /// Where MCMC walks start (`genesis`, `window:10.0`; empty for uniform selection).
    public var walkStart: String
    public var parents: Int
    public var repeatedPicks: RepeatedPicks
    /// Number of devices.
    public var devices: Int
    /// Total arrival rate, transactions per second.
    public var lambda: Double
    /// The delay distribution's name and mean, in seconds (on a gossip network: one link's
    /// latency).
    public var delayDistribution: String
    public var delayMean: Double
    /// Simulated seconds from 0 to the end of the run: the scenario's duration, or the issue
    /// time of the last transaction when the run stopped on its transaction count.
    public var duration: Double
    public var warmup: Double
    public var orphanTimeout: Double
    /// Arrivals: new device transactions (reattachments and milestones not included).
    public var transactions: Int
    /// Device transactions issued at or after `warmup` (arrivals and reattachments).
    public var measuredTransactions: Int
    /// Time average over [warmup, duration] of the number of issued, unapproved transactions.
    public var meanTips: Double
    /// Mean size of the visible tip set seen by measured arriving transactions.
    public var meanVisibleTips: Double
    /// Time from issue to the issue of the first approver, over measured, uncensored
    /// transactions approved within `orphanTimeout`: mean and exact quantiles, seconds.
    public var firstApprovalMean: Double
    public var firstApprovalP50: Double
    public var firstApprovalP90: Double
    public var firstApprovalP99: Double
    /// Measured, uncensored transactions with no approver within `orphanTimeout`.
    public var leftBehind: Int
    /// `leftBehind` over the measured, uncensored transactions.
    public var leftBehindRate: Double
    /// Measured transactions too young to judge.
    public var censored: Int
    /// Mean steps per walk, over the walks of measured transactions (NaN without walks).
    public var meanWalkLength: Double
    /// The consensus rule (`none`, `coordinator`, `cumulativeWeight`).
    public var consensus: String
    /// Seconds between milestones (NaN without a coordinator).
    public var milestoneInterval: Double
    /// Measured, uncensored payloads confirmed by the end of the run, as a fraction of all
    /// measured, uncensored payloads (NaN without a confirmation rule).
    public var confirmedFraction: Double
    /// Measured, uncensored payloads not confirmed within `orphanTimeout`, as a fraction.
    public var unconfirmedRate: Double
    /// Confirmation latency (confirmation time − first issue) of the confirmed measured,
    /// uncensored payloads, in seconds: mean, exact quantiles and maximum.
    public var latencyMean: Double
    public var latencyP50: Double
    public var latencyP90: Double
    public var latencyP99: Double
    public var latencyMax: Double
    /// Milestones issued.
    public var milestones: Int
    /// Transactions issued again by their device (reattachments).
    public var reattachments: Int
    /// The network model (`delay`, `gossip`), its node count and topology (nil and empty
    /// under the delay model).
    public var network: String
    public var nodes: Int?
    public var topology: String
    /// Time for a measured device transaction to become visible to every issuer (every
    /// node): median, 90th percentile and maximum, in seconds.
    public var propagationP50: Double
    public var propagationP90: Double
    public var propagationMax: Double
    /// Each node's tip count averaged over the measured samples, then the mean, fewest and
    /// most over nodes (NaN under the delay model).
    public var nodeTipsMean: Double
    public var nodeTipsMin: Double
    public var nodeTipsMax: Double
    /// Gossip with a coordinator: confirmation latency at the coordinator's own node (the
    /// `latency_*` columns average every node's confirmation time).
    public var coordinatorLatencyMean: Double
    public var coordinatorLatencyP50: Double
    public var coordinatorLatencyP99: Double

    /// The columns of `summary.csv`, in order.
    public static let csvHeader = [
        "scenario", "seed", "replication", "tip_selection", "alpha", "walk_start", "parents", "repeated_picks",
        "devices", "lambda", "delay_distribution", "delay_mean", "duration", "warmup",
        "orphan_timeout", "transactions", "measured_transactions", "mean_tips",
        "mean_visible_tips", "first_approval_mean", "first_approval_p50", "first_approval_p90",
        "first_approval_p99", "left_behind", "left_behind_rate", "censored", "mean_walk_length",
        "consensus", "milestone_interval", "confirmed_fraction", "unconfirmed_rate", "latency_mean",
        "latency_p50", "latency_p90", "latency_p99", "latency_max", "milestones", "reattachments",
        "network", "nodes", "topology", "propagation_p50", "propagation_p90", "propagation_max",
        "node_tips_mean", "node_tips_min", "node_tips_max", "coordinator_latency_mean", "coordinator_latency_p50",
        "coordinator_latency_p99",
    ]

    /// This row's fields, in the order of ``csvHeader``.
    public var csvFields: [CSVValue] {
        [
            .text(scenario), .text(String(seed)), .integer(replication), .text(tipSelection),
            .real(alpha), .text(walkStart),
            .integer(parents), .text(repeatedPicks.rawValue), .integer(devices), .real(lambda),
            .text(delayDistribution), .real(delayMean), .real(duration), .real(warmup),
            .real(orphanTimeout), .integer(transactions), .integer(measuredTransactions),
            .real(meanTips), .real(meanVisibleTips), .real(firstApprovalMean),
            .real(firstApprovalP50), .real(firstApprovalP90), .real(firstApprovalP99),
            .integer(leftBehind), .real(leftBehindRate), .integer(censored), .real(meanWalkLength),
            .text(consensus), .real(milestoneInterval), .real(confirmedFraction), .real(unconfirmedRate),
            .real(latencyMean), .real(latencyP50), .real(latencyP90), .real(latencyP99), .real(latencyMax),
            .integer(milestones), .integer(reattachments),
            .text(network), nodes.map(CSVValue.integer) ?? .text(""), .text(topology), .real(propagationP50),
            .real(propagationP90), .real(propagationMax), .real(nodeTipsMean), .real(nodeTipsMin), .real(nodeTipsMax),
            .real(coordinatorLatencyMean), .real(coordinatorLatencyP50), .real(coordinatorLatencyP99),
        ]
    }
}
