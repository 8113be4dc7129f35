/// One row of `classes.csv`: what one device class or adversary issued and how its
/// transactions fared, with the definitions `summary.csv` uses for all devices.
public struct ClassRow: Sendable, Equatable {
    /// The class's `label`, else `devices[i]`; or `adversaries[i]`, as in the scenario.
    public var label: String
    /// `honest`, `lazy`, or an adversary's attack kind.
    public var behaviour: String
    /// Transactions issued: arrivals (those refused at issue included) and reattachments.
    public var issued: Int
    /// Transactions in the Tangle issued at or after `warmup` (as `measured_transactions`).
    public var measured: Int
    /// As `left_behind_rate`, over the class's transactions.
    public var leftBehindRate: Double
    /// As `rejected_rate`, over the class's transactions and refusals.
    public var rejectedRate: Double
    /// As `latency_mean`, `latency_p50`, `latency_p99`, over the class's payloads (NaN
    /// without a confirmation rule).
    public var latencyMean: Double
    public var latencyP50: Double
    public var latencyP99: Double
    /// `work_mean`, `energy_per_transaction`, `energy_per_confirmed_transaction` (nil when
    /// no device class does work: the columns are then not written).
    public var work: WorkRow? = nil

    /// The columns of `classes.csv`, in order.
    public static let csvHeader = [
        "class", "behaviour", "issued", "measured", "left_behind_rate", "rejected_rate", "latency_mean", "latency_p50",
        "latency_p99",
    ]

    /// This row's fields, in the order of ``csvHeader``.
    public var csvFields: [CSVValue] {
        [
            .text(label), .text(behaviour), .integer(issued), .integer(measured), .real(leftBehindRate),
            .real(rejectedRate), .real(latencyMean), .real(latencyP50), .real(latencyP99),
        ]
    }

    /// The columns of a table of these rows: ``csvHeader``, then the work columns when
    /// `work` (some row of the table has work).
    public static func csvHeader(work: Bool) -> [String] {
        csvHeader + (work ? SummaryColumn.work.map(\.name) : [])
    }

    /// This row's fields under ``csvHeader(work:)``: a row without work leaves the work
    /// columns empty.
    public func csvFields(work: Bool) -> [CSVValue] {
        csvFields + (work ? (self.work?.csvFields ?? [.text(""), .text(""), .text("")]) : [])
    }
}

/// The end-of-run judging of ``RunMetrics`` split by issuer: one ``ApprovalMetrics``,
/// ``ConflictMetrics`` and ``ConfirmationMetrics`` per device class and per adversary, fed
/// the same transactions in the same order as the run's own, so that every column of
/// `classes.csv` has exactly the definition of the `summary.csv` column it is named after.
///
/// Rows: the device classes in scenario order, then the adversaries by index. A single row
/// (one device class, no adversary) is the summary's own judgement: it is not judged again,
/// so that a run with one class pays only for counting.
struct ClassMetrics<Work: WorkTally> {
    /// The first device of each class (classes number devices consecutively).
    let _classFirstDevice: [Int32]
    let _labels: [String]
    let _behaviours: [String]
    var _issued: [Int]
    var _approval: [ApprovalMetrics]
    var _conflicts: [ConflictMetrics]
    var _confirmations: [ConfirmationMetrics]?
    /// Each row's work tally (empty when no device class does work: ``NoWork``) and its
    /// power (nil: not given).
    var _work: [Work]
    let _power: [Double?]

    /// Rows for the classes of `devices` and for adversaries with the given behaviours.
    init(
        devices: [DeviceClass], adversaryBehaviours: [String], orphanTimeout: Double, confirmation: Bool,
        nodeAverage: NodeAverage?
    ) {
        var first: [Int32] = []
        var next: Int32 = 0
        for deviceClass in devices {
            first.append(next)
            next += Int32(deviceClass.count)
        }
        _classFirstDevice = first
        _labels = devices.indices.map { devices[$0].label ?? "devices[\($0)]" } + adversaryBehaviours.indices.map { "adversaries[\($0)]" }
        _behaviours = devices.map(\.behaviour.name) + adversaryBehaviours
        let rows = _labels.count
        _issued = Array(repeating: 0, count: rows)
        _power = devices.map(\.power) + adversaryBehaviours.map { _ in nil }
        guard rows > 1 else {
            _approval = []
            _conflicts = []
            _confirmations = nil
            _work = []
            return
        }
        _work = Work.isTallying ? Array(repeating: Work(), count: rows) : []
        _approval = Array(repeating: ApprovalMetrics(orphanTimeout: orphanTimeout, keepsFirstApprovals: false), count: rows)
        _conflicts = Array(repeating: ConflictMetrics(), count: rows)
        _confirmations =
            confirmation
            ? Array(repeating: ConfirmationMetrics(orphanTimeout: orphanTimeout, nodeAverage: nodeAverage), count: rows) : nil
    }

