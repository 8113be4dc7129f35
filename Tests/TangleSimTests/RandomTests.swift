import CGSL
import Foundation
import Testing
import TangleSim

@Suite("Random streams and samplers")
struct RandomTests {
    @Test("a stream is determined by (seed, replication, stream id), and streams differ")
    func streamsAreIndependentAndRepeatable() {
        func firstDraws(_ stream: RandomStream) -> [Double] { (0..<5).map { _ in stream.uniform() } }
        let a = firstDraws(RandomStream(seed: 42, replication: 3, stream: .delays))
        #expect(a == firstDraws(RandomStream(seed: 42, replication: 3, stream: .delays)))
        #expect(a != firstDraws(RandomStream(seed: 42, replication: 3, stream: .arrivals)))
        #expect(a != firstDraws(RandomStream(seed: 42, replication: 4, stream: .delays)))
        #expect(a != firstDraws(RandomStream(seed: 43, replication: 3, stream: .delays)))
        var keys = Set<UInt64>()
        for seed in UInt64(0)..<50 {
            for replication in 0..<10 {
                for stream in StreamID.allCases {
                    keys.insert(StreamID.derivedKey(seed: seed, replication: replication, stream: stream))
                }
            }
        }
        #expect(keys.count == 50 * 10 * StreamID.allCases.count)
    }

    @Test("the whole 64-bit key seeds the generator: keys that a 32-bit fold would merge give different streams")
    func wholeKeySeedsTheState() {
        func firstDraws(_ stream: RandomStream) -> [UInt] { (0..<8).map { _ in gsl_rng_get(stream.gslGenerator) } }
        // Folding hi ^ lo to 32 bits (the old seeding) maps both keys to 0x1234_5678 ^ 0x9ABC_DEF0.
        let a = firstDraws(RandomStream(key: 0x1234_5678_9ABC_DEF0))
        let b = firstDraws(RandomStream(key: 0x9ABC_DEF0_1234_5678))
        #expect(a != b)
        // So do keys that differ only in their high half.
        #expect(firstDraws(RandomStream(key: 0x0000_0001_0000_0007)) != firstDraws(RandomStream(key: 0x0000_0002_0000_0007)))
    }

    @Test("keys whose words are too small for taus2 still give a full-period generator (s1 > 1, s2 > 7, s3 > 15)")
    func smallKeysAreRemixed() {
        for key in [UInt64(0), 1, 7, 15, 0x1_0000_0000] {
            let stream = RandomStream(key: key)
            let state = gsl_rng_state(stream.gslGenerator)!.assumingMemoryBound(to: UInt.self)
            // Six warm-up draws later the components are still in their valid ranges:
            // a degenerate component would have collapsed to 0.
            #expect(state[0] > 1 && state[1] > 7 && state[2] > 15, "key \(key): \(state[0]), \(state[1]), \(state[2])")
            // taus2 draws 32-bit values: 1,000 of them repeat one with probability at most
            // C(1000, 2)/2^32 = 1.2e-4 (the birthday bound), under the significance 0.001;
            // a degenerate generator repeats many.
            var distinct = Set<UInt>()
            for _ in 0..<1000 { distinct.insert(gsl_rng_get(stream.gslGenerator)) }
            #expect(distinct.count == 1000, "key \(key): \(1000 - distinct.count) repeated values")
        }
    }

    @Test("index(below:) covers 0..<n uniformly")
    func uniformIndex() {
        let rng = RandomStream(gslSeed: 11)
        var counts = Array(repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.index(below: 7)] += 1 }
        #expect(chiSquaredPValue(observed: counts, expected: Array(repeating: 1.0 / 7, count: 7)) > 0.001)
    }

    @Test(
        "each delay distribution's sample mean is its mean within z(1 − 0.001/2) standard errors",
        arguments: [
            (DelayDistribution.uniform(min: 0.5, max: 1.5), 1.0 / 12),
            (.exponential(mean: 2), 4),
            (.lognormal(mu: 0, sigma: 0.5), (exp(0.25) - 1) * exp(0.25)),
            (.gamma(shape: 2, scale: 0.5), 0.5),
        ])
    func delayMeans(distribution: DelayDistribution, variance: Double) {
        let rng = RandomStream(gslSeed: 5)
        let n = 100_000
        var sum = 0.0
        for _ in 0..<n {
            let delay = distribution.sample(rng)
            #expect(delay >= 0)
            sum += delay
        }
        // The variance is known, and 100,000 draws make the mean normal (central limit
        // theorem): two-sided z test, significance 0.001.
        let standardError = (variance / Double(n)).squareRoot()
        let z = gsl_cdf_ugaussian_Pinv(1 - significance / 2)
        #expect(
            abs(sum / Double(n) - distribution.mean) <= z * standardError,
            "sample mean \(sum / Double(n)), mean \(distribution.mean) ± \(z * standardError) (z(0.9995)·SE)")
    }

    @Test("geometric draws by counts, their logarithms remembered, equal the plain draws and use the same numbers")
    func rememberedLogarithmsDrawAsPlain() {
        let plain = RandomStream(gslSeed: 7)
        let remembered = RandomStream(gslSeed: 7)
        let pairs = RandomStream(gslSeed: 8)
        var logarithms = FailureLogarithms()
        var mismatches = 0
        for index in 0..<40_000 {
            // Half the pairs from a small range (met again: remembered, and evicting each
            // other in a table of 2,048), half from a wide one; zero, equal and larger counts too.
            let trials = index % 2 == 0 ? 4_000 + pairs.index(below: 100) : pairs.index(below: 1_000_000)
            let successes = index % 2 == 0 ? pairs.index(below: 40) : pairs.index(below: trials + 2)
            let cap = 1 + pairs.index(below: 150)
            let expected = plain.failuresBeforeSuccess(trials > 0 ? Double(successes) / Double(trials) : 0, cap: cap)
            let got = logarithms.failuresBeforeSuccess(successes: successes, trials: trials, cap: cap, rng: remembered)
            if got != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(plain.uniform() == remembered.uniform(), "the same numbers drawn")
    }

    @Test("a constant delay draws no random number")
    func constantDrawsNothing() {
        let a = RandomStream(gslSeed: 9)
        let b = RandomStream(gslSeed: 9)
        #expect(DelayDistribution.constant(1.25).sample(a) == 1.25)
        #expect(a.uniform() == b.uniform())
    }

    @Test("arrivals: device frequencies follow the rates; inter-arrival mean 1/lambda")
    func arrivals() {
        // Ten devices at 1/s and one at 10/s: lambda = 20, the fast one issues half.
        let process = PoissonArrivals(
            classes: [DeviceClass(count: 10, rate: 1), DeviceClass(count: 1, rate: 10)],
            rng: RandomStream(gslSeed: 21))
        #expect(process.lambda == 20)
        let n = 110_000
        var counts = Array(repeating: 0, count: 11)
        var total = 0.0
        for _ in 0..<n {
            total += process.nextInterarrival()
            counts[Int(process.nextDevice())] += 1
        }
        let probabilities = Array(repeating: 1.0 / 20, count: 10) + [0.5]
        #expect(chiSquaredPValue(observed: counts, expected: probabilities) > 0.001)
        // The sum of n exponential gaps of mean 1/20 is Gamma(n, 1/20): two-sided, significance 0.001.
        let p = gammaTwoSidedP(total, shape: Double(n), scale: 1.0 / 20)
        #expect(p >= significance, "mean inter-arrival \(total / Double(n)) s: p = \(p) under Gamma(\(n), 1/20)")
    }
}

