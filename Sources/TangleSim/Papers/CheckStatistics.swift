import CGSL

/// The statistics behind the tolerances of `tanglesim check`: Student's t intervals over
/// independent replications, weighted least-squares slopes, Welch's comparison of two
/// means, Fisher's exact test and Clopper–Pearson bounds for success counts, and the exact
/// Mann–Whitney test for (censored) times. Every quantile comes from GSL.
public enum CheckStatistics {
    /// The mean of `values` and the standard error of that mean (sample sd / √n).
    ///
    /// - Returns: NaN for the standard error with fewer than two values.
    public static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let statistics = SweepAggregate.statistics(values)
        return (statistics.mean, statistics.sd / Double(values.count).squareRoot())
    }

    /// Student's t quantile t(p, df) (`gsl_cdf_tdist_Pinv`).
    public static func t(_ p: Double, degreesOfFreedom df: Int) -> Double {
        gsl_cdf_tdist_Pinv(p, Double(df))
    }

    /// A slope fitted by weighted least squares to points (x, y) whose y values are means
    /// with known standard errors, weights 1/se².
    public struct WeightedSlope: Sendable {
        /// The fitted slope.
        public var slope: Double
        /// Its standard error, √(1 / Σ w (x − x̄_w)²).
        public var standardError: Double
        /// The fitted intercept.
        public var intercept: Double
    }

    /// Fits y = intercept + slope·x by weighted least squares, weights 1/se².
    ///
    /// - Precondition: at least two distinct x values; every standard error positive.
    /// - Complexity: O(n).
    public static func weightedSlope(x: [Double], y: [Double], standardErrors: [Double]) -> WeightedSlope {
        precondition(x.count == y.count && y.count == standardErrors.count && Set(x).count >= 2, "two distinct x values")
        let w = standardErrors.map { 1 / ($0 * $0) }
        let sw = w.reduce(0, +)
        let xBar = zip(w, x).map { $0 * $1 }.reduce(0, +) / sw
        let yBar = zip(w, y).map { $0 * $1 }.reduce(0, +) / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices {
            sxx += w[i] * (x[i] - xBar) * (x[i] - xBar)
            sxy += w[i] * (x[i] - xBar) * (y[i] - yBar)
        }
        let slope = sxy / sxx
        return WeightedSlope(slope: slope, standardError: (1 / sxx).squareRoot(), intercept: yBar - slope * xBar)
    }

    /// The ordinary least-squares slope of y on x.
    ///
    /// - Precondition: at least two distinct x values.
    public static func slope(x: [Double], y: [Double]) -> Double {
        weightedSlope(x: x, y: y, standardErrors: Array(repeating: 1, count: x.count)).slope
    }

    /// Student's one-sample test that the mean of `values` exceeds `reference`: t = (mean −
    /// reference) / SE with n − 1 degrees of freedom.
    ///
    /// For paired samples (the i-th runs of two settings share their random numbers), pass the
    /// differences and a reference of 0. "p < significance" is equivalent to the one-sided
    /// lower confidence bound mean − t(1 − significance, n − 1)·SE exceeding `reference`.
    ///
    /// - Returns: the difference mean − reference, its standard error, the degrees of freedom
    ///   and the one-sided p-value of "mean ≤ reference" (0 or 1 when the values have no
    ///   spread).
    /// - Precondition: at least two values.
    public static func studentGreater(
        _ values: [Double], than reference: Double
    ) -> (difference: Double, standardError: Double, degreesOfFreedom: Int, p: Double) {
        precondition(values.count >= 2, "two values")
        let (mean, se) = meanAndStandardError(values)
        let difference = mean - reference
        let df = values.count - 1
        guard se > 0 else { return (difference, 0, df, difference > 0 ? 0 : 1) }
        return (difference, se, df, gsl_cdf_tdist_Q(difference / se, Double(df)))
    }

    /// Welch's test that the mean of `b` exceeds the mean of `a`.
    ///
    /// - Returns: the difference of the means, its standard error, the Welch–Satterthwaite
    ///   degrees of freedom and the one-sided p-value of "mean(b) ≤ mean(a)" (NaN when both
    ///   samples have no spread).
    public static func welchGreater(_ a: [Double], _ b: [Double]) -> (difference: Double, standardError: Double, degreesOfFreedom: Double, p: Double) {
        let sa = SweepAggregate.statistics(a), sb = SweepAggregate.statistics(b)
        let va = sa.sd * sa.sd / Double(a.count), vb = sb.sd * sb.sd / Double(b.count)
        let se = (va + vb).squareRoot()
        let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        let difference = sb.mean - sa.mean
        guard se > 0 else { return (difference, 0, .nan, difference > 0 ? 0 : 1) }
        return (difference, se, df, gsl_cdf_tdist_Q(difference / se, df))
    }

    /// Fisher's exact test that group `a`'s success probability exceeds group `b`'s: the
    /// probability, given both groups' sizes and the total of successes, of `a` having at
    /// least its successes (hypergeometric, `gsl_cdf_hypergeometric_Q`).
    public static func fisherGreater(_ a: (successes: Int, runs: Int), _ b: (successes: Int, runs: Int)) -> Double {
        let total = a.successes + b.successes
        guard a.successes > 0 else { return 1 }
        return gsl_cdf_hypergeometric_Q(
            UInt32(a.successes - 1), UInt32(total), UInt32(a.runs + b.runs - total), UInt32(a.runs))
    }

    /// The one-sided Clopper–Pearson upper bound, at `significance`, of a success probability
    /// from `successes` in `trials`: the p with P(X ≤ successes | p) = significance.
    public static func binomialUpperBound(successes: Int, trials: Int, significance: Double) -> Double {
        guard successes < trials else { return 1 }
        let a = Double(successes + 1), b = Double(trials - successes)
        return _bisect { gsl_cdf_beta_Q($0, a, b) > significance }
    }

    /// The one-sided Clopper–Pearson lower bound, at `significance`, of a success probability
    /// from `successes` in `trials`: the p with P(X ≥ successes | p) = significance (0 with no
    /// success).
    public static func binomialLowerBound(successes: Int, trials: Int, significance: Double) -> Double {
        guard successes > 0 else { return 0 }
        let a = Double(successes), b = Double(trials - successes + 1)
        return _bisect { gsl_cdf_beta_P($0, a, b) < significance }
    }

    /// The point of [0, 1] where `below` turns from true to false (`below` true left of it,
    /// false right of it), to within 1e-15, by bisection.
    ///
    /// GSL's beta quantiles (`gsl_cdf_beta_Pinv`, `_Qinv`) call GSL's error handler, which
    /// aborts the process, when their Newton steps do not converge (20,000 trials at
    /// significance 0.001 did); the beta distribution functions they invert are direct
    /// computations and never fail, so the inverse is found by bisection on them instead.
    static func _bisect(_ below: (Double) -> Bool) -> Double {
        var low = 0.0, high = 1.0
        for _ in 0..<200 where high - low > 1e-15 {
            let middle = (low + high) / 2
            if below(middle) { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The exact one-sided Mann–Whitney (Wilcoxon rank-sum) test that `b` tends to be larger
    /// than `a`: the probability, when all assignments of the pooled values to a group of
    /// |a| and one of |b| are equally likely (the null hypothesis that both samples come from
    /// one distribution), that `b`'s rank sum is at least the one observed.
    ///
    /// Ties get midranks and the null distribution is the exact permutation distribution
    /// given those midranks, so the test stays exact with many ties — in particular when
    /// values above a common censoring point are all replaced by that point, since censoring
    /// at a fixed point keeps two equal distributions equal.
    ///
    /// - Returns: U of `b` (pairs (a_i, b_j) with b_j > a_i, ties counting one half) and the
    ///   one-sided p-value.
    /// - Complexity: O(n·|b|·n²) for n = |a| + |b| (a count of subsets per rank sum).
    public static func mannWhitneyGreater(_ a: [Double], _ b: [Double]) -> (u: Double, p: Double) {
        precondition(!a.isEmpty && !b.isEmpty, "two non-empty samples")
        let pooled = (a.map { ($0, false) } + b.map { ($0, true) }).sorted { $0.0 < $1.0 }
        // Doubled midranks, integers: a run of ties at ranks i+1 ... j gets i + 1 + j.
        var ranks = [Int](repeating: 0, count: pooled.count)
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count, pooled[j + 1].0 == pooled[i].0 { j += 1 }
            for index in i...j { ranks[index] = i + 1 + j + 1 }
            i = j + 1
        }
        let observed = zip(pooled, ranks).filter { $0.0.1 }.map(\.1).reduce(0, +)
        let m = b.count
        let most = ranks.sorted(by: >).prefix(m).reduce(0, +)
        // ways[c][s]: subsets of the ranks seen so far with c members and doubled sum s.
        var ways = [[Double]](repeating: [Double](repeating: 0, count: most + 1), count: m + 1)
        ways[0][0] = 1
        for rank in ranks {
            for c in stride(from: m, through: 1, by: -1) {
                for s in stride(from: most, through: rank, by: -1) where ways[c - 1][s - rank] > 0 {
                    ways[c][s] += ways[c - 1][s - rank]
                }
            }
        }
        let all = ways[m].reduce(0, +)
        let atLeast = ways[m][observed...].reduce(0, +)
        let u = Double(observed) / 2 - Double(m * (m + 1)) / 2
        return (u, atLeast / all)
    }
}
