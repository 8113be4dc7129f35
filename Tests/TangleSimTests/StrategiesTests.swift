import Foundation
import Testing

@testable import TangleSim

/// The strategies beside URTS and the alpha walk (issue 13): restricted URTS, the heaviest
/// path (alpha = infinity), E-IOTA and adaptive parents, each against its definition on
/// hand-built cases (chi-squared, each at significance 0.001 with a fixed seed) and in whole
/// runs.
@Suite("Restricted URTS, heaviest path, E-IOTA, adaptive parents")
struct StrategiesTests {
    /// A tangle whose genesis has `old` approvers issued at time 1 and `young` issued at
    /// time 100, all tips: the tip set and the tangle.
    static func agedTips(old: Int, young: Int) -> (TipSet, Tangle) {
        var tangle = Tangle(parents: 2)
        var tips = TipSet()
        for index in 0..<(old + young) {
            let time = index < old ? 1.0 : 100.0
            tips.insert(tangle.append(issueTime: time, visibleTime: time, issuer: .device(0), parents: [0]))
        }
        return (tips, tangle)
    }

    /// The chosen parent sets of `draws` selections, counted by set (sorted ids).
    static func choices(
        _ selector: inout RestrictedUniformTipSelector, k: Int, rule: RepeatedPicks, tips: TipSet, tangle: Tangle,
        draws: Int, seed: UInt
    ) -> [[Int32]: Int] {
        let ordered = ParentRulesTests.choices(
            &selector, SelectionRequest(now: 105, parents: k, repeatedPicks: rule), tangle: tangle, view: tips, draws: draws,
            seed: seed)
        return Dictionary(ordered.map { ($0.key.sorted(), $0.value) }, uniquingKeysWith: +)
    }

