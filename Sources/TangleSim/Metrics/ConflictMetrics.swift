extension SummaryColumn {
    public static let conflicts = SummaryColumn(
        "conflicts",
        "conflict sets (two or more issued spends of one output) whose first member was issued at or after `warmup`; 0 without double spends")
    public static let conflictsSettled = SummaryColumn(
        "conflicts_settled",
        "of those, the settled ones: honest transactions stopped joining every side but one at least `orphan_timeout` before the end")
    public static let settleTimeMean = SummaryColumn(
        "settle_time_mean", "mean over the settled ones of settle time − the first member's issue (s)")
    public static let doubleConfirmations = SummaryColumn(
        "double_confirmations", "of those, the conflicts two of whose members were both confirmed (never with a coordinator)")
    public static let rejectedRate = SummaryColumn(
        "rejected_rate",
        "measured, uncensored device transactions rejected (in a losing member's future cone, the member included) or refused at issue (no consistent parents, or an invalid spend) / all of them, the refused included")
}

/// Conflicts and rejection (the model's "Payments and conflicts"): the conflict columns of
/// `summary.csv`, from the end-of-run ``ConflictOutcome``, and the rejected rate over the
/// measured transactions the run's judging loop shows it.
struct ConflictMetrics {
    var judged = 0
    var rejected = 0

    /// An uncensored measured device transaction, rejected or not.
    mutating func judge(rejected isRejected: Bool) {
        judged += 1
        if isRejected { rejected += 1 }
    }

    /// Sets the conflict columns. Refused device arrivals issued in [warmup, end −
    /// orphanTimeout] count as judged and rejected.
    mutating func summarize(
        outcome: ConflictOutcome?, refusedDeviceTimes: [Double], warmup: Double, end: Double, orphanTimeout: Double,
        into summary: inout RunSummary
    ) {
        for time in refusedDeviceTimes where time >= warmup && time <= end - orphanTimeout {
            judged += 1
            rejected += 1
        }
        let measured = (outcome?.records ?? []).filter { $0.firstIssued >= warmup }
        let settled = measured.filter { !$0.settleTime.isNaN }
        summary[.conflicts] = .integer(measured.count)
        summary[.conflictsSettled] = .integer(settled.count)
        summary[.settleTimeMean] = .real(SampleStatistics.mean(settled.map { $0.settleTime - $0.firstIssued }))
        summary[.doubleConfirmations] = .integer(measured.filter(\.doubleConfirmed).count)
        summary[.rejectedRate] = .real(judged > 0 ? Double(rejected) / Double(judged) : .nan)
    }
}
