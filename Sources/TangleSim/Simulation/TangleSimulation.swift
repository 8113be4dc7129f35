/// The Tangle under the whitepaper's delay model, as an event handler for the ``Engine``.
///
/// Generic over the tip-selection strategy so that its calls are specialised. It never prints
/// and never touches files: it fills a ``Tangle``, ``TimeseriesRow``s and the counters a
/// ``RunSummary`` is computed from.
///
/// Per transaction: one `issue` event (arrival, device, parents, delay; schedules the next
/// arrival) and one `visible` event (the transaction joins the visible tip set, its parents
/// leave it).
public struct TangleSimulation<Selector: TipSelector>: EventHandler {
    public typealias Payload = TangleEvent

    public private(set) var tangle: Tangle
    public private(set) var visibleTips = TipSet()
    public private(set) var selector: Selector
    public private(set) var timeseries: [TimeseriesRow] = []

    /// The scenario being run and the replication number.
    public let scenario: Scenario
    public let replication: Int

    @usableFromInline let _arrivals: ArrivalProcess
    @usableFromInline let _delayRNG: RandomStream
    @usableFromInline let _tipRNG: RandomStream
    @usableFromInline let _delay: DelayDistribution
    @usableFromInline let _parents: Int
    @usableFromInline let _repeatedPicks: RepeatedPicks
    @usableFromInline let _warmup: Double
    @usableFromInline let _orphanTimeout: Double
    @usableFromInline let _sampleInterval: Double
    @usableFromInline let _transactionLimit: Int
    @usableFromInline var _parentScratch: [Int32] = []

    /// Transactions issued so far, genesis excluded.
    public private(set) var issued = 0
    /// Issued transactions with no approver (genesis included while unapproved).
    public private(set) var tipCount = 1
    /// The integral of `tipCount` over [warmup, lastTipChange], in transaction-seconds.
    public private(set) var tipArea = 0.0
    @usableFromInline var _lastTipChange = 0.0
    /// Sum and count of visible tip set sizes seen by measured arrivals.
    public private(set) var visibleTipsSum = 0
    public private(set) var visibleTipsSamples = 0
    /// Cumulative left-behind count of `timeseries.csv`, and the next transaction to judge.
    @usableFromInline var _leftBehindSoFar = 0
    @usableFromInline var _nextToJudge: Int32 = 1

    /// Creates a simulation holding only the genesis; call ``start(_:)`` to schedule the
    /// first events.
    public init(scenario: Scenario, replication: Int, selector: Selector, expectedTransactions: Int) {
        guard case .delay(let delay) = scenario.network else { preconditionFailure("delay model only") }
        self.scenario = scenario
        self.replication = replication
        self.selector = selector
        tangle = Tangle(parents: scenario.tangle.parents, expectedTransactions: expectedTransactions)
        visibleTips.reserveCapacity(ids: expectedTransactions)
        visibleTips.insert(0)
        _arrivals = ArrivalProcess(
            classes: scenario.devices,
            rng: RandomStream(seed: scenario.seed, replication: replication, stream: .arrivals))
        _delayRNG = RandomStream(seed: scenario.seed, replication: replication, stream: .delays)
        _tipRNG = RandomStream(seed: scenario.seed, replication: replication, stream: .tipSelection)
        _delay = delay
        _parents = scenario.tangle.parents
        _repeatedPicks = scenario.tangle.repeatedPicks
        _warmup = scenario.warmup
        _orphanTimeout = scenario.metrics.orphanTimeout
        _sampleInterval = scenario.metrics.sampleInterval
        _transactionLimit = scenario.transactions ?? Int.max
        _parentScratch.reserveCapacity(TangleConfiguration.maximumParents)
    }

    /// Schedules the first sample (at time 0) and the first arrival.
    public mutating func start(_ engine: inout Engine<TangleEvent>) {
        engine.schedule(.sample, at: 0)
        engine.schedule(.issue, after: _arrivals.nextInterarrival())
    }

    public mutating func handle(_ payload: TangleEvent, engine: inout Engine<TangleEvent>) -> EngineControl {
        switch payload {
        case .issue:
            return issue(engine: &engine)
        case .visible(let x):
            visibleTips.insert(x)
            tangle.forEachParent(of: x) { visibleTips.remove($0) }
            selector.didBecomeVisible(x, in: tangle)
            return .proceed
        case .sample:
            recordSample(at: engine.now)
            engine.schedule(.sample, after: _sampleInterval)
            return .proceed
        }
    }

