/// The scenario's virtual IoT devices as one issuer: their arrival process decides when and
/// which device issues, the scenario's tip-selection strategy chooses the parents, and a
/// device whose payload is still unconfirmed `reattachAfter` seconds later issues it again.
///
/// Generic over the strategy and the arrival process so that the hot path (one arrival per
/// transaction) is specialised. Draws: the arrival process from the arrivals stream, tip
/// selection from the tip-selection stream, delays (delay model) from the delays stream,
/// work times (classes with `work`) from the work stream.
///
/// A lazy class (`"behaviour": "lazy"`) approves the parents its ``LazyApproval`` holds
/// instead of asking the strategy; a fleet without one pays one well-predicted branch per
/// transaction for the possibility.
public struct DeviceFleet<Selector: TipSelector, Arrivals: ArrivalProcess>: Issuer {
    /// The scenario's tip-selection strategy, with whatever state it keeps.
    public private(set) var selector: Selector
    var _arrivals: Arrivals
    let _tipStream: RandomStream
    public let delayStream: RandomStream
    let _parents: Int
    /// With adaptive parents: the tangle section, lambda and h.
    var _adaptive: (tangle: TangleConfiguration, lambda: Double, delay: Double)?
    let _repeatedPicks: RepeatedPicks
    let _transactionLimit: Int
    /// Each device class's reattachment delay (nil: never), and whether any class has one.
    let _reattachAfter: [Double?]
    /// Whether any device reattaches.
    public let reattaches: Bool
    let _milestoneDepth: Int?
    var _index: Int32 = 0
    /// Each device class's lazy parents (nil for an honest class); empty when every class
    /// is honest.
    var _lazy: [LazyApproval?]
    /// Whether any class is lazy.
    let _hasLazy: Bool
    /// Each device class's work time (nil: none); empty when no class does work.
    let _work: [DelayDistribution?]
    /// Whether any class does work (proof of work).
    public let hasWork: Bool
    /// The stream work times are drawn from (nil when no class does work).
    let _workStream: RandomStream?
    /// When the device of the latest arrival wanted to issue (seconds; its issue time
    /// unless a duty cycle or jitter held it back).
    public private(set) var wanted = 0.0

    /// Arrivals so far: new transactions (not reattachments).
    public private(set) var issued = 0
    /// Transactions issued again because their payload was not confirmed in time.
    public private(set) var reattachments = 0

    /// The devices of `scenario` for replication `replication`, choosing parents with
    /// `selector` and arriving as `arrivals` says.
    public init(scenario: Scenario, replication: Int, selector: Selector, arrivals: Arrivals) {
        self.selector = selector
        _arrivals = arrivals
        _tipStream = RandomStream(seed: scenario.seed, replication: replication, stream: .tipSelection)
        delayStream = RandomStream(seed: scenario.seed, replication: replication, stream: .delays)
        _parents = scenario.tangle.parents
        if scenario.tangle.adaptiveParents, case .delay(let delay) = scenario.network {
            _adaptive = (scenario.tangle, scenario.lambda, delay.mean)
        }
        _repeatedPicks = scenario.tangle.repeatedPicks
        _transactionLimit = scenario.transactions ?? Int.max
        _reattachAfter = scenario.devices.map(\.reattachAfter)
        reattaches = _reattachAfter.contains { $0 != nil }
        _hasLazy = scenario.devices.contains { $0.behaviour != .honest }
        _lazy = _hasLazy ? scenario.devices.map { $0.behaviour.lazyAge.map(LazyApproval.init(age:)) } : []
        hasWork = scenario.hasWork
        _work = hasWork ? scenario.devices.map(\.work) : []
        _workStream = hasWork ? RandomStream(seed: scenario.seed, replication: replication, stream: .work) : nil
        if case .milestone(let depth) = scenario.tipSelection.walkStart { _milestoneDepth = depth } else { _milestoneDepth = nil }
    }

    public mutating func start(index: Int32, engine: inout Engine<TangleEvent>) {
        _index = index
        engine.schedule(.issuer(index), at: _arrivals.nextArrival(now: engine.now))
    }

    /// The next arrival: a new payload from the device the arrival process draws.
    public mutating func wake(now: Double) -> IssueOrder? {
        let device = _arrivals.nextDevice()
        wanted = _arrivals.wanted ?? now
        return IssueOrder(issuer: .device(device))
    }

    /// Reattaching walks from a milestone need the latest one the device's node sees.
    public var needsLatestMilestone: Bool { _milestoneDepth != nil }

