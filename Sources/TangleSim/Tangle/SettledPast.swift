/// The settled past of a run whose issuers approve only visible tips: the transactions that
/// are ancestors of every *target* — every *leaf* (a transaction with no approver yet,
/// visible or not) and every visible tip (which may have approvers, all still in flight).
///
/// Why it matters: when x is an ancestor of every target, every transaction issued later
/// descends from x too (it approves visible tips; a tip that becomes visible later is a leaf
/// now), and so do the targets of every later time: nothing about x can change any more
/// except through its descendants. A run of URTS under the delay
/// model can then forget x's record — judged first, exactly as at the end of the run — and
/// so run for any length in bounded memory (``Scenario/forgetsSettledPast``).
///
/// ``advance(tangle:tips:)`` moves the *frontier* f — every id below f is settled — over
/// the ids from the last frontier to the newest transaction, exactly: for each transaction
/// it computes which targets descend from it (itself included), as a bitset built in
/// reverse id order (a transaction's descendants are its approvers' and theirs; approvers
/// have larger ids), and the frontier stops at the first transaction that misses a target,
/// or is one (it may still be approved). Targets are taken 1,024 at a time, so that the
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
    /// Targets per pass of the sweep (default 1,024: 16 words).
    let targetsPerPass: Int

    init(targetsPerPass: Int = 1 << 10) {
        precondition(targetsPerPass > 0, "a pass has targets")
        self.targetsPerPass = targetsPerPass
    }

    /// The leaves and visible tips from the frontier on, ascending.
    private var _targets: [Int32] = []
    private var _rows: [UInt64] = []
    /// Per transaction from the frontier on, in the current pass: whether every target of
    /// the pass descends from it (its row, in `_rows`, is then not kept up to date).
    private var _full: [Bool] = []

    /// Moves the frontier as far as it can go over `tangle`, whose visible tips are `tips`,
    /// and returns it.
    ///
    /// - Complexity: O((n − f) · (targets / 64) · approvers per transaction), n − f the
    ///   transactions from the last frontier to the newest; a transaction with an approver
    ///   that every target of the pass descends from costs O(1).
    mutating func advance(tangle: Tangle, tips: TipSet) -> Int32 {
        let low = Int(frontier)
        let n = tangle.count
        // The targets: the leaves and the visible tips (a visible tip whose approvers are
        // all in flight is no leaf, yet can be approved again). None lies below the
        // frontier: it stops at the first.
        _targets.removeAll(keepingCapacity: true)
        for index in low..<n where !tangle.isApproved(Int32(truncatingIfNeeded: index)) {
            _targets.append(Int32(truncatingIfNeeded: index))
        }
        let leaves = _targets.count
        for position in 0..<tips.count where tangle.isApproved(tips[position]) { _targets.append(tips[position]) }
        if _targets.count > leaves { _targets.sort() }
        var end = Int(_targets.first ?? Int32(truncatingIfNeeded: n))
        guard end > low else { return frontier }
        let window = n - low
        if _full.count < window { _full = [Bool](repeating: false, count: window) }
        var passStart = 0
        while passStart < _targets.count, end > low {
            let passEnd = Swift.min(passStart + targetsPerPass, _targets.count)
            end = _pass(targets: passStart..<passEnd, low: low, end: end, tangle: tangle)
            passStart = passEnd
        }
        frontier = Int32(truncatingIfNeeded: end)
        return frontier
    }

    /// One pass over the targets `targets` (indices into `_targets`): returns the end of the
    /// prefix of `low..<end` every one of them descends from.
    private mutating func _pass(targets: Range<Int>, low: Int, end: Int, tangle: Tangle) -> Int {
        let n = tangle.count
        let words = (targets.count + 63) / 64
        let needed = (n - low) * words
        if _rows.count < needed { _rows.append(contentsOf: repeatElement(0, count: needed - _rows.count)) }
        let lastMask: UInt64 = targets.count % 64 == 0 ? ~0 : (1 << UInt64(targets.count % 64)) - 1
        let k = tangle.parentSlotsPerTransaction
        let base = tangle._base
        let edgeBase = base * k
        return _rows.withUnsafeMutableBufferPointer { rowsBuffer in
            _full.withUnsafeMutableBufferPointer { full in
                tangle._firstApproverEdge.withUnsafeBufferPointer { firstEdge in
                    tangle._nextApproverEdge.withUnsafeBufferPointer { nextEdge in
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
                                let approverOffset = Int(edge) / k - low
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
                                edge = nextEdge[Int(edge) - edgeBase]
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
                        // The settled prefix: every leaf of this pass descends from each of its ids.
                        var index = low
                        while index < end, full[index - low] { index += 1 }
                        return index
                    }
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

    /// Whether a run of `scenario`, expected to issue `expectedTransactions`, forgets its
    /// settled past (unless told otherwise).
    static func isUsed(by scenario: Scenario, expectedTransactions: Int) -> Bool {
        scenario.forgetsSettledPast && expectedTransactions > minimumTransactions
    }
}

extension Scenario {
    /// Whether a run of this scenario forgets the records of its settled past as it goes
    /// (``SettledPast``), so that it runs in bounded memory: URTS under the delay model,
    /// without a confirmation rule, conflicts, adversaries, lazy devices or a transaction
    /// log. Outputs are those of a run that keeps everything (tested), except that a
    /// statistic with more than `metrics.exactQuantiles` values has histogram quantiles
    /// either way.
    public var forgetsSettledPast: Bool {
        guard case .delay = network, tipSelection == .uniform, case .none = consensus else { return false }
        return !hasConflicts && adversaries.isEmpty && !metrics.transactionLog && metrics.walkAnalysis == nil
            && devices.allSatisfy { $0.behaviour == .honest && $0.reattachAfter == nil }
    }
}
