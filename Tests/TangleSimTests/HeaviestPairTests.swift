import Foundation
import Testing

@testable import TangleSim

/// Heaviest pair selection (issue 13, item 2): the exact method against brute force over
/// every pair of tips in random runs, its tie-breaking law (chi-squared at significance
/// 0.001), whole runs, and its JSON.
@Suite("Heaviest pair selection")
struct HeaviestPairTests {
    /// Every tied heaviest pair of `tips` by brute force: each tip's whole past cone, every
    /// pair's union. Pairs as sorted [smaller, larger].
    static func bruteForce(tangle: Tangle, tips: [Int32]) -> (score: Int, pairs: [[Int32]]) {
        // Every transaction's cone as a bitset, in id order (parents come first).
        let words = (tangle.count + 63) / 64
        var cones = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: tangle.count)
        for x in 0..<tangle.count {
            cones[x][x / 64] |= 1 << UInt64(x % 64)
            for parent in tangle.parents(of: Int32(x)) {
                for word in 0..<words { cones[x][word] |= cones[Int(parent)][word] }
            }
        }
        var best = -1
        var pairs: [[Int32]] = []
        for i in tips.indices {
            for j in (i + 1)..<tips.count {
                let a = cones[Int(tips[i])], b = cones[Int(tips[j])]
                var score = 0
                for word in 0..<words { score += (a[word] | b[word]).nonzeroBitCount }
                if score > best { (best, pairs) = (score, []) }
                if score == best { pairs.append([Swift.min(tips[i], tips[j]), Swift.max(tips[i], tips[j])]) }
            }
        }
        return (best, pairs.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// A run of `count` transactions at rate `lambda` with exponential delays of mean
    /// `delay` (children often become visible before their parents; constant when not
    /// `exponential`), driven by hand: a
    /// share `foreign` of transactions approve two uniform tips instead (as a coordinator or
    /// another class would, leaving odd tips behind). `check` sees each HPS selection.
    /// With `milestoneEvery` > 0, a coordinator issues a milestone that often (seconds),
    /// approving its previous milestone (once visible) and a uniform tip, as
    /// ``Coordinator`` does with uniform tip selection.
    ///
    /// As attackers do: a share `old` of transactions approve a tip and a transaction drawn
    /// uniformly from the whole Tangle (old ones gain approvers; a parasite chain's root), and
    /// a share `withheld` become visible only 30 delays after issue (a withheld chain
    /// released at once, its children seen before it).
    static func run(
        seed: UInt, lambda: Double, delay: Double, exponential: Bool = true, count: Int, foreign: Double,
        milestoneEvery: Double = 0, old: Double = 0, withheld: Double = 0,
        check: (inout HeaviestPairTipSelector, Tangle, TipSet) -> Void
    ) -> HeaviestPairTipSelector {
        let rng = RandomStream(gslSeed: seed)
        var tangle = Tangle(parents: 2)
        var selector = HeaviestPairTipSelector()
        var tips = TipSet()
        tips.insert(0)
        var approvedVisibly: Set<Int32> = []
        var pending: [(time: Double, id: Int32)] = []
        var now = 0.0
        var parents: [Int32] = []
        var lastMilestone: Int32 = 0
        var nextMilestone = milestoneEvery > 0 ? milestoneEvery : .infinity
        for _ in 1..<count {
            let arrival = now + rng.exponential(mean: 1 / lambda)
            let isMilestone = nextMilestone < arrival
            now = isMilestone ? nextMilestone : arrival
            pending.sort { ($0.time, $0.id) > ($1.time, $1.id) }
            while let next = pending.last, next.time <= now {
                pending.removeLast()
                for parent in tangle.parents(of: next.id) where approvedVisibly.insert(parent).inserted { tips.remove(parent) }
                if !approvedVisibly.contains(next.id) { tips.insert(next.id) }
                selector.didBecomeVisible(next.id, in: tangle)
            }
            parents.removeAll()
            let request = SelectionRequest(now: now, parents: 2, repeatedPicks: .distinct)
            if isMilestone {
                nextMilestone += milestoneEvery
                if lastMilestone != 0, tangle.visibleTime[Int(lastMilestone)] <= now { parents.append(lastMilestone) }
                var tip: [Int32] = []
                tips.sampleUniformTips(1, repeatedPicks: .distinct, rng: rng, into: &tip)
                if !parents.contains(tip[0]) { parents.append(tip[0]) }
                parents.sort()
            } else if rng.uniform() < foreign {
                tips.sampleUniformTips(2, repeatedPicks: .distinct, rng: rng, into: &parents)
            } else if old > 0, rng.uniform() < old {
                tips.sampleUniformTips(1, repeatedPicks: .distinct, rng: rng, into: &parents)
                let ancient = Int32(rng.index(below: tangle.count))
                if !parents.contains(ancient) { parents.append(ancient) }
                parents.sort()
            } else {
                if tips.count > 2 { check(&selector, tangle, tips) }
                selector.selectParents(request, tangle: tangle, view: tips, into: &parents, rng: rng)
            }
            var visible = now + (exponential ? rng.exponential(mean: delay) : delay)
            if withheld > 0, rng.uniform() < withheld { visible = now + 30 * delay }
            let x = tangle.append(issueTime: now, visibleTime: visible, issuer: .device(0), parents: parents)
            selector.didIssue(x, in: tangle)
            pending.append((visible, x))
            if isMilestone { lastMilestone = x }
        }
        return selector
    }

    @Test("the heaviest pairs equal brute force's at every selection of random runs (some with a coordinator)", arguments: [
        (UInt(1), 5.0, 0.0, true, 0.0), (2, 10.0, 0.0, true, 0), (3, 5.0, 0.1, true, 0), (4, 20.0, 0.05, true, 0),
        (5, 5.0, 0.0, false, 0), (6, 10.0, 0.1, false, 0), (7, 10.0, 0.0, false, 2), (8, 20.0, 0.0, true, 1),
        (9, 5.0, 0.05, false, 5),
    ])
    func againstBruteForce(seed: UInt, lambda: Double, foreign: Double, exponential: Bool, milestoneEvery: Double) {
        var selections = 0
        var tiedSelections = 0
        let selector = Self.run(
            seed: seed, lambda: lambda, delay: 1, exponential: exponential, count: 1_200, foreign: foreign,
            milestoneEvery: milestoneEvery
        ) { selector, tangle, tips in
            let expected = Self.bruteForce(tangle: tangle, tips: Array(tips.members))
            let found = selector.heaviestPairs(tangle: tangle)
            #expect(found.score == expected.score && found.pairs == expected.pairs, "selection \(selections)")
            selections += 1
            if expected.pairs.count > 1 { tiedSelections += 1 }
        }
        #expect(selections > 900)
        #expect(tiedSelections > 100, "ties are common under HPS: siblings score alike")
        // The core advances every 32 issues; A-tips left behind are demoted.
        #expect(selector.coreAdvances > 25, "the core followed the run")
        #expect(selector.demotions > 0)
    }

    @Test("the heaviest pairs equal brute force's when old transactions gain approvers and withheld ones appear late", arguments: [
        (UInt(11), 0.05, 0.0), (12, 0.0, 0.05), (13, 0.05, 0.05), (14, 0.2, 0.02),
    ])
    func againstBruteForceUnderAttack(seed: UInt, old: Double, withheld: Double) {
        var selections = 0
        var mismatches = 0
        _ = Self.run(
            seed: seed, lambda: 10, delay: 1, exponential: true, count: 1_200, foreign: 0.02, old: old, withheld: withheld
        ) { selector, tangle, tips in
            let expected = Self.bruteForce(tangle: tangle, tips: Array(tips.members))
            let found = selector.heaviestPairs(tangle: tangle)
            if found.score != expected.score || found.pairs != expected.pairs { mismatches += 1 }
            selections += 1
        }
        #expect(selections > 900)
        #expect(mismatches == 0, "\(mismatches) of \(selections) selections differ from brute force")
    }

    @Test("ties are broken uniformly (chi-squared, significance 0.001)")
    func tieLaw() throws {
        // A selector caught mid-run with many tied pairs, drawn from repeatedly.
        var caught: (HeaviestPairTipSelector, Tangle, TipSet, [[Int32]])?
        _ = Self.run(seed: 7, lambda: 5, delay: 1, count: 600, foreign: 0.05) { selector, tangle, tips in
            let pairs = Self.bruteForce(tangle: tangle, tips: Array(tips.members)).pairs
            if (8...40).contains(pairs.count) { caught = (selector, tangle, tips, pairs) }
        }
        var (selector, tangle, tips, pairs) = try #require(caught)
        let draws = 200 * pairs.count
        let rng = RandomStream(gslSeed: 11)
        var counts: [[Int32]: Int] = [:]
        var parents: [Int32] = []
        for _ in 0..<draws {
            parents.removeAll()
            selector.selectParents(
                SelectionRequest(now: tangle.issueTime.last!, parents: 2, repeatedPicks: .distinct), tangle: tangle, view: tips,
                into: &parents, rng: rng)
            counts[parents, default: 0] += 1
        }
        #expect(Set(counts.keys) == Set(pairs))
        let observed = pairs.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: pairs.map { _ in 1 / Double(pairs.count) }) > 0.001)
    }

    @Test("in a run, heaviest pairs leave many more transactions behind than URTS (res-sim-tangle's finding)")
    func inRuns() {
        func run(_ selection: TipSelectionConfiguration) -> RunResult {
            var scenario = Scenario(
                name: "hps", seed: 3, duration: 120, warmup: 20, devices: [DeviceClass(count: 100, rate: 0.2)],
                network: .delay(.constant(1)))
            scenario.tipSelection = selection
            return Simulation.run(scenario)
        }
        let urts = run(.uniform), hps = run(.heaviestPair)
        #expect(hps.summary.text(.tipSelection) == "heaviestPair")
        #expect(hps.summary.transactions == urts.summary.transactions, "identical arrivals")
        #expect(urts.summary.number(.leftBehindRate) < 0.05)
        #expect(hps.summary.number(.leftBehindRate) > 5 * urts.summary.number(.leftBehindRate) + 0.05)
        #expect(hps.selectionCounts.map(\.0) == ["exhaustivePairs", "coreAdvances", "demotions"])
        #expect(hps.selectionCounts[1].1 > 20, "the core followed the run")
    }

    @Test("heaviestPair decodes, resolves to JSON and back, and refuses what it cannot run")
    func decoding() throws {
        func decode(_ extra: String, tipSelection: String = #"{"strategy": "heaviestPair"}"#) throws -> Scenario {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "tipSelection": "# + tipSelection + extra + "}"
            return try Scenario.decode(Array(json.utf8), file: "s.json")
        }
        let scenario = try decode("")
        #expect(scenario.tipSelection == .heaviestPair)
        #expect(try Scenario.decode(Array(scenario.resolvedJSON.prettyPrinted.utf8), file: "r.json").tipSelection == .heaviestPair)
        let gossip = #", "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}"#
        let refused: [(String, String, String)] = [
            (gossip, #"{"strategy": "heaviestPair"}"#, "s.json: tipSelection: heaviestPair compares the cones of the one global tip set of the delay model"),
            (#", "tangle": {"parents": 3}"#, #"{"strategy": "heaviestPair"}"#, "s.json: tipSelection: heaviestPair chooses a pair of parents: it needs tangle.parents = 2 (fixed), got 3"),
            (#", "tangle": {"parents": {"base": 2, "adaptive": true}}"#, #"{"strategy": "heaviestPair"}"#, "got adaptive parents"),
            (#", "payments": {"doubleSpendRate": 0.01}"#, #"{"strategy": "heaviestPair"}"#, "heaviestPair does not run with conflicts yet"),
            (#", "consensus": {"kind": "coordinator", "interval": 10, "tipSelection": {"strategy": "heaviestPair"}}"#, #"{"strategy": "uniform"}"#,
             "s.json: consensus: a coordinator approves its previous milestone and one tip, not a pair"),
            ("", #"{"strategy": "perParent", "parents": [{"strategy": "heaviestPair"}, {"strategy": "uniform"}]}"#,
             "s.json: tipSelection.parents[0]: heaviest pair selection chooses both parents at once"),
        ]
        for (extra, tipSelection, message) in refused {
            do {
                _ = try decode(extra, tipSelection: tipSelection)
                Issue.record("\(extra) \(tipSelection) was accepted")
            } catch {
                #expect(error is ScenarioError && "\(error)".contains(message), "\(error)")
            }
        }
    }
}
