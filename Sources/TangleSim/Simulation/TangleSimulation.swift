/// The Tangle as an event handler for the ``Engine``: the one issuing path every issuer's
/// transactions take, and the bookkeeping of what becomes visible when.
///
/// Generic over the devices' tip-selection strategy and arrival process (through
/// ``DeviceFleet``) and over the ``NetworkModel``, so that every call on the hot path is
/// specialised. It never prints and never touches files: metrics observe it
/// (``RunMetrics``) and writers turn them into files.
///
/// Issuers: index 0 is the ``DeviceFleet``, index 1 the ``Coordinator`` (when there is one),
/// and indices from 2 the further issuers of ``issuers`` (adversaries), in order. The first
/// two are stored with their concrete types so that the hot path is specialised; further
/// issuers are existentials and cost a dynamic call per transaction they issue.
/// Per device transaction: one `issuer` event (the fleet's arrival) and one `visible` event
/// (the transaction joins the visible tip set, its parents leave it, and the confirmation
/// rule is applied); devices that reattach add a `reattach` check per transaction.
public struct TangleSimulation<Selector: TipSelector, Arrivals: ArrivalProcess, Network: NetworkModel>: EventHandler {
    public typealias Payload = TangleEvent

    public private(set) var tangle: Tangle
    /// Transactions visible at every node with no approver visible at every node.
    public private(set) var visibleTips = TipSet()
    /// The devices: issuer 0.
    public private(set) var devices: DeviceFleet<Selector, Arrivals>
    /// The coordinator (issuer 1), when there is one.
    public private(set) var coordinator: Coordinator?
    /// Further issuers (index 2 on), each scheduling its own wake-ups.
    public private(set) var issuers: [any Issuer] = []
    /// The milestones issued so far (the genesis first) and the latest visible everywhere.
    public private(set) var milestones = MilestoneRecord()
    /// How transactions travel and what each node sees.
    public private(set) var network: Network
    /// The confirmation rule's state (nil without a consensus rule). Its times are those of
    /// one node: every node's under the delay model; on a network whose nodes see different
    /// things, the coordinator's node under milestones, the issuing node under a weight
    /// threshold.
    public private(set) var confirmation: ConfirmationTracker?
    /// A weight threshold applied at every node, where nodes see different things.
    var nodeWeights: NodeWeightConfirmation?
    /// Approval weight applied at every node (gossip only).
    var approvalWeights: ApprovalWeightConfirmation?
    /// Whether ``approvalWeights`` exists: a stored flag, like ``_hasConflicts``, so that
    /// other rules pay no optional test of it per transaction.
    let _hasApprovalWeights: Bool
    /// Whether the network has faults (gossip loss, partitions, churn): transactions can then stay
    /// invisible somewhere until a later one's requests fetch them, and times visible
    /// everywhere can be revised (``NetworkModel/takeRevisedVisibility()``).
    let _networkFaults: Bool
    /// Whether gossip nodes churn: a device's node can be offline, holding its transactions
    /// until it returns (``NetworkModel/hold(_:now:engine:)``).
    let _networkChurn: Bool
    /// Under faults, the transactions whose visibility everywhere has been handled: with
    /// revised times a transaction and its approver can be handled in either order.
    var _reachedEveryone: [Bool] = []
    /// What is measured.
    public private(set) var metrics: RunMetrics
    /// Payments, conflicts and the validity of past cones (nil when the scenario cannot
    /// have conflicts: then no transaction carries conflict information and nothing of
    /// this is paid for). A copy of ``_ledger``.
    public var conflicts: ConflictLedger? { _hasConflicts ? _ledger : nil }
    /// The ledger, empty and never used when ``_hasConflicts`` is false. Not an optional:
    /// each test of a large optional struct for nil, and each access through `!`, was an
    /// outlined call, seven a transaction (1.4% of `urts-1m-double-spends.json`'s
    /// instructions).
    var _ledger: ConflictLedger
    /// Whether the scenario can have conflicts (``conflicts`` is not nil).
    let _hasConflicts: Bool
    /// Whether a transaction's footprint is released once it has an approver visible
    /// everywhere. Not where milestones decide conflicts and walks choose parents (a walk
    /// stops where every approver is invalid, so it can end on a transaction that is no
    /// longer a tip, whose footprint must still be there), nor with lazy devices (they
    /// approve transactions that are no longer tips).
    let _releasesFootprints: Bool
    /// Where the transaction log's rows go as the run forgets (with a transaction log).
    let _logSpill: TransactionLogSpill?
    /// The settled past, in a run that forgets it (``Scenario/forgetsSettledPast``).
    var _settledPast: SettledPast?
    /// The transaction count at which the settled past is next advanced and forgotten
    /// (`Int.max` when the run keeps everything: one comparison per transaction).
    var _nextForgetCheck = Int.max
    let _expectedTransactions: Int
    /// Transactions between two advances of the settled past (0: never).
    let _forgetInterval: Int

