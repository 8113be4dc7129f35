extension SummaryColumn {
    public static let measuredTransactions = SummaryColumn(
        "measured_transactions",
        "device transactions (arrivals and reattachments) issued at or after `warmup`; the first-approval and left-behind columns are over these")
    public static let firstApprovalMean = SummaryColumn(
        "first_approval_mean",
        "time from a transaction's issue to its first approver's issue (s), over measured, uncensored transactions approved within `orphan_timeout`")
    public static let firstApprovalP50 = SummaryColumn("first_approval_p50", "its median (exact, type 7, up to `metrics.exactQuantiles` values; the manifest says)")
    public static let firstApprovalP90 = SummaryColumn("first_approval_p90", "its 90th percentile")
    public static let firstApprovalP99 = SummaryColumn("first_approval_p99", "its 99th percentile")
    public static let leftBehind = SummaryColumn(
        "left_behind", "measured, uncensored transactions with no approver within `orphan_timeout`")
    public static let leftBehindRate = SummaryColumn("left_behind_rate", "`left_behind` / (measured − censored)")
    public static let censored = SummaryColumn(
        "censored",
        "measured transactions issued after `duration − orphan_timeout`: too young to judge, left out of both numerator and denominator")
}

/// First approval and left-behind judging (the model's "Orphans and censoring").
///
/// During the run, ``judge(upTo:in:)`` counts the device transactions left behind among
/// those old enough to judge, for the cumulative `left_behind` of `timeseries.csv`. At the
/// end, ``judge(_:in:end:)`` sees every measured transaction once, in id order.
public struct ApprovalMetrics: Sendable {
    let _orphanTimeout: Double
    /// Cumulative left-behind count of `timeseries.csv` (warm-up included).
    public private(set) var leftBehindSoFar = 0
    var _nextToJudge: Int32 = 1
    /// The first transaction the time series has not judged yet.
    var nextToJudge: Int32 { _nextToJudge }
    // The end-of-run judgement.
    var measured = 0
    var censored = 0
    var leftBehind = 0
    var firstApproval: QuantileSample
    /// Whether the end-of-run judgement keeps first-approval times (for their quantiles).
    let _keepsFirstApprovals: Bool

    /// - Parameter keepsFirstApprovals: false for a judge that needs only the left-behind
    ///   counts (a row of `classes.csv`): its first-approval columns are then undefined.
    public init(
        orphanTimeout: Double, keepsFirstApprovals: Bool = true, exactQuantiles: Int = MetricsConfiguration.defaultExactQuantiles
    ) {
        firstApproval = QuantileSample(exactLimit: exactQuantiles)
        _orphanTimeout = orphanTimeout
        _keepsFirstApprovals = keepsFirstApprovals
    }

    /// Whether `x`'s first approver was issued within `orphanTimeout` of `x`.
    public func isApprovedWithinTimeout(_ x: Int32, in tangle: Tangle) -> Bool {
        guard let approver = tangle.firstApprover(of: x) else { return false }
        return tangle.issueTime(of: approver) - tangle.issueTime(of: x) <= _orphanTimeout
    }

    /// Judges every device transaction issued at or before `time − orphanTimeout` not judged
    /// yet.
    mutating func judge(upTo time: Double, in tangle: Tangle) {
        let judgedBefore = time - _orphanTimeout
        while Int(_nextToJudge) < tangle.count, tangle.issueTime(of: _nextToJudge) <= judgedBefore {
            tangle.prefetchFirstApproverIssueTime(of: _nextToJudge &+ Tangle.judgingPrefetchDistance)
            if tangle.isDeviceTransaction(_nextToJudge), !isApprovedWithinTimeout(_nextToJudge, in: tangle) {
                leftBehindSoFar += 1
            }
            _nextToJudge += 1
        }
    }

    /// Prepares the end-of-run judgement of about `count` transactions.
    mutating func beginJudging(count: Int) {
        firstApproval.reserveCapacity(count)
    }

    /// Judges measured transaction `x` at the end of the run: returns false when it is
    /// censored (issued after end − orphanTimeout), so that other judges skip it too. A
    /// rejected transaction (in a losing side of a conflict) counts as rejected, not as left
    /// behind.
    mutating func judge(_ x: Int32, in tangle: Tangle, end: Double, rejected: Bool = false) -> Bool {
        measured += 1
        let issue = tangle.issueTime(of: x)
        if issue > end - _orphanTimeout {
            censored += 1
            return false
        }
        if isApprovedWithinTimeout(x, in: tangle) {
            if _keepsFirstApprovals { firstApproval.append(tangle.issueTime(of: tangle.firstApprover(of: x)!) - issue) }
        } else if !rejected {
            leftBehind += 1
        }
        return true
    }

    /// Sets the first-approval and left-behind columns.
    ///
    /// - Complexity: O(n): exact quantiles by selection.
    mutating func summarize(into summary: inout RunSummary) {
        let judged = measured - censored
        summary[.measuredTransactions] = .integer(measured)
        summary[.firstApprovalMean] = .real(firstApproval.mean)
        let quantiles = firstApproval.quantiles(at: [0.5, 0.9, 0.99])
        summary[.firstApprovalP50] = .real(quantiles[0])
        summary[.firstApprovalP90] = .real(quantiles[1])
        summary[.firstApprovalP99] = .real(quantiles[2])
        summary[.leftBehind] = .integer(leftBehind)
        summary[.leftBehindRate] = .real(judged > 0 ? Double(leftBehind) / Double(judged) : .nan)
        summary[.censored] = .integer(censored)
        firstApproval.removeAll()
    }
}
