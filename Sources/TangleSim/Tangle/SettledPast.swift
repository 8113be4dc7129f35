/// The settled past of a run whose issuers approve only visible tips: the transactions that
/// are ancestors of every *target* — every *leaf* (a transaction with no approver yet,
/// visible or not) and every visible tip (which may have approvers, all still in flight).
///
/// Why it matters: when x is an ancestor of every target, every transaction issued later
/// descends from x too (it approves visible tips; a tip that becomes visible later is a leaf
/// now), and so do the targets of every later time: nothing about x can change any more
/// except through its descendants.
///
/// Where selections cannot reach every target — a walk from a window reaches only its
/// start's descendants, and starts only move forward — the targets below the earliest
/// reachable id are *dead* (``TipSelector/earliestReachable(now:tangle:)``), and only the
/// live ones count. A transaction that no live target descends from is *dead* as well:
/// nothing will ever descend from it, so once its newest descendant is `orphanTimeout` old
/// it is decided too, an orphan (``isDead(_:)``). A run of URTS under the delay
/// model can then forget x's record — judged first, exactly as at the end of the run — and
/// so run for any length in bounded memory (``Scenario/forgetsSettledPast``).
///
/// ``advance(tangle:tips:)`` moves the *frontier* f — every id below f is settled — over
/// the ids from the last frontier to the newest transaction, exactly: for each transaction
/// it computes which targets descend from it (itself included), as a bitset built in
/// reverse id order (a transaction's descendants are its approvers' and theirs; approvers
/// have larger ids), and the frontier stops at the first live target (it may still be
/// approved) or the first transaction neither settled nor decided dead. Targets are taken 1,024 at a time, so that the
/// scratch memory is 128 bytes per transaction after the frontier (about ``interval`` plus
/// some 50 seconds of transactions under URTS), whatever the number of targets; a
/// transaction with an approver that every target of the pass descends from costs O(1).
///
/// Cost: per transaction not yet settled, about (targets / 64) word operations per
/// approver edge, per advance. URTS at lambda·h = 1,000 has about 2,000 targets, and its
/// frontier lags the newest transaction by some 50,000.
///
/// With one parent per transaction the Tangle is a tree, and only the chain every branch
/// shares is ever settled: such a run forgets next to nothing.
struct SettledPast {
    /// Every id below it is an ancestor of every leaf.
    private(set) var frontier: Int32 = 0
    /// Transactions issued between two advances: the run advances once this many were
    /// issued since the last advance.
    static let interval = 1 << 17
    /// The most transactions an advance sweeps (the frontier to the newest): by default
    /// 2^20, 135 MiB of scratch. Under URTS at lambda = 1,000/s the sweep covers about
    /// 180,000. Beyond, the run stops forgetting (``TangleSimulation``).
    let maximumWindow: Int

    /// Targets per pass of the sweep (default 1,024: 16 words).
    let targetsPerPass: Int

    init(targetsPerPass: Int = 1 << 10, maximumWindow: Int = 1 << 20) {
        precondition(targetsPerPass > 0, "a pass has targets")
        self.targetsPerPass = targetsPerPass
        self.maximumWindow = maximumWindow
    }

    /// The leaves and visible tips from the frontier on, ascending.
    private var _targets: [Int32] = []
    private var _rows: [UInt64] = []
    /// Per transaction from the frontier on, in the current pass: whether every target of
    /// the pass descends from it (its row, in `_rows`, is then not kept up to date).
    private var _full: [Bool] = []
    /// Per transaction from the frontier on: whether every live target of the passes so far
    /// descends from it, and whether one does.
    private var _settled: [Bool] = []
    private var _reachesLive: [Bool] = []
    /// Per transaction from the frontier on: the issue time of its newest descendant (itself
    /// included).
    private var _newest: [Double] = []
    /// Whether each transaction from `_deadBase` to the frontier is dead (decided because
    /// no live target descends from it) rather than settled.
    private var _dead: [Bool] = []
    private var _deadBase = 0

