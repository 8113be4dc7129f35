import CGSL
import Foundation
import Testing

@testable import TangleSim

/// A hand-built Tangle and the events of it that the walker has been told.
private struct HandTangle {
    var tangle = Tangle(parents: 2)
    var selector: MCMCTipSelector<PastConeWeights>

    init(alpha: Double, shortcut: Bool = true) {
        selector = MCMCTipSelector(alpha: alpha, start: .genesis, weights: PastConeWeights(), shortcut: shortcut)
    }

    /// Appends a transaction approving `parents`; visible at once unless `visible` is false.
    @discardableResult
    mutating func add(_ parents: [Int32], visible: Bool = true) -> Int32 {
        let t = Double(tangle.count)
        let x = tangle.append(issueTime: t, visibleTime: visible ? t : .infinity, issuer: .device(0), parents: parents)
        selector.didIssue(x, in: tangle)
        if visible { selector.didBecomeVisible(x, in: tangle) }
        return x
    }

    mutating func show(_ x: Int32) { selector.didBecomeVisible(x, in: tangle) }

    mutating func finalize() { selector._finalizeShortcut(in: tangle) }

    var shortcut: GenesisWalkShortcut { selector.shortcut! }

    /// The entries and their masses.
    var entries: [Int32: Double] {
        Dictionary(uniqueKeysWithValues: shortcut.entries.map { ($0, shortcut.mass(of: $0)) })
    }
}

/// The exact law of the step-by-step walk from the genesis on `tangle` with `weights` under
/// the delay model: visit probabilities propagated in id order (ids are topological), every
/// transaction without a visible approver an end; with the mean and variance of the number
/// of steps.
private func exactExitLaw(
    tangle: Tangle, weights: PastConeWeights, alpha: Double
) -> (exits: [Int32: Double], meanSteps: Double, stepVariance: Double) {
    var mass = [Double](repeating: 0, count: tangle.count)
    var first = mass  // Σ probability · length over the paths into x
    var second = mass  // Σ probability · length²
    mass[0] = 1
    var exits: [Int32: Double] = [:]
    var mean = 0.0
    var square = 0.0
    for u in 0..<tangle.count where mass[u] > 0 {
        let approvers = tangle.approvers(of: Int32(u)).filter { weights.visible.contains($0) }
        if approvers.isEmpty {
            exits[Int32(u), default: 0] += mass[u]
            mean += first[u]
            square += second[u]
            continue
        }
        let heaviest = approvers.map { weights.weight(of: $0) }.max()!
        let terms = approvers.map { Foundation.exp(alpha * Double(weights.weight(of: $0) - heaviest)) }
        let total = terms.reduce(0, +)
        for (y, term) in zip(approvers, terms) {
            let p = term / total
            mass[Int(y)] += mass[u] * p
            first[Int(y)] += p * (first[u] + mass[u])
            second[Int(y)] += p * (second[u] + 2 * first[u] + mass[u])
        }
    }
    return (exits, mean, square - mean * mean)
}

/// The chi-squared p-value of `counts` against `law`, categories with an expected count
/// below 5 pooled (and the pool joined to the smallest category if it is still below 5).
private func pooledPValue(counts: [Int32: Int], law: [Int32: Double], draws: Int) -> (p: Double, categories: Int) {
    var observed: [Int] = []
    var expected: [Double] = []
    var poolObserved = 0
    var poolExpected = 0.0
    for (tip, probability) in law.sorted(by: { $0.key < $1.key }) {
        if probability * Double(draws) >= 5 {
            observed.append(counts[tip] ?? 0)
            expected.append(probability)
        } else {
            poolObserved += counts[tip] ?? 0
            poolExpected += probability
        }
    }
    // Ends outside the law's support fall into the pool (their expected count is 0).
    poolObserved += counts.filter { law[$0.key] == nil }.values.reduce(0, +)
    if poolExpected * Double(draws) >= 5 {
        observed.append(poolObserved)
        expected.append(poolExpected)
    } else if let smallest = expected.indices.min(by: { expected[$0] < expected[$1] }) {
        observed[smallest] += poolObserved
        expected[smallest] += poolExpected
    }
    let total = expected.reduce(0, +)
    return (chiSquaredPValue(observed: observed, expected: expected.map { $0 / total }), observed.count)
}

