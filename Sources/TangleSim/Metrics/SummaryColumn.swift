/// One column of `summary.csv` (and of `sweep.csv` and `compare.csv`): its name and what it
/// means.
///
/// Each column is declared once, as a static constant next to the code that computes it
/// (`SummaryColumn+Run.swift` for what describes the run, each metric's file for its
/// results); ``all`` fixes their order. Readers (sweep aggregates, plots) find columns by
/// name, so adding a column never breaks them.
public struct SummaryColumn: Sendable, Hashable {
    /// The header, as in `summary.csv`.
    public let name: String
    /// What the column holds, for the README's reference.
    public let meaning: String

    public init(_ name: String, _ meaning: String) {
        self.name = name
        self.meaning = meaning
    }

    /// Every column, in the order of `summary.csv`.
    public static let all: [SummaryColumn] = [
        .scenario, .seed, .replication, .tipSelection, .alpha, .walkStart, .parents, .repeatedPicks,
        .devices, .lambda, .delayDistribution, .delayMean, .duration, .warmup, .orphanTimeout, .transactions,
        .measuredTransactions, .meanTips, .meanVisibleTips, .firstApprovalMean, .firstApprovalP50,
        .firstApprovalP90, .firstApprovalP99, .leftBehind, .leftBehindRate, .censored, .orphanRate, .meanWalkLength,
        .consensus, .milestoneInterval, .confirmedFraction, .unconfirmedRate, .latencyMean, .latencyP50,
        .latencyP90, .latencyP99, .latencyMax, .milestones, .reattachments, .network, .nodes, .topology,
        .propagationP50, .propagationP90, .propagationMax, .nodeTipsMean, .nodeTipsMin, .nodeTipsMax,
        .coordinatorLatencyMean, .coordinatorLatencyP50, .coordinatorLatencyP99, .issuerNodeLatencyMean,
        .issuerNodeLatencyP50, .issuerNodeLatencyP99, .conflicts, .conflictsSettled, .settleTimeMean,
        .doubleConfirmations, .attacks, .attackSuccesses, .rejectedRate,
        .messagesLost, .nodePropagationP50, .nodePropagationP90,
    ]

    /// Each column's position in ``all``, then the optional ``work`` columns' after them.
    static let _positions: [String: Int] = Dictionary(
        uniqueKeysWithValues: (all + work).enumerated().map { ($0.element.name, $0.offset) })
}

/// One row of `summary.csv`: the measured results of one run, a value per
/// ``SummaryColumn``.
///
/// Definitions follow `docs/model.md`. "Measured" transactions are device transactions
/// (arrivals and reattachments; not the genesis, not milestones) issued at or after `warmup`;
/// "censored" ones are measured transactions issued after `duration - orphanTimeout`, too
/// young to be judged. Confirmation is judged per payload: a new arrival and its
/// reattachments carry one payload, confirmed when the first of them is, with latency
/// counted from the arrival.
public struct RunSummary: Sendable, Equatable {
    /// The values in the order of ``SummaryColumn/all`` then ``SummaryColumn/work``; a
    /// column nobody set is empty.
    var _values: [CSVValue] = Array(repeating: .text(""), count: SummaryColumn.all.count + SummaryColumn.work.count)
    /// Whether the ``SummaryColumn/work`` columns were set (some device class does work).
    public private(set) var hasWorkColumns = false

    public init() {}

    /// The values in the order of ``SummaryColumn/all`` (without the work columns).
    public var csvFields: [CSVValue] { Array(_values[..<SummaryColumn.all.count]) }

    /// The column names, in order (without the work columns).
    public static var csvHeader: [String] { SummaryColumn.all.map(\.name) }

    /// The header of `summary.csv` for `summaries`: ``csvHeader``, then the work columns
    /// when some summary has them (``csvFields(work:)`` gives the matching rows).
    public static func csvHeader(for summaries: [RunSummary]) -> [String] {
        csvHeader + (summaries.contains(where: \.hasWorkColumns) ? SummaryColumn.work.map(\.name) : [])
    }

    /// The values of ``csvFields`` and, with `work`, the work columns (empty when unset).
    public func csvFields(work: Bool) -> [CSVValue] {
        work ? _values : csvFields
    }

    /// The value of `column`.
    public subscript(column: SummaryColumn) -> CSVValue {
        get { _values[SummaryColumn._positions[column.name]!] }
        set {
            let position = SummaryColumn._positions[column.name]!
            _values[position] = newValue
            if position >= SummaryColumn.all.count { hasWorkColumns = true }
        }
    }

    /// The value of `column` as a number (NaN when empty or text).
    public func number(_ column: SummaryColumn) -> Double {
        switch self[column] {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text(let text): Double(text) ?? .nan
        }
    }

    /// The value of `column` as an integer (0 when it is not one).
    public func integer(_ column: SummaryColumn) -> Int {
        if case .integer(let value) = self[column] { return value }
        return Int(exactly: number(column)) ?? 0
    }

    /// The value of `column` as text, as written in the CSV.
    public func text(_ column: SummaryColumn) -> String {
        self[column].csvText
    }

    // Shorthands for the columns code and tests read most.
    public var scenario: String { text(.scenario) }
    public var replication: Int { integer(.replication) }
    public var tipSelection: String { text(.tipSelection) }
    public var alpha: Double { number(.alpha) }
    public var walkStart: String { text(.walkStart) }
    public var transactions: Int { integer(.transactions) }
    public var lambda: Double { number(.lambda) }
    public var delayMean: Double { number(.delayMean) }
    public var warmup: Double { number(.warmup) }
    public var milestoneInterval: Double { number(.milestoneInterval) }
    public var duration: Double { number(.duration) }
    public var meanTips: Double { number(.meanTips) }
    public var meanVisibleTips: Double { number(.meanVisibleTips) }
    public var firstApprovalMean: Double { number(.firstApprovalMean) }
    public var firstApprovalP99: Double { number(.firstApprovalP99) }
    public var leftBehind: Int { integer(.leftBehind) }
    public var leftBehindRate: Double { number(.leftBehindRate) }
    public var censored: Int { integer(.censored) }
    public var measuredTransactions: Int { integer(.measuredTransactions) }
    public var meanWalkLength: Double { number(.meanWalkLength) }
    public var confirmedFraction: Double { number(.confirmedFraction) }
    public var unconfirmedRate: Double { number(.unconfirmedRate) }
    public var latencyMean: Double { number(.latencyMean) }
    public var latencyMax: Double { number(.latencyMax) }
    public var milestones: Int { integer(.milestones) }
    public var reattachments: Int { integer(.reattachments) }
    public var propagationMax: Double { number(.propagationMax) }
    public var coordinatorLatencyMean: Double { number(.coordinatorLatencyMean) }
    public var issuerNodeLatencyMean: Double { number(.issuerNodeLatencyMean) }
    public var conflictsSettled: Int { integer(.conflictsSettled) }
    public var settleTimeMean: Double { number(.settleTimeMean) }
    public var doubleConfirmations: Int { integer(.doubleConfirmations) }
    public var attackSuccesses: Int { integer(.attackSuccesses) }
    public var rejectedRate: Double { number(.rejectedRate) }
}
