/// Maintains cumulative weights as an observer sees them under the delay model.
///
/// H(x) = 1 + the number of transactions in x's future cone (direct and indirect approvers)
/// that are visible now. Under the delay model visibility is global and every ancestor of a
/// visible transaction is visible (a parent is visible before its approver is issued), so
/// when y becomes visible, H grows by one for every transaction in y's past cone: that is
/// the only update.
public protocol CumulativeWeights {
    /// Called after `x` is appended to the Tangle.
    mutating func didIssue(_ x: Int32, in tangle: Tangle)

    /// Called when `x` becomes visible; every transaction in its past cone gains 1.
    mutating func didBecomeVisible(_ x: Int32, in tangle: Tangle)

    /// Makes sure that ``weight(of:)`` is exact for `x` and every transaction issued after it
    /// (the transactions a walk starting at `x` can visit).
    mutating func prepareWalk(from x: Int32, in tangle: Tangle, now: Double)

    /// H(x), exact for any `x` passed to, or issued after one passed to, ``prepareWalk``.
    func weight(of x: Int32) -> Int

    /// The transactions whose visibility has been reported.
    var visible: VisibilityBits { get }

    /// Whether `a` is in the past cone of `z` (for observers that see in-flight `z`).
    mutating func isAncestor(_ a: Int32, of z: Int32, in tangle: Tangle) -> Bool

    /// ANDs into `common` (word i holds ids 64·(base + i) ..< 64·(base + i + 1)), for each of
    /// `members`, the bits of its past cone and of itself; returns false when the tracker
    /// keeps no past cones (then `common` is unspecified). ``GenesisWalkShortcut`` reads the
    /// common ancestors of the in-flight transactions and live tips from it.
    mutating func intersectPastCones(
        of members: ContiguousArray<Int32>, fromWord base: Int, into common: inout ContiguousArray<UInt64>, in tangle: Tangle
    ) -> Bool

    /// Declares visible `x` *settled*: every transaction that becomes visible from now on
    /// descends from it (``GenesisWalkShortcut`` guarantees it, or calls ``unsettleAll()``
    /// before one that does not becomes visible), so H(x) = G − (G − H(x) now), G the
    /// visible count. A tracker may then stop counting x one by one.
    mutating func settle(_ x: Int32)

    /// Promises that no transaction below `id` will be settled from now on (until
    /// ``unsettleAll()``).
    mutating func settledStatusIsFinal(below id: Int32)

    /// Withdraws every ``settle(_:)``, keeping the weights exact.
    mutating func unsettleAll()
}

extension CumulativeWeights {
    /// No past cones kept: the genesis shortcut is not available.
    public mutating func intersectPastCones(
        of members: ContiguousArray<Int32>, fromWord base: Int, into common: inout ContiguousArray<UInt64>, in tangle: Tangle
    ) -> Bool { false }

    /// Nothing to gain: weights are counted one by one.
    public mutating func settle(_ x: Int32) {}

    public mutating func settledStatusIsFinal(below id: Int32) {}

    public mutating func unsettleAll() {}
}

extension Tangle {
    /// Whether `a` is in `z`'s past cone, by a depth-first search along parents that never
    /// goes below `a` (ids only grow along approvals).
    ///
    /// - Complexity: O(size of z's past cone above a).
    public func isAncestor(_ a: Int32, of z: Int32) -> Bool {
        guard a < z else { return false }
        var seen: Set<Int32> = [z]
        var stack = [z]
        while let node = stack.popLast() {
            var found = false
            forEachParent(of: node) { parent in
                if parent == a { found = true }
                if parent > a, seen.insert(parent).inserted { stack.append(parent) }
            }
            if found { return true }
        }
        return false
    }
}
