/// One row of `timeseries.csv`: the state of the run at a sampling instant.
public struct TimeseriesRow: Sendable, Equatable {
    /// Simulated time, in seconds.
    public var time: Double
    /// Arrivals so far: new device transactions (not reattachments or milestones).
    public var transactions: Int
    /// Issued transactions with no approver yet (approvers counted from their issue).
    public var tips: Int
    /// The size of the visible tip set.
    public var visibleTips: Int
    /// Cumulative count of device transactions issued at or before `time - orphanTimeout`
    /// that got no approver within `orphanTimeout` (warm-up included; genesis and
    /// milestones excluded).
    public var leftBehind: Int
    /// Payloads confirmed so far (nil without a confirmation rule).
    public var confirmed: Int?
    /// Payloads issued and not confirmed yet (nil without a confirmation rule).
    public var unconfirmedPending: Int?
    /// The fewest, mean and most tips seen by a node (nil under the delay model).
    public var nodeTipsMin: Int?
    public var nodeTipsMean: Double?
    public var nodeTipsMax: Int?

    public init(
        time: Double, transactions: Int, tips: Int, visibleTips: Int, leftBehind: Int, confirmed: Int? = nil,
        unconfirmedPending: Int? = nil
    ) {
        self.time = time
        self.transactions = transactions
        self.tips = tips
        self.visibleTips = visibleTips
        self.leftBehind = leftBehind
        self.confirmed = confirmed
        self.unconfirmedPending = unconfirmedPending
    }

    /// The columns of `timeseries.csv`, in order.
    public static let csvHeader = [
        "time", "transactions", "tips", "visible_tips", "left_behind", "confirmed", "unconfirmed_pending",
        "node_tips_min", "node_tips_mean", "node_tips_max",
    ]

    /// This row's fields, in the order of ``csvHeader``; the confirmation columns are empty
    /// without a confirmation rule, the node columns under the delay model.
    public var csvFields: [CSVValue] {
        [
            .real(time), .integer(transactions), .integer(tips), .integer(visibleTips), .integer(leftBehind),
            confirmed.map(CSVValue.integer) ?? .text(""), unconfirmedPending.map(CSVValue.integer) ?? .text(""),
            nodeTipsMin.map(CSVValue.integer) ?? .text(""), .real(nodeTipsMean ?? .nan),
            nodeTipsMax.map(CSVValue.integer) ?? .text(""),
        ]
    }
}
