/// The Tangle under the whitepaper's delay model, as an event handler for the ``Engine``.
///
/// Generic over the tip-selection strategy so that its calls are specialised. It never prints
/// and never touches files: it fills a ``Tangle``, ``TimeseriesRow``s and the counters a
/// ``RunSummary`` is computed from.
///
/// Per transaction: one `issue` event (arrival, device, parents, delay; schedules the next
/// arrival) and one `visible` event (the transaction joins the visible tip set, its parents
/// leave it, and the confirmation rule is applied). A coordinator adds `milestone` events;
/// devices that reattach add a `reattach` check per transaction.
///
/// Device ids are >= 0; the genesis has device -1 and milestones device -2.
public struct TangleSimulation<Selector: TipSelector>: EventHandler {
    public typealias Payload = TangleEvent

    public private(set) var tangle: Tangle
    public private(set) var visibleTips = TipSet()
    public private(set) var selector: Selector
    public private(set) var timeseries: [TimeseriesRow] = []
    /// The confirmation rule's state (nil without a consensus rule).
    public private(set) var confirmation: ConfirmationTracker?
    /// The coordinator (nil without one).
    public private(set) var coordinator: Coordinator?
    /// The gossip network's state (nil under the delay model).
    var gossip: GossipState?

    /// The scenario being run and the replication number.
    public let scenario: Scenario
    public let replication: Int

    @usableFromInline let _arrivals: ArrivalProcess
    @usableFromInline let _delayRNG: RandomStream
    @usableFromInline let _tipRNG: RandomStream
    @usableFromInline let _delay: DelayDistribution?
    @usableFromInline let _parents: Int
    @usableFromInline let _repeatedPicks: RepeatedPicks
    @usableFromInline let _warmup: Double
    @usableFromInline let _orphanTimeout: Double
    @usableFromInline let _sampleInterval: Double
    @usableFromInline let _transactionLimit: Int
    @usableFromInline var _parentScratch: [Int32] = []
    /// Each device class's reattachment delay (nil: never), and whether any class has one.
    @usableFromInline let _reattachAfter: [Double?]
    @usableFromInline let _reattaches: Bool
    @usableFromInline let _milestoneDepth: Int?

    /// Arrivals so far: new transactions from devices (not reattachments, not milestones).
    public private(set) var issued = 0
    /// Transactions issued again by their device because they were not confirmed in time.
    public private(set) var reattachments = 0
    /// Milestones issued by the coordinator.
    public private(set) var milestonesIssued = 0
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
    ///
    /// - Parameter coordinatorSelector: the coordinator's tip selector, required when the
    ///   scenario has a coordinator.
    public init(
        scenario: Scenario, replication: Int, selector: Selector, expectedTransactions: Int,
        coordinatorSelector: (any TipSelector)? = nil
    ) {
        self.scenario = scenario
        self.replication = replication
        self.selector = selector
        tangle = Tangle(parents: scenario.parentSlots, expectedTransactions: expectedTransactions)
        visibleTips.reserveCapacity(ids: expectedTransactions)
        visibleTips.insert(0)
        _arrivals = ArrivalProcess(
            classes: scenario.devices,
            rng: RandomStream(seed: scenario.seed, replication: replication, stream: .arrivals))
        _delayRNG = RandomStream(seed: scenario.seed, replication: replication, stream: .delays)
        _tipRNG = RandomStream(seed: scenario.seed, replication: replication, stream: .tipSelection)
        switch scenario.network {
        case .delay(let delay):
            _delay = delay
        case .gossip(let configuration):
            _delay = nil
            do {
                gossip = try GossipState(configuration, scenario: scenario, replication: replication)
            } catch {
                preconditionFailure("\(error) (check scenarios with Simulation.checkRunnable first)")
            }
        }
        _parents = scenario.tangle.parents
        _repeatedPicks = scenario.tangle.repeatedPicks
        _warmup = scenario.warmup
        _orphanTimeout = scenario.metrics.orphanTimeout
        _sampleInterval = scenario.metrics.sampleInterval
        _transactionLimit = scenario.transactions ?? Int.max
        _parentScratch.reserveCapacity(TangleConfiguration.maximumParents)
        _reattachAfter = scenario.devices.map(\.reattachAfter)
        _reattaches = _reattachAfter.contains { $0 != nil }
        if case .milestone(let depth) = scenario.tipSelection.walkStart { _milestoneDepth = depth } else { _milestoneDepth = nil }
        switch scenario.consensus {
        case .none:
            precondition(!_reattaches, "reattachment needs a confirmation rule")
        case .coordinator(let configuration):
            guard let coordinatorSelector else { preconditionFailure("a coordinator needs its tip selector") }
            coordinator = Coordinator(
                configuration: configuration, selector: coordinatorSelector,
                rng: RandomStream(seed: scenario.seed, replication: replication, stream: .coordinator))
            confirmation = ConfirmationTracker(rule: .milestones, payloads: _reattaches, expectedTransactions: expectedTransactions)
        case .cumulativeWeight(let threshold):
            confirmation = ConfirmationTracker(
                rule: .weightThreshold(threshold), payloads: _reattaches, expectedTransactions: expectedTransactions)
        }
        precondition(_milestoneDepth == nil || coordinator != nil, "milestone walk starts need a coordinator")
    }

