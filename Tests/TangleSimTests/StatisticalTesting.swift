import CGSL
import TangleSim

/// The significance of every statistical test in this target, as in `tanglesim check`
/// (``PaperChecks/significance``).
///
/// Statistical tests here use replications and tolerances derived from the theory, never
/// bands read off what the code printed. Two kinds use this level:
/// - Tests that the theory's *equality* or *bound* holds (a slope of 2, Little's law, a
///   Poisson count, a chi-squared fit, "no more tips later than earlier"): two-sided or
///   one-sided at this level, so a correct simulator fails each with probability at most
///   0.001. The target has about thirty (counting each chi-squared case and each
///   distribution), so a correct simulator fails one with probability at most about 3%
///   (Bonferroni). The seeds are fixed, so that chance is spent only when a change
///   reshuffles the random numbers; a single p just under 0.001 then means "look", not
///   "broken".
/// - Tests that *demonstrate* an ordering or a strict bound the theory predicts (left-behind
///   rate rising with alpha, latency above I/2 + 2h, tips growing at alpha = 1): the
///   difference must be significant at this level. A correct simulator fails one when the
///   t statistic falls short of the critical value, so each is sized (replications, run
///   length) to make that improbable: at the effect measured, the noncentral t falls short
///   with probability below about 1e-4. Their messages print the margin.
///
/// Seeds are fixed, so CI is deterministic. Replications r = 0..<R of one seed are
/// independent runs (`Simulation.run(_:replication:)`); settings compared with Welch's test
/// get seeds of their own, so that their samples are independent as the test assumes, and
/// settings compared pairwise share their seed (common random numbers) for a paired test.
let significance = 0.001

/// The summaries of replications 0..<`count` of `scenario`.
func summaries(of scenario: Scenario, replications count: Int) -> [RunSummary] {
    (0..<count).map { Simulation.run(scenario, replication: $0).summary }
}

/// Student's t quantile for a two-sided test at ``significance`` with `df` degrees of freedom.
func twoSidedT(degreesOfFreedom df: Int) -> Double {
    CheckStatistics.t(1 - significance / 2, degreesOfFreedom: df)
}

/// The two-sided p-value of `count` as a draw from Poisson(`mean`): 2·min(P(N ≤ count),
/// P(N ≥ count)), at most 1 (GSL's Poisson distribution).
func poissonTwoSidedP(_ count: Int, mean: Double) -> Double {
    let atMost = gsl_cdf_poisson_P(UInt32(count), mean)
    let atLeast = count == 0 ? 1 : gsl_cdf_poisson_Q(UInt32(count - 1), mean)
    return min(1, 2 * min(atMost, atLeast))
}

/// The two-sided p-value of `x` as a draw from Gamma(`shape`, `scale`) — the sum of `shape`
/// exponential variables of mean `scale` (GSL's gamma distribution).
func gammaTwoSidedP(_ x: Double, shape: Double, scale: Double) -> Double {
    min(1, 2 * min(gsl_cdf_gamma_P(x, shape, scale), gsl_cdf_gamma_Q(x, shape, scale)))
}

/// "mean ± standard error (n)" of `values`, for assertion messages.
func describe(_ values: [Double]) -> String {
    let (mean, se) = CheckStatistics.meanAndStandardError(values)
    return "\(mean) ± \(se) (n = \(values.count))"
}
