import Foundation
import Testing

@testable import TangleSim

/// The classes of transactions by footprint that resolve long runs of rejected uniform picks
/// (ConflictLedger+Classes.swift): the tips they offer are exactly those the ledger accepts,
/// and drawing from them has the law of drawing pick after pick.
@Suite("Conflict classes")
struct ConflictClassesTests {
    /// A URTS scenario with accidental double spends (every conflict stays unsettled, so the
    /// Tangle splits into factions and most second picks are rejected).
    static func shattering(seed: UInt64, gossip: Bool, parents: Int, picks: RepeatedPicks) -> Scenario {
        var scenario = Scenario(
            name: "classes", seed: seed, duration: 90, devices: [DeviceClass(count: 50, rate: 4)],
            network: gossip
                ? .gossip(GossipConfiguration(nodes: 6, topology: .fullMesh, linkLatency: .exponential(mean: 0.3)))
                : .delay(.constant(1)))
        scenario.payments.doubleSpendRate = 0.01
        scenario.tangle.parents = parents
        scenario.tangle.repeatedPicks = picks
        return scenario
    }

    /// At moments of drawn runs (delay and gossip, k = 2 and 3, with an attacker's conflict
    /// too), for many first picks — and pairs of picks — the tips the classes offer equal
    /// the brute-force set of tips of the view the ledger accepts.
    @Test(arguments: 0..<6)
    func classesOfferExactlyTheAcceptedTips(draw: Int) throws {
        let gossip = draw % 2 == 1
        var scenario = Self.shattering(seed: UInt64(10 + draw), gossip: gossip, parents: 2 + draw / 3, picks: .distinct)
        scenario.adversaries = [AdversaryConfiguration(attack: .splitting, start: 20, rate: 5)]
        var compared = 0
        var rejectedShare: [Double] = []
        func check<N: NetworkModel>(_ simulation: inout TangleSimulation<UniformTipSelector, PoissonArrivals, N>) {
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            for moment in [15.3, 40.7, 66.1, 89.9] {
                _ = engine.run(until: moment, handler: &simulation)
                var network = simulation.network
                let view = network.view(at: 0, now: moment, global: simulation.visibleTips, tangle: simulation.tangle)
                var ledger = try! #require(simulation.conflicts)
                #expect(ledger.samplesByClass)
                #expect(ledger.tracksGlobalTips == !gossip, "the delay model keeps the global tip set by set")
                var tips: [Int32] = []
                for x in 0..<Int32(simulation.tangle.count) where view.isTip(x) { tips.append(x) }
                var rejected = 0, pairs = 0
                for (index, first) in tips.enumerated() where index % (gossip ? 1 : 3) == 0 {
                    var chosen = [first]
                    // Some choices spend a member themselves (each set is then checked).
                    let members = ledger.memberConflict.count
                    let own: Int32? = index % 5 == 1 && members > 0 ? Int32(index % members) : nil
                    ledger.beginSelection(ownMember: own, node: 0, now: moment)
                    guard ledger.accepts(first) else { continue }
                    ledger.didChoose(first)
                    if index % 2 == 0, let second = tips.first(where: { $0 != first && ledger.accepts($0) }) {
                        ledger.didChoose(second)
                        chosen.append(second)
                    }
                    let expected = Set(tips.filter { !chosen.contains($0) && ledger.accepts($0) })
                    ledger.consistentTips(of: view, excluding: chosen)
                    let offered = Array(ledger.candidates)
                    #expect(offered.count == Set(offered).count, "no tip offered twice")
                    #expect(Set(offered) == expected, "at \(moment), picks \(chosen)")
                    if ledger.tracksGlobalTips {
                        // The count and the indexed picks the selector uses read the same lists.
                        let count = ledger.countConsistentTips(excluding: chosen)
                        #expect(count == expected.count)
                        let indexed = (0..<count).map { ledger.consistentTip(at: $0, excluding: chosen) }
                        #expect(indexed == offered, "the order of the indexed picks is the order of the lists")
                    }
                    rejected += tips.count - chosen.count - expected.count
                    pairs += tips.count - chosen.count
                    compared += 1
                }
                rejectedShare.append(Double(rejected) / Double(max(1, pairs)))
            }
        }
        if gossip {
            var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
            check(&simulation)
        } else {
            var simulation = delaySimulation(scenario, selector: UniformTipSelector())
            check(&simulation)
        }
        #expect(compared > 50)
        // Not vacuous: most pairs of tips are inconsistent by the end.
        #expect(rejectedShare.last! > 0.5, "rejected shares \(rejectedShare)")
    }