    /// The scenario being run and the replication number.
    public let scenario: Scenario
    public let replication: Int

    let _sampleInterval: Double
    var _parentScratch: [Int32] = []
    /// Confirmation confidence: its rounds, and the stream their walks draw from.
    let _confidence: ConfidenceConfiguration?
    let _confidenceStream: RandomStream?
    /// Where the walks of a confidence round or a walk analysis ended, and how many times.
    var _exitCounts: [Int32: Int] = [:]
    /// Walk analyses: the rows of `walks.csv` so far, and the stream their walks draw from.
    public private(set) var walkAnalyses: [WalkAnalysisRow] = []
    let _walkAnalysisStream: RandomStream?

    /// Creates a simulation holding only the genesis; call ``start(_:)`` to schedule the
    /// first events.
    ///
    /// - Parameters:
    ///   - coordinatorSelector: the coordinator's tip selector, required when the scenario
    ///     has a coordinator.
    ///   - issuers: further issuers, indices 2, 3, ... in this order.
    ///   - forgetEvery: how often the run advances and forgets its settled past, in
    ///     transactions: nil for the default (``SettledPast/isUsed(by:expectedTransactions:)``,
    ///     every ``SettledPast/interval``), 0 for never; any other value needs
    ///     ``Scenario/forgetsSettledPast``. Outputs do not depend on it.
    ///   - logSpill: where the rows of `transactions.csv` go as transactions are forgotten;
    ///     with a transaction log and none, the run forgets nothing (by default), and a
    ///     forgetting run must have one.
    public init(
        scenario: Scenario, replication: Int, devices: DeviceFleet<Selector, Arrivals>, network: Network,
        expectedTransactions: Int, coordinatorSelector: (any TipSelector)? = nil, issuers: [any Issuer] = [],
        forgetEvery: Int? = nil, logSpill: TransactionLogSpill? = nil
    ) {
        self.issuers = issuers
        self.scenario = scenario
        self.replication = replication
        self.devices = devices
        self.network = network
        // A run that forgets its settled past keeps about an advance's interval and
        // orphanTimeout's worth of transactions; storage grows if more are needed.
        let logged = scenario.metrics.transactionLog
        let interval =
            forgetEvery
            ?? (SettledPast.isUsed(by: scenario, expectedTransactions: expectedTransactions) && (!logged || logSpill != nil)
                ? SettledPast.interval : 0)
        let forgets = interval > 0
        precondition(!forgets || scenario.forgetsSettledPast, "only a run that can forget its settled past forgets it")
        precondition(!forgets || !logged || logSpill != nil, "a run that forgets writes its transaction log as it goes")
        _logSpill = forgets && logged ? logSpill : nil
        _forgetInterval = interval
        _expectedTransactions = expectedTransactions
        let retained = forgets ? Swift.min(expectedTransactions, SettledPast.reservedTransactions) : expectedTransactions
        tangle = Tangle(parents: scenario.parentSlots, expectedTransactions: retained)
        visibleTips.reserveCapacity(ids: retained)
        if forgets {
            _settledPast = SettledPast()
            _nextForgetCheck = interval
        }
        visibleTips.insert(0)
        if devices.hasWork {
            precondition(Network.viewIsGlobal, "work times under the delay model")
            tangle.recordWorkTimes()
        }
        if scenario.recordsWantedTimes { tangle.recordWantedTimes() }
        metrics = RunMetrics(scenario: scenario)
        _sampleInterval = scenario.metrics.sampleInterval
        _parentScratch.reserveCapacity(TangleConfiguration.maximumParents)
        _hasApprovalWeights = scenario.consensus.approvalWeight != nil
        _networkFaults = scenario.network.gossip?.hasFaults ?? false
        _networkChurn = scenario.network.gossip?.churn != nil
        switch scenario.consensus {
        case .none:
            precondition(!devices.reattaches, "reattachment needs a confirmation rule")
        case .coordinator(let configuration):
            guard let coordinatorSelector else { preconditionFailure("a coordinator needs its tip selector") }
            coordinator = Coordinator(
                configuration: configuration, selector: coordinatorSelector,
                rng: RandomStream(seed: scenario.seed, replication: replication, stream: .coordinator),
                repeatedPicks: scenario.tangle.repeatedPicks)
            confirmation = ConfirmationTracker(
                rule: .milestones, payloads: devices.reattaches, expectedTransactions: expectedTransactions)
        case .cumulativeWeight(let threshold) where Network.nodesSeeDifferently:
            confirmation = ConfirmationTracker(
                rule: .nodeWeightThreshold(threshold), payloads: devices.reattaches, expectedTransactions: expectedTransactions)
            nodeWeights = NodeWeightConfirmation(nodes: network.nodes, threshold: threshold, payloads: devices.reattaches)
        case .cumulativeWeight(let threshold):
            confirmation = ConfirmationTracker(
                rule: .weightThreshold(threshold), payloads: devices.reattaches, expectedTransactions: expectedTransactions)
        case .confidence:
            precondition(!Network.nodesSeeDifferently, "confirmation confidence under the delay model")
            confirmation = ConfirmationTracker(
                rule: .confidence, payloads: devices.reattaches, expectedTransactions: expectedTransactions)
        case .approvalWeight(let configuration):
            precondition(Network.nodesSeeDifferently, "approval weight needs a gossip network")
            confirmation = ConfirmationTracker(
                rule: .approvalWeight, payloads: devices.reattaches, expectedTransactions: expectedTransactions)
            approvalWeights = ApprovalWeightConfirmation(
                nodes: network.nodes,
                weights: NodeWeightUnits(
                    weights: configuration.weights.values(nodes: network.nodes), threshold: configuration.threshold),
                payloads: devices.reattaches, expectedTransactions: expectedTransactions)
        }
        _walkAnalysisStream =
            scenario.metrics.walkAnalysis == nil ? nil : RandomStream(seed: scenario.seed, replication: replication, stream: .walkAnalysis)
        if case .confidence(let rounds) = scenario.consensus {
            _confidence = rounds
            _confidenceStream = RandomStream(seed: scenario.seed, replication: replication, stream: .confidence)
        } else {
            _confidence = nil
            _confidenceStream = nil
        }
        precondition(!devices.needsLatestMilestone || coordinator != nil, "milestone walk starts need a coordinator")
        _hasConflicts = scenario.hasConflicts
        _releasesFootprints =
            !devices.hasLazyClass
            && (scenario.consensus.coordinator.map { !scenario.tipSelection.walks && !$0.tipSelection.walks } ?? true)
        let paymentsStream = RandomStream(seed: scenario.seed, replication: replication, stream: .payments)
        if scenario.hasConflicts {
            _ledger = ConflictLedger(
                doubleSpendRate: scenario.payments.doubleSpendRate, devices: scenario.deviceCount, nodes: network.nodes,
                rng: paymentsStream,
                expectedTransactions: expectedTransactions,
                // Classes serve uniform picks, and need footprints released with their tips and
                // never rewritten by a decision.
                samplesByClass: _releasesFootprints && scenario.consensus.coordinator == nil
                    && scenario.tipSelection == .uniform)
            // Every issuer's view is the global tip set: the classes keep it by set.
            if _ledger.samplesByClass, Network.viewIsGlobal { _ledger.trackGlobalTips(visibleTips) }
        } else {
            _ledger = ConflictLedger(doubleSpendRate: 0, devices: 0, nodes: 1, rng: paymentsStream)
        }
    }