    mutating func issue(engine: inout Engine<TangleEvent>) -> EngineControl {
        let now = engine.now
        if now >= _warmup {
            visibleTipsSum &+= visibleTips.count
            visibleTipsSamples &+= 1
        }
        _parentScratch.removeAll(keepingCapacity: true)
        selector.selectParents(
            SelectionRequest(now: now, parents: _parents, repeatedPicks: _repeatedPicks),
            tangle: tangle, visibleTips: visibleTips, into: &_parentScratch, rng: _tipRNG)
        accumulateTipArea(until: now)
        tipCount += 1
        for parent in _parentScratch where !tangle.isApproved(parent) {
            tipCount -= 1
        }
        let device = _arrivals.nextDevice()
        let visibleAt = now + _delay.sample(_delayRNG)
        let id = tangle.append(issueTime: now, visibleTime: visibleAt, device: device, parents: _parentScratch)
        selector.didIssue(id, in: tangle)
        engine.schedule(.visible(id), at: visibleAt)
        issued += 1
        if issued >= _transactionLimit { return .stop }
        engine.schedule(.issue, after: _arrivals.nextInterarrival())
        return .proceed
    }

    /// Adds `tipCount` times the time since the last change, clipped to the measurement
    /// window, to `tipArea`.

    mutating func accumulateTipArea(until time: Double) {
        let from = Swift.max(_lastTipChange, _warmup)
        if time > from {
            tipArea += Double(tipCount) * (time - from)
        }
        _lastTipChange = time
    }

    /// Appends the row of `timeseries.csv` for `time`, first judging every transaction
    /// issued at or before `time - orphanTimeout`.
    mutating func recordSample(at time: Double) {
        let judgedBefore = time - _orphanTimeout
        while Int(_nextToJudge) < tangle.count, tangle.issueTime[Int(_nextToJudge)] <= judgedBefore {
            if !isApprovedWithinTimeout(_nextToJudge) { _leftBehindSoFar += 1 }
            _nextToJudge += 1
        }
        timeseries.append(
            TimeseriesRow(
                time: time, transactions: issued, tips: tipCount, visibleTips: visibleTips.count,
                leftBehind: _leftBehindSoFar))
    }

    /// Whether `x`'s first approver was issued within `orphanTimeout` of `x`.

    func isApprovedWithinTimeout(_ x: Int32) -> Bool {
        guard let approver = tangle.firstApprover(of: x) else { return false }
        return tangle.issueTime[Int(approver)] - tangle.issueTime[Int(x)] <= _orphanTimeout
    }

    /// Closes the measurement window at `end` and computes the run's summary.
    ///
    /// - Complexity: O(n log n) in the number of measured transactions (exact quantiles).
    public mutating func finish(at end: Double) -> RunSummary {
        accumulateTipArea(until: end)
        let window = end - _warmup
        let judgeBefore = end - _orphanTimeout
        var firstApproval: [Double] = []
        firstApproval.reserveCapacity(tangle.count)
        var leftBehind = 0
        var measured = 0
        var censored = 0
        let issueTime = tangle.issueTime
        for index in 1..<tangle.count where issueTime[index] >= _warmup {
            measured += 1
            let x = Int32(truncatingIfNeeded: index)
            if issueTime[index] > judgeBefore {
                censored += 1
            } else if isApprovedWithinTimeout(x) {
                firstApproval.append(issueTime[Int(tangle.firstApprover(of: x)!)] - issueTime[index])
            } else {
                leftBehind += 1
            }
        }
        let judged = measured - censored
        let mean = SampleStatistics.mean(firstApproval)
        let quantiles = SampleStatistics.quantiles(selecting: &firstApproval, at: [0.5, 0.9, 0.99])
        guard case .delay(let delay) = scenario.network else { preconditionFailure("delay model only") }
        return RunSummary(
            scenario: scenario.name, seed: scenario.seed, replication: replication,
            tipSelection: scenario.tipSelection.strategyName, alpha: scenario.tipSelection.alpha,
            walkStart: scenario.tipSelection.walkStart?.label ?? "", parents: _parents,
            repeatedPicks: _repeatedPicks, devices: scenario.deviceCount, lambda: scenario.lambda,
            delayDistribution: delay.name, delayMean: delay.mean, duration: end,
            warmup: _warmup, orphanTimeout: _orphanTimeout, transactions: issued,
            measuredTransactions: measured,
            meanTips: window > 0 ? tipArea / window : .nan,
            meanVisibleTips: visibleTipsSamples > 0
                ? Double(visibleTipsSum) / Double(visibleTipsSamples) : .nan,
            firstApprovalMean: mean, firstApprovalP50: quantiles[0],
            firstApprovalP90: quantiles[1], firstApprovalP99: quantiles[2],
            leftBehind: leftBehind,
            leftBehindRate: judged > 0 ? Double(leftBehind) / Double(judged) : .nan,
            censored: censored, meanWalkLength: selector.walkStatistics?.meanWalkLength ?? .nan)
    }
}