@Suite("Genesis walk shortcut")
struct GenesisWalkShortcutTests {
    @Test("masses on a hand-built Tangle: the genesis splits by exp(alpha·H), an in-flight approver stops finalization")
    func handBuiltMasses() {
        let alpha = 0.5
        var hand = HandTangle(alpha: alpha)
        // Each transaction approves tips, as honest ones do: a and b are issued before either
        // is visible, d before c is.
        let a = hand.add([0], visible: false), b = hand.add([0], visible: false)
        hand.show(a)
        hand.show(b)
        let e = hand.add([a])
        let c = hand.add([e, b], visible: false)
        let d = hand.add([a, b], visible: false)
        hand.show(c)
        hand.finalize()
        // H(a) = 3 (a, e, c), H(b) = 2 (b, c); both precede the tip c and the in-flight d.
        let pa = Foundation.exp(3 * alpha) / (Foundation.exp(3 * alpha) + Foundation.exp(2 * alpha))
        #expect(hand.shortcut.finalized == 1, "a's approver d is in flight")
        let entries = hand.entries
        #expect(entries.count == 2)
        #expect(abs(entries[a]! - pa) < 1e-15)
        #expect(abs(entries[b]! - (1 - pa)) < 1e-15)
        #expect(hand.shortcut.expectedSteps(to: a) == 1)
        // d visible: now a's approvers are e and d; e precedes the tip c but not the tip d,
        // and is far too heavy to drop: a stays the frontier.
        hand.show(d)
        hand.finalize()
        #expect(hand.shortcut.finalized == 1)
        #expect(hand.shortcut.resets == 0)
    }

    @Test("a chain to the only live tip: every step is fixed, the entry is the tip at the chain's length")
    func chainMasses() {
        var hand = HandTangle(alpha: 0.1)
        var x = hand.add([0])
        for _ in 0..<9 { x = hand.add([x]) }
        hand.finalize()
        #expect(hand.entries == [x: 1])
        #expect(hand.shortcut.expectedSteps(to: x) == 10)
        #expect(hand.shortcut.finalized == x, "everything below the tip is finalized")
    }

    @Test("a dead side branch is pruned and dropped once exp(−alpha·ΔH) is below the bound; not before")
    func deadBranch() {
        for (length, dropped) in [(100, true), (30, false)] {
            var hand = HandTangle(alpha: 0.5)
            let dead = hand.add([0], visible: false)
            var x = hand.add([0], visible: false)
            hand.show(dead)
            hand.show(x)
            let live = x
            for _ in 0..<(length - 2) { x = hand.add([x]) }
            hand.finalize()
            // H(live) = length − 1, H(dead) = 1: alpha·ΔH = 0.5·(length − 2).
            if dropped {
                // 0.5·98 = 49 ≥ 30 prunes; e^-49 ≤ δ_0 = 6e-10 drops.
                #expect(hand.shortcut.drops == 1)
                #expect(hand.entries == [x: 1])
                #expect(hand.shortcut.expectedSteps(to: x) == Double(length - 1))
            } else {
                // 0.5·28 = 14 < 30: the dead tip is still live, so nothing above the genesis
                // precedes every live tip.
                #expect(hand.shortcut.drops == 0)
                #expect(hand.entries == [0: 1])
            }
            #expect(hand.shortcut.resets == 0)
            _ = (dead, live)
        }
    }

    @Test("δ_j sums to the stated bound")
    func dropBoundsSum() {
        var sum = 0.0
        for j in 0..<1_000_000 { sum += GenesisWalkShortcut.dropBound(j) }
        // The tail beyond 10^6 is about 1e-9·6/(π²·10^6).
        #expect(sum <= GenesisWalkShortcut.totalVariationBound)
        #expect(sum > GenesisWalkShortcut.totalVariationBound * (1 - 1e-6))
    }

    @Test("a transaction approving a finalized one, or only old ones, resets; five resets switch the shortcut off")
    func resets() {
        var hand = HandTangle(alpha: 0.1)
        var x = hand.add([0])
        for _ in 0..<9 { x = hand.add([x]) }
        hand.finalize()
        #expect(hand.shortcut.finalized > 2)
        hand.add([x, 2])  // a lazy approval of finalized 2 beside the tip
        #expect(hand.shortcut.resets == 1)
        #expect(hand.shortcut.finalized == 0)
        #expect(hand.entries == [0: 1])
        for reset in 2...5 {
            hand.add([0])  // approves the genesis only (tipInflation)
            #expect(hand.shortcut.resets == reset)
            #expect(hand.shortcut.isOff == (reset > GenesisWalkShortcut.maximumResets))
        }
    }