    /// The strategy's choice of k parents; walks from a milestone start `depth` milestones
    /// behind the latest one the device's node sees.
    public mutating func chooseParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, into parents: inout [Int32]
    ) {
        if _hasLazy, _lazyParents(for: order, now: now, tangle: tangle, into: &parents) { return }
        var anchor: Int32 = 0
        if let depth = _milestoneDepth { anchor = milestones.ids[Swift.max(0, latestMilestone - depth)] }
        selector.selectParents(
            SelectionRequest(now: now, parents: _k(seeing: view), repeatedPicks: _repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, into: &parents, rng: _tipStream)
    }

    /// ``chooseParents(for:now:view:tangle:latestMilestone:milestones:into:)`` where
    /// conflicts exist: every parent consistent with the others and the new transaction's
    /// spend (see ``TipSelector/selectConsistentParents(_:tangle:view:ledger:into:rng:)``).
    /// A lazy class keeps, in order, those of its parents the ledger accepts.
    public mutating func chooseConsistentParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, ledger: inout ConflictLedger, into parents: inout [Int32]
    ) {
        if _hasLazy, _lazyParents(for: order, now: now, tangle: tangle, into: &parents) {
            let chosen = parents
            parents.removeAll(keepingCapacity: true)
            for tip in chosen where ledger.accepts(tip) {
                ledger.didChoose(tip)
                parents.append(tip)
            }
            if !parents.isEmpty, parents.count < chosen.count { ledger.countShort() }
            return
        }
        var anchor: Int32 = 0
        if let depth = _milestoneDepth { anchor = milestones.ids[Swift.max(0, latestMilestone - depth)] }
        selector.selectConsistentParents(
            SelectionRequest(now: now, parents: _k(seeing: view), repeatedPicks: _repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, ledger: &ledger, into: &parents, rng: _tipStream)
    }

    /// One walk of the devices' strategy as the observer of `view` would make it (a single
    /// pick: k = 1), drawn from `rng`: a round of confirmation confidence. It counts in the
    /// strategy's own statistics (walks made).
    public mutating func confidenceWalk<View: TangleView>(
        now: Double, view: View, tangle: Tangle, rng: RandomStream, into parents: inout [Int32]
    ) {
        selector.selectParents(
            SelectionRequest(now: now, parents: 1, repeatedPicks: .collapse), tangle: tangle, view: view, into: &parents, rng: rng)
    }

    /// A walk analysis of the devices' strategy (see ``TipSelector/sampleExits(_:_:tangle:view:rng:into:)``).
    public mutating func sampleExits<View: TangleView>(
        _ count: Int, now: Double, view: View, tangle: Tangle, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)? {
        selector.sampleExits(
            count, SelectionRequest(now: now, parents: 1, repeatedPicks: .collapse), tangle: tangle, view: view, rng: rng,
            into: &exits)
    }

    /// k for a device that sees `view`: K, or the adaptive number.
    @inline(__always)
    func _k<View: TangleView>(seeing view: View) -> Int {
        guard let adaptive = _adaptive else { return _parents }
        return adaptive.tangle.parents(seeing: view.tipCount, lambda: adaptive.lambda, delay: adaptive.delay)
    }

    /// Whether the device issuing `order` is lazy; if so, appends its class's parents to
    /// `parents`.
    @inline(never)
    mutating func _lazyParents(for order: IssueOrder, now: Double, tangle: Tangle, into parents: inout [Int32]) -> Bool {
        let deviceClass = _arrivals.deviceClass(of: order.issuer.id)
        guard _lazy[deviceClass] != nil else { return false }
        parents.append(contentsOf: _lazy[deviceClass]!.parents(k: _parents, now: now, tangle: tangle))
        return true
    }

    /// The work time (proof of work) of the device transaction `order` asks for, in seconds:
    /// a draw from its class's `work` distribution on the work stream, 0 for a class
    /// without work (no draw). The transaction is broadcast (issued) this long after its
    /// parents are chosen (created).
    ///
    /// - Complexity: O(1) without work (one predicted branch); O(log classes) with it.
    @inline(__always)
    public mutating func workTime(for order: IssueOrder) -> Double {
        guard hasWork else { return 0 }
        return _drawWork(for: order)
    }

    @inline(never)
    func _drawWork(for order: IssueOrder) -> Double {
        guard let work = _work[_arrivals.deviceClass(of: order.issuer.id)] else { return 0 }
        return work.sample(_workStream!)
    }

    /// Whether any device class is lazy: its transactions may approve transactions that are
    /// no longer tips anywhere.
    public var hasLazyClass: Bool { _hasLazy }

    /// After an arrival: stop at the scenario's transaction count, otherwise schedule the
    /// reattachment check (when the device's class reattaches) and the next arrival. After a
    /// reattachment: schedule its own check. A transaction refused at issue (`x` is −1)
    /// counts as an arrival, is not checked, and is not retried.
    public mutating func didIssue(_ x: Int32, order: IssueOrder, engine: inout Engine<TangleEvent>) -> EngineControl {
        if order.payload == nil {
            issued += 1
            if issued >= _transactionLimit { return .stop }
        } else if x >= 0 {
            reattachments += 1
        }
        if x >= 0, reattaches, let after = _reattachAfter[_arrivals.deviceClass(of: order.issuer.id)] {
            engine.schedule(.reattach(x), after: after)
        }
        if order.payload == nil {
            engine.schedule(.issuer(_index), at: _arrivals.nextArrival(now: engine.now))
        }
        return .proceed
    }

    /// The reattachment of `x` (a device transaction carrying `payload`) when that payload is
    /// still unconfirmed, or nil.
    public func reattachment(of x: Int32, payload: Int32, isConfirmed: Bool, tangle: Tangle) -> IssueOrder? {
        isConfirmed ? nil : IssueOrder(issuer: tangle.issuer(of: x), payload: payload)
    }

    public mutating func observeIssue(_ x: Int32, in tangle: Tangle) {
        selector.didIssue(x, in: tangle)
    }

    public mutating func observeVisible(_ x: Int32, in tangle: Tangle) {
        selector.didBecomeVisible(x, in: tangle)
    }
}