    /// Whether the rows are judged here: more than one row (otherwise the summary's values
    /// are the row's, see ``rows(summary:refused:)``).
    var judgesRows: Bool { _labels.count > 1 }

    /// The row of `issuer`'s transactions, or −1 (the genesis, the coordinator).
    ///
    /// - Complexity: O(log classes).
    func row(of issuer: IssuerIdentity) -> Int {
        switch issuer.kind {
        case .device:
            return classContaining(issuer.id, firstDevices: _classFirstDevice)
        case .adversary:
            let row = _classFirstDevice.count + Int(issuer.id)
            return row < _labels.count ? row : -1
        case .genesis, .coordinator:
            return -1
        }
    }

    /// Counts `count` transactions of `row` in the Tangle, issued at any time.
    mutating func countIssued(row: Int, _ count: Int = 1) {
        _issued[row] += count
    }

    /// Judges measured transaction `x` of `row`, as the run's own judging does.
    mutating func judge(
        _ x: Int32, row: Int, in tangle: Tangle, end: Double, rejected: Bool, confirmation: ConfirmationTracker?,
        issuerNodeTime: ((Int32, Double) -> Double)?
    ) {
        guard _approval[row].judge(x, in: tangle, end: end, rejected: rejected) else { return }
        _conflicts[row].judge(rejected: rejected)
        if Work.isTallying { _work[row].add(x, in: tangle, power: { _power[row] }) }
        if let confirmation {
            _confirmations![row].judge(x, in: tangle, confirmation: confirmation, issuerNodeTime: issuerNodeTime)
        }
    }

    /// The rows of `classes.csv`; `refused` transactions count as issued (arrivals) and as
    /// judged and rejected (as in `rejected_rate`). With a single row, `summary` (the run's
    /// summary, complete) gives its measured columns.
    mutating func rows(summary runSummary: RunSummary, refused: [RefusedTransaction], warmup: Double, end: Double) -> [ClassRow] {
        var refusedTimes = Array(repeating: [Double](), count: _labels.count)
        for transaction in refused {
            let row = row(of: transaction.issuer)
            guard row >= 0 else { continue }
            refusedTimes[row].append(transaction.time)
            if transaction.isArrival { _issued[row] += 1 }
        }
        return _labels.indices.map { row in
            guard judgesRows else { return _row(row, summary: runSummary) }
            var summary = RunSummary()
            _approval[row].summarize(into: &summary)
            _conflicts[row].summarize(
                outcome: nil, refusedDeviceTimes: refusedTimes[row], warmup: warmup, end: end,
                orphanTimeout: _approval[row]._orphanTimeout, into: &summary)
            var confirmed: Int? = nil
            if _confirmations != nil {
                confirmed = _confirmations![row].summarize(into: &summary).count
            } else {
                ConfirmationMetrics.summarizeWithoutRule(into: &summary)
            }
            if Work.isTallying { _work[row].summarize(confirmedPayloads: confirmed, into: &summary) }
            return _row(row, summary: summary)
        }
    }

    /// Row `row` with the measured columns of `summary`.
    func _row(_ row: Int, summary: RunSummary) -> ClassRow {
        ClassRow(
            label: _labels[row], behaviour: _behaviours[row], issued: _issued[row],
            measured: summary.integer(.measuredTransactions), leftBehindRate: summary.number(.leftBehindRate),
            rejectedRate: summary.number(.rejectedRate), latencyMean: summary.number(.latencyMean),
            latencyP50: summary.number(.latencyP50), latencyP99: summary.number(.latencyP99), work: WorkRow(summary: summary))
    }
}