    /// Schedules the first sample (at time 0) and every issuer's first wake-up.
    public mutating func start(_ engine: inout Engine<TangleEvent>) {
        engine.schedule(.sample, at: 0)
        if let _confidence { engine.schedule(.confidenceRound, at: _confidence.every) }
        if let analysis = scenario.metrics.walkAnalysis { engine.schedule(.walkAnalysis, at: analysis.every) }
        devices.start(index: 0, engine: &engine)
        coordinator?.start(index: 1, engine: &engine)
        for index in issuers.indices { issuers[index].start(index: Int32(index + 2), engine: &engine) }
    }

    public mutating func handle(_ payload: TangleEvent, engine: inout Engine<TangleEvent>) -> EngineControl {
        switch payload {
        case .issuer(0):
            guard let order = devices.wake(now: engine.now) else { return .proceed }
            // A device whose node is offline holds the transaction (issued on the node's
            // return, `.nodeReturns`); the arrival counts now.
            if _networkChurn, network.hold(order, now: engine.now, engine: &engine) {
                return devices.didIssue(-1, order: order, engine: &engine)
            }
            let x = issue(order, by: 0, engine: &engine)
            return devices.didIssue(x, order: order, engine: &engine)
        case .nodeReturns(let node):
            for order in network.releaseHeld(at: Int(node)) { _ = issue(order, by: 0, engine: &engine) }
            return .proceed
        case .issuer(1):
            guard let order = coordinator!.wake(now: engine.now) else { return .proceed }
            let x = issue(order, by: 1, engine: &engine)
            return coordinator!.didIssue(x, order: order, engine: &engine)
        case .issuer(let index):
            var control = EngineControl.proceed
            if let order = issuers[Int(index) - 2].wake(now: engine.now) {
                let x = issue(order, by: index, engine: &engine)
                control = issuers[Int(index) - 2].didIssue(x, order: order, engine: &engine)
            }
            releaseWithheld(engine: &engine)
            return control
        case .visible(let x):
            // Under faults a revised time supersedes the event scheduled at the old one.
            if _networkFaults, tangle.visibleTime[Int(x)] != engine.now { return .proceed }
            let joined = visibleTips.insert(x)
            if !_hasConflicts {
                tangle.forEachParent(of: x) { visibleTips.remove($0) }
            } else {
                _ledger.didBecomeVisible(x, joined: joined, tangle: tangle, tips: &visibleTips, releasing: _releasesFootprints)
            }
            if _networkFaults { _leaveIfApproved(x) }
            devices.observeVisible(x, in: tangle)
            coordinator?.observeVisible(x, in: tangle)
            for index in issuers.indices { issuers[index].observeVisible(x, in: tangle) }
            let isMilestone = tangle.isMilestone(x)
            if isMilestone { milestones.didBecomeVisibleEverywhere(x) }
            network.didReachEveryone(x)
            if !Network.issuerSeesAtOnce {
                confirmation?.didBecomeVisible(x, isMilestone: isMilestone, in: tangle, now: engine.now)
                if _hasConflicts, isMilestone { checkDecisions() }
            }
            if !issuers.isEmpty { releaseWithheld(engine: &engine) }
            return .proceed
        case .sample:
            advanceNodeWeights(to: engine.now)
            metrics.sample(
                at: engine.now, tangle: tangle, arrivals: devices.issued, visibleTips: visibleTips.count,
                confirmedPayloads: confirmation?.confirmedPayloads,
                nodeTipCounts: network.nodeTipCounts(now: engine.now, global: visibleTips, tangle: tangle))
            engine.schedule(.sample, after: _sampleInterval)
            return .proceed
        case .confidenceRound:
            confidenceRound(now: engine.now)
            engine.schedule(.confidenceRound, after: _confidence!.every)
            return .proceed
        case .walkAnalysis:
            let analysis = scenario.metrics.walkAnalysis!
            _exitCounts.removeAll(keepingCapacity: true)
            if let (start, steps) = devices.sampleExits(
                analysis.walks, now: engine.now, view: visibleTips, tangle: tangle, rng: _walkAnalysisStream!, into: &_exitCounts)
            {
                walkAnalyses.append(
                    WalkAnalysisRow(
                        time: engine.now, start: start, walks: analysis.walks, steps: steps, visibleTips: visibleTips.count,
                        exits: _exitCounts))
            }
            engine.schedule(.walkAnalysis, after: analysis.every)
            return .proceed
        case .reattach(let x):
            let carried = confirmation!.payload![Int(x)]
            let node = network.node(of: tangle.issuer(of: x))
            // A payload whose spend lost a decided conflict can never be valid again.
            if _hasConflicts, _ledger.isLosing(payload: carried, node: node, now: engine.now) { return .proceed }
            guard
                let order = devices.reattachment(
                    of: x, payload: carried, isConfirmed: isConfirmed(payload: carried, at: node, now: engine.now),
                    tangle: tangle)
            else { return .proceed }
            let again = issue(order, by: 0, engine: &engine)
            return devices.didIssue(again, order: order, engine: &engine)
        }
    }

