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
        let cones = Self.cones(tangle)
        let words = (tangle.count + 63) / 64
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

    /// Every transaction's past cone (itself included) as a bitset, in id order.
    static func cones(_ tangle: Tangle) -> [[UInt64]] {
        let words = (tangle.count + 63) / 64
        var cones = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: tangle.count)
        for x in 0..<tangle.count {
            cones[x][x / 64] |= 1 << UInt64(x % 64)
            for parent in tangle.parents(of: Int32(x)) {
                for word in 0..<words { cones[x][word] |= cones[Int(parent)][word] }
            }
        }
        return cones
    }

    /// The heaviest consistent pairs of `tips` by brute force, without the ledger's
    /// footprints: a pair is consistent when the union of both cones, with the issuer's own
    /// spend `own`, holds at most one member of each conflict (a member is in a cone when
    /// one of its carrying transactions is); no decisions (no coordinator). With no
    /// consistent pair, score `Int.min` and no pairs.
    static func bruteForceConsistent(
        cones: [[UInt64]], tips: [Int32], ledger: ConflictLedger, own: Int32?
    ) -> (score: Int, pairs: [[Int32]]) {
        let words = cones.first!.count
        var best = Int.min
        var pairs: [[Int32]] = []
        for i in tips.indices {
            for j in (i + 1)..<tips.count {
                var union = cones[Int(tips[i])]
                for word in 0..<words { union[word] |= cones[Int(tips[j])][word] }
                var consistent = true
                for members in ledger.conflictMembers where consistent {
                    var present = 0
                    for member in members {
                        let carried = ledger.memberTransactions[Int(member)].contains { x in
                            Int(x) < cones.count && union[Int(x) / 64] & (1 << UInt64(Int(x) % 64)) != 0
                        }
                        if carried || member == own { present += 1 }
                    }
                    consistent = present <= 1
                }
                guard consistent else { continue }
                let score = union.reduce(0) { $0 + $1.nonzeroBitCount }
                if score > best { (best, pairs) = (score, []) }
                if score == best { pairs.append([Swift.min(tips[i], tips[j]), Swift.max(tips[i], tips[j])]) }
            }
        }
        return (best, pairs.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// A heaviest-pair run with conflicts: accidental double spends, and a splitting attack
    /// (two conflicting transactions, then issues onto the lighter side).
    static func conflictScenario(seed: UInt64, doubleSpendRate: Double, splitting: Bool, duration: Double = 50) -> Scenario {
        var scenario = Scenario(
            name: "hps-conflicts", seed: seed, duration: duration, devices: [DeviceClass(count: 100, rate: 0.2)],
            network: .delay(.exponential(mean: 1)))
        scenario.tipSelection = .heaviestPair
        scenario.payments.doubleSpendRate = doubleSpendRate
        if splitting { scenario.adversaries = [AdversaryConfiguration(attack: .splitting, start: 10, rate: 2)] }
        return scenario
    }

    @Test("under conflicts the heaviest consistent pairs equal brute force's, for a fresh spend and for spends of members", arguments: [
        (UInt64(21), 0.03, false), (22, 0.08, false), (23, 0.03, true), (24, 0.0, true),
    ])
    func againstBruteForceWithConflicts(seed: UInt64, doubleSpendRate: Double, splitting: Bool) throws {
        let scenario = Self.conflictScenario(seed: seed, doubleSpendRate: doubleSpendRate, splitting: splitting)
        var simulation = delaySimulation(scenario, selector: HeaviestPairTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var compared = 0, mismatches = 0
        var someTiedInconsistent = 0, noTiedConsistent = 0, noneConsistent = 0, pairSearches = 0
        for moment in stride(from: 4.0, through: scenario.duration!, by: 0.5) {
            _ = engine.run(until: moment, handler: &simulation)
            let tangle = simulation.tangle
            let tips = Array(simulation.visibleTips.members)
            guard tips.count > 2 else { continue }
            var ledger = try #require(simulation.conflicts)
            let cones = Self.cones(tangle)
            // A fresh spend, and spends of members of the latest conflicts (each rules out
            // the member's rivals).
            var owns: [Int32?] = [nil]
            for members in ledger.conflictMembers.suffix(2) { owns += [members.first, members.last] }
            for own in owns {
                ledger.beginSelection(ownMember: own, node: 0, now: moment)
                let expected = Self.bruteForceConsistent(cones: cones, tips: tips, ledger: ledger, own: own)
                var selector = simulation.devices.selector
                let before = selector.exhaustivePairs
                let found = selector.heaviestConsistentPairs(tangle: tangle, ledger: &ledger)
                if selector.exhaustivePairs > before { pairSearches += 1 }
                if found.score != expected.score || found.pairs != expected.pairs {
                    mismatches += 1
                    Issue.record("at \(moment), own \(String(describing: own)): \(found) against \(expected)")
                }
                compared += 1
                let unfiltered = selector.heaviestPairs(tangle: tangle)
                if unfiltered.pairs != expected.pairs { someTiedInconsistent += 1 }
                if unfiltered.score != expected.score { noTiedConsistent += 1 }
                if expected.pairs.isEmpty { noneConsistent += 1 }
            }
        }
        #expect(compared > 150)
        #expect(mismatches == 0)
        // Not vacuous: consistency often removes heaviest pairs, sometimes all of them.
        #expect(someTiedInconsistent > 10, "\(someTiedInconsistent) of \(compared)")
        #expect(noTiedConsistent > 2, "\(noTiedConsistent) of \(compared)")
        print("hps conflicts seed \(seed): \(compared) compared, \(someTiedInconsistent) lose tied pairs, \(noTiedConsistent) lose them all, \(noneConsistent) none consistent, \(pairSearches) compare B-tip pairs")
    }

    /// An arbitrary admission rule: a tip is admitted when a hash of it falls in the first
    /// `tipShare` eighths, a pair when both are and a hash of the pair falls in the first
    /// `pairShare` eighths (the search may rely on nothing else about consistency).
    struct HashedRule: _PairRule {
        var salt: UInt64
        var tipShare: UInt64
        var pairShare: UInt64
        /// Only tips below this id (as a spend rival to a member deep in the Tangle admits
        /// only tips older than it).
        var below = Int32.max
        static var filters: Bool { true }
        func hash(_ x: UInt64) -> UInt64 {
            var z = x &+ salt &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func admits(_ a: Int32) -> Bool { a < below && hash(UInt64(a)) % 8 < tipShare }
        /// Every tip its own class: the pair rule depends on both ids.
        func tipClass(_ a: Int32) -> Int32 { a }
        func admits(_ a: Int32, _ b: Int32) -> Bool {
            admits(a) && admits(b) && hash(UInt64(Swift.min(a, b)) << 32 | UInt64(Swift.max(a, b))) % 8 < pairShare
        }
    }

    @Test("with any admission rule the filtered search finds brute force's heaviest admitted pairs, or the heaviest admitted tip when no pair is admitted", arguments: [
        (UInt(41), 5.0, 0.05, 0.0), (42, 20.0, 0.0, 1.0), (43, 10.0, 0.1, 0.0),
    ])
    func filteredSearchAgainstBruteForce(seed: UInt, lambda: Double, foreign: Double, milestoneEvery: Double) {
        var compared = 0, mismatches = 0, singles = 0, filteredBelowBest = 0, pairSearches = 0
        let rules = [(6, 6, 0), (4, 2, 0), (2, 1, 0), (1, 8, 0), (2, 0, 0), (8, 8, 4), (8, 4, 2), (7, 7, 8)].map {
            HashedRule(salt: 0, tipShare: UInt64($0.0), pairShare: UInt64($0.1), below: Int32($0.2))
        }
        _ = Self.run(
            seed: seed, lambda: lambda, delay: 1, exponential: true, count: 800, foreign: foreign, milestoneEvery: milestoneEvery
        ) { selector, tangle, tips in
            let members = Array(tips.members)
            let all = Self.bruteForce(tangle: tangle, tips: members)
            let cones = Self.cones(tangle)
            for (index, template) in rules.enumerated() {
                var rule = template
                rule.salt = UInt64(tangle.count * 8 + index)
                // `below` 4, 2, 8: tips issued before the last quarter, half, eighth of the run.
                if template.below > 0 { rule.below = Int32(tangle.count - tangle.count / Int(template.below)) } else { rule.below = .max }
                // Brute force: the admitted pairs, each scored by its cones' union.
                var best = Int.min
                var pairs: [[Int32]] = []
                for i in members.indices {
                    for j in (i + 1)..<members.count where rule.admits(members[i], members[j]) {
                        let score = zip(cones[Int(members[i])], cones[Int(members[j])]).reduce(0) { $0 + ($1.0 | $1.1).nonzeroBitCount }
                        if score > best { (best, pairs) = (score, []) }
                        if score == best { pairs.append([Swift.min(members[i], members[j]), Swift.max(members[i], members[j])]) }
                    }
                }
                pairs.sort { $0.lexicographicallyPrecedes($1) }
                var copy = selector
                let before = copy.exhaustivePairs
                let score = copy._listConsistentTies(tangle: tangle, rule: &rule)
                if copy.exhaustivePairs > before { pairSearches += 1 }
                let found = copy._consistentTies.map { [Swift.min($0.0, $0.1), Swift.max($0.0, $0.1)] }.sorted { $0.lexicographicallyPrecedes($1) }
                if score != best || found != pairs {
                    mismatches += 1
                    Issue.record("rule \(index) at \(tangle.count): \(score) \(found) against \(best) \(pairs)")
                }
                if !pairs.isEmpty, best < all.score { filteredBelowBest += 1 }
                compared += 1
                if pairs.isEmpty {
                    // No admitted pair: one parent, the admitted tip with the largest cone.
                    let sizes = members.filter { rule.admits($0) }.map { ($0, cones[Int($0)].reduce(0) { $0 + $1.nonzeroBitCount }) }
                    let largest = sizes.map(\.1).max()
                    let heaviest = Set(sizes.filter { $0.1 == largest }.map(\.0))
                    var parents: [Int32] = []
                    copy._selectConsistent(
                        SelectionRequest(now: tangle.issueTime.last!, parents: 2, repeatedPicks: .distinct), tangle: tangle, view: tips,
                        rule: &rule, into: &parents, rng: RandomStream(gslSeed: UInt(tangle.count)))
                    #expect(parents.count == (heaviest.isEmpty ? 0 : 1) && parents.allSatisfy(heaviest.contains), "\(parents) against \(heaviest)")
                    singles += 1
                }
            }
        }
        #expect(compared > 1_000)
        #expect(mismatches == 0)
        #expect(filteredBelowBest > 100, "rules that remove the heaviest pairs")
        #expect(singles > 100, "rules that admit no pair")
        #expect(pairSearches > 50, "searches that score pairs of B-tips")
        print("filtered searches, seed \(seed): \(compared) compared, \(filteredBelowBest) below the heaviest, \(singles) with no pair, \(pairSearches) scoring B-tip pairs")
    }

    @Test("under conflicts, ties among the consistent heaviest pairs are broken uniformly (chi-squared, significance 0.001)")
    func tieLawWithConflicts() throws {
        // A frozen state where some but not all heaviest pairs are consistent with a spend.
        let scenario = Self.conflictScenario(seed: 23, doubleSpendRate: 0.03, splitting: true)
        var simulation = delaySimulation(scenario, selector: HeaviestPairTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var caught: (Double, Int32?, [[Int32]])?
        for moment in stride(from: 12.0, through: scenario.duration!, by: 0.5) where caught == nil {
            _ = engine.run(until: moment, handler: &simulation)
            var ledger = try #require(simulation.conflicts)
            var owns: [Int32?] = [nil]
            for members in ledger.conflictMembers { owns += members.map { $0 } }
            for own in owns where caught == nil {
                ledger.beginSelection(ownMember: own, node: 0, now: moment)
                var selector = simulation.devices.selector
                let all = selector.heaviestPairs(tangle: simulation.tangle).pairs
                let consistent = selector.heaviestConsistentPairs(tangle: simulation.tangle, ledger: &ledger).pairs
                if consistent.count >= 4, consistent.count < all.count { caught = (moment, own, consistent) }
            }
        }
        let (moment, own, pairs) = try #require(caught, "a state where consistency removes some of several tied pairs")
        var ledger = try #require(simulation.conflicts)
        var selector = simulation.devices.selector
        let rng = RandomStream(gslSeed: 5)
        var counts: [[Int32]: Int] = [:]
        var parents: [Int32] = []
        let draws = 200 * pairs.count
        for _ in 0..<draws {
            parents.removeAll()
            ledger.beginSelection(ownMember: own, node: 0, now: moment)
            selector.selectConsistentParents(
                SelectionRequest(now: moment, parents: 2, repeatedPicks: .distinct), tangle: simulation.tangle,
                view: simulation.visibleTips, ledger: &ledger, into: &parents, rng: rng)
            counts[parents, default: 0] += 1
        }
        #expect(Set(counts.keys) == Set(pairs))
        let observed = pairs.map { counts[$0, default: 0] }
        #expect(chiSquaredPValue(observed: observed, expected: pairs.map { _ in 1 / Double(pairs.count) }) > 0.001)
    }

    @Test("heaviest pairs run with double spends and every attack that creates conflicts; no honest transaction is invalid")
    func runsWithConflicts() throws {
        let attacks: [AdversaryConfiguration.Attack] = [
            .splitting, .parasiteChain(depth: 5, releaseAfter: 10, tips: 5),
            .doubleSpend(acceptWeight: 20, releaseAfter: 30, persist: 10),
        ]
        for attack in attacks {
            var scenario = Self.conflictScenario(seed: 31, doubleSpendRate: 0.01, splitting: false, duration: 70)
            scenario.adversaries = [AdversaryConfiguration(attack: attack, start: 20, rate: 3)]
            let result = Simulation.run(scenario)
            #expect(result.summary.transactions > 1_000)
            #expect(result.selectionCounts.map(\.0) == ["exhaustivePairs", "coreAdvances", "demotions", "consistentSearches"])
            // Honest transactions are valid: no device transaction's past cone holds two
            // members of one conflict.
            var simulation = delaySimulation(scenario, selector: HeaviestPairTipSelector())
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            _ = engine.run(until: scenario.duration!, handler: &simulation)
            let ledger = try #require(simulation.conflicts)
            #expect(ledger.conflictCount > 0)
            let tangle = simulation.tangle
            var holders = [[Int32]](repeating: [], count: tangle.count)
            for (member, carriers) in ledger.memberTransactions.enumerated() {
                for x in carriers { holders[Int(x)].append(Int32(member)) }
            }
            var conesMembers = [Set<Int32>](repeating: [], count: tangle.count)
            var invalid = 0
            for x in 0..<tangle.count {
                var members = Set(holders[x])
                for parent in tangle.parents(of: Int32(x)) { members.formUnion(conesMembers[Int(parent)]) }
                conesMembers[x] = members
                let conflicts = members.map { ledger.memberConflict[Int($0)] }
                if tangle.issuerKind[x] == .device, Set(conflicts).count < conflicts.count { invalid += 1 }
            }
            #expect(invalid == 0, "\(attack): \(invalid) invalid device transactions")
        }
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
