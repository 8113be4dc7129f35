/// The milestones issued so far, and the latest one visible at every node: what the
/// simulation knows of milestones, kept by ``TangleSimulation``.
public struct MilestoneRecord: Sendable {
    /// The milestones' ids in issue order; the genesis (id 0) counts as milestone 0.
    public private(set) var ids: [Int32] = [0]
    /// The index in ``ids`` of the latest milestone visible at every node (milestones can
    /// become visible out of order under random delays: this is the largest index seen).
    public private(set) var latestVisibleEverywhere = 0

    public init() {}

    mutating func append(_ x: Int32) {
        ids.append(x)
    }

    /// Milestone `x` is visible at every node.
    mutating func didBecomeVisibleEverywhere(_ x: Int32) {
        // Milestones are issued in id order: find x's index by binary search.
        var low = 0, high = ids.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < x { low = middle + 1 } else { high = middle }
        }
        latestVisibleEverywhere = Swift.max(latestVisibleEverywhere, low)
    }
}

/// The coordinator, an ``Issuer``: issues milestones, each approving the latest milestone
/// visible at its node and tips chosen by its own strategy, on a periodic or Poisson
/// schedule.
///
/// The genesis counts as milestone 0. A milestone travels like any transaction; its delay
/// (delay model), its gaps and its tip selection draw from the coordinator's own random
/// stream, so adding a coordinator changes no device's arrivals, delays or choices except
/// through the Tangle.
public struct Coordinator: Issuer {
    public let configuration: CoordinatorConfiguration
    @usableFromInline var _selector: any TipSelector
    @usableFromInline let _rng: RandomStream
    @usableFromInline let _repeatedPicks: RepeatedPicks
    var _index: Int32 = 0

    public init(
        configuration: CoordinatorConfiguration, selector: any TipSelector, rng: RandomStream,
        repeatedPicks: RepeatedPicks = .distinct
    ) {
        self.configuration = configuration
        _selector = selector
        _rng = rng
        _repeatedPicks = repeatedPicks
    }

    /// The coordinator's random stream (milestone delays, tips, Poisson gaps).
    public var delayStream: RandomStream { _rng }

    /// Seconds until the next milestone.
    public func nextGap() -> Double {
        switch configuration.schedule {
        case .periodic: configuration.interval
        case .poisson: _rng.exponential(mean: configuration.interval)
        }
    }

    public mutating func start(index: Int32, engine: inout Engine<TangleEvent>) {
        _index = index
        engine.schedule(.issuer(index), after: nextGap())
    }

    public func wake(now: Double) -> IssueOrder? {
        IssueOrder(issuer: .coordinator)
    }

    public var needsLatestMilestone: Bool { true }

    /// The latest milestone visible at the coordinator's node, then `parents − 1` tips by the
    /// coordinator's strategy, without repeats.
    public mutating func chooseParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, into parents: inout [Int32]
    ) {
        let previous = milestones.ids[latestMilestone]
        var anchor: Int32 = 0
        if case .milestone(let depth) = configuration.tipSelection.walkStart {
            anchor = milestones.ids[Swift.max(0, latestMilestone - depth)]
        }
        var tips: [Int32] = []
        _selector.selectParents(
            SelectionRequest(now: now, parents: configuration.parents - 1, repeatedPicks: _repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, into: &tips, rng: _rng)
        parents.append(previous)
        for tip in tips where tip != previous { parents.append(tip) }
    }

    /// ``chooseParents(for:now:view:tangle:latestMilestone:milestones:into:)`` where
    /// conflicts exist: the tips must be consistent with the previous milestone, with each
    /// other and with every milestone issued so far (the ledger's selection holds those).
    public mutating func chooseConsistentParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, ledger: inout ConflictLedger, into parents: inout [Int32]
    ) {
        let previous = milestones.ids[latestMilestone]
        var anchor: Int32 = 0
        if case .milestone(let depth) = configuration.tipSelection.walkStart {
            anchor = milestones.ids[Swift.max(0, latestMilestone - depth)]
        }
        ledger.didChoose(previous)
        var tips: [Int32] = []
        _selector.selectConsistentParents(
            SelectionRequest(now: now, parents: configuration.parents - 1, repeatedPicks: _repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, ledger: &ledger, into: &tips, rng: _rng)
        parents.append(previous)
        for tip in tips where tip != previous { parents.append(tip) }
    }

    /// Schedules the next milestone (the simulation records this one in its ``MilestoneRecord``).
    public mutating func didIssue(_ x: Int32, order: IssueOrder, engine: inout Engine<TangleEvent>) -> EngineControl {
        engine.schedule(.issuer(_index), after: nextGap())
        return .proceed
    }

    /// Keeps the coordinator's strategy informed of every transaction.
    public mutating func observeIssue(_ x: Int32, in tangle: Tangle) {
        _selector.didIssue(x, in: tangle)
    }

    /// Keeps the coordinator's strategy informed.
    public mutating func observeVisible(_ x: Int32, in tangle: Tangle) {
        _selector.didBecomeVisible(x, in: tangle)
    }
}
