/// The coordinator: issues milestones, each approving the latest visible milestone and tips
/// chosen by its own strategy, on a periodic or Poisson schedule.
///
/// The genesis counts as milestone 0. A milestone travels like any transaction; its delay
/// and its tip selection draw from the coordinator's own random stream, so adding a
/// coordinator changes no device's arrivals, delays or choices except through the Tangle.
public struct Coordinator {
    public let configuration: CoordinatorConfiguration
    /// The milestones' ids in issue order; the genesis first.
    public private(set) var milestones: [Int32] = [0]
    /// The index in ``milestones`` of the latest milestone visible so far.
    public private(set) var latestVisible = 0
    @usableFromInline var _selector: any TipSelector
    @usableFromInline let _rng: RandomStream

    public init(configuration: CoordinatorConfiguration, selector: any TipSelector, rng: RandomStream) {
        self.configuration = configuration
        _selector = selector
        _rng = rng
    }

    /// The coordinator's random stream (milestone delays, tips, Poisson gaps).
    public var rng: RandomStream { _rng }

    /// Seconds until the next milestone.
    public func nextGap() -> Double {
        switch configuration.schedule {
        case .periodic: configuration.interval
        case .poisson: _rng.exponential(mean: configuration.interval)
        }
    }

    /// The milestone `depth` milestones behind the latest visible one (the genesis when there
    /// are fewer): where MCMC walks with a milestone start begin.
    public func anchor(depth: Int) -> Int32 {
        milestones[Swift.max(0, latestVisible - depth)]
    }

    /// Chooses the parents of a new milestone: the latest visible milestone, then
    /// `parents − 1` tips by the coordinator's strategy, without repeats.
    mutating func selectParents<View: TangleView>(
        now: Double, repeatedPicks: RepeatedPicks, tangle: Tangle, view: View, into parents: inout [Int32]
    ) {
        let previous = milestones[latestVisible]
        var anchor: Int32 = 0
        if case .milestone(let depth) = configuration.tipSelection.walkStart { anchor = self.anchor(depth: depth) }
        var tips: [Int32] = []
        _selector.selectParents(
            SelectionRequest(now: now, parents: configuration.parents - 1, repeatedPicks: repeatedPicks, milestoneAnchor: anchor),
            tangle: tangle, view: view, into: &tips, rng: _rng)
        parents.append(previous)
        for tip in tips where tip != previous { parents.append(tip) }
    }

    /// Records the milestone just issued. On a gossip network the coordinator's node has its
    /// own milestone at once, so it is also the latest visible one there.
    mutating func didIssueMilestone(_ x: Int32, visibleAtOnce: Bool) {
        milestones.append(x)
        if visibleAtOnce { latestVisible = milestones.count - 1 }
    }

    /// Keeps the coordinator's strategy informed of every transaction.
    mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        _selector.didIssue(x, in: tangle)
    }

    /// Keeps the coordinator's strategy informed, and moves the latest visible milestone.
    mutating func didBecomeVisible(_ x: Int32, isMilestone: Bool, in tangle: Tangle) {
        _selector.didBecomeVisible(x, in: tangle)
        guard isMilestone else { return }
        // Milestones are issued in id order: find x's index by binary search.
        var low = 0, high = milestones.count - 1
        while low < high {
            let middle = (low + high) / 2
            if milestones[middle] < x { low = middle + 1 } else { high = middle }
        }
        latestVisible = Swift.max(latestVisible, low)
    }
}