    /// The one issuing path: where conflicts can arise, the spend first (a double spend
    /// creates or extends a conflict set); then the issuer's node's view, the issuer's choice
    /// of parents (consistent with each other and with the spend, when conflicts can arise),
    /// the issuer's work (a device class's `work`: the transaction is created now and
    /// broadcast that many seconds later), the broadcast, the new transaction's record (at its
    /// creation time) and its visibility event. A transaction for which no consistent parents
    /// are found is refused — counted, not appended — and −1 returned.
    ///
    /// - Complexity: the strategy's selection, plus the network's view and broadcast
    ///   (O(1) under the delay model); see ``ConflictLedger`` for what conflicts add.
    mutating func issue(_ order: IssueOrder, by issuer: Int32, engine: inout Engine<TangleEvent>) -> Int32 {
        let now = engine.now
        if tangle.count >= _nextForgetCheck { forgetSettledPast(now: now) }
        let node = network.node(of: order.issuer)
        let x = Int32(truncatingIfNeeded: tangle.count)
        _parentScratch.removeAllOfFew()
        let work = issuer == 0 ? devices.workTime(for: order) : 0
        var ownMember: Int32? = nil
        if _hasConflicts {
            guard let member = beginConsistentChoice(order, x: x, node: node, now: now) else { return -1 }
            ownMember = member
        }
        // The parts of the simulation are passed separately (disjoint stored properties), so
        // the view, the Tangle and the milestones are borrowed, never copied: a copy of the
        // tip set would cost reference counting on every transaction.
        let visibleAt: Double
        if Network.viewIsGlobal {
            visibleAt = Self._chooseAndBroadcast(
                order, by: issuer, x: x, node: node, now: now, work: work, view: visibleTips, tangle: tangle,
                milestones: milestones,
                network: &network, devices: &devices, coordinator: &coordinator, issuers: &issuers, metrics: &metrics,
                ledger: &_ledger, hasLedger: _hasConflicts, parents: &_parentScratch)
        } else {
            let view = network.view(at: node, now: now, global: visibleTips, tangle: tangle)
            visibleAt = Self._chooseAndBroadcast(
                order, by: issuer, x: x, node: node, now: now, work: work, view: view, tangle: tangle,
                milestones: milestones,
                network: &network, devices: &devices, coordinator: &coordinator, issuers: &issuers, metrics: &metrics,
                ledger: &_ledger, hasLedger: _hasConflicts, parents: &_parentScratch)
        }
        if visibleAt.isNaN {
            _ledger.didRefuse(issuer: order.issuer, isArrival: order.payload == nil, now: now)
            return -1
        }
        precondition(
            visibleAt.isFinite || order.withheld || _networkFaults,
            "only a withheld transaction, or one lost on its way somewhere, is not visible everywhere at a known time")
        metrics.willIssue(parents: _parentScratch, in: tangle, now: now)
        tangle.append(issueTime: now, visibleTime: visibleAt, issuer: order.issuer, parents: _parentScratch)
        if devices.hasWork { tangle.appendWorkTime(work) }
        if tangle.recordsWantedTimes { tangle.appendWantedTime(order.wanted ?? now) }
        if _hasConflicts {
            _ledger.didIssue(
            x, parents: _parentScratch, ownMember: ownMember == -1 ? nil : ownMember, payload: order.payload, now: now,
            isMilestone: order.issuer.kind == .coordinator)
        }
        devices.observeIssue(x, in: tangle)
        coordinator?.observeIssue(x, in: tangle)
        for index in issuers.indices { issuers[index].observeIssue(x, in: tangle) }
        confirmation?.didIssue(x, payload: order.payload ?? x)
        nodeWeights?.didIssue(x, withheld: order.withheld, network: network, tangle: tangle)
        if _hasApprovalWeights { _approvalWeightsDidIssue(x, from: node, withheld: order.withheld) }
        if order.issuer.kind == .coordinator {
            milestones.append(x)
            network.didIssueMilestone(x, at: now)
            // The coordinator's node has its milestone at once where issuers see their own
            // transactions at once: confirmation there is immediate.
            if Network.issuerSeesAtOnce {
                confirmation?.didBecomeVisible(x, isMilestone: true, in: tangle, now: now)
                if _hasConflicts { checkDecisions() }
            }
        }
        if !order.withheld, visibleAt.isFinite { engine.schedule(.visible(x), at: visibleAt) }
        if _networkFaults { _scheduleRevisedVisibility(engine: &engine) }
        return x
    }

