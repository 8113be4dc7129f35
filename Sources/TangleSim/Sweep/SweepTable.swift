/// The layout of `sweep.csv`: `point`, one column per swept parameter (named by its path),
/// then every column of `summary.csv` (``RunSummary/csvHeader``).
public enum SweepTable {
    /// The header of `sweep.csv` for a sweep over `parameters` (their paths, in order).
    public static func header(parameters: [String]) -> [String] {
        ["point"] + parameters + RunSummary.csvHeader
    }

    /// The row of `sweep.csv` for a run of point `point` of `sweep`.
    public static func row(point: SweepPoint, summary: RunSummary) -> [CSVValue] {
        [.integer(point.index)] + point.values.map(csvValue) + summary.csvFields
    }

    /// A parameter value as a CSV field: numbers as numbers, strings as text, `true`/`false`,
    /// `null` as an empty field, lists and objects as one-line JSON.
    public static func csvValue(_ value: JSONValue) -> CSVValue {
        switch value {
        case .integer(let number): .text(String(number))
        case .number(let number): .real(number)
        case .string(let text): .text(text)
        case .null: .text("")
        case .bool, .array, .object: .text(value._compactText)
        }
    }

    /// The summary columns `aggregate.csv` summarises, in this order, when ``RunSummary``
    /// has them: the main measured results. Columns listed here that the summary lacks are
    /// skipped, so a strategy's metric can be listed before it exists.
    public static let aggregatedColumns = [
        "mean_tips", "mean_visible_tips", "first_approval_mean", "first_approval_p50",
        "first_approval_p90", "first_approval_p99", "left_behind_rate", "orphan_rate", "mean_walk_length", "conflicts_settled",
        "settle_time_mean", "double_confirmations", "attack_successes", "rejected_rate",
        "confirmed_fraction", "latency_mean", "latency_p50", "latency_p99",
    ]
}