    @Test("restricted URTS, distinct: every pair of young tips equally likely, never an old tip", arguments: [4, 300])
    func restrictedDistinct(old: Int) {
        // 300 old tips against 4 young ones: most draws are rejected and the young are listed.
        let (tips, tangle) = Self.agedTips(old: old, young: 4)
        var selector = RestrictedUniformTipSelector(maxAge: 10)
        let counts = Self.choices(&selector, k: 2, rule: .distinct, tips: tips, tangle: tangle, draws: 60_000, seed: 3)
        let young = (0..<4).map { Int32(old + 1 + $0) }
        let pairs = subsets(of: 4, size: 2).map { $0.map { young[$0] } }
        #expect(Set(counts.keys) == Set(pairs), "only pairs of young tips: \(counts.keys.sorted { $0.lexicographicallyPrecedes($1) })")
        let observed = pairs.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: Array(repeating: 1.0 / 6, count: 6)) > 0.001, "\(observed)")
        #expect(selector.fallbacks == 0)
    }

    @Test("restricted URTS, collapse: two independent uniform young draws, a repeat one edge")
    func restrictedCollapse() {
        let (tips, tangle) = Self.agedTips(old: 5, young: 3)
        var selector = RestrictedUniformTipSelector(maxAge: 10)
        let counts = Self.choices(&selector, k: 2, rule: .collapse, tips: tips, tangle: tangle, draws: 90_000, seed: 4)
        let young: [Int32] = [6, 7, 8]
        // Ordered draws: each of 9 equally likely; {a} from (a, a), {a, b} from two orders.
        let outcomes = young.map { [$0] } + subsets(of: 3, size: 2).map { $0.map { young[$0] } }
        let expected = outcomes.map { $0.count == 1 ? 1.0 / 9 : 2.0 / 9 }
        #expect(Set(counts.keys) == Set(outcomes))
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: expected) > 0.001, "\(observed)")
    }

    @Test("restricted URTS: no young tip falls back to every tip (counted); fewer young tips than k gives them all")
    func restrictedFallback() {
        let (tips, tangle) = Self.agedTips(old: 5, young: 0)
        var selector = RestrictedUniformTipSelector(maxAge: 10)
        let counts = Self.choices(&selector, k: 1, rule: .distinct, tips: tips, tangle: tangle, draws: 50_000, seed: 5)
        let observed = (Int32(1)...5).map { counts[[$0], default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: Array(repeating: 0.2, count: 5)) > 0.001, "\(observed)")
        #expect(selector.fallbacks == 50_000)
        #expect(selector.selectionCounts.map(\.0) == ["fallbacks"] && selector.selectionCounts.map(\.1) == [50_000])

        let (few, fewTangle) = Self.agedTips(old: 6, young: 1)
        var restricted = RestrictedUniformTipSelector(maxAge: 10)
        let single = Self.choices(&restricted, k: 2, rule: .distinct, tips: few, tangle: fewTangle, draws: 200, seed: 6)
        #expect(single == [[7]: 200], "the only young tip, alone")
        #expect(restricted.fallbacks == 0)
    }

    /// A delay-model run of `selection` with its transaction log.
    static func run(_ selection: TipSelectionConfiguration, seed: UInt64 = 9) -> RunResult {
        var scenario = Scenario(
            name: "strategies", seed: seed, duration: 120, devices: [DeviceClass(count: 100, rate: 0.5)], network: .delay(.constant(1)))
        scenario.tipSelection = selection
        scenario.metrics.transactionLog = true
        return Simulation.run(scenario)
    }

    @Test("restricted URTS with maxAge longer than the run is URTS, transaction for transaction")
    func restrictedWithLargeMaxAgeIsURTS() throws {
        let urts = try #require(Self.run(.uniform).tangle)
        let restricted = Self.run(.restrictedUniform(maxAge: 1e9))
        let tangle = try #require(restricted.tangle)
        #expect(tangle.count == urts.count && tangle.count > 5_000)
        for x in Int32(0)..<Int32(urts.count) {
            var a: [Int32] = [], b: [Int32] = []
            urts.forEachParent(of: x) { a.append($0) }
            tangle.forEachParent(of: x) { b.append($0) }
            guard a == b, urts.issueTime[Int(x)] == tangle.issueTime[Int(x)] else {
                Issue.record("transaction \(x): parents \(a) under URTS, \(b) restricted")
                return
            }
        }
        #expect(restricted.selectionCounts.map(\.1) == [0])
    }

    @Test("restricted URTS in a run: every parent but the genesis issued within maxAge, or a fallback")
    func restrictedRunApprovesYoungTips() throws {
        let maxAge = 2.5
        let result = Self.run(.restrictedUniform(maxAge: maxAge))
        let tangle = try #require(result.tangle)
        var old = 0
        for x in Int32(1)..<Int32(tangle.count) {
            tangle.forEachParent(of: x) { parent in
                if parent != 0, tangle.issueTime[Int(parent)] < tangle.issueTime[Int(x)] - maxAge { old += 1 }
            }
        }
        let fallbacks = try #require(result.selectionCounts.first { $0.0 == "fallbacks" }?.1)
        #expect(old == 0 || fallbacks > 0)
        #expect(fallbacks < tangle.count / 100, "tips 1 to 2.5 s old are always there: \(fallbacks) fallbacks")
        // Tips older than maxAge are never approved again: some are left behind for good.
        #expect(result.summary.number(.leftBehindRate) > 0)
    }

    /// The genesis with approvers x, y, z of weights 2, 2 and 1 (x and y each have a tip).
    static func tiedTangle() -> Tangle {
        var tangle = Tangle(parents: 1)
        func add(_ parent: Int32) -> Int32 {
            let t = Double(tangle.count)
            return tangle.append(issueTime: t, visibleTime: t, issuer: .device(0), parents: [parent])
        }
        let x = add(0), y = add(0)
        _ = add(0)
        _ = add(x)
        _ = add(y)
        return tangle
    }

    @Test("alpha = infinity steps to the heaviest approver, ties uniformly")
    func heaviestPath() {
        let four = fourApproverTangle()
        var selector = MCMCTipSelector(alpha: .infinity, start: .genesis, weights: weightsOf(four, PastConeWeights()))
        let rng = RandomStream(gslSeed: 7)
        for _ in 0..<1_000 { #expect(selector.step(from: 0, tangle: four, rng: rng) == 1, "a, of weight 4, is the heaviest") }

        let tied = Self.tiedTangle()
        var walker = MCMCTipSelector(alpha: .infinity, start: .genesis, weights: weightsOf(tied, PastConeWeights()))
        var counts = [0, 0, 0]
        for _ in 0..<40_000 { counts[Int(walker.step(from: 0, tangle: tied, rng: rng)!) - 1] += 1 }
        #expect(counts[2] == 0, "z (weight 1) is never taken")
        #expect(chiSquaredPValue(observed: [counts[0], counts[1]], expected: [0.5, 0.5]) > 0.001, "\(counts)")
    }

    /// The exit law of one walk from the genesis at `alpha`, by brute force over the tangle:
    /// p(t) = Σ over paths of the product of the step probabilities.
    static func exitLaw(alpha: Double, tangle: Tangle, weights: PastConeWeights) -> [Int32: Double] {
        var law: [Int32: Double] = [:]
        func visit(_ x: Int32, _ probability: Double) {
            var approvers: [Int32] = []
            tangle.forEachApprover(of: x) { approvers.append($0) }
            guard !approvers.isEmpty else {
                law[x, default: 0] += probability
                return
            }
            let hx = Double(weights.weight(of: x))
            let terms = approvers.map { Foundation.exp(-alpha * (hx - Double(weights.weight(of: $0)))) }
            let total = terms.reduce(0, +)
            for (approver, term) in zip(approvers, terms) { visit(approver, probability * term / total) }
        }
        visit(0, 1)
        return law
    }

    @Test("E-IOTA: a walk's exit follows the mixture of the three alphas' laws; per selection, both walks share one", arguments: [true, false])
    func eiotaExitLaw(perWalk: Bool) {
        let tangle = fourApproverTangle()
        let weights = weightsOf(tangle, PastConeWeights())
        let mixture = AlphaMixture(p1: 0.2, p2: 0.5, alphaLow: 0.3, alphaHigh: 3, perWalk: perWalk)
        let laws = [(0.2, 0.0), (0.3, 0.3), (0.5, 3.0)].map { (weight: $0.0, law: Self.exitLaw(alpha: $0.1, tangle: tangle, weights: weights)) }
        let tips = laws[0].law.keys.sorted()
        // Ordered pairs of the two walks' exits (k = 2, collapse): independent draws of the
        // mixture per walk; one alpha for both per selection.
        var outcomes: [[Int32]] = []
        var expected: [Double] = []
        for first in tips {
            for second in tips {
                outcomes.append(first == second ? [first] : [first, second])
                if perWalk {
                    let p = { (t: Int32) in laws.map { $0.weight * $0.law[t]! }.reduce(0, +) }
                    expected.append(p(first) * p(second))
                } else {
                    expected.append(laws.map { $0.weight * $0.law[first]! * $0.law[second]! }.reduce(0, +))
                }
            }
        }
        var selector = MCMCTipSelector(mixture: mixture, start: .genesis, weights: weights)
        let draws = 200_000
        let counts = ParentRulesTests.choices(
            &selector, SelectionRequest(now: 20, parents: 2, repeatedPicks: .collapse), tangle: tangle, view: TipSet(), draws: draws,
            seed: perWalk ? 21 : 22)
        #expect(expected.allSatisfy { $0 * Double(draws) >= 5 })
        #expect(abs(expected.reduce(0, +) - 1) < 1e-12)
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(observed.reduce(0, +) == draws, "no other outcome")
        #expect(chiSquaredPValue(observed: observed, expected: expected) > 0.001, "\(observed) against \(expected)")
    }

    @Test("strategies decode with their defaults, resolve to JSON and back, and refuse bad values")
    func decoding() throws {
        let decode = decodeTipSelection
        #expect(try decode(#"{"strategy": "restrictedUniform", "maxAge": 10}"#) == .restrictedUniform(maxAge: 10))
        #expect(try decode(#"{"strategy": "mcmc", "alpha": "infinity"}"#) == .mcmc(alpha: .infinity, start: .window(W: 10)))
        #expect(try decode(#"{"strategy": "eiota"}"#) == .eiota(AlphaMixture(), start: .window(W: 10)))
        let custom = try decode(
            #"{"strategy": "eiota", "p1": 0.2, "p2": 0.3, "alphaLow": 0.5, "alphaHigh": 2, "alphaPer": "selection", "start": {"kind": "genesis"}}"#)
        #expect(custom == .eiota(AlphaMixture(p1: 0.2, p2: 0.3, alphaLow: 0.5, alphaHigh: 2, perWalk: false), start: .genesis))
        for configuration in [TipSelectionConfiguration.restrictedUniform(maxAge: 3), .mcmc(alpha: .infinity, start: .genesis), custom] {
            #expect(try decode(configuration._resolvedJSON.prettyPrinted) == configuration)
        }
        let refused: [(String, String)] = [
            (#"{"strategy": "restrictedUniform"}"#, "maxAge: required key is missing"),
            (#"{"strategy": "restrictedUniform", "maxAge": 0}"#, "maxAge: expected a number of seconds"),
            (#"{"strategy": "mcmc", "alpha": "inf"}"#, #"alpha: expected a non-negative number or "infinity""#),
            (#"{"strategy": "eiota", "p1": 0.7, "p2": 0.6}"#, "p2: expected p1 <= p2"),
            (#"{"strategy": "eiota", "p1": 1.5}"#, "p1: expected a number from 0 to 1"),
            (#"{"strategy": "eiota", "alphaHigh": -1}"#, "alphaHigh: expected a non-negative number"),
            (#"{"strategy": "eiota", "alphaPer": "walks"}"#, #"alphaPer: expected one of "walk", "selection""#),
        ]
        for (text, message) in refused {
            #expect(throws: ScenarioError.self) { try decode(text) }
            do {
                _ = try decode(text)
            } catch {
                #expect("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }

    @Test("E-IOTA and the heaviest path in whole runs: summary names, walks made, heavier bias leaves more behind")
    func walksInRuns() throws {
        let eiota = Self.run(.eiota(AlphaMixture(), start: .window(W: 5)))
        let heaviest = Self.run(.mcmc(alpha: .infinity, start: .window(W: 5)))
        let unbiased = Self.run(.mcmc(alpha: 0, start: .window(W: 5)))
        #expect(eiota.summary.text(.tipSelection) == "eiota")
        #expect(heaviest.summary.number(.alpha) == .infinity)
        #expect(try #require(eiota.walkStatistics).walks > 10_000)
        #expect(heaviest.summary.number(.leftBehindRate) > unbiased.summary.number(.leftBehindRate))
    }

    @Test("adaptive parents: k = K + floor(3·((L − 2λh)/2λh)²) above 2λh, at most 8 (res-sim-tangle's increaseK)")
    func adaptiveParentsFormula() {
        let adaptive = TangleConfiguration(parents: 2, adaptiveParents: true)
        // lambda = 50/s, h = 1 s: L0 = 100. Worked by hand: 150 → 3·0.25 = 0.75 → 2;
        // 200 → 3 → 5; 250 → 6.75 → 8; 300 → 12 → capped at 8.
        let tips = [1, 100, 101, 150, 199, 200, 250, 300, 1_000_000]
        #expect(tips.map { adaptive.parents(seeing: $0, lambda: 50, delay: 1) } == [2, 2, 2, 2, 4, 5, 8, 8, 8])
        // 199: excess 0.99, 3·0.9801 = 2.94 → 2 more; L0 = 30 and 50 tips: 3·(2/3)² = 1.33 → 1 more.
        #expect(TangleConfiguration(parents: 3, adaptiveParents: true).parents(seeing: 50, lambda: 10, delay: 1.5) == 3 + 1)
        #expect(tips.allSatisfy { TangleConfiguration(parents: 2).parents(seeing: $0, lambda: 50, delay: 1) == 2 })
    }

    @Test("adaptive parents decode, resolve and refuse bad values; a fixed k is written as before")
    func adaptiveParentsDecoding() throws {
        func decode(_ tangle: String, network: String = #"{"delay": 1}"#) throws -> Scenario {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": "# + network + #", "tangle": "# + tangle + "}"
            return try Scenario.decode(Array(json.utf8), file: "s.json")
        }
        let adaptive = try decode(#"{"parents": {"base": 3, "adaptive": true}}"#)
        #expect(adaptive.tangle == TangleConfiguration(parents: 3, adaptiveParents: true))
        #expect(adaptive.parentSlots == 8)
        #expect(try decode(#"{"parents": {"adaptive": true}}"#).tangle.parents == 2)
        #expect(try decode(#"{"parents": 3}"#).tangle == TangleConfiguration(parents: 3))
        #expect(try decode(#"{"parents": 3}"#).resolvedJSON.prettyPrinted.contains(#""parents": 3"#))
        #expect(try Scenario.decode(Array(adaptive.resolvedJSON.prettyPrinted.utf8), file: "r.json").tangle == adaptive.tangle)
        let refused: [(String, String, String)] = [
            (#"{"parents": {"base": 9, "adaptive": true}}"#, #"{"delay": 1}"#, "tangle.parents.base: expected an integer from 1 to 8, got 9"),
            (#"{"parents": 9}"#, #"{"delay": 1}"#, "tangle.parents: expected an integer from 1 to 8, got 9"),
            (#"{"parents": "two"}"#, #"{"delay": 1}"#, #"tangle.parents: expected an integer from 1 to 8, or an object like {"base": 2, "adaptive": true}, got "two""#),
            (#"{"parents": {"base": 2, "adaptiv": true}}"#, #"{"delay": 1}"#, "tangle.parents.adaptiv"),
            (#"{"parents": {"adaptive": true}}"#, #"{"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}"#, "tangle: adaptive parents compare"),
        ]
        for (tangle, network, message) in refused {
            do {
                _ = try decode(tangle, network: network)
                Issue.record("\(tangle) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(tangle): \(error)")
            }
        }
    }

    @Test("adaptive parents hold the tip count under tip inflation that outgrows a fixed k")
    func adaptiveParentsAgainstTipInflation() throws {
        func run(adaptive: Bool) throws -> (meanTips: Double, parentCounts: Set<Int>) {
            var scenario = Scenario(
                name: "inflation", seed: 3, duration: 200, devices: [DeviceClass(count: 100, rate: 1)], network: .delay(.constant(1)))
            scenario.tangle = TangleConfiguration(parents: 2, adaptiveParents: adaptive)
            // 150/s > lambda·(k − 1) = 100/s: with k = 2 the tips grow by 50 a second.
            scenario.adversaries = [AdversaryConfiguration(attack: .tipInflation(target: .genesis), start: 20, rate: 150)]
            scenario.metrics.transactionLog = true
            let result = Simulation.run(scenario)
            let tangle = try #require(result.tangle)
            var counts = Set<Int>()
            for x in Int32(1)..<Int32(tangle.count) where tangle.isDeviceTransaction(x) {
                counts.insert(Array(tangle.parents(of: x)).count)
            }
            return (result.summary.number(.meanTips), counts)
        }
        let fixed = try run(adaptive: false)
        let adaptive = try run(adaptive: true)
        #expect(fixed.parentCounts.max() == 2)
        #expect(adaptive.parentCounts.max()! > 2 && adaptive.parentCounts.max()! <= 8)
        #expect(adaptive.meanTips < fixed.meanTips / 4, "\(adaptive.meanTips) against \(fixed.meanTips)")
    }
}