    /// Moves the frontier as far as it can go over `tangle`, whose visible tips are `tips`,
    /// and returns it.
    ///
    /// - Parameters:
    ///   - liveFrom: targets below it are *dead*: no selection can choose them any more (a
    ///     walk from a window reaches only its start's descendants). A transaction no live
    ///     target descends from is decided too, once its newest descendant was issued at or
    ///     before `orphanedBefore`: nothing will ever descend from it, and it is an orphan.
    ///     0 (the default): every target is live.
    /// - Complexity: O((n − f) · (targets / 64) · approvers per transaction), n − f the
    ///   transactions from the last frontier to the newest; a transaction with an approver
    ///   that every target of the pass descends from costs O(1).
    mutating func advance(tangle: Tangle, tips: TipSet, liveFrom: Int32 = 0, orphanedBefore: Double = -.infinity) -> Int32 {
        let low = Int(frontier)
        let n = tangle.count
        // The targets: the leaves and the visible tips (a visible tip whose approvers are
        // all in flight is no leaf, yet can be approved again). None lies below the
        // frontier (it stops at the first live one; dead ones below it are not looked at).
        _targets.removeAll(keepingCapacity: true)
        for index in low..<n where !tangle.isApproved(Int32(truncatingIfNeeded: index)) {
            _targets.append(Int32(truncatingIfNeeded: index))
        }
        let leaves = _targets.count
        for position in 0..<tips.count {
            let tip = tips[position]
            if Int(tip) >= low, tangle.isApproved(tip) { _targets.append(tip) }
        }
        if _targets.count > leaves { _targets.sort() }
        // The newest transaction is a live target: a selection's reach never passes it.
        guard let firstLive = _targets.firstIndex(where: { $0 >= liveFrom }) else { return frontier }
        var end = Int(_targets[firstLive])
        guard end > low else { return frontier }
        let window = n - low
        if _full.count < window {
            _full = [Bool](repeating: false, count: window)
            _settled = _full
            _reachesLive = _full
        }
        for offset in 0..<(end - low) {
            _settled[offset] = true
            _reachesLive[offset] = false
        }
        let decidesDead = liveFrom > 0
        if decidesDead { _newestDescendants(low: low, tangle: tangle) }
        var passStart = firstLive
        while passStart < _targets.count, end > low {
            let passEnd = Swift.min(passStart + targetsPerPass, _targets.count)
            _pass(targets: passStart..<passEnd, low: low, end: end, tangle: tangle)
            // A transaction that misses a live target but reaches one is undecided.
            var index = low
            while index < end, _settled[index - low] || !_reachesLive[index - low] { index += 1 }
            end = index
            passStart = passEnd
        }
        var decided = low
        while decided < end {
            let offset = decided - low
            if !_settled[offset] {
                // Dead: decided once its newest descendant is old enough.
                guard decidesDead, !_reachesLive[offset], _newest[offset] <= orphanedBefore else { break }
            }
            decided += 1
        }
        // Remember which of the newly decided are dead, for the judges.
        if _dead.isEmpty { _deadBase = low }
        for index in low..<decided { _dead.append(!_settled[index - low]) }
        frontier = Int32(truncatingIfNeeded: decided)
        return frontier
    }

    /// Whether decided transaction `x` (below the frontier, not yet passed to
    /// ``forgetDecisions(below:)``) is dead rather than settled.
    func isDead(_ x: Int32) -> Bool {
        Int(x) >= _deadBase + _dead.count ? false : _dead[Int(x) - _deadBase]
    }

    /// Drops the decisions below `id` (moved down once the dropped part is as long as the kept part).
    mutating func forgetDecisions(below id: Int32) {
        let dropped = Swift.min(Int(id) - _deadBase, _dead.count)
        guard dropped > 0, dropped >= _dead.count - dropped else { return }
        _dead.removeFirst(dropped)
        _deadBase += dropped
    }

    /// The issue time of each window transaction's newest descendant, in reverse id order.
    private mutating func _newestDescendants(low: Int, tangle: Tangle) {
        let n = tangle.count
        if _newest.count < n - low { _newest = [Double](repeating: 0, count: n - low) }
        for index in stride(from: n - 1, through: low, by: -1) {
            var newest = tangle.issueTime(of: Int32(truncatingIfNeeded: index))
            tangle.forEachApprover(of: Int32(truncatingIfNeeded: index)) { approver in
                newest = Swift.max(newest, _newest[Int(approver) - low])
            }
            _newest[index - low] = newest
        }
    }

