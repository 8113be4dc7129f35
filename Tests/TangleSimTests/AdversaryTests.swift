import Foundation
import Testing

@testable import TangleSim

/// Decodes a scenario from JSON text.
private func scenario(_ text: String, file: String = "attack.json") throws -> Scenario {
    try Scenario.decode(Array(text.utf8), file: file)
}

/// The error decoding `text` throws, as the user sees it.
private func decodeError(_ text: String) -> String? {
    do {
        _ = try scenario(text, file: "bad.json")
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}

/// A 100-device URTS scenario (lambda 50/s, h = 1 s) with `adversaries` and `extra` members.
private func attackScenario(_ adversaries: String, extra: String = "", duration: Double = 400, seed: Int = 1) -> String {
    #"{"seed": \#(seed), "duration": \#(duration), "warmup": 20, "devices": [{"count": 100, "rate": 0.5}], "metrics": {"transactionLog": true, "orphanTimeout": 30}, "adversaries": [\#(adversaries)]"#
        + (extra.isEmpty ? "" : ", " + extra) + "}"
}

@Suite("Adversaries")
struct AdversaryTests {
    @Test func decodesEveryKindWithDefaults() throws {
        let decoded = try scenario(
            attackScenario(
                #"""
                {"kind": "doubleSpend", "start": 100, "rate": 60, "acceptWeight": 20},
                {"kind": "parasiteChain", "start": 100, "rate": 20},
                {"kind": "splitting", "rate": 10},
                {"kind": "tipInflation", "rate": 25, "target": {"age": 60}}
                """#))
        #expect(
            decoded.adversaries == [
                AdversaryConfiguration(attack: .doubleSpend(acceptWeight: 20, releaseAfter: 60, persist: 60), start: 100, rate: 60),
                AdversaryConfiguration(attack: .parasiteChain(depth: 30, releaseAfter: 60, tips: 10), start: 100, rate: 20),
                AdversaryConfiguration(attack: .splitting, start: 0, rate: 10),
                AdversaryConfiguration(attack: .tipInflation(target: .age(60)), start: 0, rate: 25),
            ])
        // The resolved form decodes to the same scenario.
        let again = try Scenario.decode(Array(decoded.resolvedJSON.prettyPrinted.utf8), file: "resolved.json")
        #expect(again == decoded)
    }

    @Test(arguments: [
        (
            #"{"kind": "flood", "rate": 1}"#,
            #"bad.json: adversaries[0].kind: expected one of "doubleSpend", "parasiteChain", "splitting", "tipInflation", got "flood""#
        ),
        (
            #"{"kind": "tipInflation", "rate": 0}"#,
            "bad.json: adversaries[0].rate: expected a positive number of transactions per second, at most 1e7, got 0"
        ),
        (
            #"{"kind": "tipInflation", "rate": 5, "target": "root"}"#,
            #"bad.json: adversaries[0].target: expected "genesis" or an object like {"age": 60}, got "root""#
        ),
        (
            #"{"kind": "doubleSpend", "rate": 5}"#,
            #"bad.json: adversaries[0]: the merchant accepts P once it is confirmed: set "acceptWeight" (P's cumulative weight) or a consensus rule"#
        ),
    ])
    func refusesBadAdversaries(adversary: String, message: String) {
        #expect(decodeError(attackScenario(adversary)) == message)
    }

    /// On a gossip network an adversary names the node it issues from; the node must exist,
    /// and the delay network has none to name. The resolved form carries the node.
    @Test func nodesOnGossip() throws {
        let network = #""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}"#
        #expect(
            decodeError(attackScenario(#"{"kind": "tipInflation", "rate": 5, "node": 4}"#, extra: network))
                == "bad.json: adversaries[0].node: expected a node from 0 to 3, got 4")
        #expect(
            decodeError(attackScenario(#"{"kind": "tipInflation", "rate": 5, "node": 1}"#))
                == #"bad.json: adversaries[0].node: an adversary's "node" needs a gossip network ("network": {"model": "gossip", ...})"#)
        let decoded = try scenario(attackScenario(#"{"kind": "splitting", "rate": 5, "node": 2}"#, extra: network))
        #expect(decoded.adversaries[0].node == 2)
        let resolved = decoded.resolvedJSON.prettyPrinted
        #expect(resolved.contains(#""node" : 2"#) || resolved.contains(#""node": 2"#))
        #expect(try Scenario.decode(Array(resolved.utf8), file: "resolved.json") == decoded)
        // Default node 0, written out on gossip only.
        let delay = try scenario(attackScenario(#"{"kind": "splitting", "rate": 5}"#))
        #expect(delay.adversaries[0].node == 0)
        #expect(!delay.resolvedJSON.prettyPrinted.contains("\"node\""))
    }

    /// Tip inflation: every attacker transaction approves the genesis only, there are about
    /// rate·(duration − start) of them, and the honest devices' arrivals are untouched.
    @Test func tipInflationApprovesTheGenesis() throws {
        let attacked = try scenario(attackScenario(#"{"kind": "tipInflation", "start": 100, "rate": 10}"#))
        let result = Simulation.run(attacked, replication: 0)
        let tangle = try #require(result.tangle)
        var attackerTransactions = 0
        for index in 1..<tangle.count where tangle.issuerKind[index] == .adversary {
            attackerTransactions += 1
            var parents: [Int32] = []
            tangle.forEachParent(of: Int32(index)) { parents.append($0) }
            #expect(parents == [0])
            #expect(tangle.issueTime[index] >= 100)
        }
        // Poisson count of mean 3,000: within 4 standard deviations (p ≈ 6e-5 two-sided).
        #expect(abs(Double(attackerTransactions) - 3000) < 4 * 3000.0.squareRoot())
        #expect(result.attacks.count == 1 && result.attacks[0].attackerTransactions == attackerTransactions)
        #expect(result.attacks[0].success == nil && result.attacks[0].settled == nil)
        var honest = attacked
        honest.adversaries = []
        let baseline = Simulation.run(honest, replication: 0)
        #expect(result.summary[.transactions] == baseline.summary[.transactions], "the devices' arrivals are their own")
    }

    /// Withheld transactions: nobody but the attacker approves one before it is visible,
    /// released ones become visible no earlier than their release and never before their
    /// parents, and the conflict between P and P′ is recorded.
    @Test(arguments: [
        #"{"kind": "doubleSpend", "start": 100, "rate": 100, "acceptWeight": 20, "releaseAfter": 60, "persist": 30}"#,
        #"{"kind": "parasiteChain", "start": 100, "rate": 20, "depth": 30, "releaseAfter": 60, "tips": 5}"#,
    ])
    func withheldTransactionsStayHidden(adversary: String) throws {
        for strategy in [#"{"strategy": "uniform"}"#, #"{"strategy": "mcmc", "alpha": 0.5, "start": {"kind": "window", "W": 5}}"#] {
            let attacked = try scenario(attackScenario(adversary, extra: #""tipSelection": \#(strategy)"#))
            let result = Simulation.run(attacked, replication: 0)
            let tangle = try #require(result.tangle)
            let attack = try #require(result.attacks.first)
            #expect(!attack.release.isNaN, "the branch was released")
            for index in 1..<tangle.count {
                let x = Int32(index)
                var latestParentVisible = 0.0
                tangle.forEachParent(of: x) { parent in
                    latestParentVisible = max(latestParentVisible, tangle.visibleTime[Int(parent)])
                    if tangle.issuerKind[index] != .adversary {
                        #expect(tangle.visibleTime[Int(parent)] <= tangle.issueTime[index], "an honest transaction approves only visible ones")
                    }
                }
                #expect(tangle.visibleTime[index] >= latestParentVisible)
                #expect(tangle.visibleTime[index].isFinite, "everything withheld was released")
            }
            let conflicts = try #require(result.conflicts)
            #expect(conflicts.records.count == 1)
            #expect(conflicts.records[0].members.count == 2)
        }
    }

    /// With a coordinator, a double spend never succeeds and no conflict is ever double
    /// confirmed, whatever the attacker's rate.
    @Test(arguments: [10.0, 100.0])
    func coordinatorStopsDoubleSpends(rate: Double) throws {
        for seed in 1...4 {
            let attacked = try scenario(
                attackScenario(
                    #"{"kind": "doubleSpend", "start": 100, "rate": \#(rate), "releaseAfter": 60, "persist": 60}"#,
                    extra: #""consensus": {"kind": "coordinator", "interval": 5}"#, seed: seed))
            let result = Simulation.run(attacked, replication: 0)
            let attack = try #require(result.attacks.first)
            #expect(attack.success == false)
            #expect(result.conflicts?.records.allSatisfy { !$0.doubleConfirmed } == true)
            #expect(result.summary[.doubleConfirmations] == .integer(0))
        }
    }

    /// The weights walks read stay exact when a whole withheld branch becomes visible at once
    /// (its transactions issued long before, some of their ancestors far outside a small
    /// ring): checked against the brute-force count at random moments, before and after the
    /// release, for the windowed tracker and the genesis tracker.
    @Test(arguments: 1...4)
    func weightsStayExactAcrossReleases(seed: UInt64) throws {
        let rng = RandomStream(gslSeed: UInt(seed))
        let adversaries = [
            AdversaryConfiguration(attack: .doubleSpend(acceptWeight: 1_000_000, releaseAfter: 30, persist: 10), start: 40, rate: 8),
            AdversaryConfiguration(attack: .parasiteChain(depth: 20, releaseAfter: 25, tips: 4), start: 45, rate: 5),
        ]
        let w = 2.0 + rng.uniform() * 3
        var scenario = Scenario(
            name: "weights", seed: seed, duration: 120, devices: [DeviceClass(count: 10, rate: 2 + rng.uniform() * 3)],
            network: .delay(.exponential(mean: 0.5 + rng.uniform())),
            tipSelection: .mcmc(alpha: rng.uniform(), start: .window(W: w)), adversaries: adversaries)
        scenario.tangle.parents = 2
        func check<W: CumulativeWeights>(_ weights: W, exactFor: (Int32, Tangle, W) -> Bool) {
            let selector = MCMCTipSelector(alpha: scenario.tipSelection.alpha, start: .window(W: w), weights: weights)
            var simulation = delaySimulation(scenario, selector: selector)
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            var moment = 0.0
            var checked = 0
            while moment < 110 {
                moment += 3 + rng.uniform() * 8
                _ = engine.run(until: moment, handler: &simulation)
                let tangle = simulation.tangle
                let weights = simulation.devices.selector.weights
                for x in 0..<tangle.count where exactFor(Int32(x), tangle, weights) {
                    let expected = bruteForceWeight(of: Int32(x), in: tangle, visible: { tangle.visibleTime[Int($0)] <= moment })
                    #expect(weights.weight(of: Int32(x)) == expected, "transaction \(x) at \(moment)")
                    checked += 1
                }
            }
            #expect(checked > 0)
            #expect(simulation.issuers.allSatisfy { ($0 as? Adversary)?.releaseTime.isNaN == false }, "both branches released")
        }
        // A ring of 64 wraps many times; walks need the transactions issued after now − 2W.
        check(WindowedWeights(initialCapacity: 64)) { x, tangle, weights in
            tangle.count - 1 - Int(x) < weights.capacity
        }
        check(PastConeWeights(cacheLimitWords: 1 << 12)) { _, _, _ in true }
    }
}

@Suite("Drawing conflicts and attacks")
struct AttackDrawingTests {
    /// `draw` marks the conflict's members, the attacker's other transactions and the
    /// rejected ones, each exactly where the run's ledger and outcome put them, and lists
    /// them in the legend only when present.
    @Test func statesOfAnAttackedTangle() throws {
        var scenario = try Scenario.decode(
            Array(
                #"""
                {"seed": 3, "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 0.5}],
                 "tipSelection": {"strategy": "mcmc", "alpha": 0.5, "start": {"kind": "genesis"}},
                 "metrics": {"transactionLog": true, "orphanTimeout": 20},
                 "adversaries": [{"kind": "doubleSpend", "start": 40, "rate": 20, "acceptWeight": 3, "releaseAfter": 20, "persist": 10}]}
                """#.utf8), file: "attack.json")
        let result = Simulation.run(scenario, replication: 0)
        let tangle = try #require(result.tangle)
        let members = Set(try #require(result.ledger).memberTransactions.flatMap { $0 })
        let rejected = try #require(result.conflicts).rejected
        let states = TangleDrawing.states(of: result)
        #expect(!members.isEmpty && rejected.contains(true))
        for index in 1..<tangle.count {
            let expected: TangleDrawing.State? =
                members.contains(Int32(index)) ? .conflicting
                : tangle.issuerKind[index] == .adversary ? .attacker : rejected[index] ? .rejected : nil
            if let expected { #expect(states[index] == expected) } else {
                #expect(![.conflicting, .attacker, .rejected].contains(states[index]))
            }
        }
        let dot = TangleDrawing.dot(result)
        #expect(dot.contains("conflicting (\(members.count))"))
        scenario.adversaries = []
        let honest = TangleDrawing.dot(Simulation.run(scenario, replication: 0))
        #expect(!honest.contains("conflicting") && !honest.contains("attacker") && !honest.contains("rejected"))
    }
}

@Suite("Adversaries on gossip networks")
struct GossipAdversaryTests {
    /// Two withholding attackers on their own nodes of a 12-node gossip network (a double
    /// spend and a parasite chain), with walks (windowed weights in a small ring) or URTS and
    /// a per-node weight threshold. At moments before, around and after the releases, for
    /// several nodes: the node's tips and the weights a walk reads there equal a brute-force
    /// recount from per-node visibility, withheld transactions being visible nowhere; no
    /// node sees a transaction before its parents; a released transaction reaches a node no
    /// earlier than its release, and its attacker's node first.
    @Test(arguments: [false, true])
    func withheldBranchesReachNodesFromTheAttacker(walks: Bool) throws {
        var scenario = gossipScenario(
            nodes: 12, topology: .wattsStrogatz(degree: 4, rewire: 0.2), latency: .exponential(mean: 0.2), lambda: 20,
            duration: 140, seed: walks ? 3 : 4)
        scenario.adversaries = [
            AdversaryConfiguration(attack: .doubleSpend(acceptWeight: 1_000_000, releaseAfter: 30, persist: 10), start: 40, rate: 8, node: 3),
            AdversaryConfiguration(attack: .parasiteChain(depth: 20, releaseAfter: 25, tips: 4), start: 45, rate: 5, node: 9),
        ]
        scenario.consensus = .cumulativeWeight(threshold: 8)
        if walks { scenario.tipSelection = .mcmc(alpha: 0.3, start: .window(W: 3)) }
        let moments = [20.5, 55.0, 70.02, 70.3, 75.1, 90.4, 130.0]
        var checkedWeights = 0
        func check<S: TipSelector>(_ selector: S, weight: (inout S, Int32, NodeView, Tangle) -> Int?) {
            var simulation = gossipSimulation(scenario, selector: selector)
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            for moment in moments {
                _ = engine.run(until: moment, handler: &simulation)
                let tangle = simulation.tangle
                for v in [0, 3, 9, 11] {
                    let visible = { (x: Int) in visibility(simulation, x, at: v) <= moment }
                    var expected = Set<Int32>()
                    for x in 0..<tangle.count where visible(x) {
                        if !tangle.approvers(of: Int32(x)).contains(where: { visible(Int($0)) }) { expected.insert(Int32(x)) }
                        for parent in tangle.parents(of: Int32(x)) { #expect(visible(Int(parent)), "node \(v) sees \(x) before its parent") }
                    }
                    var network = simulation.network
                    let view = network.view(at: v, now: moment, global: simulation.visibleTips, tangle: tangle)
                    var seen = Set<Int32>()
                    view.forEachTip { seen.insert($0) }
                    #expect(seen == expected, "node \(v) at \(moment)")
                    var selector = simulation.devices.selector
                    for x in 0..<tangle.count where tangle.issueTime[x] >= moment - 6 && visible(x) {
                        guard let read = weight(&selector, Int32(x), view, tangle) else { break }
                        #expect(read == bruteForceWeight(of: Int32(x), in: tangle, visible: { visible(Int($0)) }), "x \(x) node \(v) at \(moment)")
                        checkedWeights += 1
                    }
                }
                for case let adversary as Adversary in simulation.issuers where !adversary.releaseTime.isNaN {
                    let node = adversary.configuration.node
                    for x in 1..<tangle.count
                    where tangle.issuerKind[x] == .adversary && tangle.issuer(of: Int32(x)).id == Int32(adversary.number)
                        && Int32(x) != adversary.payment
                    {
                        guard tangle.issueTime[x] < adversary.releaseTime, tangle.visibleTime[x] <= moment || simulation.network.visibility(of: Int32(x), at: 0) != nil else { continue }
                        for v in 0..<12 {
                            let seenAt = visibility(simulation, x, at: v)
                            #expect(seenAt >= adversary.releaseTime, "withheld \(x) at node \(v) before its release")
                            #expect(seenAt >= visibility(simulation, x, at: node), "withheld \(x) reached node \(v) before its attacker's node")
                        }
                    }
                }
            }
            #expect(simulation.issuers.allSatisfy { ($0 as? Adversary)?.releaseTime.isNaN == false }, "both branches released")
        }
        if walks {
            check(MCMCTipSelector(alpha: 0.3, start: .window(W: 3), weights: WindowedWeights(initialCapacity: 64))) { walker, x, view, tangle in
                walker.weight(of: x, view: view, tangle: tangle)
            }
            #expect(checkedWeights > 100)
        } else {
            check(UniformTipSelector()) { _, _, _, _ in nil }
        }
    }

    /// Every attack runs on gossip from its own node, deterministically, and honest
    /// transactions stay valid: no honest past cone holds two members of one conflict set
    /// (brute force over the Tangle). With a coordinator, double spends never succeed and no
    /// conflict is double confirmed.
    @Test(arguments: [0, 1])
    func everyAttackOnGossip(consensus: Int) throws {
        var scenario = gossipScenario(
            nodes: 10, topology: .randomRegular(degree: 3), latency: .exponential(mean: 0.15), lambda: 20, duration: 260)
        scenario.metrics.transactionLog = true
        scenario.metrics.orphanTimeout = 30
        scenario.consensus = consensus == 0 ? .cumulativeWeight(threshold: 10) : .coordinator(CoordinatorConfiguration(interval: 5, node: 6))
        scenario.tipSelection = .mcmc(alpha: 0.5, start: .window(W: 5))
        scenario.adversaries = [
            // Against a coordinator the merchant waits for P's confirmation by milestones.
            AdversaryConfiguration(
                attack: .doubleSpend(acceptWeight: consensus == 0 ? 10 : nil, releaseAfter: 30, persist: 20), start: 60, rate: 30, node: 2),
            AdversaryConfiguration(attack: .parasiteChain(depth: 20, releaseAfter: 30, tips: 5), start: 100, rate: 10, node: 5),
            AdversaryConfiguration(attack: .splitting, start: 140, rate: 5, node: 8),
            AdversaryConfiguration(attack: .tipInflation(target: .age(20)), start: 0, rate: 2, node: 9),
        ]
        let result = Simulation.run(scenario, replication: 0)
        let again = Simulation.run(scenario, replication: 0)
        #expect(result.summary.csvFields.map(\.csvText) == again.summary.csvFields.map(\.csvText), "same scenario, same summary")
        #expect(String(describing: result.attacks) == String(describing: again.attacks), "same scenario, same attacks")
        #expect(result.attacks.map(\.attackerTransactions).allSatisfy { $0 > 0 })
        let tangle = try #require(result.tangle)
        let ledger = try #require(result.ledger)
        var memberOf: [Int32: Int32] = [:]
        for (member, transactions) in ledger.memberTransactions.enumerated() {
            for x in transactions { memberOf[x] = Int32(member) }
        }
        var memberConflict: [Int32: Int32] = [:]
        for (conflict, members) in ledger.conflictMembers.enumerated() {
            for member in members { memberConflict[member] = Int32(conflict) }
        }
        var checked = 0
        for index in 1..<tangle.count where tangle.issuerKind[index] != .adversary {
            var chosen: [Int32: Int32] = [:]
            var stack: [Int32] = [Int32(index)]
            var seen: Set<Int32> = [Int32(index)]
            while let y = stack.popLast() {
                if let member = memberOf[y] {
                    let conflict = memberConflict[member]!
                    if let other = chosen[conflict], other != member {
                        Issue.record("honest \(index) has members \(other) and \(member) of conflict \(conflict) in its past cone")
                    }
                    chosen[conflict] = member
                }
                for parent in tangle.parents(of: y) where seen.insert(parent).inserted { stack.append(parent) }
            }
            checked += 1
        }
        #expect(checked > 1000)
        if consensus == 1 {
            #expect(result.attacks[0].success == false)
            #expect(result.summary[.doubleConfirmations] == .integer(0))
        }
    }
}
