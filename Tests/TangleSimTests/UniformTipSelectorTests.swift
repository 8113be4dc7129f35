import CGSL
import Testing
import TangleSim

/// Chi-squared goodness of fit of observed counts to expected probabilities: the upper tail
/// probability from GSL's `gsl_cdf_chisq_Q` (degrees of freedom: categories - 1).
func chiSquaredPValue(observed: [Int], expected probabilities: [Double]) -> Double {
    let total = Double(observed.reduce(0, +))
    var statistic = 0.0
    for (count, p) in zip(observed, probabilities) {
        let expected = total * p
        statistic += (Double(count) - expected) * (Double(count) - expected) / expected
    }
    return gsl_cdf_chisq_Q(statistic, Double(observed.count - 1))
}

/// All k-subsets of 0..<n, in lexicographic order.
func subsets(of n: Int, size k: Int) -> [[Int]] {
    guard k > 0 else { return [[]] }
    guard n >= k else { return [] }
    return subsets(of: n - 1, size: k - 1).map { $0 + [n - 1] } + subsets(of: n - 1, size: k)
}

@Suite("Uniform tip selection")
struct UniformTipSelectorTests {
    /// Runs `draws` selections of k parents among tips 0..<n and counts each resulting set.
    func counts(n: Int, k: Int, rule: RepeatedPicks, draws: Int, seed: UInt) -> [[Int32]: Int] {
        var tips = TipSet()
        for x in Int32(0)..<Int32(n) { tips.insert(x) }
        let tangle = Tangle(parents: k)
        var selector = UniformTipSelector()
        let rng = RandomStream(gslSeed: seed)
        var result: [[Int32]: Int] = [:]
        var parents: [Int32] = []
        for _ in 0..<draws {
            parents.removeAll()
            selector.selectParents(
                SelectionRequest(now: 0, parents: k, repeatedPicks: rule), tangle: tangle, view: tips,
                into: &parents, rng: rng)
            #expect(Set(parents).count == parents.count, "parents are distinct")
            result[parents.sorted(), default: 0] += 1
        }
        return result
    }

    // A correct sampler fails each of these fixed-seed tests with probability 0.001.
    @Test("distinct: every k-subset equally likely", arguments: [(6, 2), (6, 3), (7, 5), (9, 8)])
    func distinctIsUniformOverSubsets(n: Int, k: Int) {
        let all = subsets(of: n, size: k)
        let observed = counts(n: n, k: k, rule: .distinct, draws: 2_000 * all.count, seed: UInt(10 * n + k))
        #expect(observed.values.reduce(0, +) == 2_000 * all.count)
        let counts = all.map { observed[$0.map(Int32.init), default: 0] }
        #expect(observed.count == all.count, "only k-subsets occur")
        let p = chiSquaredPValue(observed: counts, expected: Array(repeating: 1 / Double(all.count), count: all.count))
        #expect(p > 0.001)
    }

    @Test("distinct with fewer tips than k takes every tip")
    func distinctTakesAll() {
        let observed = counts(n: 3, k: 5, rule: .distinct, draws: 10, seed: 1)
        #expect(observed == [[0, 1, 2]: 10])
    }

    @Test("collapse: k independent draws, a repeat becomes one edge")
    func collapseDistribution() {
        let n = 5
        let observed = counts(n: n, k: 2, rule: .collapse, draws: 50_000, seed: 3)
        // {i}: both draws i, probability 1/n^2; {i, j}: either order, 2/n^2.
        var categories: [[Int32]] = []
        var probabilities: [Double] = []
        for i in 0..<n {
            categories.append([Int32(i)])
            probabilities.append(1 / Double(n * n))
            for j in (i + 1)..<n {
                categories.append([Int32(i), Int32(j)])
                probabilities.append(2 / Double(n * n))
            }
        }
        #expect(Set(observed.keys) == Set(categories))
        let p = chiSquaredPValue(observed: categories.map { observed[$0, default: 0] }, expected: probabilities)
        #expect(p > 0.001)
    }
}
