import Foundation
import Testing

@testable import TangleSim

/// Backtrack walk starts, strategies per parent and almost-URTS (issue 13), each against its
/// definition on hand-built tangles (chi-squared at significance 0.001, fixed seeds) and in
/// whole runs.
@Suite("Backtrack starts, a strategy per parent, almost-URTS")
struct ParentRulesTests {
    /// The four-approver tangle with its past-cone weights, its tips and a view of them.
    static func fourApproverSetup() -> (tangle: Tangle, weights: PastConeWeights, tips: [Int32], view: TipSet) {
        let tangle = fourApproverTangle()
        let tips: [Int32] = [6, 7, 8, 9, 10, 11]
        var view = TipSet()
        for tip in tips { view.insert(tip) }
        return (tangle, weightsOf(tangle, PastConeWeights()), tips, view)
    }

    /// The parent lists (in choice order) of `draws` selections of `request`, counted.
    static func choices<Selector: TipSelector>(
        _ selector: inout Selector, _ request: SelectionRequest, tangle: Tangle, view: TipSet, draws: Int, seed: UInt
    ) -> [[Int32]: Int] {
        let rng = RandomStream(gslSeed: seed)
        var counts: [[Int32]: Int] = [:]
        var parents: [Int32] = []
        for _ in 0..<draws {
            parents.removeAll()
            selector.selectParents(request, tangle: tangle, view: view, into: &parents, rng: rng)
            counts[parents, default: 0] += 1
        }
        return counts
    }

    // MARK: Backtrack starts

    /// The law of the backtrack entry point on `tangle` by brute force: a uniform tip, then
    /// uniform parents until the weight reaches `threshold` or the genesis (at least one step).
    static func entryLaw(threshold: Int, tangle: Tangle, weights: PastConeWeights, tips: [Int32]) -> [Int32: Double] {
        var law: [Int32: Double] = [:]
        func back(_ x: Int32, _ probability: Double) {
            let parents = Array(tangle.parents(of: x))
            for parent in parents {
                let p = probability / Double(parents.count)
                if parent == 0 || weights.weight(of: parent) >= threshold {
                    law[parent, default: 0] += p
                } else {
                    back(parent, p)
                }
            }
        }
        for tip in tips { back(tip, 1 / Double(tips.count)) }
        return law
    }

