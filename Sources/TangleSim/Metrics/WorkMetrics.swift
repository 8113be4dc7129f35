extension SummaryColumn {
    public static let workMean = SummaryColumn(
        "work_mean",
        "device classes with `work` only: the mean work time (proof of work) of the measured, uncensored device transactions, seconds from choosing the parents (`created`) to the broadcast (`issued`); 0 for a class without work")
    public static let energyPerTransaction = SummaryColumn(
        "energy_per_transaction",
        "their mean energy: work time × the class's `power` (J); empty when a class among them gives no `power`")
    public static let energyPerConfirmedTransaction = SummaryColumn(
        "energy_per_confirmed_transaction",
        "the energy of all of them (reattachments included) / the payloads among them confirmed (J): what a confirmed payment costs; empty without a confirmation rule")

    /// The columns written only when some device class does work (``Scenario/hasWork``),
    /// after ``all``: a scenario without `work` writes exactly the columns it always did.
    public static let work: [SummaryColumn] = [.workMean, .energyPerTransaction, .energyPerConfirmedTransaction]
}

/// The work (proof of work) of the measured, uncensored transactions of a run or of one
/// class: their work times and energy (work time × power), judged at the end of the run in
/// id order with the other metrics.
///
/// Energy is the work's alone (a device's idle draw is not modelled): a transaction of a
/// class without `power` makes the energy undefined (NaN).
struct WorkMetrics: Sendable, WorkTally {
    /// Transactions judged.
    var transactions = 0
    /// Their work times, summed (s).
    var workSum = 0.0
    /// Their energy, summed (J; NaN once a transaction without power was judged).
    var energySum = 0.0

    /// Judges one transaction with work time `work` (s) of a class drawing `power` watts
    /// (nil: not given).
    mutating func add(work: Double, power: Double?) {
        transactions += 1
        workSum += work
        energySum += power.map { work * $0 } ?? .nan
    }

    static var isTallying: Bool { true }

    @inline(__always)
    mutating func add(_ x: Int32, in tangle: Tangle, power: () -> Double?) {
        add(work: tangle.workTime(of: x), power: power())
    }

    func summarize(confirmedPayloads: Int?, into summary: inout RunSummary) {
        values(confirmedPayloads: confirmedPayloads).summarize(into: &summary)
    }

    /// The three work columns' values, given the payloads among the judged transactions that
    /// were confirmed (nil without a confirmation rule).
    func values(confirmedPayloads: Int?) -> WorkRow {
        let count = Double(transactions)
        return WorkRow(
            workMean: transactions > 0 ? workSum / count : .nan,
            energyPerTransaction: transactions > 0 ? energySum / count : .nan,
            energyPerConfirmedTransaction: confirmedPayloads.map { $0 > 0 ? energySum / Double($0) : .nan } ?? .nan)
    }
}

/// The work columns of one row of `summary.csv` or `classes.csv` (see ``SummaryColumn/work``).
public struct WorkRow: Sendable, Equatable {
    /// `work_mean` (s).
    public var workMean: Double
    /// `energy_per_transaction` (J).
    public var energyPerTransaction: Double
    /// `energy_per_confirmed_transaction` (J).
    public var energyPerConfirmedTransaction: Double

    /// The values in the order of ``SummaryColumn/work``.
    var csvFields: [CSVValue] { [.real(workMean), .real(energyPerTransaction), .real(energyPerConfirmedTransaction)] }

    /// Sets the work columns of `summary`.
    func summarize(into summary: inout RunSummary) {
        summary[.workMean] = .real(workMean)
        summary[.energyPerTransaction] = .real(energyPerTransaction)
        summary[.energyPerConfirmedTransaction] = .real(energyPerConfirmedTransaction)
    }

    /// The work columns of `summary`, or nil when they were not set.
    init?(summary: RunSummary) {
        guard summary.hasWorkColumns else { return nil }
        self.init(
            workMean: summary.number(.workMean), energyPerTransaction: summary.number(.energyPerTransaction),
            energyPerConfirmedTransaction: summary.number(.energyPerConfirmedTransaction))
    }

    public init(workMean: Double, energyPerTransaction: Double, energyPerConfirmedTransaction: Double) {
        self.workMean = workMean
        self.energyPerTransaction = energyPerTransaction
        self.energyPerConfirmedTransaction = energyPerConfirmedTransaction
    }
}

/// What the end-of-run judging does with the work of each judged device transaction:
/// ``WorkMetrics`` tallies it; ``NoWork`` (no class does work) does nothing, so that the
/// judging loop, specialised for it, compiles as if work did not exist.
protocol WorkTally {
    /// Whether this tally counts anything: a constant, so that code specialised for
    /// ``NoWork`` drops every `if Work.isTallying` branch at compile time.
    static var isTallying: Bool { get }
    init()
    /// Judges device transaction `x`, whose class draws `power()` watts (nil: not given).
    mutating func add(_ x: Int32, in tangle: Tangle, power: () -> Double?)
    /// Sets the work columns of `summary` (nothing without work).
    func summarize(confirmedPayloads: Int?, into summary: inout RunSummary)
}

/// The ``WorkTally`` of runs without work: tallies nothing, writes no column.
struct NoWork: WorkTally {
    static var isTallying: Bool { false }
    @inline(__always) func add(_ x: Int32, in tangle: Tangle, power: () -> Double?) {}
    func summarize(confirmedPayloads: Int?, into summary: inout RunSummary) {}
}