    /// Hands `x`, just issued, to the approval-weight rule. Kept out of line so that the
    /// issuing path of every other rule compiles as if the rule did not exist (inlined, it
    /// cost about 60 instructions per transaction of a gossip run without it).
    @inline(never)
    mutating func _approvalWeightsDidIssue(_ x: Int32, from node: Int, withheld: Bool) {
        approvalWeights!.didIssue(x, from: node, withheld: withheld, network: network, tangle: tangle)
    }

    /// Under faults: marks `x` handled as visible everywhere, and takes it out of the global
    /// tips at once if an approver was handled before it (a revised time can make a parent
    /// and its approver visible everywhere at the same moment, in either order).
    @inline(never)
    mutating func _leaveIfApproved(_ x: Int32) {
        while _reachedEveryone.count < tangle.count { _reachedEveryone.append(false) }
        _reachedEveryone[Int(x)] = true
        var approved = false
        tangle.forEachApprover(of: x) { approver in
            if _reachedEveryone[Int(approver)] { approved = true }
        }
        guard approved, visibleTips.remove(x), _hasConflicts else { return }
        _ledger.tipDidLeave(x)
        if _releasesFootprints, x != 0, !tangle.isMilestone(x) { _ledger.release(x) }
    }

    /// Schedules visibility everywhere at the revised times of transactions that requests
    /// fetched (gossip with loss): the event at a transaction's old time, if any, is then
    /// skipped.
    @inline(never)
    mutating func _scheduleRevisedVisibility(engine: inout Engine<TangleEvent>) {
        guard network.hasRevisedVisibility else { return }
        for (x, time) in network.takeRevisedVisibility() where time < tangle.visibleTime[Int(x)] {
            tangle.setVisibleTime(of: x, to: time)
            engine.schedule(.visible(x), at: time)
        }
    }

