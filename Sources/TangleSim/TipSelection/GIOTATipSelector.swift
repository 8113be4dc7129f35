/// G-IOTA (`{"strategy": "giota", "alpha": a, "start": {...}, "walks": N}`): k − 1 parents by
/// the alpha walk, and one more: the tip with the lowest confirmation confidence, the one
/// most at risk of being left behind.
///
/// Source: Bu, Hana, Potop-Butucaru, "G-IOTA: Fair and confidence aware tangle" (IEEE
/// INFOCOM workshops, 2019), as T-amairi's OMNeT++ model implements it (`NodeModule.cc`,
/// `GIOTA`; N = 100 walkers by default). A tip's confirmation confidence is the share of N
/// walks from the start rule that end in a tip approving it (Popov, "The Tangle", section 2):
/// for a tip, the share ending at the tip itself. The extra parent is drawn uniformly among
/// the visible tips not chosen yet whose count of the N walks is the lowest (usually those
/// no walk reached). T-amairi's code ranks tips by the summed confidence of their past cones
/// instead (with an integer division that makes every confidence 0, so the rank is the
/// order of its tip map); TangleSim follows the definition.
///
/// With conflicts the walk parents follow the walk's rule, and the extra parent is the
/// lowest-confidence tip the ledger accepts (ties uniformly; none when no tip is accepted).
/// The N confidence walks count in the walk statistics.
///
/// - Complexity: the walk's cost for k − 1 + N walks, plus O(tips) a transaction.
public struct GIOTATipSelector<Weights: CumulativeWeights>: TipSelector {
    /// The walker choosing the walk parents and making the confidence walks.
    public private(set) var walker: MCMCTipSelector<Weights>
    /// N: the walks that estimate the tips' confidence.
    public let confidenceWalks: Int

    @usableFromInline var _hits: [Int32: Int] = [:]
    @usableFromInline var _lowest: [Int32] = []

    public init(walker: MCMCTipSelector<Weights>, confidenceWalks: Int) {
        precondition(confidenceWalks >= 1, "at least one confidence walk")
        self.walker = walker
        self.confidenceWalks = confidenceWalks
    }

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        var walks = request
        walks.parents = Swift.max(request.parents - 1, 1)
        walker.selectParents(walks, tangle: tangle, view: view, into: &parents, rng: rng)
        guard request.parents > 1 else { return }
        _countHits(request, tangle: tangle, view: view, rng: rng)
        _listLowest(view: view, excluding: parents)
        if !_lowest.isEmpty { parents.append(_lowest[rng.index(below: _lowest.count)]) }
    }

    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        var walks = request
        walks.parents = Swift.max(request.parents - 1, 1)
        walker.selectConsistentParents(walks, tangle: tangle, view: view, ledger: &ledger, into: &parents, rng: rng)
        guard request.parents > 1 else { return }
        _countHits(request, tangle: tangle, view: view, rng: rng, filter: ledger.validApprovers)
        var excluded = parents
        while true {
            _listLowest(view: view, excluding: excluded)
            guard !_lowest.isEmpty else { return }
            // Drawn in random order among the lowest, each refused one set aside.
            while !_lowest.isEmpty {
                let index = rng.index(below: _lowest.count)
                let tip = _lowest[index]
                if ledger.accepts(tip) {
                    ledger.didChoose(tip)
                    parents.append(tip)
                    return
                }
                excluded.append(tip)
                _lowest.swapAt(index, _lowest.count - 1)
                _lowest.removeLast()
            }
        }
    }

    /// Makes the N confidence walks and counts where they end.
    @usableFromInline
    mutating func _countHits<View: TangleView, Filter: ApproverFilter>(
        _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, filter: Filter = AllApprovers()
    ) {
        _hits.removeAll(keepingCapacity: true)
        let measured = request.now >= walker.warmup
        for _ in 0..<confidenceWalks {
            _hits[walker.walk(request, tangle: tangle, view: view, measured: measured, rng: rng, filter: filter), default: 0] += 1
        }
    }

    /// The visible tips not in `excluded` with the fewest hits, in the view's tip order.
    @usableFromInline
    mutating func _listLowest<View: TangleView>(view: View, excluding excluded: [Int32]) {
        _lowest.removeAll(keepingCapacity: true)
        var fewest = Int.max
        view.forEachTip { tip in
            guard !excluded.contains(tip) else { return }
            let hits = _hits[tip] ?? 0
            if hits < fewest {
                fewest = hits
                _lowest.removeAll(keepingCapacity: true)
            }
            if hits == fewest { _lowest.append(tip) }
        }
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        walker.didIssue(x, in: tangle)
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        walker.didBecomeVisible(x, in: tangle)
    }

    public var walkStatistics: WalkStatistics? { walker.walkStatistics }

    public mutating func sampleExits<View: TangleView>(
        _ count: Int, _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)? {
        walker.sampleExits(count, request, tangle: tangle, view: view, rng: rng, into: &exits)
    }
}
