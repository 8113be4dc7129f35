import Foundation

/// Tip selection by the weighted random walk (MCMC) of Popov, "The Tangle", section 4.1.
///
/// Each of the k parents is the end of an independent walk: it starts at a transaction
/// chosen by the ``WalkStart`` rule and repeatedly steps from x to one of x's visible
/// approvers y with probability proportional to exp(-alpha·(H(x) - H(y))), computed as
/// exp(alpha·(H(y) - max over approvers H)) so it cannot overflow; it ends at a transaction
/// with no visible approver. A single visible approver is stepped to without a draw.
///
/// Repeated picks follow the scenario's rule: `collapse` makes k walks and keeps the
/// distinct ends; `distinct` walks again until k different tips are found, stopping when
/// every visible tip has been found or after ``maximumWalksPerParent``·k walks (then the
/// transaction approves the distinct tips found, and the shortfall is counted).
///
/// Alpha = infinity is the heaviest path (GHOST, res-sim-tangle's reference line): each step
/// goes to the heaviest visible approver, ties broken uniformly at random (the limit of the
/// law above as alpha grows). With an ``AlphaMixture`` (E-IOTA) each walk — or each
/// selection, as the mixture says — draws its alpha from the mixture first.
///
/// Generic over the weight tracker: ``WindowedWeights`` for window starts (cost
/// independent of run length), ``PastConeWeights`` for genesis starts.
///
/// Walks from the genesis with a fixed finite alpha > 0 may skip the closed past with a
/// ``GenesisWalkShortcut`` (`shortcut: true`, what scenarios use for `mcmc` from the
/// genesis): the walk's entry into the region still in motion is drawn from its exact
/// distribution (within total variation 1e-9 per walk, proved there), then it steps as
/// below. Walks with a conflict filter step from the genesis.
public struct MCMCTipSelector<Weights: CumulativeWeights>: TipSelector {
    /// The walk's bias (the largest of the mixture's with one).
    public let alpha: Double
    /// E-IOTA's law of alpha, if the walks draw it.
    public let mixture: AlphaMixture?
    /// Where walks start.
    public let start: WalkStart
    /// The weights walks read.
    public private(set) var weights: Weights
    /// What the walks did and cost.
    public private(set) var statistics = WalkStatistics()
    /// Transactions issued before this time are not counted in the measured walk lengths.
    public let warmup: Double
    /// Walks per missing parent before `distinct` gives up.
    public static var maximumWalksPerParent: Int { 16 }

    @usableFromInline var _windowLow: Int32 = 1
    @usableFromInline var _windowHigh: Int32 = 0
    @usableFromInline var _approvers: [Int32] = []

    /// The alpha of the walk under way.
    @usableFromInline var _walkAlpha: Double
    /// exp(alpha·(−d)) for d = 0 ..< 4096 (empty with a mixture): a step's terms for
    /// approvers lighter than the heaviest by d, the same values `exp` returns (d is exact as
    /// a Double), without its cost (about a tenth of a genesis walk's run).
    @usableFromInline var _terms: ContiguousArray<Double> = []
    /// The genesis shortcut, when walks use it.
    public private(set) var shortcut: GenesisWalkShortcut?

    /// - Parameters:
    ///   - shortcut: whether walks from the genesis skip the closed past (used only when
    ///     `start` is the genesis and 0 < alpha < infinity; otherwise ignored).
    ///   - walksPerTransaction: how many parents of every transaction come from walks of this
    ///     law (the shortcut prunes tips harder when there are two or more).
    public init(
        alpha: Double, start: WalkStart, weights: Weights, warmup: Double = 0, shortcut: Bool = false, walksPerTransaction: Int = 1
    ) {
        precondition(alpha >= 0 && !alpha.isNaN, "alpha is a non-negative number or infinity")
        self.alpha = alpha
        mixture = nil
        _walkAlpha = alpha
        self.start = start
        self.weights = weights
        self.warmup = warmup
        if alpha > 0, alpha.isFinite { _terms = ContiguousArray((0..<4096).lazy.map { Foundation.exp(alpha * -Double($0)) }) }
        if shortcut, start == .genesis, alpha > 0, alpha.isFinite { self.shortcut = GenesisWalkShortcut(alpha: alpha, walksPerTransaction: walksPerTransaction) }
    }