    /// Grows a Tangle of `count` transactions with walks of `selector`-kind from the genesis
    /// (lambda 10/s, h = 1 s); at `lazy` indices a transaction approves a transaction issued
    /// 30 s earlier beside its walk's tip, at `genesisOnly` ones the genesis alone.
    private func grow(
        alpha: Double, count: Int, lazy: Set<Int>, genesisOnly: Set<Int>, seed: UInt
    ) -> (tangle: Tangle, fast: MCMCTipSelector<PastConeWeights>, tips: TipSet) {
        var tangle = Tangle(parents: 2)
        var fast = MCMCTipSelector(alpha: alpha, start: .genesis, weights: PastConeWeights(), shortcut: true)
        var tips = TipSet()
        tips.insert(0)
        let rng = RandomStream(gslSeed: seed)
        let lambda = 10.0
        let h = 1.0
        var pending = 1  // the next transaction to become visible (constant delay: in id order)
        var parents: [Int32] = []
        for index in 1...count {
            let now = Double(index) / lambda
            while pending < tangle.count, tangle.visibleTime[pending] <= now {
                let y = Int32(pending)
                tips.insert(y)
                tangle.forEachParent(of: y) { tips.remove($0) }
                fast.didBecomeVisible(y, in: tangle)
                pending += 1
            }
            parents.removeAll()
            let request = SelectionRequest(now: now, parents: 2, repeatedPicks: .distinct)
            if genesisOnly.contains(index) {
                parents = [0]
            } else {
                fast.selectParents(request, tangle: tangle, view: tips, into: &parents, rng: rng)
                if lazy.contains(index) { parents = [parents[0], Int32(index - 300)] }
            }
            let x = tangle.append(issueTime: now, visibleTime: now + h, issuer: .device(0), parents: parents)
            fast.didIssue(x, in: tangle)
        }
        return (tangle, fast, tips)
    }