    /// The law of one selection, with and without the classes, on one frozen state of a
    /// split Tangle: the rate of transactions left with fewer parents (two-proportion z
    /// test) and the mean number of redraws (Welch t) agree, each two-sided at significance
    /// 0.001 over 4,000 selections per arm, for both repeated-pick rules and k = 2 and 3; and
    /// so does the mean id of the last parent chosen (which tips are picked, Welch t).
    @Test(arguments: [(RepeatedPicks.distinct, 2), (.collapse, 2), (.distinct, 3)])
    func sameLawAsPickAfterPick(picks: RepeatedPicks, parents k: Int) throws {
        let scenario = Self.shattering(seed: 7, gossip: false, parents: k, picks: picks)
        var simulation = delaySimulation(scenario, selector: UniformTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        _ = engine.run(until: 80, handler: &simulation)
        let view = simulation.visibleTips
        let frozen = try #require(simulation.conflicts)
        let request = SelectionRequest(now: 80, parents: k, repeatedPicks: picks)
        func arm(_ classes: Bool, seed: UInt) -> (short: [Double], redraws: [Double], lastParent: [Double]) {
            var ledger = frozen
            ledger.samplesByClass = classes
            let rng = RandomStream(gslSeed: seed)
            var selector = UniformTipSelector()
            var short: [Double] = []
            var redraws: [Double] = []
            var lastParent: [Double] = []
            var parents: [Int32] = []
            for _ in 0..<4_000 {
                let before = (ledger.redraws, ledger.shortTransactions)
                parents.removeAll()
                ledger.beginSelection(ownMember: nil, node: 0, now: 80)
                selector.selectConsistentParents(request, tangle: simulation.tangle, view: view, ledger: &ledger, into: &parents, rng: rng)
                short.append(Double(ledger.shortTransactions - before.1))
                redraws.append(Double(ledger.redraws - before.0))
                if parents.count > 1 { lastParent.append(Double(parents.last!)) }
            }
            return (short, redraws, lastParent)
        }
        let plain = arm(false, seed: 11)
        let classes = arm(true, seed: 12)
        let shortPlain = plain.short.reduce(0, +) / 4_000, shortClasses = classes.short.reduce(0, +) / 4_000
        #expect(shortPlain > 0.05 && shortPlain < 0.95, "a state where both outcomes happen: short rate \(shortPlain)")
        let pooled = (shortPlain + shortClasses) / 2
        let z = (shortPlain - shortClasses) / (pooled * (1 - pooled) * 2 / 4_000).squareRoot()
        #expect(abs(z) < 3.2905, "short rates \(shortPlain) and \(shortClasses): z = \(z), two-sided 0.001")
        let up = CheckStatistics.welchGreater(plain.redraws, classes.redraws)
        let down = CheckStatistics.welchGreater(classes.redraws, plain.redraws)
        let p = 2 * min(up.p, down.p)
        #expect(p > 0.001, "mean redraws: difference \(up.difference) ± \(up.standardError), two-sided p = \(p)")
        // Which tips: the mean id of the last parent of a transaction that found more than one.
        let older = CheckStatistics.welchGreater(plain.lastParent, classes.lastParent)
        let newer = CheckStatistics.welchGreater(classes.lastParent, plain.lastParent)
        let pLast = 2 * min(older.p, newer.p)
        #expect(plain.lastParent.count > 200 && classes.lastParent.count > 200)
        #expect(pLast > 0.001, "mean last parent: difference \(older.difference) ± \(older.standardError), two-sided p = \(pLast)")
    }
}
