extension SummaryColumn {
    public static let orphanRate = SummaryColumn(
        "orphan_rate",
        "measured, uncensored, not rejected transactions in the past cone of no transaction issued in the final `orphan_timeout` seconds (approved perhaps, but their whole future cone abandoned), over (measured − censored)")
}

/// Orphanage as the peer measures it (res-sim-tangle's orphanage probability): which
/// transactions the Tangle's growing front no longer builds on.
///
/// A transaction is *referenced* when it is in the past cone of a *recent* transaction —
/// one issued in the run's final `orphanTimeout` seconds (those the left-behind judgement
/// censors). An uncensored transaction that is not referenced is orphaned: nobody approved
/// it, or its approvers' whole future cone was abandoned. Every transaction never approved
/// is orphaned; a left-behind one (no approver within `orphanTimeout`) approved later can
/// still be referenced. Under walks from the genesis `orphan_rate` is about twice
/// `left_behind_rate`: most of it is abandoned branches.
///
/// res-sim-tangle computes its orphanage probability "op2" the same way — one minus the
/// share of a slice of the Tangle that lies in the union of the past cones of its most
/// recent transactions — and "op" from the past cone of one GHOST walk's tip (alpha =
/// infinity from the genesis), which also counts as orphaned every branch the heaviest path
/// does not end in; op ≥ op2.
public enum OrphanageMetrics {
    /// Counts the orphaned transactions: marks the past cones of the transactions issued
    /// after `end − orphanTimeout`, and counts the device transactions issued from `warmup`
    /// to `end − orphanTimeout` left unmarked and not `rejected` (indexed by id; empty when
    /// nothing is).
    ///
    /// - Complexity: O(n·k) in one backward sweep (parents have smaller ids than their
    ///   approvers), n/8 bytes.
    public static func orphaned(
        in tangle: Tangle, end: Double, orphanTimeout: Double, warmup: Double, rejected: [Bool]
    ) -> Int {
        // Ids from `first` on are judged here (a run that forgot its settled past judged the
        // rest as it forgot them); the columns start at `base`.
        let base = tangle._base
        let first = Int(tangle.firstRetained)
        let count = tangle.count
        var referenced = ContiguousArray<UInt64>(repeating: 0, count: (count - base + 63) / 64)
        // Issue times grow with ids: the recent transactions are the last ones.
        let issueTime = tangle.issueTime
        var firstRecent = count
        while firstRecent > first, issueTime[firstRecent - 1 - base] > end - orphanTimeout { firstRecent -= 1 }
        let k = tangle.parentSlotsPerTransaction
        var orphaned = 0
        referenced.withUnsafeMutableBufferPointer { bits in
            tangle._edges.withUnsafeBufferPointer { slots in
                for index in stride(from: count - 1, through: Swift.max(first, 1), by: -1) {
                    let offset = index &- base
                    if index < firstRecent, bits[offset &>> 6] & (1 &<< UInt64(offset & 63)) == 0 {
                        let x = Int32(truncatingIfNeeded: index)
                        if issueTime[offset] >= warmup, tangle.isDeviceTransaction(x), rejected.isEmpty || !rejected[index] {
                            orphaned += 1
                        }
                        continue
                    }
                    for slot in (offset &* k)..<(offset &* k &+ k) {
                        // A forgotten parent was judged when it was forgotten.
                        let parent = Int(slots[slot].parent) &- base
                        if parent < 0 { if slots[slot].parent < 0 { break } else { continue } }
                        bits[parent &>> 6] |= 1 &<< UInt64(parent & 63)
                    }
                }
            }
        }
        return orphaned
    }
}
