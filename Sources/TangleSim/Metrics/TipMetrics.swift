extension SummaryColumn {
    public static let meanTips = SummaryColumn(
        "mean_tips",
        "time average over [warmup, duration] of the number of issued transactions with no approver yet (approvers counted from their issue)")
    public static let meanVisibleTips = SummaryColumn(
        "mean_visible_tips",
        "average size of the visible tip set (visible transactions with no visible approver) as seen by measured arriving transactions")
}

/// Tips: how many issued transactions have no approver (at every moment, for `mean_tips`
/// and `timeseries.csv`), and how many tips device issuers see (`mean_visible_tips`).
public struct TipMetrics: Sendable {
    /// Issued transactions with no approver (the genesis included while unapproved).
    public private(set) var tipCount = 1
    /// The integral of ``tipCount`` over [warmup, the last change], in transaction-seconds.
    public private(set) var tipArea = 0.0
    var _lastTipChange = 0.0
    /// Sum and count of the tip counts seen by measured device transactions.
    public private(set) var visibleTipsSum = 0
    public private(set) var visibleTipsSamples = 0
    let _warmup: Double

    public init(warmup: Double) {
        _warmup = warmup
    }

    /// A device transaction issued at `now` saw `tips` tips.
    public mutating func deviceSaw(tips: Int, now: Double) {
        if now >= _warmup {
            visibleTipsSum &+= tips
            visibleTipsSamples &+= 1
        }
    }

    /// A transaction approving `parents` is about to be appended at `now`: it is a new tip,
    /// and every parent without an approver yet stops being one.
    mutating func willIssue(parents: [Int32], in tangle: Tangle, now: Double) {
        accumulateTipArea(until: now)
        tipCount += 1
        for parent in parents where !tangle.isApproved(parent) { tipCount -= 1 }
    }

    /// Adds ``tipCount`` times the time since the last change, clipped to the measurement
    /// window, to ``tipArea``.
    public mutating func accumulateTipArea(until time: Double) {
        let from = Swift.max(_lastTipChange, _warmup)
        if time > from {
            tipArea += Double(tipCount) * (time - from)
        }
        _lastTipChange = time
    }

    /// Closes the window at `end` and sets `mean_tips` and `mean_visible_tips`.
    mutating func summarize(into summary: inout RunSummary, end: Double) {
        accumulateTipArea(until: end)
        let window = end - _warmup
        summary[.meanTips] = .real(window > 0 ? tipArea / window : .nan)
        summary[.meanVisibleTips] = .real(
            visibleTipsSamples > 0 ? Double(visibleTipsSum) / Double(visibleTipsSamples) : .nan)
    }
}
