/// What one observer (an issuing device, through its node) sees of the Tangle's frontier.
///
/// Under the delay model every observer sees the same thing: the global visible tip set (a
/// ``TipSet``), and nothing is in flight. Under a gossip network an observer at node v also
/// sees transactions that have reached v but not yet every node ("in flight"), which may
/// hide some global tips (their approver has reached v) and add tips of their own; see
/// ``NodeView``.
public protocol TangleView {
    /// The number of tips the observer sees (never 0: the newest visible transaction is one).
    var tipCount: Int { get }

    /// Appends `k` tips drawn uniformly from the observer's tips to `parents` (empty on
    /// entry), following the repeated-pick rule: `distinct` gives min(k, tipCount) different
    /// tips, `collapse` keeps the distinct results of k draws.
    func sampleUniformTips(_ k: Int, repeatedPicks: RepeatedPicks, rng: RandomStream, into parents: inout [Int32])

    /// One tip drawn uniformly from the observer's tips.
    func randomTip(rng: RandomStream) -> Int32

    /// The in-flight transactions the observer sees, in increasing id order (empty under
    /// the delay model).
    var inFlightVisible: ContiguousArray<Int32> { get }

    /// Whether in-flight transaction `x` is visible to the observer.
    func isVisibleInFlight(_ x: Int32) -> Bool

    /// Whether `x` is one of the observer's tips.
    func isTip(_ x: Int32) -> Bool

    /// Calls `body` with each of the observer's tips, in a fixed order.
    func forEachTip(_ body: (Int32) -> Void)
}

extension TipSet: TangleView {
    @inlinable
    public var tipCount: Int { count }

    @inlinable
    public var inFlightVisible: ContiguousArray<Int32> { [] }

    @inlinable
    public func isVisibleInFlight(_ x: Int32) -> Bool { false }

    @inlinable
    public func isTip(_ x: Int32) -> Bool { contains(x) }

    /// Every member, in dense order.
    @inlinable
    public func forEachTip(_ body: (Int32) -> Void) {
        for position in 0..<count { body(self[position]) }
    }

    /// A uniform member.
    @inlinable
    public func randomTip(rng: RandomStream) -> Int32 { self[rng.index(below: count)] }

    /// Uniform tips: `distinct` samples k members without replacement (the j-th draw uniform
    /// over the n - j not drawn yet), `collapse` makes k independent draws.
    ///
    /// - Complexity: O(k²), k random draws.
    @inlinable
    public func sampleUniformTips(_ k: Int, repeatedPicks: RepeatedPicks, rng: RandomStream, into parents: inout [Int32]) {
        let n = count
        precondition(n > 0, "the visible tip set is never empty")
        switch repeatedPicks {
        case .collapse:
            for _ in 0..<k {
                let tip = self[rng.index(below: n)]
                if !parents.contains(tip) { parents.append(tip) }
            }
        case .distinct:
            if k >= n {
                for position in 0..<n { parents.append(self[position]) }
                return
            }
            if k == 2 {
                let first = rng.index(below: n)
                var second = rng.index(below: n - 1)
                if second >= first { second += 1 }
                parents.append(self[first])
                parents.append(self[second])
                return
            }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { sorted in
                for j in 0..<k {
                    // Map a uniform rank among the n - j free positions to the position itself
                    // by stepping over the drawn ones, kept sorted.
                    var position = rng.index(below: n - j)
                    var insertAt = 0
                    while insertAt < j, sorted[insertAt] <= position {
                        position += 1
                        insertAt += 1
                    }
                    var move = j
                    while move > insertAt {
                        sorted[move] = sorted[move - 1]
                        move -= 1
                    }
                    sorted[insertAt] = position
                    parents.append(self[position])
                }
            }
        }
    }
}

/// What a device at one gossip node sees: the transactions visible everywhere, corrected by
/// those that have reached its node but not every node.
///
/// With G the global visible tip set and S the in-flight transactions visible at the node,
/// the node's tips are G minus the members of G approved by something in S, plus the members
/// of S that nothing in S approves (an approver visible everywhere would make its parent
/// visible everywhere too, so only S can hide or add tips). Uniform draws take a uniform
/// index over G followed by the extra tips and draw again when it lands on a hidden one.
public struct NodeView: TangleView {
    @usableFromInline let _global: TipSet
    @usableFromInline let _extra: ContiguousArray<Int32>
    @usableFromInline let _hidden: StampMarks
    @usableFromInline let _inView: StampMarks
    @usableFromInline let _hiddenCount: Int
    /// S: the in-flight transactions visible at the node, in increasing id order.
    public let inFlightVisible: ContiguousArray<Int32>

    @usableFromInline
    init(
        global: TipSet, extra: ContiguousArray<Int32>, hidden: StampMarks, inView: StampMarks, hiddenCount: Int,
        inFlightVisible: ContiguousArray<Int32>
    ) {
        _global = global
        _extra = extra
        _hidden = hidden
        _inView = inView
        _hiddenCount = hiddenCount
        self.inFlightVisible = inFlightVisible
    }

    @inlinable
    public var tipCount: Int { _global.count - _hiddenCount + _extra.count }

    @inlinable
    public func isVisibleInFlight(_ x: Int32) -> Bool { _inView.contains(x) }

    @inlinable
    func isHidden(_ x: Int32) -> Bool { _hidden.contains(x) }

    /// A global tip no in-flight transaction at the node approves, or an in-flight one
    /// visible there that nothing visible there approves.
    @inlinable
    public func isTip(_ x: Int32) -> Bool { (_global.contains(x) || _inView.contains(x)) && !isHidden(x) }

    /// Calls `body` with every tip of the node.
    @inlinable
    public func forEachTip(_ body: (Int32) -> Void) {
        for position in 0..<_global.count where !isHidden(_global[position]) { body(_global[position]) }
        for tip in _extra { body(tip) }
    }

    /// A uniform tip of the node, by rejection (see ``sampleUniformTips(_:repeatedPicks:rng:into:)``).
    @inlinable
    public func randomTip(rng: RandomStream) -> Int32 {
        let range = _global.count + _extra.count
        while true {
            let index = rng.index(below: range)
            if index >= _global.count { return _extra[index - _global.count] }
            if !isHidden(_global[index]) { return _global[index] }
        }
    }

    /// Uniform tips by rejection: each accepted draw is uniform over the node's tips.
    ///
    /// - Complexity: expected O(k · (|G| + |X|) / tipCount) draws.
    @inlinable
    public func sampleUniformTips(_ k: Int, repeatedPicks: RepeatedPicks, rng: RandomStream, into parents: inout [Int32]) {
        let available = tipCount
        precondition(available > 0, "a node always sees a tip")
        if repeatedPicks == .distinct, k >= available {
            forEachTip { parents.append($0) }
            return
        }
        let range = _global.count + _extra.count
        var draws = 0
        while repeatedPicks == .distinct ? parents.count < k : draws < k {
            let index = rng.index(below: range)
            let tip = index < _global.count ? _global[index] : _extra[index - _global.count]
            if index < _global.count, isHidden(tip) { continue }
            draws += 1
            if !parents.contains(tip) { parents.append(tip) }
        }
    }
}
