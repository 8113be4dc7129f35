/// One row of `timeseries.csv`: the state of the run at a sampling instant.
public struct TimeseriesRow: Sendable, Equatable {
    /// Simulated time, in seconds.
    public var time: Double
    /// Transactions issued so far, genesis excluded.
    public var transactions: Int
    /// Issued transactions with no approver yet (approvers counted from their issue).
    public var tips: Int
    /// The size of the visible tip set.
    public var visibleTips: Int
    /// Cumulative count of transactions issued at or before `time - orphanTimeout` that got
    /// no approver within `orphanTimeout` (warm-up included, genesis excluded).
    public var leftBehind: Int

    public init(time: Double, transactions: Int, tips: Int, visibleTips: Int, leftBehind: Int) {
        self.time = time
        self.transactions = transactions
        self.tips = tips
        self.visibleTips = visibleTips
        self.leftBehind = leftBehind
    }

    /// The columns of `timeseries.csv`, in order.
    public static let csvHeader = ["time", "transactions", "tips", "visible_tips", "left_behind"]

    /// This row's fields, in the order of ``csvHeader``.
    public var csvFields: [CSVValue] {
        [.real(time), .integer(transactions), .integer(tips), .integer(visibleTips), .integer(leftBehind)]
    }
}