    /// Broadcasts what issuers release now, from the issuer's node: each released transaction
    /// becomes visible at a delay from its release (drawn from its issuer's stream under the
    /// delay model; along the gossip network's paths from the issuer's node there), and never
    /// before its parents — at any node.
    mutating func releaseWithheld(engine: inout Engine<TangleEvent>) {
        for index in issuers.indices where issuers[index].awaitsRelease {
            let released = issuers[index].withheldToRelease(now: engine.now, tangle: tangle, confirmation: confirmation)
            for x in released {
                var parents: [Int32] = []
                var visibleAt = -Double.infinity
                tangle.forEachParent(of: x) { parent in
                    parents.append(parent)
                    visibleAt = Swift.max(visibleAt, tangle.visibleTime[Int(parent)])
                }
                let node = network.node(of: tangle.issuer(of: x))
                visibleAt = Swift.max(
                    visibleAt,
                    network.broadcast(x, parents: parents, from: node, at: engine.now, stream: issuers[index].delayStream))
                tangle.setVisibleTime(of: x, to: visibleAt)
                nodeWeights?.didRelease(x, network: network, tangle: tangle)
                if _hasApprovalWeights { approvalWeights!.didRelease(x, network: network, tangle: tangle) }
                if visibleAt.isFinite { engine.schedule(.visible(x), at: visibleAt) }
                if _networkFaults { _scheduleRevisedVisibility(engine: &engine) }
            }
        }
    }

    /// Decides the spend of the transaction `x` about to be issued for `order` and begins the
    /// ledger's consistent choice: returns the member it spends (−1 for a fresh spend), or
    /// nil when it is refused (a spend of an output decided against it at the issuer's node).
    mutating func beginConsistentChoice(_ order: IssueOrder, x: Int32, node: Int, now: Double) -> Int32? {
        var spend = _ledger.spend(of: order, x: x, node: node, now: now, tangle: tangle)
        if _ledger.needsDecisionCheck {
            checkDecisions()
            if case .member(let member) = spend, _ledger.isLosing(member: member, node: node, now: now) { spend = .refuse }
        }
        let ownMember: Int32?
        switch spend {
        case .refuse:
            _ledger.didRefuse(issuer: order.issuer, isArrival: order.payload == nil, now: now)
            return nil
        case .member(let member): ownMember = member
        case .fresh: ownMember = nil
        }
        _ledger.beginSelection(ownMember: ownMember, node: node, now: now, coordinator: order.issuer.kind == .coordinator)
        return ownMember ?? -1
    }

    /// The devices' strategy's choice of parents (consistent ones when there is a `ledger`):
    /// a device's, or an attacker's payment that must look like one.
    @inline(__always)
    static func _devicesChoose<View: TangleView>(
        _ order: IssueOrder, node: Int, now: Double, view: View, tangle: Tangle, milestones: MilestoneRecord,
        network: Network, devices: inout DeviceFleet<Selector, Arrivals>, ledger: inout ConflictLedger, hasLedger: Bool,
        parents: inout [Int32]
    ) {
        let latest = devices.needsLatestMilestone ? network.latestMilestone(at: node, now: now, milestones: milestones) : 0
        if !hasLedger {
            devices.chooseParents(
                for: order, now: now, view: view, tangle: tangle, latestMilestone: latest, milestones: milestones,
                into: &parents)
        } else {
            devices.chooseConsistentParents(
                for: order, now: now, view: view, tangle: tangle, latestMilestone: latest, milestones: milestones,
                ledger: &ledger, into: &parents)
        }
    }