    /// Schedules the first sample (at time 0) and the first arrival.
    public mutating func start(_ engine: inout Engine<TangleEvent>) {
        engine.schedule(.sample, at: 0)
        engine.schedule(.issue, after: _arrivals.nextInterarrival())
        if let coordinator { engine.schedule(.milestone, after: coordinator.nextGap()) }
    }

    public mutating func handle(_ payload: TangleEvent, engine: inout Engine<TangleEvent>) -> EngineControl {
        switch payload {
        case .issue:
            let device = _arrivals.nextDevice()
            let x = issueTransaction(device: device, payload: nil, engine: &engine)
            issued += 1
            if issued >= _transactionLimit { return .stop }
            if _reattaches, let after = _reattachAfter[_arrivals.deviceClass(of: device)] {
                engine.schedule(.reattach(x), after: after)
            }
            engine.schedule(.issue, after: _arrivals.nextInterarrival())
            return .proceed
        case .visible(let x):
            visibleTips.insert(x)
            tangle.forEachParent(of: x) { visibleTips.remove($0) }
            selector.didBecomeVisible(x, in: tangle)
            let isMilestone = tangle.device[Int(x)] == Self.milestoneDevice
            coordinator?.didBecomeVisible(x, isMilestone: isMilestone, in: tangle)
            if gossip != nil {
                gossip!.didReachEveryNode(x)
            } else {
                confirmation?.didBecomeVisible(x, isMilestone: isMilestone, in: tangle, now: engine.now)
            }
            return .proceed
        case .sample:
            recordSample(at: engine.now)
            engine.schedule(.sample, after: _sampleInterval)
            return .proceed
        case .milestone:
            issueMilestone(engine: &engine)
            engine.schedule(.milestone, after: coordinator!.nextGap())
            return .proceed
        case .reattach(let x):
            let carried = confirmation!.payload![Int(x)]
            guard !confirmation!.isConfirmed(payload: carried) else { return .proceed }
            let device = tangle.device[Int(x)]
            let again = issueTransaction(device: device, payload: carried, engine: &engine)
            reattachments += 1
            engine.schedule(.reattach(again), after: _reattachAfter[_arrivals.deviceClass(of: device)]!)
            return .proceed
        }
    }

    /// The device id of milestones.
    public static var milestoneDevice: Int32 { -2 }

    /// Issues a device transaction now: records the visible tip set it saw, chooses its
    /// parents, draws its delay and schedules its visibility. `payload` is the transaction
    /// that first carried a reattached payload (nil for a new one).
    mutating func issueTransaction(device: Int32, payload: Int32?, engine: inout Engine<TangleEvent>) -> Int32 {
        let now = engine.now
        _parentScratch.removeAll(keepingCapacity: true)
        let visibleAt: Double
        if gossip != nil {
            let node = Int(gossip!.deviceNode[Int(device)])
            var anchor: Int32 = 0
            if let depth = _milestoneDepth {
                anchor = coordinator!.milestones[Swift.max(0, gossip!.latestMilestone(at: node, now: now) - depth)]
            }
            let view = gossip!.view(at: node, now: now, global: visibleTips, tangle: tangle)
            select(view, now: now, anchor: anchor)
            visibleAt = gossip!.spread(Int32(truncatingIfNeeded: tangle.count), parents: _parentScratch, from: node, at: now)
        } else {
            var anchor: Int32 = 0
            if let depth = _milestoneDepth { anchor = coordinator!.anchor(depth: depth) }
            select(visibleTips, now: now, anchor: anchor)
            visibleAt = now + _delay!.sample(_delayRNG)
        }
        let x = append(device: device, visibleAt: visibleAt, now: now)
        confirmation?.didIssue(x, payload: payload ?? x)
        engine.schedule(.visible(x), at: visibleAt)
        return x
    }

