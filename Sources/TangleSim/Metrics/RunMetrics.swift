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
    /// The rows of `classes.csv`, set by ``finish(at:tangle:confirmation:nodeAverage:issuerNodeTime:conflicts:refused:adversaryBehaviours:into:)``.
    public private(set) var classes: [ClassRow] = []
    let _warmup: Double
    let _devices: [DeviceClass]

    public init(scenario: Scenario) {
        _warmup = scenario.warmup
        _devices = scenario.devices
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
    /// transaction once (in id order) for approval, propagation and confirmation; and the
    /// rows of `classes.csv` (``classes``), judging each measured device or adversary
    /// transaction again within its class with the same judges.
    ///
    /// - Parameters:
    ///   - refused: the device and adversary transactions refused at issue.
    ///   - adversaryBehaviours: each adversary's behaviour, for its row of `classes.csv`
    ///     (transactions of adversaries beyond this list have no row).
    /// - Returns: the summary's measured columns (the caller adds what describes the run)
    ///   and, with a confirmation rule, the sorted latencies of the confirmed measured
    ///   payloads.
    /// - Complexity: O(n) (exact quantiles by selection), plus O(p) to radix-sort the p
    ///   latencies.
    mutating func finish(
        at end: Double, tangle: Tangle, confirmation: ConfirmationTracker?, nodeAverage: NodeAverage?,
        issuerNodeTime: ((Int32, Double) -> Double)?, conflicts: ConflictOutcome?, refused: [RefusedTransaction],
        adversaryBehaviours: [String], into summary: inout RunSummary
    ) -> [Double] {
        // Specialised twice, so that a run without work judges without a trace of it.
        if _devices.contains(where: { $0.work != nil }) {
            return _finish(
                WorkMetrics.self, at: end, tangle: tangle, confirmation: confirmation, nodeAverage: nodeAverage,
                issuerNodeTime: issuerNodeTime, conflicts: conflicts, refused: refused,
                adversaryBehaviours: adversaryBehaviours, into: &summary)
        }
        return _finish(
            NoWork.self, at: end, tangle: tangle, confirmation: confirmation, nodeAverage: nodeAverage,
            issuerNodeTime: issuerNodeTime, conflicts: conflicts, refused: refused,
            adversaryBehaviours: adversaryBehaviours, into: &summary)
    }

    /// ``finish(at:tangle:confirmation:nodeAverage:issuerNodeTime:conflicts:refused:adversaryBehaviours:into:)``
    /// with `Work` tallying the judged device transactions' work.
    mutating func _finish<Work: WorkTally>(
        _: Work.Type, at end: Double, tangle: Tangle, confirmation: ConfirmationTracker?, nodeAverage: NodeAverage?,
        issuerNodeTime: ((Int32, Double) -> Double)?, conflicts: ConflictOutcome?, refused: [RefusedTransaction],
        adversaryBehaviours: [String], into summary: inout RunSummary
    ) -> [Double] {
        var work = Work()
        var conflictMetrics = ConflictMetrics()
        var propagation = PropagationMetrics()
        propagation.times.reserveCapacity(tangle.count)
        var confirmations = confirmation.map { _ in
            ConfirmationMetrics(orphanTimeout: approval._orphanTimeout, nodeAverage: nodeAverage)
        }
        var classMetrics = ClassMetrics<Work>(
            devices: _devices, adversaryBehaviours: adversaryBehaviours, orphanTimeout: approval._orphanTimeout,
            confirmation: confirmation != nil, nodeAverage: nodeAverage)
        approval.beginJudging(count: tangle.count)
        let issueTime = tangle.issueTime
        let rejectedMarks = conflicts?.rejected ?? []
        let judgesClasses = classMetrics.judgesRows
        var deviceTransactions = 0
        for index in 1..<tangle.count {
            let x = Int32(truncatingIfNeeded: index)
            let isDevice = tangle.isDeviceTransaction(x)
            if isDevice { deviceTransactions += 1 }
            guard issueTime[index] >= _warmup || judgesClasses else { continue }
            let isRejected = !rejectedMarks.isEmpty && rejectedMarks[index]
            if judgesClasses {
                let row = classMetrics.row(of: tangle.issuer(of: x))
                guard row >= 0 else { continue }
                classMetrics.countIssued(row: row)
                guard issueTime[index] >= _warmup else { continue }
                classMetrics.judge(
                    x, row: row, in: tangle, end: end, rejected: isRejected, confirmation: confirmation,
                    issuerNodeTime: issuerNodeTime)
            }
            guard isDevice else { continue }
            propagation.add(x, in: tangle, end: end)
            guard approval.judge(x, in: tangle, end: end, rejected: isRejected) else { continue }
            conflictMetrics.judge(rejected: isRejected)
            if Work.isTallying {
                work.add(x, in: tangle, power: { _devices[classMetrics.row(of: tangle.issuer(of: x))].power })
            }
            if let confirmation {
                confirmations!.judge(x, in: tangle, confirmation: confirmation, issuerNodeTime: issuerNodeTime)
            }
        }
        tips.summarize(into: &summary, end: end)
        let judged = approval.measured - approval.censored
        let orphaned = OrphanageMetrics.orphaned(
            in: tangle, end: end, orphanTimeout: approval._orphanTimeout, warmup: _warmup, rejected: rejectedMarks)
        summary[.orphanRate] = .real(judged > 0 ? Double(orphaned) / Double(judged) : .nan)
        approval.summarize(into: &summary)
        var latencies: [Double] = []
        if confirmations != nil {
            latencies = confirmations!.summarize(into: &summary)
        } else {
            ConfirmationMetrics.summarizeWithoutRule(into: &summary)
        }
        work.summarize(confirmedPayloads: confirmations != nil ? latencies.count : nil, into: &summary)
        propagation.summarize(into: &summary)
        nodeTips.summarize(into: &summary)
        conflictMetrics.summarize(
            outcome: conflicts, refusedDeviceTimes: refused.filter { $0.issuer.kind == .device }.map(\.time),
            warmup: _warmup, end: end,
            orphanTimeout: approval._orphanTimeout, into: &summary)
        if !judgesClasses { classMetrics.countIssued(row: 0, deviceTransactions) }
        classes = classMetrics.rows(summary: summary, refused: refused, warmup: _warmup, end: end)
        return latencies
    }
}
