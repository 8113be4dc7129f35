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
    let _exactQuantiles: Int
    /// Whether some device class does work (judgements are specialised for it).
    let _hasWork: Bool
    /// The judgement begun on forgotten transactions (a ``Judgement`` of `NoWork` or of
    /// `WorkMetrics`), nil until the run forgets some.
    var _judgement: Any?
    /// How each statistic's quantiles were computed, for the manifest: set at the end.
    public private(set) var quantileMethods: [(String, String)] = []

    public init(scenario: Scenario) {
        _warmup = scenario.warmup
        _devices = scenario.devices
        _exactQuantiles = scenario.metrics.exactQuantiles
        _hasWork = scenario.hasWork
        tips = TipMetrics(warmup: scenario.warmup)
        approval = ApprovalMetrics(orphanTimeout: scenario.metrics.orphanTimeout, exactQuantiles: scenario.metrics.exactQuantiles)
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
        if _hasWork {
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
        var judgement = _resumeJudgement(
            Work.self, adversaryBehaviours: adversaryBehaviours, confirmation: confirmation != nil, nodeAverage: nodeAverage,
            expectedTransactions: tangle.count)
        let rejectedMarks = conflicts?.rejected ?? []
        judgement.judge(
            below: Int32(truncatingIfNeeded: tangle.count), in: tangle, end: end, approval: &approval,
            confirmation: confirmation, issuerNodeTime: issuerNodeTime, rejected: rejectedMarks)
        tips.summarize(into: &summary, end: end)
        let judged = approval.measured - approval.censored
        let orphaned =
            OrphanageMetrics.orphaned(
                in: tangle, end: end, orphanTimeout: approval._orphanTimeout, warmup: _warmup, rejected: rejectedMarks)
            + judgement.forgottenOrphans(end: end, lastIssue: tangle.issueTime(of: Int32(truncatingIfNeeded: tangle.count - 1)))
        summary[.orphanRate] = .real(judged > 0 ? Double(orphaned) / Double(judged) : .nan)
        quantileMethods = [
            ("first_approval", approval.firstApproval.method), ("propagation", judgement.propagation.times.method),
        ]
        approval.summarize(into: &summary)
        var latencies: [Double] = []
        if judgement.confirmations != nil {
            latencies = judgement.confirmations!.summarize(into: &summary)
        } else {
            ConfirmationMetrics.summarizeWithoutRule(into: &summary)
        }
        judgement.work.summarize(confirmedPayloads: judgement.confirmations != nil ? latencies.count : nil, into: &summary)
        judgement.propagation.summarize(into: &summary)
        nodeTips.summarize(into: &summary)
        judgement.conflictMetrics.summarize(
            outcome: conflicts, refusedDeviceTimes: refused.filter { $0.issuer.kind == .device }.map(\.time),
            warmup: _warmup, end: end,
            orphanTimeout: approval._orphanTimeout, into: &summary)
        if !judgement.classMetrics.judgesRows { judgement.classMetrics.countIssued(row: 0, judgement.deviceTransactions) }
        classes = judgement.classMetrics.rows(summary: summary, refused: refused, warmup: _warmup, end: end)
        return latencies
    }

    /// Judges, before they are forgotten, the transactions below `id` not judged yet: each
    /// issued at least `orphanTimeout` before `now` (so never censored, whenever the run
    /// ends) and settled, an ancestor of every transaction issued from now on (so orphaned
    /// only if nothing at all is issued in the run's final `orphanTimeout`). Only runs
    /// without a confirmation rule and without conflicts forget their past.
    ///
    /// - Parameters:
    ///   - adversaryBehaviours: as for the end of the run.
    ///   - expectedTransactions: the transactions the run is expected to issue, for storage.
    ///   - isDead: whether a transaction is dead rather than settled: no selection can reach
    ///     anything descending from it, and its newest descendant is `orphanTimeout` old, so
    ///     it is an orphan.
    mutating func judgeForgotten(
        below id: Int32, in tangle: Tangle, now: Double, adversaryBehaviours: [String], expectedTransactions: Int,
        isDead: (Int32) -> Bool
    ) {
        if _hasWork {
            _judgeForgotten(
                WorkMetrics.self, below: id, in: tangle, now: now, adversaryBehaviours: adversaryBehaviours,
                expectedTransactions: expectedTransactions, isDead: isDead)
        } else {
            _judgeForgotten(
                NoWork.self, below: id, in: tangle, now: now, adversaryBehaviours: adversaryBehaviours,
                expectedTransactions: expectedTransactions, isDead: isDead)
        }
    }

    mutating func _judgeForgotten<Work: WorkTally>(
        _: Work.Type, below id: Int32, in tangle: Tangle, now: Double, adversaryBehaviours: [String], expectedTransactions: Int,
        isDead: (Int32) -> Bool
    ) {
        var judgement = _resumeJudgement(
            Work.self, adversaryBehaviours: adversaryBehaviours, confirmation: false, nodeAverage: nil,
            expectedTransactions: expectedTransactions)
        withoutActuallyEscaping(isDead) { isDead in
            judgement.judge(
                below: id, in: tangle, end: now, approval: &approval, confirmation: nil, issuerNodeTime: nil, rejected: [],
                forgotten: isDead)
        }
        _judgement = judgement
    }

    /// The judgement begun on forgotten transactions, taken out (so that it is mutated
    /// uniquely); or a new one, with storage for `expectedTransactions` judged.
    mutating func _resumeJudgement<Work: WorkTally>(
        _: Work.Type, adversaryBehaviours: [String], confirmation: Bool, nodeAverage: NodeAverage?, expectedTransactions: Int
    ) -> Judgement<Work> {
        if let judgement = _judgement {
            _judgement = nil
            return judgement as! Judgement<Work>
        }
        approval.beginJudging(count: expectedTransactions)
        return Judgement<Work>(
            metrics: self, adversaryBehaviours: adversaryBehaviours, confirmation: confirmation, nodeAverage: nodeAverage,
            expectedTransactions: expectedTransactions)
    }
}