    /// Records the tips the issuer sees and chooses the parents into `_parentScratch`.
    mutating func select<View: TangleView>(_ view: View, now: Double, anchor: Int32) {
        if now >= _warmup {
            visibleTipsSum &+= view.tipCount
            visibleTipsSamples &+= 1
        }
        selector.selectParents(
            SelectionRequest(now: now, parents: _parents, repeatedPicks: _repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, into: &_parentScratch, rng: _tipRNG)
    }

    /// Issues a milestone now: the latest visible milestone plus the coordinator's tips.
    mutating func issueMilestone(engine: inout Engine<TangleEvent>) {
        let now = engine.now
        _parentScratch.removeAll(keepingCapacity: true)
        let visibleAt: Double
        if gossip != nil {
            let node = coordinator!.configuration.node
            let view = gossip!.view(at: node, now: now, global: visibleTips, tangle: tangle)
            coordinator!.selectParents(now: now, repeatedPicks: _repeatedPicks, tangle: tangle, view: view, into: &_parentScratch)
            visibleAt = gossip!.spread(Int32(truncatingIfNeeded: tangle.count), parents: _parentScratch, from: node, at: now)
        } else {
            coordinator!.selectParents(
                now: now, repeatedPicks: _repeatedPicks, tangle: tangle, view: visibleTips, into: &_parentScratch)
            visibleAt = now + _delay!.sample(coordinator!.rng)
        }
        let x = append(device: Self.milestoneDevice, visibleAt: visibleAt, now: now)
        coordinator!.didIssueMilestone(x, visibleAtOnce: gossip != nil)
        confirmation?.didIssue(x, payload: x)
        milestonesIssued += 1
        if gossip != nil {
            // The coordinator's node has the milestone now: confirmation there is immediate;
            // other nodes' confirmation times follow from the milestone's visibility vector.
            gossip!.recordMilestone(x, issuedAt: now)
            confirmation?.didBecomeVisible(x, isMilestone: true, in: tangle, now: now)
        }
        engine.schedule(.visible(x), at: visibleAt)
    }

    /// Appends a transaction approving `_parentScratch`, updates the tip count and tells the
    /// strategies.
    mutating func append(device: Int32, visibleAt: Double, now: Double) -> Int32 {
        accumulateTipArea(until: now)
        tipCount += 1
        for parent in _parentScratch where !tangle.isApproved(parent) {
            tipCount -= 1
        }
        let x = tangle.append(issueTime: now, visibleTime: visibleAt, device: device, parents: _parentScratch)
        selector.didIssue(x, in: tangle)
        coordinator?.didIssue(x, in: tangle)
        return x
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
            if tangle.device[Int(_nextToJudge)] >= 0, !isApprovedWithinTimeout(_nextToJudge) { _leftBehindSoFar += 1 }
            _nextToJudge += 1
        }
        let confirmed = confirmation?.confirmedPayloads
        var row = TimeseriesRow(
            time: time, transactions: issued, tips: tipCount, visibleTips: visibleTips.count,
            leftBehind: _leftBehindSoFar, confirmed: confirmed, unconfirmedPending: confirmed.map { issued - $0 })
        if gossip != nil {
            var counts: [Int] = []
            for node in 0..<gossip!.nodes {
                counts.append(gossip!.view(at: node, now: time, global: visibleTips, tangle: tangle).tipCount)
            }
            row.nodeTipsMin = counts.min()
            row.nodeTipsMax = counts.max()
            row.nodeTipsMean = Double(counts.reduce(0, +)) / Double(counts.count)
            if time >= _warmup {
                for (node, count) in counts.enumerated() { gossip!.nodeTipSums[node] += Double(count) }
                gossip!.nodeTipSamples += 1
            }
        }
        timeseries.append(row)
    }

    /// Whether `x`'s first approver was issued within `orphanTimeout` of `x`.
    func isApprovedWithinTimeout(_ x: Int32) -> Bool {
        guard let approver = tangle.firstApprover(of: x) else { return false }
        return tangle.issueTime[Int(approver)] - tangle.issueTime[Int(x)] <= _orphanTimeout
    }

    /// Closes the measurement window at `end` and computes the run's summary and, with a
    /// confirmation rule, the sorted latencies of the confirmed measured payloads.
    ///
    /// - Complexity: O(n) for the transaction statistics (exact quantiles by selection), plus
    ///   O(p log p) to sort the p latencies.
    public mutating func finish(at end: Double) -> RunSummary {
        finishWithLatencies(at: end).summary
    }

