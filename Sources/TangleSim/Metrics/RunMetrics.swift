/// Everything measured about a run, fed by the simulation's events: a transaction issued
/// (and the tips its issuer saw), a sample instant, the end of the run.
///
/// Each concern is its own observer — ``TipMetrics``, ``ApprovalMetrics``,
/// ``PropagationMetrics``, ``NodeTipMetrics``, ``ConfirmationMetrics``, ``ConflictMetrics`` — declaring its
/// `summary.csv` columns next to the code that computes them; this type only routes events
/// to them and assembles `timeseries.csv` rows and the summary. The simulation's driver
/// holds no counter of its own.
public struct RunMetrics {
    public private(set) var tips: TipMetrics
    public private(set) var approval: ApprovalMetrics
    var nodeTips: NodeTipMetrics
    /// The rows of `timeseries.csv` so far.
    public private(set) var timeseries: [TimeseriesRow] = []
    let _warmup: Double

    public init(scenario: Scenario) {
        _warmup = scenario.warmup
        tips = TipMetrics(warmup: scenario.warmup)
        approval = ApprovalMetrics(orphanTimeout: scenario.metrics.orphanTimeout)
        nodeTips = NodeTipMetrics(warmup: scenario.warmup)
    }

    /// A device transaction issued at `now` saw `tips` tips.
    public mutating func deviceSaw(tips count: Int, now: Double) {
        tips.deviceSaw(tips: count, now: now)
    }

    /// A transaction approving `parents` is about to be appended to the Tangle at `now`.
    mutating func willIssue(parents: [Int32], in tangle: Tangle, now: Double) {
        tips.willIssue(parents: parents, in: tangle, now: now)
    }

    /// Appends the row of `timeseries.csv` for `time`.
    ///
    /// - Parameters:
    ///   - arrivals: device arrivals so far.
    ///   - visibleTips: the size of the global visible tip set.
    ///   - confirmedPayloads: payloads confirmed so far (nil without a confirmation rule).
    ///   - nodeTipCounts: each node's tips (nil when every issuer sees the same).
    mutating func sample(
        at time: Double, tangle: Tangle, arrivals: Int, visibleTips: Int, confirmedPayloads: Int?, nodeTipCounts: [Int]?
    ) {
        approval.judge(upTo: time, in: tangle)
        var row = TimeseriesRow(
            time: time, transactions: arrivals, tips: tips.tipCount, visibleTips: visibleTips,
            leftBehind: approval.leftBehindSoFar, confirmed: confirmedPayloads,
            unconfirmedPending: confirmedPayloads.map { arrivals - $0 })
        if let nodeTipCounts { nodeTips.sample(nodeTipCounts, at: time, into: &row) }
        timeseries.append(row)
    }

    /// Closes the run at `end` and computes its summary, judging every measured device
    /// transaction once (in id order) for approval, propagation and confirmation.
    ///
    /// - Returns: the summary's measured columns (the caller adds what describes the run)
    ///   and, with a confirmation rule, the sorted latencies of the confirmed measured
    ///   payloads.
    /// - Complexity: O(n) (exact quantiles by selection), plus O(p) to radix-sort the p
    ///   latencies.
    mutating func finish(
        at end: Double, tangle: Tangle, confirmation: ConfirmationTracker?, nodeAverage: NodeAverage?,
        issuerNodeTime: ((Int32, Double) -> Double)?, conflicts: ConflictOutcome?, refusedDeviceTimes: [Double],
        into summary: inout RunSummary
    ) -> [Double] {
        var conflictMetrics = ConflictMetrics()
        var propagation = PropagationMetrics()
        propagation.times.reserveCapacity(tangle.count)
        var confirmations = confirmation.map { _ in
            ConfirmationMetrics(orphanTimeout: approval._orphanTimeout, nodeAverage: nodeAverage)
        }
        approval.beginJudging(count: tangle.count)
        let issueTime = tangle.issueTime
        let rejectedMarks = conflicts?.rejected ?? []
        for index in 1..<tangle.count where issueTime[index] >= _warmup {
            let x = Int32(truncatingIfNeeded: index)
            guard tangle.isDeviceTransaction(x) else { continue }
            propagation.add(x, in: tangle, end: end)
            let isRejected = !rejectedMarks.isEmpty && rejectedMarks[index]
            guard approval.judge(x, in: tangle, end: end, rejected: isRejected) else { continue }
            conflictMetrics.judge(rejected: isRejected)
            if let confirmation {
                confirmations!.judge(x, in: tangle, confirmation: confirmation, issuerNodeTime: issuerNodeTime)
            }
        }
        tips.summarize(into: &summary, end: end)
        approval.summarize(into: &summary)
        var latencies: [Double] = []
        if confirmations != nil {
            latencies = confirmations!.summarize(into: &summary)
        } else {
            ConfirmationMetrics.summarizeWithoutRule(into: &summary)
        }
        propagation.summarize(into: &summary)
        nodeTips.summarize(into: &summary)
        conflictMetrics.summarize(
            outcome: conflicts, refusedDeviceTimes: refusedDeviceTimes, warmup: _warmup, end: end,
            orphanTimeout: approval._orphanTimeout, into: &summary)
        return latencies
    }
}