    @Test(
        "exit tips of walks from the genesis follow the exact law, with and without the shortcut (chi-squared)",
        arguments: [(0.5, Set<Int>(), Set<Int>()), (0.5, Set([700, 1500, 2600]), Set([2000])), (0.05, Set<Int>(), Set<Int>())])
    func exitLaw(alpha: Double, lazy: Set<Int>, genesisOnly: Set<Int>) {
        let grown = grow(alpha: alpha, count: 3000, lazy: lazy, genesisOnly: genesisOnly, seed: 11)
        let (tangle, tips) = (grown.tangle, grown.tips)
        var fast = grown.fast
        // What the test Tangle holds: resets from the approvals of old transactions (a lazy
        // one resets when its old parent was finalized with mass), drops of dead branches.
        #expect(fast.shortcut!.resets >= genesisOnly.count && fast.shortcut!.resets <= lazy.count + genesisOnly.count)
        if !lazy.isEmpty { #expect(fast.shortcut!.resets > genesisOnly.count, "a lazy approval reset the shortcut") }
        #expect(!fast.shortcut!.isOff)
        if alpha == 0.5 { #expect(fast.shortcut!.drops > 0, "dead side branches were dropped") }
        fast._finalizeShortcut(in: tangle)
        #expect(fast.shortcut!.finalized > 2000, "the shortcut skips most of the Tangle")
        // Weights, settled ones included, equal brute-force H: 1 + visible descendants.
        var mismatches = 0
        for x in Int32(0)..<Int32(tangle.count) where fast.weights.visible.contains(x) {
            var seen: Set<Int32> = [x]
            var stack = [x]
            while let node = stack.popLast() {
                tangle.forEachApprover(of: node) { y in
                    if fast.weights.visible.contains(y), seen.insert(y).inserted { stack.append(y) }
                }
            }
            if fast.weights.weight(of: x) != seen.count { mismatches += 1 }
        }
        #expect(mismatches == 0)
        let (law, meanSteps, stepVariance) = exactExitLaw(tangle: tangle, weights: fast.weights, alpha: alpha)
        let before = fast.statistics
        var stepping = MCMCTipSelector(alpha: alpha, start: .genesis, weights: fast.weights, shortcut: false)
        let draws = 20_000
        for (name, seed) in [("shortcut", UInt(21)), ("steps", UInt(22))] {
            let rng = RandomStream(gslSeed: seed)
            var counts: [Int32: Int] = [:]
            var parents: [Int32] = []
            let request = SelectionRequest(now: 301, parents: 1, repeatedPicks: .collapse)
            for _ in 0..<draws {
                parents.removeAll()
                if name == "shortcut" {
                    fast.selectParents(request, tangle: tangle, view: tips, into: &parents, rng: rng)
                } else {
                    stepping.selectParents(request, tangle: tangle, view: tips, into: &parents, rng: rng)
                }
                counts[parents[0], default: 0] += 1
            }
            let (p, categories) = pooledPValue(counts: counts, law: law, draws: draws)
            #expect(categories >= 3, "the law has several likely tips")
            // A walk with the exact law fails this fixed-seed test with probability 0.001.
            #expect(p > 0.001, "\(name): p = \(p) over \(categories) categories")
        }
        // The mean walk length counts skipped steps at their expectation given the entry,
        // which has at most the variance of the whole length: the mean over the draws lies
        // within 4.42 standard errors of the exact mean (two-sided 1e-5 under the normal
        // approximation; conservative).
        let after = fast.statistics
        let walks = Double(after.measuredWalks - before.measuredWalks)
        let mean = (Double(after.measuredSteps - before.measuredSteps) + after.measuredSkippedSteps - before.measuredSkippedSteps) / walks
        #expect(walks == Double(draws))
        #expect(abs(mean - meanSteps) <= 4.42 * (stepVariance / walks).squareRoot(), "\(mean) vs \(meanSteps)")
    }

    @Test("`exactSteps` decodes, resolves to JSON only when set, and refuses a non-boolean")
    func exactStepsKey() throws {
        let decode = decodeTipSelection
        let exact = try decode(#"{"strategy": "mcmc", "start": {"kind": "genesis"}, "exactSteps": true}"#)
        #expect(exact == .mcmc(alpha: 0.01, start: .genesis, exactSteps: true))
        #expect(try decode(#"{"strategy": "mcmc", "start": {"kind": "genesis"}}"#) == .mcmc(alpha: 0.01, start: .genesis))
        #expect(try decode(exact._resolvedJSON.prettyPrinted) == exact)
        #expect(!TipSelectionConfiguration.mcmc(alpha: 0.01, start: .genesis)._resolvedJSON.prettyPrinted.contains("exactSteps"))
        do {
            _ = try decode(#"{"strategy": "mcmc", "exactSteps": "yes"}"#)
            Issue.record("a string for exactSteps was accepted")
        } catch {
            #expect("\(error)".contains("exactSteps: expected true or false"), "\(error)")
        }
    }

    @Test("whole runs: the shortcut skips most steps from the genesis; `exactSteps` steps them all")
    func wholeRuns() throws {
        func run(exactSteps: Bool) -> WalkStatistics? {
            var scenario = Scenario(
                name: "genesis", seed: 5, duration: 400, devices: [DeviceClass(count: 100, rate: 0.2)], network: .delay(.constant(1)))
            scenario.tipSelection = .mcmc(alpha: 0.1, start: .genesis, exactSteps: exactSteps)
            return Simulation.run(scenario).walkStatistics
        }
        let fast = try #require(run(exactSteps: false))
        let exact = try #require(run(exactSteps: true))
        #expect(exact.measuredSkippedSteps == 0)
        #expect(fast.measuredSkippedSteps > Double(fast.measuredSteps), "most steps are skipped")
        #expect(exact.walks > 15_000 && fast.walks > 15_000)
    }
    /// With gossip message loss a transaction's approver can become visible everywhere before
    /// it does. The shortcut kept such a transaction as a tip for good (approved, so never
    /// pruned), which held every kept set to its cone and finalization at that point: walks
    /// stepped from ever further back (115 steps a walk at 15k transactions instead of 12).
    @Test("lossy gossip: no transaction with a visible approver stays a tip, and finalization keeps up")
    func lossyGossip() throws {
        let json = #"""
            {"seed": 5, "transactions": 15000, "devices": [{"count": 200, "rate": 0.5}],
             "network": {"model": "gossip", "nodes": 20, "topology": {"kind": "randomRegular", "degree": 4},
                         "linkLatency": {"distribution": "lognormal", "mu": -2.995732273553991, "sigma": 0.5},
                         "linkLatencySampling": "perLink", "loss": 0.05},
             "tipSelection": {"strategy": "mcmc", "alpha": 0.01, "start": {"kind": "genesis"}}}
            """#
        let scenario = try Scenario.decode(Array(json.utf8), file: "s.json")
        var simulation = gossipSimulation(
            scenario, selector: MCMCTipSelector(alpha: 0.01, start: .genesis, weights: PastConeWeights(), shortcut: true))
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var approvedTips = 0
        var frontier: [(count: Int, finalized: Int)] = []
        for moment in stride(from: 20.0, through: 140, by: 20) {
            _ = engine.run(until: moment, handler: &simulation)
            let selector = simulation.devices.selector
            let shortcut = try #require(selector.shortcut)
            #expect(!shortcut.isOff && shortcut.resets == 0)
            for position in 0..<shortcut._tips.count {
                let tip = shortcut._tips[position]
                if simulation.tangle.approvers(of: tip).contains(where: { selector.weights.visible.contains($0) }) { approvedTips += 1 }
            }
            frontier.append((simulation.tangle.count, Int(shortcut.finalized)))
        }
        #expect(approvedTips == 0)
        // From 60 s on finalization keeps pace with the issues (it stalled for good at about
        // 7,000 before): it passes at least half of what was issued meanwhile.
        let (from, to) = (frontier[2], frontier[6])
        #expect(to.finalized - from.finalized > (to.count - from.count) / 2, "\(frontier)")
    }
}