    /// ``finish(at:)`` that also returns the sorted latencies (empty without a rule).
    public mutating func finishWithLatencies(at end: Double) -> (summary: RunSummary, latencies: [Double]) {
        accumulateTipArea(until: end)
        let window = end - _warmup
        let judgeBefore = end - _orphanTimeout
        var firstApproval: [Double] = []
        firstApproval.reserveCapacity(tangle.count)
        var leftBehind = 0, measured = 0, censored = 0
        var latencies: [Double] = []
        var coordinatorLatencies: [Double] = []
        var propagation: [Double] = []
        var judgedPayloads = 0, lateOrNever = 0
        // On a gossip network a payload's confirmation time is every node's, averaged: the
        // tracker's time is the coordinator node's (a milestone's issue).
        let meanConfirmation = gossip?.meanConfirmationTimes()
        let issueTime = tangle.issueTime
        let device = tangle.device
        for index in 1..<tangle.count where device[index] >= 0 && issueTime[index] >= _warmup {
            measured += 1
            let x = Int32(truncatingIfNeeded: index)
            if tangle.visibleTime[index] <= end { propagation.append(tangle.visibleTime[index] - issueTime[index]) }
            if issueTime[index] > judgeBefore {
                censored += 1
                continue
            }
            if isApprovedWithinTimeout(x) {
                firstApproval.append(issueTime[Int(tangle.firstApprover(of: x)!)] - issueTime[index])
            } else {
                leftBehind += 1
            }
            // Payloads are judged once, at the arrival that first carried them.
            guard let confirmation, confirmation.payload?[index] ?? x == x else { continue }
            judgedPayloads += 1
            var latency = confirmation.payloadConfirmationTime(x) - issueTime[index]
            if let meanConfirmation, !latency.isNaN {
                coordinatorLatencies.append(latency)
                let milestone = gossip!.milestoneIndex(issuedAt: confirmation.payloadConfirmationTime(x))
                latency = meanConfirmation[milestone] - issueTime[index]
            }
            if latency.isNaN || latency > _orphanTimeout { lateOrNever += 1 }
            if !latency.isNaN { latencies.append(latency) }
        }
        let judged = measured - censored
        let mean = SampleStatistics.mean(firstApproval)
        let quantiles = SampleStatistics.quantiles(selecting: &firstApproval, at: [0.5, 0.9, 0.99])
        SampleStatistics.sortNonNegative(&latencies)
        let latencyQuantiles = SampleStatistics.quantiles(ofSorted: latencies, at: [0.5, 0.9, 0.99, 1])
        let hasRule = confirmation != nil
        let delay: DelayDistribution =
            switch scenario.network {
            case .delay(let delay): delay
            case .gossip(let gossip): gossip.linkLatency
            }
        let propagationQuantiles = SampleStatistics.quantiles(selecting: &propagation, at: [0.5, 0.9, 1])
        SampleStatistics.sortNonNegative(&coordinatorLatencies)
        let coordinatorQuantiles = SampleStatistics.quantiles(ofSorted: coordinatorLatencies, at: [0.5, 0.99])
        let nodeTips = gossip.map { state in
            state.nodeTipSums.map { state.nodeTipSamples > 0 ? $0 / Double(state.nodeTipSamples) : .nan }
        } ?? []
        let summary = RunSummary(
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
            censored: censored, meanWalkLength: selector.walkStatistics?.meanWalkLength ?? .nan,
            consensus: scenario.consensus.kindName,
            milestoneInterval: scenario.consensus.coordinator?.interval ?? .nan,
            confirmedFraction: hasRule && judgedPayloads > 0 ? Double(latencies.count) / Double(judgedPayloads) : .nan,
            unconfirmedRate: hasRule && judgedPayloads > 0 ? Double(lateOrNever) / Double(judgedPayloads) : .nan,
            latencyMean: SampleStatistics.mean(latencies), latencyP50: latencyQuantiles[0],
            latencyP90: latencyQuantiles[1], latencyP99: latencyQuantiles[2], latencyMax: latencyQuantiles[3],
            milestones: milestonesIssued, reattachments: reattachments,
            network: scenario.network.modelName, nodes: scenario.network.gossip?.nodes,
            topology: scenario.network.gossip?.topology.kindName ?? "",
            propagationP50: propagationQuantiles[0], propagationP90: propagationQuantiles[1],
            propagationMax: propagationQuantiles[2],
            nodeTipsMean: nodeTips.isEmpty ? .nan : nodeTips.reduce(0, +) / Double(nodeTips.count),
            nodeTipsMin: nodeTips.min() ?? .nan, nodeTipsMax: nodeTips.max() ?? .nan,
            coordinatorLatencyMean: SampleStatistics.mean(coordinatorLatencies),
            coordinatorLatencyP50: coordinatorQuantiles[0], coordinatorLatencyP99: coordinatorQuantiles[1])
        return (summary, latencies)
    }
}