@Suite("Sample statistics")
struct SampleStatisticsTests {
    @Test("selection quantiles equal GSL's type-7 quantiles of the sorted data", arguments: 1...30)
    func quantilesMatchSorted(seed: UInt) {
        let rng = RandomStream(gslSeed: seed)
        let n = 1 + rng.index(below: seed < 10 ? 5 : 2_000)
        // Few distinct values in half the cases, to exercise ties.
        let values = (0..<n).map { _ in seed % 2 == 0 ? Double(rng.index(below: 10)) : rng.uniform() }
        checkSelectionMatchesGSL(values, at: [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1])
    }

    /// Selection quantiles of `values` against GSL's type-7 quantiles of the sorted values
    /// (equal, or within 1e-12 relative), and the selection only reorders.
    func checkSelectionMatchesGSL(_ values: [Double], at probabilities: [Double]) {
        var work = values
        let selected = SampleStatistics.quantiles(selecting: &work, at: probabilities)
        let sorted = values.sorted()
        let expected = sorted.withUnsafeBufferPointer { buffer in
            probabilities.map { gsl_stats_quantile_from_sorted_data(buffer.baseAddress, 1, buffer.count, $0) }
        }
        for (got, want) in zip(selected, expected) {
            #expect(got == want || abs(got - want) <= 1e-12 * max(1, abs(want)), "\(got) against \(want)")
        }
        #expect(work.sorted() == sorted, "selection only reorders")
    }

    @Test(
        "large samples: the radix selection's quantiles equal GSL's of the sorted data, and its fall-backs too",
        arguments: 0..<6)
    func radixSelectionMatchesSorted(kind: Int) {
        let rng = RandomStream(gslSeed: UInt(kind) + 41)
        let n = SampleStatistics.radixSelectionMinimum + rng.index(below: 200_000)
        let values = (0..<n).map { index -> Double in
            switch kind {
            case 0: rng.exponential(mean: 2)  // spread: the radix path
            case 1: 1 + rng.uniform() * 1e-6  // too alike for 16 bits: the fall-back
            case 2: Double(rng.index(below: 3))  // heavy ties
            case 3: index == 7 ? -0.0 : rng.uniform()  // a negative zero: the fall-back
            case 4: index % 10 == 0 ? 0 : rng.exponential(mean: 1e-3) * Double(1 + index % 7)  // zeros, mixed scales
            default: index == n / 2 ? .infinity : rng.uniform()  // infinite: the fall-back
            }
        }
        checkSelectionMatchesGSL(values, at: [0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1])
    }

    @Test("the radix sort of non-negative values equals the standard sort", arguments: [0, 1, 100, 5_000, 100_000])
    func radixSort(count: Int) {
        let rng = RandomStream(gslSeed: UInt(count) + 3)
        // Mixed magnitudes, exact zeros, ties and subnormals.
        var values = (0..<count).map { index -> Double in
            switch index % 5 {
            case 0: 0
            case 1: Double(rng.index(below: 50))
            case 2: rng.uniform() * 0x1p-1030  // subnormal
            case 3: rng.exponential(mean: 30)
            default: rng.uniform() * 1e12
            }
        }
        let expected = values.sorted()
        SampleStatistics.sortNonNegative(&values)
        #expect(values == expected)
    }

    @Test("statistics of nothing are NaN")
    func empty() {
        var none: [Double] = []
        #expect(SampleStatistics.quantiles(selecting: &none, at: [0.5])[0].isNaN)
        #expect(SampleStatistics.mean([]).isNaN)
    }
}
