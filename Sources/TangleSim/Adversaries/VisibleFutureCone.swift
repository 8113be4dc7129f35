/// The visible part of one transaction's future cone, kept as transactions become visible:
/// an attacker's view of a member's cumulative weight (the model's H: 1 + the visible
/// transactions that approve it directly or indirectly) and of which tips are on its side.
///
/// Visible transactions are reported in an order where parents come before their approvers
/// (the delay model makes a transaction visible only after its parents; a released branch
/// keeps that order), so one look at the parents decides membership.
///
/// - Complexity: O(k) per visible transaction; n/8 bytes.
struct VisibleFutureCone {
    /// The transaction whose future cone this is (−1: none yet).
    private(set) var root: Int32 = -1
    /// Visible transactions in the future cone, the root excluded.
    private(set) var count = 0
    private var _words: ContiguousArray<UInt64> = []

    /// Starts following `root`'s future cone (before anything approves it).
    mutating func follow(_ root: Int32) {
        self.root = root
        _insert(root)
    }

    /// H(root): 1 + the visible transactions in its future cone.
    var weight: Int { 1 + count }

    /// Whether `x` is the root or in its future cone.
    func contains(_ x: Int32) -> Bool {
        let word = Int(x) >> 6
        return x >= 0 && word < _words.count && _words[word] & (1 << UInt64(Int(x) & 63)) != 0
    }

    /// `x` became visible: it joins the cone when one of its parents is in it.
    mutating func observeVisible(_ x: Int32, in tangle: Tangle) {
        guard root >= 0, x > root, !contains(x) else { return }
        var joins = false
        tangle.forEachParent(of: x) { if contains($0) { joins = true } }
        guard joins else { return }
        _insert(x)
        count += 1
    }

    private mutating func _insert(_ x: Int32) {
        let word = Int(x) >> 6
        if word >= _words.count { _words.append(contentsOf: repeatElement(0, count: word + 1 - _words.count)) }
        _words[word] |= 1 << UInt64(Int(x) & 63)
    }
}

extension Tangle {
    /// The latest transaction issued at or before `time` (the genesis when none): ids are in
    /// issue order, so a binary search.
    func latestIssued(atOrBefore time: Double) -> Int32 {
        var low = 0, high = count - 1
        guard issueTime[high] > time else { return Int32(truncatingIfNeeded: high) }
        while low < high {
            let middle = (low + high + 1) / 2
            if issueTime[middle] <= time { low = middle } else { high = middle - 1 }
        }
        return Int32(truncatingIfNeeded: low)
    }
}
