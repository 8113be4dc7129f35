import Foundation

/// The growth of cumulative weight with age: the mean of H(x, t_x + a) over sampled
/// transactions x, for a list of ages a.
///
/// H(x, t) is 1 (x's own weight) plus the transactions in x's future cone (those approving
/// x directly or indirectly) that are visible at time t. Popov, "The Tangle", section 3: under
/// uniform selection H grows slowly during an adaptation period, then linearly at rate lambda.
public struct WeightGrowthCurve: Sendable, Equatable {
    /// Ages after issue, in seconds, increasing.
    public var ages: [Double]
    /// The mean cumulative weight of the sampled transactions at each age.
    public var meanWeight: [Double]
    /// The number of transactions averaged.
    public var samples: Int

    /// The least-squares slope of mean weight against age over ages in `range`
    /// (transactions per second).
    ///
    /// - Returns: NaN when fewer than two ages lie in `range`.
    public func slope(over range: ClosedRange<Double>) -> Double {
        let inside = ages.indices.filter { range.contains(ages[$0]) }
        guard inside.count >= 2 else { return .nan }
        return CheckStatistics.slope(x: inside.map { ages[$0] }, y: inside.map { meanWeight[$0] })
    }
}

extension WeightGrowthCurve {
    /// Measures the curve on `tangle`.
    ///
    /// Samples up to `maximumSamples` device transactions (genesis and milestones excluded)
    /// evenly among those issued in `issued`; only transactions whose whole age range lies
    /// within the tangle's issue times are eligible, so every transaction that could count is
    /// in the tangle. Each future cone is walked forward through approvers, pruned at issue
    /// time t_x + max age (approvers are always issued later).
    ///
    /// - Complexity: O(samples × (cone size up to the largest age) × log).
    public init(tangle: Tangle, ages: [Double], issued: ClosedRange<Double>, maximumSamples: Int = 400) {
        precondition(!ages.isEmpty && ages == ages.sorted(), "ages increase")
        let lastIssue = tangle.issueTime.last ?? 0
        let horizon = ages.last!
        let candidates = (1..<max(1, tangle.count)).filter { index in
            let t = tangle.issueTime[index]
            return tangle.isDeviceTransaction(Int32(index)) && issued.contains(t) && t + horizon <= lastIssue
        }
        let stride = max(1, (candidates.count + maximumSamples - 1) / max(1, maximumSamples))
        let sampled = Swift.stride(from: 0, to: candidates.count, by: stride).map { candidates[$0] }

        var totals = [Double](repeating: 0, count: ages.count)
        var stamp = [Int32](repeating: -1, count: tangle.count)
        var queue: [Int32] = []
        var visible: [Double] = []
        for (sample, x) in sampled.enumerated() {
            let issue = tangle.issueTime[x]
            let limit = issue + horizon
            queue.removeAll(keepingCapacity: true)
            visible.removeAll(keepingCapacity: true)
            queue.append(Int32(x))
            stamp[x] = Int32(sample)
            var head = 0
            while head < queue.count {
                let y = queue[head]
                head += 1
                tangle.forEachApprover(of: y) { z in
                    guard stamp[Int(z)] != Int32(sample), tangle.issueTime[Int(z)] <= limit else { return }
                    stamp[Int(z)] = Int32(sample)
                    queue.append(z)
                    visible.append(tangle.visibleTime[Int(z)])
                }
            }
            visible.sort()
            var counted = 0
            for (index, age) in ages.enumerated() {
                while counted < visible.count && visible[counted] <= issue + age { counted += 1 }
                totals[index] += Double(1 + counted)
            }
        }
        self.ages = ages
        self.samples = sampled.count
        self.meanWeight = totals.map { sampled.isEmpty ? .nan : $0 / Double(sampled.count) }
    }

    /// Popov's estimate of the adaptation period under uniform selection with k = 2 in the
    /// high-load regime ("The Tangle", section 3): H grows like exp(0.352·t/h) until it has
    /// reached the tip count L0 = 2·lambda·h, which takes about (h / 0.352)·ln(L0) seconds.
    public static func adaptationPeriod(lambda: Double, delay h: Double) -> Double {
        h / 0.352 * Foundation.log(max(2 * lambda * h, 2))
    }
}
