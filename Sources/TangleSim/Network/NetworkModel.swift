/// How transactions travel from their issuer to everyone else, and what each issuer sees.
///
/// A network model answers, for the one issuing path of the simulation
/// (``TangleSimulation``):
/// - where an issuer sits (``node(of:)``) and what it sees there now (``view(at:now:global:tangle:)``);
/// - how a transaction spreads (``broadcast(_:parents:from:at:stream:)``) and when it has
///   reached everyone (the time it returns, after which ``didReachEveryone(_:)`` is called);
/// - what a node knows about milestones (``latestMilestone(at:now:milestones:)``), and the
///   per-node figures the metrics sample (``nodeTipCounts(now:global:tangle:)``,
///   ``nodeAveragedConfirmation()``).
///
/// The simulation is generic over its network model, so every call is specialised. Two
/// models conform: ``DelayNetworkModel`` (the whitepaper's global delay: one view shared by
/// everyone) and ``GossipNetworkModel`` (nodes on a topology, a view per node).
public protocol NetworkModel {
    /// What one issuer sees: its tips and the transactions in flight that have reached it.
    associatedtype View: TangleView

    /// Whether every issuer's view is the global tip set itself (``view(at:now:global:tangle:)``
    /// returns `global`), so the simulation can lend it without building a view.
    static var viewIsGlobal: Bool { get }

    /// The number of nodes issuers attach to (1 under the delay model).
    var nodes: Int { get }

    /// Whether a node sees a transaction it issues at once (gossip), or only once it has
    /// reached everyone (the delay model, where nobody, its issuer included, can approve a
    /// transaction before its delay has passed).
    static var issuerSeesAtOnce: Bool { get }

    /// Whether nodes can see different transactions at the same moment, so that rules that
    /// depend on a view (a cumulative-weight threshold, a device's reattachment check) must
    /// be applied per node.
    static var nodesSeeDifferently: Bool { get }

    /// The node `issuer` issues from.
    func node(of issuer: IssuerIdentity) -> Int

    /// What an issuer at `node` sees at `now`, given `global`, the transactions visible at
    /// every node with no approver visible at every node.
    mutating func view(at node: Int, now: Double, global: TipSet, tangle: Tangle) -> View

    /// Sends transaction `x` (about to be appended with `parents`) from `node` at `now`, and
    /// returns when it is visible at every node.
    ///
    /// - Parameter stream: the issuer's own stream, for draws the model makes on its behalf
    ///   (the delay model's per-transaction delay); a model with streams of its own (gossip
    ///   link latencies) ignores it.
    mutating func broadcast(_ x: Int32, parents: [Int32], from node: Int, at now: Double, stream: RandomStream) -> Double

    /// When node `v` sees `x` (exact for a transaction in flight — just broadcast, say — and
    /// for one that has reached everyone).
    func visibilityTime(of x: Int32, at v: Int, tangle: Tangle) -> Double

    /// When node `v` sees the confirmation of a transaction that milestones confirmed at
    /// `time` at the coordinator's node: when v first sees that milestone or a later one.
    func milestoneConfirmationTime(at v: Int, confirmedAtCoordinator time: Double) -> Double

    /// `x` is visible at every node from now on.
    mutating func didReachEveryone(_ x: Int32)

    /// Milestone `x` was issued at `now` (and broadcast).
    mutating func didIssueMilestone(_ x: Int32, at now: Double)

    /// The index in `milestones` (0 is the genesis) of the latest milestone visible at `node`
    /// at `now`.
    func latestMilestone(at node: Int, now: Double, milestones: MilestoneRecord) -> Int

    /// Each node's tip count at `now` (nil when every issuer sees the same tips).
    mutating func nodeTipCounts(now: Double, global: TipSet, tangle: Tangle) -> [Int]?

    /// How milestone confirmation times at the coordinator's node map to times averaged over
    /// every node (nil when every issuer sees milestones at the same moment).
    func nodeAveragedConfirmation() -> NodeAveragedConfirmation?

    /// Whether transactions broadcast earlier are now visible everywhere at another time
    /// than ``broadcast(_:parents:from:at:stream:)`` returned (gossip with loss, where a
    /// later transaction's requests fetch them); false for the models without faults.
    var hasRevisedVisibility: Bool { get }

    /// Those transactions and their new times visible everywhere (finite, and earlier than
    /// the last one given), once each; the list is emptied.
    mutating func takeRevisedVisibility() -> [(x: Int32, time: Double)]

    /// Sets the network-fault columns of `summary` (`messages_lost`, the per-node
    /// propagation quantiles), left empty by models without messages.
    mutating func summarizeFaults(into summary: inout RunSummary, tangle: Tangle, warmup: Double, end: Double)
}

extension NetworkModel {
    @inlinable
    public var hasRevisedVisibility: Bool { false }

    public mutating func takeRevisedVisibility() -> [(x: Int32, time: Double)] { [] }

    public mutating func summarizeFaults(into summary: inout RunSummary, tangle: Tangle, warmup: Double, end: Double) {}
}

/// Confirmation by milestones, averaged over nodes: for each milestone j, the mean over nodes
/// of the time a node first sees milestone j or a later one — when a transaction that
/// milestone j confirms (at the coordinator's node, at j's issue) is confirmed there.
public struct NodeAveragedConfirmation: Sendable {
    /// Issue time of each milestone, the genesis (0) first.
    let milestoneIssue: [Double]
    /// Per milestone, the mean over nodes of its first sighting (or a later one's).
    let meanSighting: [Double]

    /// The mean over nodes of the confirmation time of a transaction confirmed at the
    /// coordinator's node at `time` (the issue time of the milestone that confirmed it).
    public func meanConfirmationTime(confirmedAtCoordinator time: Double) -> Double {
        var low = 0, high = milestoneIssue.count - 1
        while low < high {
            let middle = (low + high) / 2
            if milestoneIssue[middle] < time { low = middle + 1 } else { high = middle }
        }
        return meanSighting[low]
    }
}
