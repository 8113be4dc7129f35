import Foundation
import Testing

@testable import TangleSim

/// Decodes `text` as the scenario file `aw.json`.
private func decode(_ text: String) throws -> Scenario {
    try Scenario.decode(Array(text.utf8), file: "aw.json")
}

/// The description of the error that decoding `text` throws, or `nil` when it decodes.
private func decodeError(_ text: String) -> String? {
    do {
        _ = try decode(text)
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}

/// A gossip scenario of five nodes whose `consensus` member is `consensus`, plus `extra`
/// top-level members.
private func gossip(_ consensus: String, extra: String = "") -> String {
    #"{"duration": 60, "devices": [{"count": 10, "rate": 1}], "network": {"model": "gossip", "nodes": 5, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}, "consensus": \#(consensus)"#
        + (extra.isEmpty ? "" : ", " + extra) + "}"
}

/// The node each device of `scenario` attaches to (round robin over the scenario's devices,
/// or its class's node), computed from the scenario alone.
private func deviceNodes(_ scenario: Scenario) -> [Int] {
    let nodes = scenario.network.gossip!.nodes
    var result: [Int] = []
    for deviceClass in scenario.devices {
        for _ in 0..<deviceClass.count {
            switch deviceClass.attachment {
            case .roundRobin: result.append(result.count % nodes)
            case .node(let node): result.append(node)
            case .random: preconditionFailure("attachments drawn at random are not replayed here")
            }
        }
    }
    return result
}

/// When node `v` confirms `x` under approval weight, by brute force: the issuing nodes of x
/// and of its descendants, taken in the order v sees them (`visibility`), until their weight
/// (summed in node order) reaches `threshold` of the total; nil when that never happens by
/// `end`. Only transactions issued before `issuedBefore` count (what existed at a moment).
private func bruteForceApproval(
    of x: Int32, at v: Int, weights: [Double], threshold: Double, tangle: Tangle, visibility: [[Double]],
    issuingNode: (Int32) -> Int, end: Double, issuedBefore: Double = .infinity
) -> Double? {
    let total = weights.reduce(0, +)
    let cone = ([x] + descendants(of: x, in: tangle)).filter { tangle.issueTime[Int($0)] < issuedBefore }
    let sightings = cone.map { (time: visibility[Int($0)][v], node: issuingNode($0)) }.filter { $0.time <= end }
        .sorted { $0.time < $1.time }
    var approvers = Set<Int>()
    for sighting in sightings where approvers.insert(sighting.node).inserted {
        let weight = approvers.sorted().map { weights[$0] }.reduce(0, +)
        if weight / total >= threshold { return sighting.time }
    }
    return nil
}

@Suite("Approval weight")
struct ApprovalWeightTests {
    // MARK: Decoding

    @Test("decoding: defaults, Zipf and listed weights, and the resolved form decodes to the same scenario")
    func decodesGoodForms() throws {
        let defaults = try decode(gossip(#"{"kind": "approvalWeight"}"#))
        #expect(defaults.consensus == .approvalWeight(ApprovalWeightConfiguration(threshold: 0.67, weights: .zipf(exponent: 0))))
        #expect(defaults.consensus.kindName == "approvalWeight")
        let zipf = try decode(gossip(#"{"kind": "approvalWeight", "threshold": 1, "weights": {"zipf": 0.9}}"#))
        #expect(zipf.consensus == .approvalWeight(ApprovalWeightConfiguration(threshold: 1, weights: .zipf(exponent: 0.9))))
        let list = try decode(gossip(#"{"kind": "approvalWeight", "threshold": 0.5, "weights": [5, 3, 2, 1, 0.5]}"#))
        #expect(list.consensus == .approvalWeight(ApprovalWeightConfiguration(threshold: 0.5, weights: .list([5, 3, 2, 1, 0.5]))))
        for scenario in [defaults, zipf, list] {
            #expect(try Scenario(json: scenario.resolvedJSON, file: "aw.json") == scenario, "round trip")
        }
        #expect(NodeWeights.zipf(exponent: 0).values(nodes: 3) == [1, 1, 1])
        let harmonic: [Double] = [1, 1.0 / 2, 1.0 / 3, 1.0 / 4]
        let zipfOne = NodeWeights.zipf(exponent: 1).values(nodes: 4)
        #expect(zip(zipfOne, harmonic).allSatisfy { abs($0 - $1) <= 1e-15 }, "\(zipfOne)")
        // A comparison of the two weight rules on one network.
        let compare = try decode(
            gossip(
                #"{"kind": "cumulativeWeight", "threshold": 10}"#,
                extra: #""variants": [{"label": "CW"}, {"label": "AW", "consensus": {"kind": "approvalWeight", "weights": {"zipf": 0.9}}}]"#))
        #expect(compare.applying(compare.variants[1]).consensus.approvalWeight?.weights == .zipf(exponent: 0.9))
    }

    @Test(
        "decoding: every bad form is refused with a message naming its field",
        arguments: [
            (gossip(#"{"kind": "approvalWeight", "threshold": 0}"#), "aw.json: consensus.threshold: expected a number greater than 0 and at most 1, got 0"),
            (gossip(#"{"kind": "approvalWeight", "threshold": 1.5}"#), "aw.json: consensus.threshold: expected a number greater than 0 and at most 1, got 1.5"),
            (gossip(#"{"kind": "approvalWeight", "threshold": "0.67"}"#), #"aw.json: consensus.threshold: expected a number greater than 0 and at most 1, got "0.67""#),
            (gossip(#"{"kind": "approvalWeight", "treshold": 0.5}"#), #"aw.json: consensus.treshold: unknown key "treshold"; did you mean "threshold"?"#),
            (gossip(#"{"kind": "approvalWeight", "weights": 3}"#), #"aw.json: consensus.weights: expected a list of positive numbers (one per gossip node) or an object like {"zipf": 0.9}, got 3"#),
            (gossip(#"{"kind": "approvalWeight", "weights": []}"#), "aw.json: consensus.weights: expected one positive weight per gossip node, got an empty list"),
            (gossip(#"{"kind": "approvalWeight", "weights": [1, 0, 1, 1, 1]}"#), "aw.json: consensus.weights[1]: expected a positive number, got 0"),
            (gossip(#"{"kind": "approvalWeight", "weights": [1, 1, 1, 1, -2]}"#), "aw.json: consensus.weights[4]: expected a positive number, got -2"),
            (gossip(#"{"kind": "approvalWeight", "weights": [1, "1", 1, 1, 1]}"#), #"aw.json: consensus.weights[1]: expected a positive number, got "1""#),
            (gossip(#"{"kind": "approvalWeight", "weights": [3, 2, 1]}"#), "aw.json: consensus.weights: expected 5 weights, one per gossip node (network.nodes is 5), got 3"),
            (gossip(#"{"kind": "approvalWeight", "weights": {}}"#), #"aw.json: consensus.weights.zipf: required key is missing (expected a non-negative number)"#),
            (gossip(#"{"kind": "approvalWeight", "weights": {"zipf": -1}}"#), "aw.json: consensus.weights.zipf: expected a non-negative number, got -1"),
            (gossip(#"{"kind": "approvalWeight", "weights": {"zipf": 0.9, "total": 10}}"#), #"aw.json: consensus.weights.total: unknown key "total"; known keys: zipf"#),
            (#"{"duration": 60, "devices": [{"count": 10, "rate": 1}], "consensus": {"kind": "approvalWeight"}}"#,
             #"aw.json: consensus.kind: approval weight weighs the nodes that issued into a transaction's future cone as each node sees it: it needs a gossip network ("network": {"model": "gossip", ...})"#),
            (#"{"duration": 60, "devices": [{"count": 10, "rate": 1}], "variants": [{"label": "AW", "consensus": {"kind": "approvalWeight"}}]}"#,
             #"aw.json: variants[0].consensus.kind: approval weight weighs the nodes that issued into a transaction's future cone as each node sees it: it needs a gossip network ("network": {"model": "gossip", ...})"#),
            (#"{"duration": 60, "devices": [{"count": 10, "rate": 1}], "network": {"model": "gossip", "nodes": 5, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}, "variants": [{"label": "AW", "consensus": {"kind": "approvalWeight", "weights": [1, 2]}}]}"#,
             "aw.json: variants[0].consensus.weights: expected 5 weights, one per gossip node (network.nodes is 5), got 2"),
        ] as [(String, String)])
    func refusesBadForms(json: String, message: String) {
        #expect(decodeError(json) == message)
    }

    @Test("a warning when the nodes no device attaches to hold the weight the threshold needs")
    func warnsWhenOutOfReach() throws {
        // Devices on nodes 0 and 1 only (round robin over two devices): they hold 2 of 5.
        let silent = try decode(
            #"{"duration": 600, "devices": [{"count": 2, "rate": 1}], "network": {"model": "gossip", "nodes": 5, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}, "consensus": {"kind": "approvalWeight"}}"#)
        #expect(
            silent.warnings(file: "aw.json").map(\.description) == [
                "aw.json: consensus.weights: the 3 nodes with no device or adversary attached (the first: node 2) hold 60% of the weight, so the nodes that issue never reach the threshold (0.67) and no transaction will be confirmed; attach devices to them or lower their weights"
            ])
        // Weighted towards nodes 0 and 1 (7 and 2 of 10), or a threshold they reach: no warning.
        var heavy = silent
        heavy.consensus = .approvalWeight(ApprovalWeightConfiguration(weights: .list([7, 2, 0.5, 0.25, 0.25])))
        #expect(heavy.warnings(file: "aw.json").isEmpty)
        var low = silent
        low.consensus = .approvalWeight(ApprovalWeightConfiguration(threshold: 0.4))
        #expect(low.warnings(file: "aw.json").isEmpty)
        // Devices attached at random may land anywhere: no warning.
        var random = silent
        random.devices[0].attachment = .random
        #expect(random.warnings(file: "aw.json").isEmpty)
    }

    // MARK: Exact weights

    @Test("weights in integer units: exact ratios, and the threshold as written")
    func units() {
        let hand = NodeWeightUnits(weights: [4, 3, 2, 1], threshold: 0.5)
        let unit = hand.units[3]
        #expect(Array(hand.units) == [4 * unit, 3 * unit, 2 * unit, unit] && hand.total == 10 * unit)
        #expect(hand.required == 5 * unit, "half of 10 is reached by exactly 5")
        #expect(hand.total < 1 << 53 && hand.total >= 1 << 51, "sums of units are exact doubles")
        // 67 of 100 equal nodes reach 0.67 (0.67 × 100 in doubles is 67.00000000000001).
        let hundred = NodeWeightUnits(weights: Array(repeating: 1, count: 100), threshold: 0.67)
        #expect(hundred.required == 67 * hundred.units[0])
        let above = NodeWeightUnits(weights: Array(repeating: 1, count: 100), threshold: 0.671).required
        #expect(above > 67 * hundred.units[0] && above <= 68 * hundred.units[0], "0.671 needs 68 of them")
        #expect(NodeWeightUnits(weights: [1, 1, 1], threshold: 1).required == NodeWeightUnits(weights: [1, 1, 1], threshold: 1).total)
        #expect(NodeWeightUnits(weights: [1, 1, 1], threshold: 1e-300).required == 1)
        // Order never matters: 0.1 + 0.2 + 0.3 as units is one integer.
        let tenths = NodeWeightUnits(weights: [0.1, 0.2, 0.3, 0.4], threshold: 0.6)
        #expect(tenths.units[0] + tenths.units[1] + tenths.units[2] == tenths.units[2] + tenths.units[1] + tenths.units[0])
        // Zipf weights keep their ratios to about 2^-40.
        let zipf = NodeWeights.zipf(exponent: 0.9).values(nodes: 1000)
        let scaled = NodeWeightUnits(weights: zipf, threshold: 0.67)
        for i in [1, 10, 999] {
            let ratio = Double(scaled.units[i]) / Double(scaled.units[0])
            #expect(abs(ratio - zipf[i]) <= 1e-12, "node \(i): \(ratio) against \(zipf[i])")
        }
        // Extreme but legal weights are scaled, not overflowed.
        let tiny = NodeWeightUnits(weights: [5e-324, 1e-300], threshold: 0.5)
        #expect(tiny.units[1] > 0 && tiny.required == (tiny.total + 1) / 2)
        let huge = NodeWeightUnits(weights: [1e300, 1e300], threshold: 0.5)
        #expect(huge.units[0] == huge.units[1] && huge.required == huge.units[0])
        // A Zipf exponent so large that every weight but node 0's underflows: node 0 alone.
        let steep = NodeWeightUnits(weights: NodeWeights.zipf(exponent: 1e300).values(nodes: 3), threshold: 0.67)
        #expect(Array(steep.units.dropFirst()) == [0, 0] && steep.total == steep.units[0])
    }

    // MARK: The rule

    /// Four nodes of weights 4, 3, 2, 1 (node i has device i) in a full mesh with 1 s links;
    /// threshold 0.5: approvers holding 5 of 10 confirm. A chain a ← b ← c ← d ← e, issued at
    /// 0, 2, 4, 6, 8 s from nodes 1, 2, 3, 0, 3; each is visible at its own node at once and
    /// everywhere else 1 s later. By hand:
    /// - a (node 1, weight 3): with b's issuer (2) it has 5 — at node 2 when b is issued (2 s),
    ///   elsewhere when b arrives (3 s).
    /// - b (node 2): 2, with c's node 3; d's node 0 brings 7: at node 0 at 6 s, elsewhere 7 s.
    /// - c (node 3): 1; with d's node 0 exactly 5 — at node 0 at 6 s, elsewhere 7 s.
    /// - d (node 0): 4; with e's node 3 exactly 5 — at node 3 at 8 s, elsewhere 9 s.
    /// - e (node 3): 1, never.
    @Test("a hand-worked trace: four weighted nodes, a chain of five transactions")
    func handWorked() throws {
        let configuration = GossipConfiguration(nodes: 4, topology: .fullMesh, linkLatency: .constant(1))
        let approval = ApprovalWeightConfiguration(threshold: 0.5, weights: .list([4, 3, 2, 1]))
        let scenario = Scenario(
            name: "hand", duration: 10, devices: [DeviceClass(count: 4, rate: 1)], network: .gossip(configuration),
            consensus: .approvalWeight(approval))
        var network = try GossipNetworkModel(configuration, scenario: scenario, replication: 0)
        var tangle = Tangle(parents: 1)
        var tracker = ConfirmationTracker(rule: .approvalWeight, payloads: false)
        var rule = ApprovalWeightConfirmation(
            nodes: 4, weights: NodeWeightUnits(weights: [4, 3, 2, 1], threshold: 0.5), payloads: false)
        rule.recordConfirmationTimes()
        let stream = RandomStream(seed: 1, replication: 0, stream: .arrivals)
        for (time, device) in [(0.0, 1), (2, 2), (4, 3), (6, 0), (8, 3)] as [(Double, Int32)] {
            let x = Int32(tangle.count)
            let everywhere = network.broadcast(x, parents: [x - 1], from: Int(device), at: time, stream: stream)
            tangle.append(issueTime: time, visibleTime: everywhere, issuer: .device(device), parents: [x - 1])
            tracker.didIssue(x, payload: x)
            rule.didIssue(x, from: Int(device), withheld: false, network: network, tangle: tangle)
        }
        rule.advance(to: 20, tangle: tangle, confirmation: &tracker)
        let nan = Double.nan
        let expected: [[Double]] = [
            [0, 0, 0, 0],  // the genesis
            [3, 3, 2, 3], [6, 7, 7, 7], [6, 7, 7, 7], [9, 9, 9, 8], [nan, nan, nan, nan],
        ]
        let times = try #require(rule.confirmationTimes)
        for x in 0..<6 {
            let got = (0..<4).map { times[x * 4 + $0] }
            #expect(got.elementsEqual(expected[x]) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "transaction \(x): \(got)")
        }
        // The tracker holds the issuing node's time; the payloads the mean over nodes.
        let issuing: [Double] = [0, 3, 7, 7, 9, nan]
        #expect(tracker.confirmedAt.elementsEqual(issuing) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(tracker.confirmedAt)")
        #expect((1...4).map { rule.meanConfirmationTime(ofPayload: Int32($0)) } == [2.75, 6.75, 6.75, 8.75])
        #expect(rule.meanConfirmationTime(ofPayload: 5).isNaN)
    }

    /// A small gossip run of `nodes` nodes: 3 devices a node round robin, and two faster
    /// devices on the last node (so nodes issue at unequal rates), per-message latencies and
    /// random processing delays (visibility orders differ from node to node).
    static func scenario(seed: UInt64, nodes: Int, weights: NodeWeights, threshold: Double, reattachAfter: Double? = nil) -> Scenario {
        var scenario = Scenario(
            name: "approval-weight", seed: seed, duration: 120,
            devices: [
                DeviceClass(count: 3 * nodes, rate: 0.15, reattachAfter: reattachAfter),
                DeviceClass(count: 2, rate: 1, reattachAfter: reattachAfter, attachment: .node(nodes - 1)),
            ],
            network: .gossip(
                GossipConfiguration(
                    nodes: nodes, topology: .wattsStrogatz(degree: 2, rewire: 0.3), linkLatency: .exponential(mean: 0.3),
                    linkLatencySampling: .perMessage, processingDelay: .uniform(min: 0, max: 0.05))),
            consensus: .approvalWeight(ApprovalWeightConfiguration(threshold: threshold, weights: weights)))
        scenario.metrics.orphanTimeout = 20
        return scenario
    }

    @Test(
        "brute force: each transaction's confirmation at each node equals the replay of the issuing nodes of its visible future cone",
        arguments: [
            (1, 5, NodeWeights.list([5, 3, 2, 1, 1]), 0.67),
            (2, 7, .zipf(exponent: 0.9), 0.5),
            (3, 6, .list([1, 1, 1, 1, 1, 1]), 1),
            (4, 5, .list([6, 1, 1, 1, 1]), 0.5),
            (5, 8, .zipf(exponent: 2), 0.67),
            (6, 4, .list([1, 1, 1, 1]), 0.5),  // ties: exactly half the weight confirms
        ] as [(UInt64, Int, NodeWeights, Double)])
    func bruteForce(seed: UInt64, nodes: Int, weights: NodeWeights, threshold: Double) throws {
        let scenario = Self.scenario(seed: seed, nodes: nodes, weights: weights, threshold: threshold)
        var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
        simulation.approvalWeights!.recordConfirmationTimes()
        var recorder = VisibilityRecorder(simulation)
        let summary = recorder.run(until: 120)
        simulation = recorder.simulation
        let tangle = simulation.tangle
        let rule = try #require(simulation.approvalWeights)
        let times = try #require(rule.confirmationTimes)
        let tracker = try #require(simulation.confirmation)
        let attached = deviceNodes(scenario)
        let issuingNode = { (y: Int32) in attached[Int(tangle.issuer(of: y).id)] }
        // Zipf weights computed here, not by NodeWeights.
        let values: [Double] =
            switch weights {
            case .list(let list): list
            case .zipf(let s): (0..<nodes).map { 1 / Foundation.pow(Double($0 + 1), s) }
            }
        var confirmed = 0, unconfirmed = 0
        var latencies: [Double] = []
        var judged = 0
        #expect((0..<nodes).allSatisfy { times[$0] == 0 }, "the genesis is confirmed everywhere at 0")
        for index in 1..<tangle.count {
            let x = Int32(index)
            let expected = (0..<nodes).map {
                bruteForceApproval(
                    of: x, at: $0, weights: values, threshold: threshold, tangle: tangle, visibility: recorder.visibility,
                    issuingNode: issuingNode, end: 120)
            }
            for v in 0..<nodes {
                let got = times[index * nodes + v]
                if let time = expected[v] {
                    confirmed += 1
                    #expect(got == time, "x \(x) at node \(v): \(got) against \(time)")
                } else {
                    unconfirmed += 1
                    #expect(got.isNaN, "x \(x) at node \(v): \(got), never confirmed by brute force")
                }
            }
            // The tracker: the issuing node's time.
            let own = expected[issuingNode(x)] ?? .nan
            #expect(tracker.confirmedAt[index] == own || (own.isNaN && tracker.confirmedAt[index].isNaN), "x \(x) at its node")
            // latency_*: judged payloads (issued at least orphanTimeout before the end), mean over nodes.
            guard tangle.issueTime[index] <= 100 else { continue }
            judged += 1
            if expected.allSatisfy({ $0 != nil }) {
                latencies.append(expected.map { $0! }.reduce(0, +) / Double(nodes) - tangle.issueTime[index])
            }
        }
        #expect(confirmed > 20 * nodes && unconfirmed > 0, "\(confirmed) confirmed and \(unconfirmed) unconfirmed (transaction, node) pairs")
        #expect(summary.confirmedFraction == Double(latencies.count) / Double(judged))
        let mean = latencies.reduce(0, +) / Double(latencies.count)
        #expect(abs(summary.latencyMean - mean) <= 1e-9 * mean, "latency_mean \(summary.latencyMean) against \(mean)")
    }

    @Test("reattachment under approval weight: a device reattaches exactly when its node has not seen its payload confirmed", arguments: [1, 2] as [UInt64])
    func reattachment(seed: UInt64) throws {
        let weights: [Double] = [3, 1, 1, 2, 1, 1]
        var scenario = Self.scenario(seed: seed, nodes: 6, weights: .list(weights), threshold: 0.8, reattachAfter: 3)
        scenario.metrics.transactionLog = true
        var recorder = VisibilityRecorder(gossipSimulation(scenario, selector: UniformTipSelector()))
        _ = recorder.run(until: 120)
        let simulation = recorder.simulation
        let tangle = simulation.tangle
        let attached = deviceNodes(scenario)
        func confirmedAtNode(_ payloadMembers: [Int32], node v: Int, by time: Double) -> Bool {
            payloadMembers.contains { x in
                bruteForceApproval(
                    of: x, at: v, weights: weights, threshold: 0.8, tangle: tangle, visibility: recorder.visibility,
                    issuingNode: { attached[Int(tangle.issuer(of: $0).id)] }, end: time, issuedBefore: time) != nil
            }
        }
        try GossipConfirmationTests().checkReattachments(simulation: simulation, after: 3, confirmedAtNode: confirmedAtNode)
    }

    // MARK: Cost

    /// 20 nodes, 100,000 transactions: per transaction and node a 16-byte record (the weight
    /// and one word of approver bits), 320 bytes a transaction, grown by doubling from empty;
    /// 1,000 nodes and 10^6 transactions need 136,000 bytes a transaction and are refused.
    @Test("the estimate counts the approval-weight records and refuses too many nodes")
    func estimate() {
        var scenario = gossipScenario(nodes: 20, topology: .randomRegular(degree: 4), latency: .constant(0.1), lambda: 50, transactions: 100_000)
        scenario.consensus = .approvalWeight(ApprovalWeightConfiguration(weights: .zipf(exponent: 0.9)))
        let estimate = RunEstimate(scenario, use: .inMemory)
        let records = estimate.components.first { $0.name == "approval-weight records" }
        #expect(records?.field == "network.nodes")
        // At least the records of every transaction (n = 100,001), at most with the payload
        // sums, the doubling's slack and the waiting visibilities.
        let n = 100_001.0
        #expect((records?.residentBytes ?? 0) >= 320 * n)
        #expect((records?.residentBytes ?? .infinity) <= 2 * 320 * n)
        var large = gossipScenario(nodes: 1000, topology: .randomRegular(degree: 4), latency: .constant(0.1), lambda: 50, transactions: 1_000_000)
        large.consensus = scenario.consensus
        let machine = [MemoryLimit(source: .physicalMemory, bytes: 24 * 1024 * 1024 * 1024)]
        let refusal = WorkloadEstimate.single(large, file: "aw.json").refusal(limits: machine)?.description ?? ""
        #expect(
            refusal.hasPrefix(
                "aw.json: network.nodes: approvers (1000 bits) and approval weight at 1000 nodes of a Tangle of 1000001 transactions needs about "),
            "\(refusal)")
        #expect(refusal.contains("of approval-weight records"))
        // The rule not in use costs nothing: no such component.
        scenario.consensus = .none
        #expect(!RunEstimate(scenario, use: .inMemory).components.contains { $0.name == "approval-weight records" })
    }
}