    @Test("backtrack: the entry point follows the brute-force law of uniform tip, uniform parents", arguments: [1, 3, 4])
    func backtrackEntryLaw(threshold: Int) {
        let (tangle, weights, tips, view) = Self.fourApproverSetup()
        let law = Self.entryLaw(threshold: threshold, tangle: tangle, weights: weights, tips: tips)
        if threshold == 3 {
            // By hand: 7 → 5 (H 2) → 1 (H 4); 6 → 1 or 2 (H 3); 8 → 2; 9, 10 → 3 (H 3);
            // 11 → 4 (H 2) → the genesis.
            let byHand: [Int32: Double] = [1: 3.0 / 12, 2: 3.0 / 12, 3: 4.0 / 12, 0: 2.0 / 12]
            #expect(Set(law.keys) == Set(byHand.keys))
            for (x, p) in byHand { #expect(abs(law[x, default: -1] - p) < 1e-12, "entry \(x)") }
        }
        var selector = MCMCTipSelector(alpha: 0, start: .backtrack(weight: threshold), weights: weights)
        let rng = RandomStream(gslSeed: UInt(30 + threshold))
        var counts: [Int32: Int] = [:]
        for _ in 0..<60_000 {
            counts[selector.backtrackStart(threshold: threshold, now: 20, tangle: tangle, view: view, rng: rng), default: 0] += 1
        }
        let outcomes = law.keys.sorted()
        #expect(Set(counts.keys) == Set(outcomes), "\(counts)")
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: outcomes.map { law[$0]! }) > 0.001, "\(observed) against \(law)")
    }

    @Test("backtrack starts in whole runs: a higher weight threshold starts walks deeper")
    func backtrackInRuns() throws {
        let shallow = StrategiesTests.run(.mcmc(alpha: 0, start: .backtrack(weight: 50)))
        let deep = StrategiesTests.run(.mcmc(alpha: 0, start: .backtrack(weight: 400)))
        #expect(shallow.summary.text(.walkStart) == "backtrack:50")
        let shallowSteps = try #require(shallow.walkStatistics).meanWalkLength
        let deepSteps = try #require(deep.walkStatistics).meanWalkLength
        // The entry point is the first ancestor on the way back whose weight reaches the
        // threshold: with 400 it lies further from the tips than with 50.
        #expect(deepSteps > shallowSteps, "\(deepSteps) against \(shallowSteps)")
    }

    // MARK: A strategy per parent

    @Test("perParent: parent j follows strategy j; a distinct repeat is drawn again", arguments: [RepeatedPicks.collapse, .distinct])
    func perParentLaw(rule: RepeatedPicks) throws {
        let (tangle, weights, tips, view) = Self.fourApproverSetup()
        let walkLaw = StrategiesTests.exitLaw(alpha: 0.5, tangle: tangle, weights: weights)
        var selector = PerParentTipSelector(parts: [
            MCMCTipSelector(alpha: 0.5, start: .genesis, weights: weights), UniformTipSelector(),
        ])
        // Ordered outcomes: (walk's tip, uniform tip); under collapse a repeat is one edge,
        // under distinct the uniform parent is uniform over the other five.
        var outcomes: [[Int32]] = []
        var expected: [Double] = []
        for w in tips {
            for u in tips {
                if w == u {
                    guard rule == .collapse else { continue }
                    outcomes.append([w])
                    expected.append(walkLaw[w]! / 6)
                } else {
                    outcomes.append([w, u])
                    expected.append(walkLaw[w]! / (rule == .collapse ? 6 : 5))
                }
            }
        }
        let draws = 150_000
        let counts = Self.choices(
            &selector, SelectionRequest(now: 20, parents: 2, repeatedPicks: rule), tangle: tangle, view: view, draws: draws,
            seed: rule == .collapse ? 41 : 42)
        #expect(abs(expected.reduce(0, +) - 1) < 1e-12)
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(observed.reduce(0, +) == draws, "no other outcome: \(counts.keys.filter { !outcomes.contains($0) })")
        #expect(chiSquaredPValue(observed: observed, expected: expected) > 0.001, "\(observed) against \(expected)")
        #expect(selector.shortTransactions == 0)
        #expect(try #require(selector.walkStatistics).walks == draws)
    }

    @Test("perParent in a run (Ferraro et al.): a uniform parent beside a strongly biased walk leaves far fewer behind")
    func perParentInRuns() {
        let biased = TipSelectionConfiguration.mcmc(alpha: 1, start: .genesis)
        let walk = StrategiesTests.run(biased)
        let hybrid = StrategiesTests.run(.perParent([biased, .uniform]))
        #expect(hybrid.summary.text(.tipSelection) == "perParent")
        #expect(hybrid.summary.text(.walkStart) == "genesis")
        // Walks from the genesis at alpha 1, lambda·h = 50 leave about half the transactions
        // behind (res-sim-tangle reports 0.52); with one uniform parent every tip keeps a
        // chance of about 1/(2·lambda·h) a pick, and the paper's claim is that none is orphaned.
        #expect(walk.summary.number(.leftBehindRate) > 0.3)
        #expect(hybrid.summary.number(.leftBehindRate) < walk.summary.number(.leftBehindRate) / 10)
        #expect(hybrid.selectionCounts.first?.0 == "short")
    }

    // MARK: Almost-URTS

    /// Tips A (weight 2), B (0: a parent below max depth), C (0: travelled too long), D (1: one
    /// lazy parent) and E (1: one parent), under C1 = 3, C2 = 5, M = 50; returns the tips.
    static func almostTangle() -> (Tangle, [Int32]) {
        var tangle = Tangle(parents: 2)
        func add(_ issue: Double, _ visible: Double, _ parents: [Int32]) -> Int32 {
            tangle.append(issueTime: issue, visibleTime: visible, issuer: .device(0), parents: parents)
        }
        let old = add(1, 1, [0])
        let x = add(60, 61, [0])
        let recent = add(95, 96, [0])
        let recent2 = add(96, 97, [0])
        let a = add(98, 99, [recent, recent2])  // received 3 and 2 s after its parents: 2
        let b = add(98, 99, [recent, old])  // 99 − 1 > M: 0
        let c = add(96.5, 101, [recent])  // travelled 4.5 s > C1: 0
        let d = add(98, 99, [recent, x])  // x received 38 s before: lazy, 1
        let e = add(98, 99, [recent2])  // 1
        return (tangle, [a, b, c, d, e])
    }

    @Test("almost-URTS: weights by hand; picks proportional to weight, distinct picks among the rest")
    func almostUniformLaw() {
        let (tangle, tips) = Self.almostTangle()
        var view = TipSet()
        for tip in tips { view.insert(tip) }
        var selector = AlmostUniformTipSelector(maxDelay: 3, nonLazyWindow: 5, maxDepth: 50)
        #expect(tips.map { selector.weight(of: $0, in: tangle) } == [2, 0, 0, 1, 1])
        let (a, d, e) = (tips[0], tips[3], tips[4])
        let rng = RandomStream(gslSeed: 51)
        var counts: [[Int32]: Int] = [:]
        var parents: [Int32] = []
        for _ in 0..<60_000 {
            parents.removeAll()
            selector.selectParents(
                SelectionRequest(now: 100, parents: 2, repeatedPicks: .distinct), tangle: tangle, view: view, into: &parents,
                rng: rng)
            counts[parents.sorted(), default: 0] += 1
        }
        // First pick ∝ (2, 1, 1); the second ∝ the weights of the other two.
        let outcomes = [[a, d], [a, e], [d, e]]
        let withA: Double = 0.5 * 0.5 + 0.25 * (2.0 / 3)
        let expected: [Double] = [withA, withA, 1 - 2 * withA]
        #expect(Set(counts.keys) == Set(outcomes), "\(counts)")
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: expected) > 0.001, "\(observed) against \(expected)")
        #expect(selector.fallbacks == 0)

        // Only tips of weight 0: uniform over them, each pick a fallback.
        var zero = TipSet()
        zero.insert(tips[1])
        zero.insert(tips[2])
        var single: [Int32: Int] = [:]
        for _ in 0..<20_000 {
            parents.removeAll()
            selector.selectParents(
                SelectionRequest(now: 100, parents: 1, repeatedPicks: .distinct), tangle: tangle, view: zero, into: &parents,
                rng: rng)
            single[parents[0], default: 0] += 1
        }
        #expect(selector.fallbacks == 20_000)
        #expect(chiSquaredPValue(observed: [single[tips[1], default: 0], single[tips[2], default: 0]], expected: [0.5, 0.5]) > 0.001)
    }

    @Test("almost-URTS in a run: a transaction that travelled longer than C1 is never approved, nor one approving below max depth")
    func almostUniformInRuns() throws {
        var scenario = Scenario(
            name: "almost", seed: 5, duration: 120, devices: [DeviceClass(count: 100, rate: 0.5)],
            network: .delay(.exponential(mean: 1)))
        scenario.tipSelection = .almostUniform(maxDelay: 2, nonLazyWindow: 3, maxDepth: 30)
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = try #require(result.tangle)
        let selector = AlmostUniformTipSelector(maxDelay: 2, nonLazyWindow: 3, maxDepth: 30)
        #expect(result.selectionCounts.map(\.0) == ["fallbacks"])
        let fallbacks = result.selectionCounts[0].1
        var slow = 0
        var approvedWeightless = 0
        for x in Int32(1)..<Int32(tangle.count) {
            if tangle.visibleTime[Int(x)] - tangle.issueTime[Int(x)] > 2 { slow += 1 }
            tangle.forEachParent(of: x) { parent in
                if parent != 0, selector.weight(of: parent, in: tangle) == 0 { approvedWeightless += 1 }
            }
        }
        // exp(−2) of the transactions travel longer than 2 s.
        #expect(slow > tangle.count / 20)
        #expect(fallbacks > 0 || approvedWeightless == 0, "\(approvedWeightless) parents of weight 0 without a fallback")
        #expect(approvedWeightless <= fallbacks)
    }

    // MARK: G-IOTA

    @Test("G-IOTA: two walk tips, then a tip uniform among those the confidence walks reached least (brute force)")
    func giotaLaw() {
        let (tangle, weights, tips, view) = Self.fourApproverSetup()
        let p = StrategiesTests.exitLaw(alpha: 0, tangle: tangle, weights: weights)
        // Brute force over the two parent walks (collapse) and the N = 2 confidence walks:
        // the third parent is uniform over the tips not chosen that no confidence walk
        // reached (there are always some: 6 tips, at most 4 chosen or reached).
        var law: [[Int32]: Double] = [:]
        for a in tips {
            for b in tips {
                let chosen = a == b ? [a] : [a, b]
                for h1 in tips {
                    for h2 in tips {
                        let lowest = tips.filter { !chosen.contains($0) && $0 != h1 && $0 != h2 }
                        for c in lowest {
                            law[chosen + [c], default: 0] += p[a]! * p[b]! * p[h1]! * p[h2]! / Double(lowest.count)
                        }
                    }
                }
            }
        }
        var selector = GIOTATipSelector(walker: MCMCTipSelector(alpha: 0, start: .genesis, weights: weights), confidenceWalks: 2)
        let draws = 200_000
        let counts = Self.choices(
            &selector, SelectionRequest(now: 20, parents: 3, repeatedPicks: .collapse), tangle: tangle, view: view, draws: draws,
            seed: 61)
        let outcomes = law.keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(abs(law.values.reduce(0, +) - 1) < 1e-12)
        #expect(Set(counts.keys).isSubset(of: Set(outcomes)), "\(Set(counts.keys).subtracting(outcomes))")
        let observed = outcomes.map { counts[$0, default: 0] }
        #expect(outcomes.allSatisfy { law[$0]! * Double(draws) >= 5 })
        #expect(chiSquaredPValue(observed: observed, expected: outcomes.map { law[$0]! }) > 0.001)
        #expect(selector.walkStatistics?.walks == draws * 4)
    }

    @Test("G-IOTA in a run: the low-confidence parent leaves fewer behind than three walk parents")
    func giotaInRuns() {
        func run(_ selection: TipSelectionConfiguration) -> RunResult {
            var scenario = Scenario(
                name: "giota", seed: 9, duration: 120, devices: [DeviceClass(count: 100, rate: 0.5)], network: .delay(.constant(1)))
            scenario.tangle = TangleConfiguration(parents: 3)
            scenario.tipSelection = selection
            return Simulation.run(scenario)
        }
        let walks = run(.mcmc(alpha: 1, start: .genesis))
        let giota = run(.giota(alpha: 1, start: .genesis, walks: 20))
        #expect(giota.summary.text(.tipSelection) == "giota")
        #expect(giota.summary.number(.alpha) == 1)
        #expect(walks.summary.number(.leftBehindRate) > 0.1)
        #expect(giota.summary.number(.leftBehindRate) < walks.summary.number(.leftBehindRate) / 2)
    }

    @Test("a variant may set its own tangle section: G-IOTA's k = 3 beside k = 2, on the same arrivals")
    func variantTangle() throws {
        let json = #"""
            {"duration": 30, "devices": [{"count": 50, "rate": 0.5}],
             "variants": [{"label": "URTS"},
                          {"label": "G-IOTA", "tangle": {"parents": 3}, "tipSelection": {"strategy": "giota", "alpha": 0.1, "walks": 10}}]}
            """#
        let scenario = try Scenario.decode(Array(json.utf8), file: "v.json")
        #expect(scenario.variants[1].tangle == TangleConfiguration(parents: 3))
        #expect(try Scenario.decode(Array(scenario.resolvedJSON.prettyPrinted.utf8), file: "r.json").variants == scenario.variants)
        let runs = Comparison.run(scenario).runs
        let urts = try #require(runs.first { $0.variant == 0 }), giota = try #require(runs.first { $0.variant == 1 })
        #expect(giota.summary.number(.parents) == 3 && urts.summary.number(.parents) == 2)
        #expect(urts.summary.transactions == giota.summary.transactions, "identical arrivals")
        let refused = json.replacingOccurrences(of: #"{"parents": 3}"#, with: #"{"parents": 2}"#)
        do {
            _ = try Scenario.decode(Array(refused.utf8), file: "v.json")
            Issue.record("G-IOTA with k = 2 was accepted")
        } catch {
            #expect("\(error)".contains("it needs tangle.parents of at least 3, got 2"), "\(error)")
        }
    }

    // MARK: JSON

    @Test("backtrack, perParent and almostUniform decode, resolve to JSON and back, and refuse bad values")
    func decoding() throws {
        func decode(_ tipSelection: String, tangle: String = "{}", network: String = #"{"delay": 1}"#) throws -> Scenario {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": "# + network + #", "tangle": "# + tangle
                + #", "tipSelection": "# + tipSelection + "}"
            return try Scenario.decode(Array(json.utf8), file: "s.json")
        }
        let backtrack = try decode(#"{"strategy": "mcmc", "alpha": 0.1, "start": {"kind": "backtrack", "weight": 40}}"#)
        #expect(backtrack.tipSelection == .mcmc(alpha: 0.1, start: .backtrack(weight: 40)))
        let hybrid = try decode(#"{"strategy": "perParent", "parents": [{"strategy": "mcmc", "alpha": 0.5}, {"strategy": "uniform"}]}"#)
        #expect(hybrid.tipSelection == .perParent([.mcmc(alpha: 0.5, start: .window(W: 10)), .uniform]))
        let almost = try decode(#"{"strategy": "almostUniform", "maxDelay": 5, "nonLazyWindow": 4, "maxDepth": 60}"#)
        #expect(almost.tipSelection == .almostUniform(maxDelay: 5, nonLazyWindow: 4, maxDepth: 60))
        let giota = try decode(#"{"strategy": "giota", "alpha": 0.5}"#, tangle: #"{"parents": 3}"#)
        #expect(giota.tipSelection == .giota(alpha: 0.5, start: .window(W: 10), walks: 100))
        for scenario in [backtrack, hybrid, almost, giota] {
            #expect(try Scenario.decode(Array(scenario.resolvedJSON.prettyPrinted.utf8), file: "r.json").tipSelection == scenario.tipSelection)
        }
        let gossip = #"{"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}"#
        let refused: [(String, String, String, String)] = [
            (#"{"strategy": "mcmc", "start": {"kind": "backtrack"}}"#, "{}", #"{"delay": 1}"#, "tipSelection.start.weight: required key is missing"),
            (#"{"strategy": "mcmc", "start": {"kind": "backtrack", "weight": 0}}"#, "{}", #"{"delay": 1}"#, "tipSelection.start.weight: expected a positive integer"),
            (#"{"strategy": "perParent", "parents": [{"strategy": "uniform"}]}"#, "{}", #"{"delay": 1}"#, "tipSelection.parents: a strategy per parent lists one strategy per parent: 1 listed, but tangle.parents is 2"),
            (#"{"strategy": "perParent", "parents": [{"strategy": "uniform"}, {"strategy": "perParent", "parents": []}]}"#, "{}", #"{"delay": 1}"#, "tipSelection.parents[1]: a strategy per parent lists plain strategies"),
            (#"{"strategy": "perParent", "parents": {"strategy": "uniform"}}"#, "{}", #"{"delay": 1}"#, "tipSelection.parents: expected a list of strategies"),
            (#"{"strategy": "perParent", "parents": [{"strategy": "uniform"}, {"strategy": "uniform"}]}"#, #"{"parents": {"adaptive": true}}"#, #"{"delay": 1}"#, "without adaptive parents"),
            (#"{"strategy": "almostUniform", "maxDelay": 5, "nonLazyWindow": 4}"#, "{}", #"{"delay": 1}"#, "tipSelection.maxDepth: required key is missing"),
            (#"{"strategy": "almostUniform", "maxDelay": -1, "nonLazyWindow": 4, "maxDepth": 60}"#, "{}", #"{"delay": 1}"#, "tipSelection.maxDelay: expected a non-negative number"),
            (#"{"strategy": "almostUniform", "maxDelay": 5, "nonLazyWindow": 4, "maxDepth": 60}"#, "{}", gossip, "use the delay model"),
            (#"{"strategy": "giota"}"#, "{}", #"{"delay": 1}"#, "tipSelection: G-IOTA approves k − 1 walk tips and one low-confidence tip: it needs tangle.parents of at least 3, got 2"),
            (#"{"strategy": "giota", "walks": 0}"#, #"{"parents": 3}"#, #"{"delay": 1}"#, "tipSelection.walks: expected an integer from 1 to 100000"),
        ]
        for (tipSelection, tangle, network, message) in refused {
            do {
                _ = try decode(tipSelection, tangle: tangle, network: network)
                Issue.record("\(tipSelection) was accepted")
            } catch {
                #expect(error is ScenarioError && "\(error)".contains(message), "\(tipSelection): \(error)")
            }
        }
    }
}