    /// The issuer's choice of parents from its view (into `parents`; consistent ones when
    /// there is a `ledger`) and the broadcast: the issuer-specific half of
    /// ``issue(_:by:engine:)``. Returns when `x` is visible at every node, or NaN when no
    /// consistent parent was found (nothing broadcast). A device transaction is broadcast
    /// `work` seconds after `now`, when its parents are chosen (0 without work; every other
    /// issuer broadcasts at once).
    @inline(__always)
    static func _chooseAndBroadcast<View: TangleView>(
        _ order: IssueOrder, by issuer: Int32, x: Int32, node: Int, now: Double, work: Double, view: View, tangle: Tangle,
        milestones: MilestoneRecord, network: inout Network, devices: inout DeviceFleet<Selector, Arrivals>,
        coordinator: inout Coordinator?, issuers: inout [any Issuer], metrics: inout RunMetrics,
        ledger: inout ConflictLedger, hasLedger: Bool, parents: inout [Int32]
    ) -> Double {
        if order.issuer.kind == .device { metrics.deviceSaw(tips: view.tipCount, now: now) }
        switch issuer {
        case 0:
            _devicesChoose(
                order, node: node, now: now, view: view, tangle: tangle, milestones: milestones, network: network,
                devices: &devices, ledger: &ledger, hasLedger: hasLedger, parents: &parents)
            if parents.isEmpty { return .nan }
            // Created now, issued (broadcast) once the device's work is done.
            return network.broadcast(x, parents: parents, from: node, at: now + work, stream: devices.delayStream)
        case 1:
            let latest = network.latestMilestone(at: node, now: now, milestones: milestones)
            if !hasLedger {
                coordinator!.chooseParents(
                    for: order, now: now, view: view, tangle: tangle, latestMilestone: latest, milestones: milestones,
                    into: &parents)
            } else {
                coordinator!.chooseConsistentParents(
                    for: order, now: now, view: view, tangle: tangle, latestMilestone: latest, milestones: milestones,
                    ledger: &ledger, into: &parents)
            }
            return network.broadcast(x, parents: parents, from: node, at: now, stream: coordinator!.delayStream)
        default:
            let index = Int(issuer) - 2
            if order.honestChoice {
                _devicesChoose(
                    order, node: node, now: now, view: view, tangle: tangle, milestones: milestones, network: network,
                    devices: &devices, ledger: &ledger, hasLedger: hasLedger, parents: &parents)
            } else {
                let latest =
                    issuers[index].needsLatestMilestone ? network.latestMilestone(at: node, now: now, milestones: milestones) : 0
                issuers[index].chooseParents(
                    for: order, now: now, view: view, tangle: tangle, latestMilestone: latest, milestones: milestones,
                    into: &parents)
            }
            if parents.isEmpty { return .nan }
            if order.issuer.kind == .adversary {
                // An attacker approves what it likes, old transactions included; it may even
                // approve its own transactions nobody sees yet, which then makes this one
                // wait for them.
                if hasLedger { for parent in parents { ledger.restoreFootprint(of: parent, in: tangle) } }
                if order.withheld { return .infinity }
                var visibleAt = network.broadcast(x, parents: parents, from: node, at: now, stream: issuers[index].delayStream)
                for parent in parents { visibleAt = Swift.max(visibleAt, tangle.visibleTime[Int(parent)]) }
                return visibleAt
            }
            if hasLedger {
                // Further honest issuers choose by their own rule; validity keeps the parents
                // the ledger accepts, in order.
                let chosen = parents
                parents.removeAll(keepingCapacity: true)
                for tip in chosen where ledger.accepts(tip) {
                    ledger.didChoose(tip)
                    parents.append(tip)
                }
                if parents.isEmpty { return .nan }
            }
            return network.broadcast(x, parents: parents, from: node, at: now, stream: issuers[index].delayStream)
        }
    }

    /// A round of confirmation confidence: the devices' strategy walks `walks` times over the
    /// visible Tangle, and the tracker confirms what enough walks approve.
    @inline(never)
    mutating func confidenceRound(now: Double) {
        let rounds = _confidence!
        _exitCounts.removeAll(keepingCapacity: true)
        for _ in 0..<rounds.walks {
            _parentScratch.removeAllOfFew()
            devices.confidenceWalk(now: now, view: visibleTips, tangle: tangle, rng: _confidenceStream!, into: &_parentScratch)
            if let tip = _parentScratch.first { _exitCounts[tip, default: 0] += 1 }
        }
        // In id order, so that the round's bytes do not depend on the dictionary's order.
        let hits = _exitCounts.sorted { $0.key < $1.key }.map { (tip: $0.key, count: $0.value) }
        confirmation!.confidenceRound(hits: hits, walks: rounds.walks, threshold: rounds.threshold, in: tangle, now: now)
    }

    /// Decides the conflicts whose members milestones have just confirmed.
    mutating func checkDecisions() {
        guard let confirmation, _hasConflicts else { return }
        let network = self.network
        _ledger.checkDecisions(confirmation: confirmation, tangle: tangle) { time, v in
            network.milestoneConfirmationTime(at: v, confirmedAtCoordinator: time)
        }
    }

    /// Whether `payload` is confirmed in the view of node `node` at `now`: what a device there
    /// checks before reattaching.
    mutating func isConfirmed(payload: Int32, at node: Int, now: Double) -> Bool {
        advanceNodeWeights(to: now)
        let time = confirmation!.payloadConfirmationTime(payload)
        guard !time.isNaN else { return false }
        guard case .milestones = confirmation!.rule else { return true }
        return network.milestoneConfirmationTime(at: node, confirmedAtCoordinator: time) <= now
    }

    /// Applies a per-node weight threshold (cumulative or approval weight) to every
    /// visibility up to `time`.
    mutating func advanceNodeWeights(to time: Double) {
        if _hasApprovalWeights {
            approvalWeights!.advance(to: time, tangle: tangle, confirmation: &confirmation!)
            return
        }
        guard nodeWeights != nil else { return }
        let network = self.network
        let tangle = self.tangle
        nodeWeights!.advance(to: time, tangle: tangle, confirmation: &confirmation!) { x in
            network.node(of: tangle.issuer(of: x))
        }
    }

