/// Per-node propagation quantiles with faults (`node_propagation_p50`, `node_propagation_p90`):
/// for each transaction, the type-7 median and 90th percentile over the nodes other than the
/// issuer's of the time from issue to visibility.
extension GossipNetworkModel {
    /// Keeps the median and 90th percentile over nodes of x's propagation times (x is
    /// visible everywhere now, so they are final).
    mutating func _recordNodePropagation(of x: Int32) {
        let own = Int(slot[Int(x)])
        guard own >= 0 else { return }
        // The state leaves `self` (swapped, not copied), so its arrays are mutated in place.
        var state = GossipFaultState()
        swap(&state, &faults!)
        defer { swap(&state, &faults!) }
        let (p50, p90) = _nodePropagation(slot: own, &state)
        while state.nodePropagation50.count <= Int(x) {
            state.nodePropagation50.append(.nan)
            state.nodePropagation90.append(.nan)
        }
        state.nodePropagation50[Int(x)] = p50
        state.nodePropagation90[Int(x)] = p90
    }

    /// The type-7 median and 90th percentile, over the nodes other than the issuer's, of the
    /// time from issue to visibility of the transaction in `slot` (NaN with one node).
    ///
    /// On fixed paths (``GossipNetwork/_trees``) the nodes are read in the order of the
    /// issuer's lossless shortest-path tree: those still visible at their lossless arrival
    /// (most of them) come in increasing order of time, so only the others are sorted and
    /// the two runs merged up to the 90th percentile's rank
    /// (``_medianAndNinetieth(sorted:others:)``). Otherwise one selection each
    /// (``_medianAndNinetieth(of:)``). Both give the same bytes.
    ///
    /// - Complexity: O(N + m log m) on fixed paths, m the nodes off their lossless arrival;
    ///   expected O(N) otherwise. No allocation.
    func _nodePropagation(slot own: Int, _ state: inout GossipFaultState) -> (Double, Double) {
        let n = nodes
        guard n > 1 else { return (.nan, .nan) }
        let origin = Int(state.slotOrigin[own])
        let issued = state.slotIssue[own]
        let base = own * n
        guard let entries = network._trees?.entries else {
            return pool.withUnsafeBufferPointer { pool in
                state._times.withUnsafeMutableBufferPointer { times in
                    var count = 0
                    for v in 0..<n where v != origin {
                        times[count] = pool[base + v] - issued
                        count += 1
                    }
                    return Self._medianAndNinetieth(of: UnsafeMutableBufferPointer(rebasing: times[0..<count]))
                }
            }
        }
        return pool.withUnsafeBufferPointer { pool in
            entries.withUnsafeBufferPointer { entries in
                state._times.withUnsafeMutableBufferPointer { sorted in
                    state._others.withUnsafeMutableBufferPointer { others in
                        var sortedCount = 0, otherCount = 0
                        let row = origin * n
                        for position in (row + 1)..<(row + n) {
                            let entry = entries[position]
                            let visible = pool[base + Int(entry.node)]
                            if visible == issued + entry.distance {
                                sorted[sortedCount] = visible - issued
                                sortedCount += 1
                            } else {
                                others[otherCount] = visible - issued
                                otherCount += 1
                            }
                        }
                        return Self._medianAndNinetieth(
                            sorted: UnsafeBufferPointer(rebasing: sorted[0..<sortedCount]),
                            others: UnsafeMutableBufferPointer(rebasing: others[0..<otherCount]))
                    }
                }
            }
        }
    }

    /// The type-7 median and 90th percentile of `values` (reordered), as
    /// ``SampleStatistics/quantiles(selecting:at:)``: one selection over all the values for
    /// the 90th, one over those up to it for the median.
    ///
    /// - Precondition: at least one value.
    /// - Complexity: expected O(n).
    static func _medianAndNinetieth(of values: UnsafeMutableBufferPointer<Double>) -> (Double, Double) {
        let count = values.count
        func interpolate(_ h: Double, lower: Int, in region: UnsafeMutableBufferPointer<Double>) -> Double {
            let value = region[lower]
            guard h > Double(lower), lower + 1 < region.count else { return value }
            var next = Double.infinity
            for index in (lower + 1)..<region.count { next = Swift.min(next, region[index]) }
            return value + (h - Double(lower)) * (next - value)
        }
        let h90 = Double(count - 1) * 0.9
        let low90 = Int(h90.rounded(.down))
        _ = SampleStatistics._select(rank: low90, in: values)
        let ninetieth = interpolate(h90, lower: low90, in: values)
        // The low90 + 1 smallest values are now at the front: the median's two are among them
        // when low50 < low90 (from 11 values on); below, select among all.
        let h50 = Double(count - 1) * 0.5
        let low50 = Int(h50.rounded(.down))
        let front = low50 < low90 ? UnsafeMutableBufferPointer(rebasing: values[0...low90]) : values
        _ = SampleStatistics._select(rank: low50, in: front)
        return (interpolate(h50, lower: low50, in: front), ninetieth)
    }

    /// The type-7 median and 90th percentile of the values of `sorted` (in increasing order)
    /// and `others` (any order; sorted here) together: the same numbers as
    /// ``_medianAndNinetieth(of:)`` over all of them.
    ///
    /// - Precondition: at least one value; no NaN.
    /// - Complexity: O(m²) for m ≤ 32 others (insertion sort), O(m log m) above, plus
    ///   O(log m) for each of the four ranks read.
    static func _medianAndNinetieth(
        sorted: UnsafeBufferPointer<Double>, others: UnsafeMutableBufferPointer<Double>
    ) -> (Double, Double) {
        let count = sorted.count + others.count
        precondition(count > 0, "quantiles of no values")
        if others.count <= 32 {
            for index in others.indices.dropFirst() {
                let value = others[index]
                var hole = index
                while hole > 0, others[hole - 1] > value {
                    others[hole] = others[hole - 1]
                    hole -= 1
                }
                others[hole] = value
            }
        } else {
            var others = others
            others.sort()
        }
        let h50 = Double(count - 1) * 0.5
        let low50 = Int(h50.rounded(.down))
        let h90 = Double(count - 1) * 0.9
        let low90 = Int(h90.rounded(.down))
        let others = UnsafeBufferPointer(others)
        /// The value of rank `rank` (from 0) of the two runs merged, by binary search on how
        /// many of the others come among the first rank + 1 values (O(log m); a walk of the
        /// merge up to the 90th percentile's rank took 8% of `gossip-100-nodes-loss-1m.json`).
        func value(ofRank rank: Int) -> Double {
            guard rank < count else { return 0 }
            var low = Swift.max(0, rank + 1 - sorted.count), high = Swift.min(others.count, rank + 1)
            while low < high {
                let j = (low + high) / 2
                // Too few others: the next one is below the last sorted value taken.
                if others[j] < sorted[rank - j] { low = j + 1 } else { high = j }
            }
            let j = low
            let fromSorted = rank - j >= 0 ? sorted[rank - j] : -Double.infinity
            let fromOthers = j > 0 ? others[j - 1] : -Double.infinity
            return Swift.max(fromSorted, fromOthers)
        }
        let at50 = value(ofRank: low50), after50 = value(ofRank: low50 + 1)
        let at90 = value(ofRank: low90), after90 = value(ofRank: low90 + 1)
        func interpolate(_ h: Double, lower: Int, _ value: Double, _ next: Double) -> Double {
            guard h > Double(lower), lower + 1 < count else { return value }
            return value + (h - Double(lower)) * (next - value)
        }
        return (interpolate(h50, lower: low50, at50, after50), interpolate(h90, lower: low90, at90, after90))
    }
}