    /// E-IOTA: walks whose alpha is drawn from `mixture`.
    public init(mixture: AlphaMixture, start: WalkStart, weights: Weights, warmup: Double = 0) {
        precondition(
            0 <= mixture.p1 && mixture.p1 <= mixture.p2 && mixture.p2 <= 1 && mixture.alphaLow >= 0 && mixture.alphaHigh >= 0,
            "a mixture of non-negative alphas with 0 <= p1 <= p2 <= 1")
        alpha = Swift.max(mixture.alphaLow, mixture.alphaHigh)
        self.mixture = mixture
        _walkAlpha = 0
        self.start = start
        self.weights = weights
        self.warmup = warmup
    }

    /// Draws the alpha of the next walks where the mixture draws one per selection.
    @inline(__always)
    mutating func _beginSelection(rng: RandomStream) {
        if let mixture, !mixture.perWalk { _walkAlpha = mixture.draw(rng) }
    }

    public mutating func selectParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, into parents: inout [Int32], rng: RandomStream
    ) {
        let timed = statistics.selections % WalkStatistics.sampleEvery == 0
        let began = timed ? _monotonicSeconds() : 0
        let finalizing = shortcut?.finalizationSeconds ?? 0
        let measured = request.now >= warmup
        let k = request.parents
        _beginSelection(rng: rng)
        switch request.repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                let tip = walk(request, tangle: tangle, view: view, measured: measured, rng: rng)
                if !parents.contains(tip) { parents.append(tip) }
            }
        case .distinct:
            let target = Swift.min(k, view.tipCount)
            var walks = 0
            while parents.count < target, walks < Self.maximumWalksPerParent * k {
                let tip = walk(request, tangle: tangle, view: view, measured: measured, rng: rng)
                walks += 1
                if !parents.contains(tip) { parents.append(tip) }
            }
            if parents.count < target { statistics.shortTransactions += 1 }
        }
        statistics.selections += 1
        // Finalization is timed on its own (see WalkStatistics.finalizationSeconds).
        let finalized = (shortcut?.finalizationSeconds ?? 0) - finalizing
        statistics.finalizationSeconds += finalized
        if timed {
            statistics.sampledSelectionSeconds += _monotonicSeconds() - began - finalized
            statistics.sampledSelections += 1
        }
    }

    /// Walks with conflicts (the model's rule): k walks as before; a walk whose tip the
    /// ledger does not accept given the tips already chosen is walked again, at most
    /// ``maximumConsistencyRedraws`` times a parent (then fewer parents). Walks made again
    /// count in the walk statistics; with `distinct`, only accepted or repeated ends count
    /// toward the 16·k walks.
    public mutating func selectConsistentParents<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, ledger: inout ConflictLedger, into parents: inout [Int32],
        rng: RandomStream
    ) {
        let measured = request.now >= warmup
        let k = request.parents
        _beginSelection(rng: rng)
        // A walk never steps onto a transaction that lost a conflict decided at the issuer's
        // node: honest nodes know it is invalid.
        let valid = ledger.validApprovers
        var rejected = 0
        func consider(_ tip: Int32) -> Bool {
            if ledger.accepts(tip) {
                ledger.didChoose(tip)
                parents.append(tip)
                rejected = 0
                return true
            }
            rejected += 1
            if rejected <= maximumConsistencyRedraws { ledger.countRedraw() }
            return false
        }
        switch request.repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                while rejected <= maximumConsistencyRedraws {
                    let tip = walk(request, tangle: tangle, view: view, measured: measured, rng: rng, filter: valid)
                    if parents.contains(tip) || consider(tip) { break }
                }
                if rejected > maximumConsistencyRedraws {
                    ledger.countShort()
                    break
                }
            }
        case .distinct:
            let target = Swift.min(k, view.tipCount)
            var walks = 0
            while parents.count < target, walks < Self.maximumWalksPerParent * k {
                let tip = walk(request, tangle: tangle, view: view, measured: measured, rng: rng, filter: valid)
                if parents.contains(tip) {
                    walks += 1
                } else if consider(tip) {
                    walks += 1
                } else if rejected > maximumConsistencyRedraws {
                    ledger.countShort()
                    break
                }
            }
            if parents.count < target, rejected <= maximumConsistencyRedraws { statistics.shortTransactions += 1 }
        }
        statistics.selections += 1
    }

    public mutating func didIssue(_ x: Int32, in tangle: Tangle) {
        weights.didIssue(x, in: tangle)
        if shortcut != nil, shortcut!.didIssue(x, in: tangle) { weights.unsettleAll() }
    }

    public mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle) {
        let timed = statistics.weightUpdates % WalkStatistics.sampleEvery == 0
        let began = timed ? _monotonicSeconds() : 0
        weights.didBecomeVisible(x, in: tangle)
        if shortcut != nil { shortcut!.didBecomeVisible(x, in: tangle) }
        statistics.weightUpdates += 1
        if timed {
            statistics.sampledWeightUpdateSeconds += _monotonicSeconds() - began
            statistics.sampledWeightUpdates += 1
        }
    }

    /// Runs the genesis shortcut's finalization now (tests; walks run it when due).
    mutating func _finalizeShortcut(in tangle: Tangle) {
        if shortcut != nil, !shortcut!.isOff { shortcut!.finalize(weights: &weights, tangle: tangle) }
    }

    /// One walk from a start chosen by the start rule to a tip; returns the tip.
    @usableFromInline
    mutating func walk<View: TangleView, Filter: ApproverFilter>(
        _ request: SelectionRequest, tangle: Tangle, view: View, measured: Bool, rng: RandomStream,
        filter: Filter = AllApprovers()
    ) -> Int32 {
        var x = startingPoint(request, tangle: tangle, view: view, rng: rng)
        if let mixture, mixture.perWalk { _walkAlpha = mixture.draw(rng) }
        weights.prepareWalk(from: x, in: tangle, now: request.now)
        var skipped = 0.0
        if x == 0, Filter.self == AllApprovers.self, shortcut != nil, !shortcut!.isOff {
            (x, skipped) = shortcut!.entry(weights: &weights, tangle: tangle, rng: rng)
        }
        let steps: Int
        (x, steps) = _walk(from: x, tangle: tangle, view: view, rng: rng, filter: filter)
        statistics.walks += 1
        statistics.steps += steps
        if measured {
            statistics.measuredWalks += 1
            statistics.measuredSteps += steps
            statistics.measuredSkippedSteps += skipped
        }
        return x
    }

    /// Steps from `x` until a transaction with no visible approver `filter` admits: the
    /// walk's end and the steps made (the law of every walk, and of a walk analysis's).
    @inline(__always)
    mutating func _walk<View: TangleView, Filter: ApproverFilter>(
        from x: Int32, tangle: Tangle, view: View, rng: RandomStream, filter: Filter
    ) -> (end: Int32, steps: Int) {
        var x = x
        var steps = 0
        while let next = step(from: x, tangle: tangle, view: view, rng: rng, filter: filter) {
            x = next
            steps += 1
        }
        return (x, steps)
    }

    /// `count` walks from one start of the start rule (E-IOTA: each draws its alpha as a
    /// walk does), counted into `exits`, outside the walk statistics.
    public mutating func sampleExits<View: TangleView>(
        _ count: Int, _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream, into exits: inout [Int32: Int]
    ) -> (start: Int32, steps: Int)? {
        _beginSelection(rng: rng)
        let start = startingPoint(request, tangle: tangle, view: view, rng: rng)
        weights.prepareWalk(from: start, in: tangle, now: request.now)
        var steps = 0
        for _ in 0..<count {
            if let mixture, mixture.perWalk { _walkAlpha = mixture.draw(rng) }
            let (end, walkSteps) = _walk(from: start, tangle: tangle, view: view, rng: rng, filter: AllApprovers())
            steps += walkSteps
            exits[end, default: 0] += 1
        }
        return (start, steps)
    }

    /// The transaction the walker moves to from `x`, or nil when `x` has no visible approver.
    ///
    /// The probabilities follow the whitepaper's formula, shifted by the largest approver
    /// weight: p(y) ∝ exp(alpha·(H(y) − max H)), each term in (0, 1].
    public mutating func step(from x: Int32, tangle: Tangle, rng: RandomStream) -> Int32? {
        step(from: x, tangle: tangle, view: TipSet(), rng: rng)
    }

    /// ``step(from:tangle:rng:)`` as an observer with `view` sees it: approvers visible to it,
    /// and each approver's weight counting the in-flight descendants visible to it.
    public mutating func step<View: TangleView>(from x: Int32, tangle: Tangle, view: View, rng: RandomStream) -> Int32? {
        step(from: x, tangle: tangle, view: view, rng: rng, filter: AllApprovers())
    }

    /// ``step(from:tangle:view:rng:)`` among the approvers `filter` admits (where conflicts
    /// exist: those still valid at the walker's node).
    public mutating func step<View: TangleView, Filter: ApproverFilter>(
        from x: Int32, tangle: Tangle, view: View, rng: RandomStream, filter: Filter
    ) -> Int32? {
        // Up to `inline` admitted approvers (nearly every step) are held on the stack: writing
        // into the scratch arrays checked their uniqueness at every element, about 3% of a
        // walk from the genesis. More go to the scratch array.
        let inline = 8
        var approvers = InlineArray<8, Int32>(repeating: 0)
        var count = 0
        tangle.forEachApprover(of: x) { approver in
            if weights.visible.contains(approver) || view.isVisibleInFlight(approver), filter.admits(approver) {
                if count < inline {
                    approvers[count] = approver
                } else {
                    // Past the stack's room, all of them go to the scratch array.
                    if count == inline {
                        _approvers.removeAll(keepingCapacity: true)
                        for index in 0..<inline { _approvers.append(approvers[index]) }
                    }
                    _approvers.append(approver)
                }
                count += 1
            }
        }
        if count <= 1 { return count == 0 ? nil : approvers[0] }
        if count > inline {
            // Read from a copy: the draw mutates `self` (weights under gossip views).
            let many = _approvers
            return _draw(among: count, view: view, tangle: tangle, rng: rng) { many[$0] }
        }
        return _draw(among: count, view: view, tangle: tangle, rng: rng) { approvers[$0] }
    }

    /// The step's draw among `count` (two or more) admitted approvers, `approver(i)` the
    /// i-th: uniform at alpha = 0, the heaviest at infinity, otherwise by the terms
    /// exp(−alpha·(H(heaviest) − H(y))), held in a temporary allocation (on the stack for
    /// the few approvers of nearly every step).
    @inline(__always)
    mutating func _draw<View: TangleView>(
        among count: Int, view: View, tangle: Tangle, rng: RandomStream, approver: (Int) -> Int32
    ) -> Int32 {
        let alpha = _walkAlpha
        if alpha == 0 {
            return approver(rng.index(below: count))
        }
        if alpha == .infinity {
            _approvers.removeAll(keepingCapacity: true)
            for index in 0..<count { _approvers.append(approver(index)) }
            return _heaviestApprover(count, view: view, tangle: tangle, rng: rng)
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { terms in
            var heaviest = Int.min
            for index in 0..<count {
                let weight = weight(of: approver(index), view: view, tangle: tangle)
                terms[index] = Double(weight)
                heaviest = Swift.max(heaviest, weight)
            }
            var total = 0.0
            let tabled = alpha == self.alpha ? _terms.count : 0
            for index in 0..<count {
                let lighter = Double(heaviest) - terms[index]
                let term = lighter < Double(tabled) ? _terms[Int(lighter)] : Foundation.exp(alpha * -lighter)
                terms[index] = term
                total += term
            }
            var remaining = rng.uniform() * total
            for index in 0..<count {
                remaining -= terms[index]
                if remaining < 0 { return approver(index) }
            }
            return approver(count - 1)  // rounding left remaining at about 0
        }
    }

    /// The heaviest of the first `count` (two or more) of `_approvers`, ties uniformly at
    /// random (one draw only when they tie): the step at alpha = infinity. Out of line, so
    /// that finite alphas' steps compile as before.
    @inline(never)
    mutating func _heaviestApprover<View: TangleView>(_ count: Int, view: View, tangle: Tangle, rng: RandomStream) -> Int32 {
        var heaviest = Int.min
        var ties = 0
        for index in 0..<count {
            let weight = weight(of: _approvers[index], view: view, tangle: tangle)
            if weight > heaviest {
                heaviest = weight
                ties = 0
            }
            if weight == heaviest {
                _approvers[ties] = _approvers[index]
                ties += 1
            }
        }
        return _approvers[ties == 1 ? 0 : rng.index(below: ties)]
    }

    /// H(y) as the observer sees it: the weight over transactions visible everywhere, plus
    /// the in-flight descendants of y visible to the observer.
    ///
    /// - Complexity: O(1) plus O(in-flight transactions newer than y) under gossip.
    mutating func weight<View: TangleView>(of y: Int32, view: View, tangle: Tangle) -> Int {
        var weight = weights.weight(of: y)
        let inFlight = view.inFlightVisible
        var index = inFlight.count - 1
        while index >= 0, inFlight[index] > y {
            if weights.isAncestor(y, of: inFlight[index], in: tangle) { weight += 1 }
            index -= 1
        }
        return weight
    }

    /// Where the next walk starts.
    @usableFromInline
    mutating func startingPoint<View: TangleView>(
        _ request: SelectionRequest, tangle: Tangle, view: View, rng: RandomStream
    ) -> Int32 {
        switch start {
        case .genesis:
            return 0
        case .milestone:
            return request.milestoneAnchor
        case .window(let w):
            return windowStart(now: request.now, w: w, tangle: tangle, view: view, rng: rng)
        case .backtrack(let threshold):
            return backtrackStart(threshold: threshold, now: request.now, tangle: tangle, view: view, rng: rng)
        }
    }

    /// CLIRI's entry point (``WalkStart/backtrack(weight:)``): from a uniform tip of `view`,
    /// steps to a uniform parent until the weight (as `view`'s observer sees it) is at least
    /// `threshold`, or the genesis is reached; at least one step.
    ///
    /// - Complexity: O(steps · (k + log M)). From a recent tip the steps cover about
    ///   `threshold` transactions' worth of the Tangle's depth; from a tip left behind long
    ///   ago the entry is that old, and the ring of windowed weights grows back to it (the
    ///   memory estimate sizes it for the whole run).
    public mutating func backtrackStart<View: TangleView>(
        threshold: Int, now: Double, tangle: Tangle, view: View, rng: RandomStream
    ) -> Int32 {
        var x = view.randomTip(rng: rng)
        while x != 0 {
            let parents = tangle.parents(of: x)
            var count = 0
            for _ in parents { count += 1 }
            var pick = count == 1 ? 0 : rng.index(below: count)
            for parent in parents {
                if pick == 0 {
                    x = parent
                    break
                }
                pick -= 1
            }
            weights.prepareWalk(from: x, in: tangle, now: now)
            if weight(of: x, view: view, tangle: tangle) >= threshold { break }
        }
        return x
    }

    /// A transaction issued in [now − 2W, now − W], uniform among the visible ones; when
    /// there is none, the newest visible transaction issued before now − 2W (the genesis
    /// when there is none either, as early in a run).
    ///
    /// The id range is tracked by two pointers that only move forward (time never goes
    /// back), then ids are drawn uniformly and invisible ones rejected; after 32 rejections
    /// the range is scanned, so the choice stays exactly uniform among the visible.
    ///
    /// The fallback bounds how far back a walk can ever start (``earliestReachable(now:tangle:)``):
    /// a start at the genesis, which walks from the window never otherwise make once the
    /// window has passed it, could reach every tip ever issued.
    public mutating func windowStart(now: Double, w: Double, tangle: Tangle, rng: RandomStream) -> Int32 {
        windowStart(now: now, w: w, tangle: tangle, view: TipSet(), rng: rng)
    }

    /// ``windowStart(now:w:tangle:rng:)`` among the transactions visible to `view`'s observer.
    public mutating func windowStart<View: TangleView>(
        now: Double, w: Double, tangle: Tangle, view: View, rng: RandomStream
    ) -> Int32 {
        _advanceWindow(now: now, w: w, tangle: tangle)
        func isVisible(_ x: Int32) -> Bool { weights.visible.contains(x) || view.isVisibleInFlight(x) }
        if _windowLow <= _windowHigh {
            let width = Int(_windowHigh - _windowLow) + 1
            for _ in 0..<32 {
                let candidate = _windowLow + Int32(truncatingIfNeeded: rng.index(below: width))
                if isVisible(candidate) { return candidate }
            }
            let candidates = (_windowLow..._windowHigh).filter(isVisible)
            if !candidates.isEmpty { return candidates[rng.index(below: candidates.count)] }
        }
        var x = _windowLow - 1
        while x > 0, !isVisible(x) { x -= 1 }
        return Swift.max(x, 0)
    }

    /// Moves the window's pointers to [now − 2W, now − W]: `_windowLow` the first id issued
    /// at or after now − 2W, `_windowHigh` the last issued at or before now − W.
    @usableFromInline
    mutating func _advanceWindow(now: Double, w: Double, tangle: Tangle) {
        _windowLow = Self._firstIssued(atOrAfter: now - 2 * w, from: _windowLow, in: tangle)
        let count = Int32(truncatingIfNeeded: tangle.count)
        while _windowHigh + 1 < count, tangle.issueTime(of: _windowHigh + 1) <= now - w { _windowHigh += 1 }
    }

    /// The first id from `start` on issued at or after `time` (the count when none is).
    static func _firstIssued(atOrAfter time: Double, from start: Int32, in tangle: Tangle) -> Int32 {
        var id = start
        let count = Int32(truncatingIfNeeded: tangle.count)
        while id < count, tangle.issueTime(of: id) < time { id += 1 }
        return id
    }

    /// Walks from a window start at `now` or later begin at a transaction issued from
    /// now − 2W on, or at the newest visible one before it when the window holds no visible
    /// transaction (such a fallback only moves forward); walks from elsewhere may start
    /// anywhere (0).
    public func earliestReachable(now: Double, tangle: Tangle) -> Int32? {
        guard case .window(let w) = start else { return 0 }
        let low = Self._firstIssued(atOrAfter: now - 2 * w, from: _windowLow, in: tangle)
        // The newest transaction visible now and issued before now − 2W bounds every
        // later fallback from below (the in-flight ones, once visible, are newer starts
        // only if newer).
        var x = low - 1
        while x > 0, x >= tangle.firstRetained, !weights.visible.contains(x) { x -= 1 }
        return Swift.max(Swift.min(x, low), 0)
    }

    public var walkStatistics: WalkStatistics? { statistics }
}