/// The end-of-run judgement of device transactions, in id order: approval, propagation,
/// confirmation, work and conflicts, overall and by class. A run that forgets its past
/// judges each transaction before it is forgotten (``RunMetrics/judgeForgotten(below:in:now:adversaryBehaviours:expectedTransactions:)``)
/// and the rest at the end, with the same judges in the same order, so that every figure
/// is the one a run that kept everything computes.
struct Judgement<Work: WorkTally> {
    var work = Work()
    var conflictMetrics = ConflictMetrics()
    var propagation: PropagationMetrics
    var confirmations: ConfirmationMetrics?
    var classMetrics: ClassMetrics<Work>
    var deviceTransactions = 0
    /// The next transaction to judge.
    var next: Int32 = 1
    /// Forgotten settled device transactions judged (measured, not censored, not rejected):
    /// orphans exactly when nothing is issued in the final `orphanTimeout`.
    var forgottenJudged = 0
    /// Forgotten dead ones: orphans.
    var forgottenDead = 0
    let _warmup: Double
    let _devices: [DeviceClass]
    let _orphanTimeout: Double

    init(
        metrics: RunMetrics, adversaryBehaviours: [String], confirmation: Bool, nodeAverage: NodeAverage?,
        expectedTransactions: Int
    ) {
        _warmup = metrics._warmup
        _devices = metrics._devices
        _orphanTimeout = metrics.approval._orphanTimeout
        propagation = PropagationMetrics(exactQuantiles: metrics._exactQuantiles)
        propagation.times.reserveCapacity(expectedTransactions)
        confirmations =
            confirmation ? ConfirmationMetrics(orphanTimeout: metrics.approval._orphanTimeout, nodeAverage: nodeAverage) : nil
        classMetrics = ClassMetrics<Work>(
            devices: metrics._devices, adversaryBehaviours: adversaryBehaviours,
            orphanTimeout: metrics.approval._orphanTimeout, confirmation: confirmation, nodeAverage: nodeAverage)
    }

    /// Judges the transactions from ``next`` to `id` (excluded) at `end`.
    ///
    /// - Parameter forgotten: for transactions being forgotten, whether each is dead (an
    ///   orphan, ``forgottenDead``) rather than settled (``forgottenJudged``); nil at the end.
    mutating func judge(
        below id: Int32, in tangle: Tangle, end: Double, approval: inout ApprovalMetrics,
        confirmation: ConfirmationTracker?, issuerNodeTime: ((Int32, Double) -> Double)?, rejected rejectedMarks: [Bool],
        forgotten isDead: ((Int32) -> Bool)? = nil
    ) {
        let judgesClasses = classMetrics.judgesRows
        while next < id {
            let x = next
            next &+= 1
            let index = Int(x)
            tangle.prefetchFirstApproverIssueTime(of: x &+ Tangle.judgingPrefetchDistance)
            let isDevice = tangle.isDeviceTransaction(x)
            if isDevice { deviceTransactions += 1 }
            let issueTime = tangle.issueTime(of: x)
            guard issueTime >= _warmup || judgesClasses else { continue }
            let isRejected = !rejectedMarks.isEmpty && rejectedMarks[index]
            if judgesClasses {
                let row = classMetrics.row(of: tangle.issuer(of: x))
                guard row >= 0 else { continue }
                classMetrics.countIssued(row: row)
                guard issueTime >= _warmup else { continue }
                classMetrics.judge(
                    x, row: row, in: tangle, end: end, rejected: isRejected, confirmation: confirmation,
                    issuerNodeTime: issuerNodeTime)
            }
            guard isDevice else { continue }
            propagation.add(x, in: tangle, end: end)
            guard approval.judge(x, in: tangle, end: end, rejected: isRejected) else { continue }
            if let isDead, !isRejected {
                if isDead(x) { forgottenDead += 1 } else { forgottenJudged += 1 }
            }
            conflictMetrics.judge(rejected: isRejected)
            if Work.isTallying {
                let power = _devices[classMetrics.row(of: tangle.issuer(of: x))].power
                work.add(x, in: tangle, power: { power })
            }
            if let confirmation {
                confirmations!.judge(x, in: tangle, confirmation: confirmation, issuerNodeTime: issuerNodeTime)
            }
        }
    }

    /// How many of the forgotten transactions are orphans in a run that ended at `end`,
    /// its last transaction issued at `lastIssue`: the dead ones, and the settled ones too
    /// when that is not within the final `orphanTimeout` (then nothing is; otherwise the last
    /// transaction, issued after they were settled or a tip when they were, descends from each).
    func forgottenOrphans(end: Double, lastIssue: Double) -> Int {
        forgottenDead + (lastIssue > end - _orphanTimeout ? 0 : forgottenJudged)
    }
}
