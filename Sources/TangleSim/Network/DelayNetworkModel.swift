/// The whitepaper's network (Popov, "The Tangle", §3): a transaction becomes visible to every
/// issuer a delay h after its issue, h drawn per transaction from a distribution. Every
/// issuer sees the same thing: the global visible tip set.
public struct DelayNetworkModel: NetworkModel {
    /// The distribution of h.
    public let delay: DelayDistribution

    public init(delay: DelayDistribution) {
        self.delay = delay
    }

    public var nodes: Int { 1 }

    public static var issuerSeesAtOnce: Bool { false }

    public func node(of issuer: IssuerIdentity) -> Int { 0 }

    public static var viewIsGlobal: Bool { true }

    public static var nodesSeeDifferently: Bool { false }

    public func visibilityTime(of x: Int32, at v: Int, tangle: Tangle) -> Double {
        tangle.visibleTime(of: x)
    }

    /// Everyone sees a milestone at once, and the confirmation with it.
    public func milestoneConfirmationTime(at v: Int, confirmedAtCoordinator time: Double) -> Double { time }

    public func view(at node: Int, now: Double, global: TipSet, tangle: Tangle) -> TipSet { global }

    /// Draws h from the issuer's stream: now + h.
    public func broadcast(_ x: Int32, parents: [Int32], from node: Int, at now: Double, stream: RandomStream) -> Double {
        now + delay.sample(stream)
    }

    public func didReachEveryone(_ x: Int32) {}

    public func didIssueMilestone(_ x: Int32, at now: Double) {}

    /// Everyone sees a milestone when it has reached everyone.
    public func latestMilestone(at node: Int, now: Double, milestones: MilestoneRecord) -> Int {
        milestones.latestVisibleEverywhere
    }

    public func nodeTipCounts(now: Double, global: TipSet, tangle: Tangle) -> [Int]? { nil }

    public func nodeAveragedConfirmation() -> NodeAveragedConfirmation? { nil }
}
