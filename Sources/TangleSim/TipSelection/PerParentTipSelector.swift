/// A strategy per parent (`{"strategy": "perParent", "parents": [{...}, {...}]}`): the j-th
/// parent is chosen by the j-th strategy, each picking one tip as it would pick one of its
/// own k.
///
/// Source: Ferraro, King and Shorten, "On the stability of unverified transactions in a
/// DAG-based distributed ledger" (IEEE Transactions on Automatic Control 65(9), 2020;
/// arXiv:1901.07302). Their modification of the Tangle's attachment rule keeps the MCMC walk
/// for one parent and takes the other uniformly among the tips, so that every tip keeps a
/// positive chance of approval and none is orphaned — `[{"strategy": "mcmc", "alpha": a},
/// {"strategy": "uniform"}]` here. The list generalises it to any strategies, one per
/// parent (k = the list's length, which must equal `tangle.parents`).
///
/// Repeated picks: under `collapse` a strategy that picks a tip an earlier one chose adds no
/// edge; under `distinct` it picks again, at most ``maximumPicksPerParent`` times, and the
/// transaction then approves fewer parents (counted in the manifest's `tip_selection` as
/// `short`). Each strategy keeps its own state (a walk's cumulative weights), so two walking
/// parents keep two weight trackers.
///
/// With conflicts every parent is kept in order when the ledger accepts it, the protocol's
/// default rule (``TipSelector/selectConsistentParents(_:tangle:view:ledger:into:rng:)``).
///
/// - Complexity: the sum of each strategy's cost for one parent, plus a dynamic dispatch a
///   parent (the strategies are held as existentials: a list of any length cannot be a
///   generic parameter).
public struct PerParentTipSelector: TipSelector {
    /// The strategies, the j-th choosing the j-th parent.
    public private(set) var parts: [any TipSelector]
    /// Transactions that approved fewer parents because a `distinct` pick kept repeating.
    public private(set) var shortTransactions = 0
    /// How many times one strategy picks again under `distinct` before giving up.
    public static let maximumPicksPerParent = 16

    @usableFromInline var _pick: [Int32] = []

    public init(parts: [any TipSelector]) {
        precondition(!parts.isEmpty, "one strategy a parent")
        self.parts = parts
    }

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        var one = request
        one.parents = 1
        // A request for fewer parents (a confidence walk asks for one) takes the first ones.
        let target = Swift.min(parts.count, request.parents, view.tipCount)
        for index in parts.indices.prefix(request.parents) {
            for _ in 0..<Self.maximumPicksPerParent {
                _pick.removeAll(keepingCapacity: true)
                parts[index].selectParents(one, tangle: tangle, view: view, into: &_pick, rng: rng)
                guard let tip = _pick.first else { break }
                if !parents.contains(tip) {
                    parents.append(tip)
                    break
                }
                if request.repeatedPicks == .collapse || parents.count >= target { break }
            }
        }
        if request.repeatedPicks == .distinct, parents.count < target { shortTransactions += 1 }
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        for index in parts.indices { parts[index].didIssue(x, in: tangle) }
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        for index in parts.indices { parts[index].didBecomeVisible(x, in: tangle) }
    }

    /// The first walking strategy's walks.
    public mutating func sampleExits<View: TangleView>(
        _ count: Int, _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)? {
        for index in parts.indices {
            if let sample = parts[index].sampleExits(count, request, tangle: tangle, view: view, rng: rng, into: &exits) { return sample }
        }
        return nil
    }

    /// The walking strategies' statistics, added up (nil when none walks).
    public var walkStatistics: WalkStatistics? {
        parts.compactMap(\.walkStatistics).reduce(nil) { sum, next in sum.map { $0.adding(next) } ?? next }
    }

    /// `short`, then each strategy's own counts as `parents[j].name`.
    public var selectionCounts: [(String, Int)] {
        [("short", shortTransactions)]
            + parts.enumerated().flatMap { index, part in part.selectionCounts.map { ("parents[\(index)].\($0.0)", $0.1) } }
    }
}
