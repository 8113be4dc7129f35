/// What a new transaction asks of tip selection: when, how many parents, and the rule for
/// repeated picks.
public struct SelectionRequest: Sendable {
    /// The issue time of the transaction being built, in seconds.
    public var now: Double
    /// k: how many parents to choose.
    public var parents: Int
    /// The repeated-pick rule.
    public var repeatedPicks: RepeatedPicks
    /// Where walks with a milestone start begin: the milestone `depth` behind the latest
    /// visible one (the genesis without a coordinator).
    public var milestoneAnchor: Int32

    @inlinable
    public init(now: Double, parents: Int, repeatedPicks: RepeatedPicks, milestoneAnchor: Int32 = 0) {
        self.now = now
        self.parents = parents
        self.repeatedPicks = repeatedPicks
        self.milestoneAnchor = milestoneAnchor
    }
}

/// A tip-selection strategy: chooses the transactions a new transaction approves.
///
/// The simulation is generic over the strategy, so calls are specialised and inlined; the
/// Tangle and the tip set are passed as borrowed parameters, not wrapped in a struct, so the
/// hot path retains nothing. A strategy that keeps state of its own (cumulative weights,
/// milestones) learns of each transaction through the notification methods, which default
/// to doing nothing.
public protocol TipSelector {
    /// Appends the chosen parents (distinct, at most `request.parents`) to `parents`, which is
    /// empty on entry, drawing random numbers only from `rng`.
    ///
    /// - Parameters:
    ///   - tangle: the whole Tangle; only transactions the issuer sees may be chosen.
    ///   - view: what the issuer sees: its tips, and the in-flight transactions visible to
    ///     it (gossip networks).
    mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream)

    /// ``selectParents(_:tangle:view:into:rng:)`` where conflicts exist: every parent must
    /// be accepted by `ledger` given the parents chosen before it (and the new transaction's
    /// own spend, set by ``ConflictLedger/beginSelection(ownMember:node:now:coordinator:)``),
    /// and is recorded there once chosen. A pick that is not accepted is drawn (or walked)
    /// again, at most ``maximumConsistencyRedraws`` times; then the transaction approves
    /// fewer parents, and the ledger counts it.
    mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream)

    /// Called after `x` is appended to the Tangle.
    mutating func didIssue(_ x: Int32, in tangle: Tangle)

    /// Called when `x` becomes visible to every issuer.
    mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle)

    /// Counts and costs of the strategy's walks, for strategies that walk.
    var walkStatistics: WalkStatistics? { get }

    /// The strategy's own counts for the manifest (`tip_selection`), by name; empty for most.
    var selectionCounts: [(String, Int)] { get }

    /// A walk analysis: one start drawn by the strategy's start rule, then `count` walks
    /// from it, their ends counted into `exits` (empty on entry); returns the start and the
    /// steps made, or nil for a strategy that does not walk. The walks are not counted in
    /// ``walkStatistics``.
    mutating func sampleExits<View: TangleView>(
        _ count: Int, _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)?

    /// The smallest id any selection at `now` or later can choose or pass through (a walk
    /// reaches only its start's descendants): a run that forgets its settled past keeps
    /// every id from it on, and counts a tip below it as dead (``SettledPast``). 0 when any
    /// transaction may be; nil when only visible tips are chosen and every one may be (URTS).
    func earliestReachable(now: Double, tangle: Tangle) -> Int32?
}

extension TipSelector {
    /// Any transaction may be chosen (the default).
    public func earliestReachable(now: Double, tangle: Tangle) -> Int32? { 0 }
}

/// How many times a pick inconsistent with the parents chosen so far is drawn or walked
/// again before the transaction settles for fewer parents (the model's "Payments and
/// conflicts").
public let maximumConsistencyRedraws = 100

extension TipSelector {
    /// The fallback for strategies without a rule of their own: the strategy's choice, each
    /// parent kept in order when the ledger accepts it (a dropped one counts as a short
    /// transaction).
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        selectParents(request, tangle: tangle, view: view, into: &parents, rng: rng)
        let chosen = parents
        parents.removeAll(keepingCapacity: true)
        for tip in chosen where ledger.accepts(tip) {
            ledger.didChoose(tip)
            parents.append(tip)
        }
        if parents.count < chosen.count { ledger.countShort() }
    }

    @inlinable
    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {}

    @inlinable
    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {}

    public var walkStatistics: WalkStatistics? { nil }

    public var selectionCounts: [(String, Int)] { [] }

    public mutating func sampleExits<View: TangleView>(
        _ count: Int, _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)? { nil }
}

/// Which approvers a walk may step onto.
public protocol ApproverFilter {
    func admits(_ x: Int32) -> Bool
}

/// Every approver (no conflicts): specialised away.
public struct AllApprovers: ApproverFilter {
    public init() {}
    @inline(__always)
    public func admits(_ x: Int32) -> Bool { true }
}