    /// Advances the settled past and forgets what it can: the settled transactions already
    /// judged for the time series (so issued at least `orphanTimeout` ago), judged now for
    /// the summary, then dropped from the Tangle and the tip set's slots.
    ///
    /// A frontier that stops moving (a tip never approved for a long time) would make every
    /// advance sweep more: once it trails the newest transaction by more than
    /// ``SettledPast/maximumWindow``, the run stops forgetting and keeps everything from
    /// then on, as a run that never forgot does.
    mutating func forgetSettledPast(now: Double) {
        guard tangle.count - Int(_settledPast!.frontier) <= _settledPast!.maximumWindow else {
            _nextForgetCheck = .max
            return
        }
        _nextForgetCheck = tangle.count + _forgetInterval
        // Walks from a window reach only what their starts do: the tips below are dead.
        let reach = devices.selector.earliestReachable(now: now, tangle: tangle)
        let settled = _settledPast!.advance(
            tangle: tangle, tips: visibleTips, liveFrom: reach ?? 0, orphanedBefore: now - scenario.metrics.orphanTimeout)
        var below = Swift.min(settled, metrics.approval.nextToJudge)
        if let reach { below = Swift.min(below, reach) }
        guard below > tangle.firstRetained else { return }
        let past = _settledPast!
        metrics.judgeForgotten(
            below: below, in: tangle, now: now, adversaryBehaviours: [], expectedTransactions: _expectedTransactions,
            isDead: { past.isDead($0) })
        _logSpill?.append(tangle, upTo: below)
        tangle.forget(below: below)
        visibleTips.forget(below: below)
        _settledPast!.forgetDecisions(below: below)
    }

    /// Closes the run at `end` and computes its summary.
    public mutating func finish(at end: Double) -> RunSummary {
        finishWithLatencies(at: end).summary
    }

    /// Closes the run at `end`: the summary and, with a confirmation rule, the sorted
    /// latencies of the confirmed measured payloads.
    public mutating func finishWithLatencies(at end: Double) -> (summary: RunSummary, latencies: [Double]) {
        let (summary, latencies, _, _) = finishWithOutcome(at: end)
        return (summary, latencies)
    }

    /// Closes the run at `end`: the summary, the sorted latencies of the confirmed measured
    /// payloads (with a confirmation rule) and, where conflicts can arise, how each ended.
    public mutating func finishWithOutcome(at end: Double) -> (
        summary: RunSummary, latencies: [Double], conflicts: ConflictOutcome?, attacks: [AttackRecord]
    ) {
        advanceNodeWeights(to: end)
        let outcome = conflicts.map { [tangle = self.tangle, confirmation = self.confirmation] ledger in
            ConflictOutcome(
                ledger: ledger, tangle: tangle, confirmation: confirmation, end: end,
                orphanTimeout: scenario.metrics.orphanTimeout)
        }
        var summary = RunSummary()
        summary.describe(scenario, replication: replication, duration: end)
        summary[.transactions] = .integer(devices.issued)
        summary[.milestones] = .integer(milestones.ids.count - 1)
        summary[.reattachments] = .integer(devices.reattachments)
        summary[.meanWalkLength] = .real(devices.selector.walkStatistics?.meanWalkLength ?? .nan)
        let nodeAverage: NodeAverage? =
            if let nodeWeights { .weights(nodeWeights.payloads) }
            else if let approvalWeights { .weights(approvalWeights.payloads) }
            else { network.nodeAveragedConfirmation().map { .milestones($0) } }
        // Where nodes see different things: when the node a payload was issued from sees it
        // confirmed (the tracker's own time under a per-node weight threshold).
        let network = self.network
        let tangle = self.tangle
        let milestones = confirmation?.rule == .milestones
        let issuerNodeTime: ((Int32, Double) -> Double)? =
            Network.nodesSeeDifferently
            ? { x, time in
                milestones
                    ? network.milestoneConfirmationTime(at: network.node(of: tangle.issuer(of: x)), confirmedAtCoordinator: time)
                    : time
            } : nil
        let latencies = metrics.finish(
            at: end, tangle: tangle, confirmation: confirmation, nodeAverage: nodeAverage, issuerNodeTime: issuerNodeTime,
            conflicts: outcome, refused: conflicts?.refusedTransactions ?? [],
            adversaryBehaviours: issuers.compactMap { ($0 as? Adversary)?.configuration.attack.kindName }, into: &summary)
        let attacks = issuers.compactMap { issuer in
            (issuer as? Adversary).map { AttackRecord(adversary: $0, outcome: outcome, tangle: tangle) }
        }
        self.network.summarizeFaults(into: &summary, tangle: tangle, warmup: scenario.warmup, end: end)
        summary[.attacks] = .integer(attacks.count)
        summary[.attackSuccesses] = .integer(attacks.filter { $0.success == true }.count)
        return (summary, latencies, outcome, attacks)
    }
}
