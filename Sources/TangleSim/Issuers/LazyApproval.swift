/// The parents of a lazy device class (the model's "Adversaries", lazy devices): a fixed
/// set of k transactions issued about `age` seconds earlier, chosen again every `age`
/// seconds and approved by every transaction the class issues in between.
///
/// A choice at time t takes the k latest transactions issued at or before t − `age` that
/// the issuer sees at t — under the delay model exactly those whose visibility time is at
/// most t; on a gossip network, simply, those visible at every node by t — and the genesis
/// when there is none.
struct LazyApproval {
    /// Seconds between choices, and how old the chosen transactions are.
    let age: Double
    /// When the current parents were chosen (−infinity before the class's first arrival).
    var chosenAt = -Double.infinity
    /// The current parents, latest first.
    var parents: [Int32] = []

    init(age: Double) {
        self.age = age
    }

    /// The parents a transaction of the class issued at `now` approves, chosen again when
    /// `age` seconds have passed since the last choice.
    ///
    /// - Complexity: O(1) between choices; a choice is a binary search over issue times,
    ///   O(log n), plus a scan over the transactions not yet visible at `now` among the
    ///   latest ones issued before `now − age`.
    mutating func parents(k: Int, now: Double, tangle: Tangle) -> [Int32] {
        if now - chosenAt >= age {
            chosenAt = now
            parents.removeAll(keepingCapacity: true)
            Self.latestVisible(k, issuedBy: now - age, now: now, tangle: tangle, into: &parents)
        }
        return parents
    }

    /// Appends the `k` latest transactions issued at or before `cutoff` whose visibility
    /// time is at most `now`, latest first (ids are in issue order), or the genesis when
    /// there is none.
    static func latestVisible(_ k: Int, issuedBy cutoff: Double, now: Double, tangle: Tangle, into parents: inout [Int32]) {
        let issueTime = tangle.issueTime
        // The first id issued after the cutoff.
        var low = 0, high = issueTime.count
        while low < high {
            let middle = (low + high) / 2
            if issueTime[middle] <= cutoff { low = middle + 1 } else { high = middle }
        }
        let visibleTime = tangle.visibleTime
        var index = low - 1
        while index >= 0, parents.count < k {
            if visibleTime[index] <= now { parents.append(Int32(truncatingIfNeeded: index)) }
            index -= 1
        }
        if parents.isEmpty { parents.append(0) }
    }
}