    /// One pass over the live targets `targets` (indices into `_targets`): updates, for the
    /// transactions of `low..<end`, whether every one of them descends (`_settled`) and
    /// whether one does (`_reachesLive`).
    private mutating func _pass(targets: Range<Int>, low: Int, end: Int, tangle: Tangle) {
        let n = tangle.count
        let words = (targets.count + 63) / 64
        let needed = (n - low) * words
        if _rows.count < needed { _rows.append(contentsOf: repeatElement(0, count: needed - _rows.count)) }
        let lastMask: UInt64 = targets.count % 64 == 0 ? ~0 : (1 << UInt64(targets.count % 64)) - 1
        let k = tangle.parentSlotsPerTransaction
        let base = tangle._base
        let edgeBase = base * k
        let divisor = tangle.edgeSlotDivisor
        _rows.withUnsafeMutableBufferPointer { rowsBuffer in
            _full.withUnsafeMutableBufferPointer { full in
                tangle._firstApproverEdge.withUnsafeBufferPointer { firstEdge in
                    tangle._edges.withUnsafeBufferPointer { edges in
                        let rows = rowsBuffer.baseAddress!
                        // Reverse id order: every approver's row is complete before its parents'.
                        var target = targets.upperBound - 1
                        for index in stride(from: n - 1, through: low, by: -1) {
                            let offset = index - low
                            let row = rows + offset * words
                            // The union of the approvers' rows; full as soon as one is.
                            var isFull = false
                            var first = true
                            var edge = firstEdge[index - base]
                            while edge >= 0 {
                                let approverOffset = Int(divisor.transaction(ofSlot: edge)) - low
                                if full[approverOffset] {
                                    isFull = true
                                    break
                                }
                                let from = rows + approverOffset * words
                                if first {
                                    for word in 0..<words { row[word] = from[word] }
                                    first = false
                                } else {
                                    for word in 0..<words { row[word] |= from[word] }
                                }
                                edge = edges[Int(edge) - edgeBase].nextApprover
                            }
                            let isTarget = target >= targets.lowerBound && Int(_targets[target]) == index
                            if isTarget { target -= 1 }
                            if !isFull {
                                if first { for word in 0..<words { row[word] = 0 } }
                                if isTarget {
                                    let bit = target + 1 - targets.lowerBound
                                    row[bit >> 6] |= 1 << UInt64(bit & 63)
                                }
                                isFull = row[words - 1] == lastMask
                                var word = 0
                                while isFull, word < words - 1 {
                                    isFull = row[word] == ~0
                                    word += 1
                                }
                            }
                            full[offset] = isFull
                        }
                    }
                }
            }
        }
        // What this pass says of the candidates.
        for offset in 0..<(end - low) {
            if _full[offset] {
                _reachesLive[offset] = true
                continue
            }
            _settled[offset] = false
            if !_reachesLive[offset] {
                for word in 0..<words where _rows[offset * words + word] != 0 {
                    _reachesLive[offset] = true
                    break
                }
            }
        }
    }
}

extension SettledPast {
    /// Runs longer than this forget their settled past when they can: 2^24 transactions,
    /// where a run that keeps everything needs about 1 GiB (some 60 bytes a transaction) and
    /// the exact quantiles reach their default limit. Shorter runs keep everything, and pay
    /// nothing for this (the advances cost URTS about a tenth of its time).
    static let minimumTransactions = 1 << 24

    /// Storage reserved up front by a run that forgets (2^20 transactions; it grows if the
    /// kept window needs more).
    static let reservedTransactions = 1 << 20

    /// Whether a run of `scenario`, expected to issue `expectedTransactions`, forgets its
    /// settled past (unless told otherwise).
    static func isUsed(by scenario: Scenario, expectedTransactions: Int) -> Bool {
        scenario.forgetsSettledPast && expectedTransactions > minimumTransactions
    }
}

extension Scenario {
    /// Whether a run of this scenario forgets the records of its settled past as it goes
    /// (``SettledPast``), so that it runs in bounded memory: URTS or MCMC walks from a window
    /// under the delay model, with two parents or more (with one the Tangle is a tree, whose branches never settle),
    /// without a confirmation rule, conflicts, adversaries, lazy devices or a walk analysis.
    /// A transaction log's rows are written as transactions are forgotten
    /// (``TransactionLogSpill``). Outputs are those of a run that keeps everything (tested),
    /// except that a statistic with more than `metrics.exactQuantiles` values has histogram
    /// quantiles either way.
    public var forgetsSettledPast: Bool {
        guard case .delay = network, case .none = consensus, tangle.parents >= 2, !tangle.adaptiveParents else { return false }
        switch tipSelection {
        case .uniform, .mcmc(_, start: .window, _): break
        default: return false
        }
        return !hasConflicts && adversaries.isEmpty && metrics.walkAnalysis == nil
            && devices.allSatisfy { $0.behaviour == .honest && $0.reattachAfter == nil }
    }
}
