import Foundation
import Testing
@testable import TangleSim

/// Wraps a simulation and records, right after each issue, the new transaction's
/// visibility time at every node (known at issue: flooding and latencies are drawn then).
struct VisibilityRecorder<S: TipSelector>: EventHandler {
    var simulation: TangleSimulation<S, PoissonArrivals, GossipNetworkModel>
    /// Per transaction, its visibility time at each node (the genesis: all zeros).
    var visibility: [[Double]]

    init(_ simulation: TangleSimulation<S, PoissonArrivals, GossipNetworkModel>) {
        self.simulation = simulation
        visibility = [Array(repeating: 0, count: simulation.network.nodes)]
    }

    mutating func handle(_ payload: TangleEvent, engine: inout Engine<TangleEvent>) -> EngineControl {
        let control = simulation.handle(payload, engine: &engine)
        let tangle = simulation.tangle
        while visibility.count < tangle.count {
            let x = Int32(visibility.count)
            visibility.append((0..<simulation.network.nodes).map { simulation.network.visibilityTime(of: x, at: $0, tangle: tangle) })
        }
        return control
    }

    /// Runs the whole scenario.
    mutating func run(until end: Double) -> RunSummary {
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        _ = engine.run(until: end, handler: &self)
        return simulation.finish(at: engine.now)
    }
}

/// Every descendant of `x` (its future cone, x excluded).
func descendants(of x: Int32, in tangle: Tangle) -> [Int32] {
    var seen: Set<Int32> = [x]
    var stack = [x]
    var found: [Int32] = []
    while let node = stack.popLast() {
        for approver in tangle.approvers(of: node) where seen.insert(approver).inserted {
            found.append(approver)
            stack.append(approver)
        }
    }
    return found
}

/// When node `v` confirms `x` under threshold `w` (brute force from the recorded
/// visibilities): the (w − 1)-th earliest sighting of a descendant at v, or nil when x has
/// fewer descendants or that sighting comes after `end`. Only descendants issued before
/// `issuedBefore` count (what existed at a moment of the run).
func bruteForceConfirmation(
    of x: Int32, at v: Int, threshold w: Int, tangle: Tangle, visibility: [[Double]], end: Double,
    issuedBefore: Double = .infinity
) -> Double? {
    let times = descendants(of: x, in: tangle).filter { tangle.issueTime[Int($0)] < issuedBefore }
        .map { visibility[Int($0)][v] }.sorted()
    guard times.count >= w - 1, times[w - 2] <= end else { return nil }
    return times[w - 2]
}

@Suite("Confirmation and reattachment on gossip networks")
struct GossipConfirmationTests {
    static func scenario(seed: UInt64, threshold: Int? = nil, interval: Double? = nil, reattachAfter: Double? = nil) -> Scenario {
        var scenario = Scenario(
            name: "gossip-confirmation", seed: seed, duration: 120,
            devices: [DeviceClass(count: 60, rate: 0.25, reattachAfter: reattachAfter)],
            network: .gossip(
                GossipConfiguration(
                    nodes: 9, topology: .wattsStrogatz(degree: 4, rewire: 0.3), linkLatency: .exponential(mean: 0.3),
                    linkLatencySampling: .perMessage, processingDelay: .uniform(min: 0, max: 0.05))))
        if let threshold { scenario.consensus = .cumulativeWeight(threshold: threshold) }
        if let interval { scenario.consensus = .coordinator(CoordinatorConfiguration(interval: interval, node: 4)) }
        scenario.metrics.orphanTimeout = 20
        return scenario
    }

    @Test("a weight threshold per node: each node's confirmation equals the brute-force replay of its view", arguments: [(1, 3), (2, 8), (3, 25)] as [(UInt64, Int)])
    func weightThresholdPerNode(seed: UInt64, threshold: Int) {
        let scenario = Self.scenario(seed: seed, threshold: threshold)
        var recorder = VisibilityRecorder(gossipSimulation(scenario, selector: UniformTipSelector()))
        let summary = recorder.run(until: 120)
        let simulation = recorder.simulation
        let tangle = simulation.tangle
        let tracker = simulation.confirmation!
        let perNode = simulation.nodeWeights!
        var confirmedEverywhere = 0
        for index in 1..<tangle.count {
            let x = Int32(index)
            let times = (0..<9).map {
                bruteForceConfirmation(of: x, at: $0, threshold: threshold, tangle: tangle, visibility: recorder.visibility, end: 120)
            }
            // The tracker holds the issuing node's time.
            let issuingNode = simulation.network.node(of: tangle.issuer(of: x))
            let expected = times[issuingNode] ?? .nan
            #expect(tracker.confirmedAt[index].isNaN == expected.isNaN && (expected.isNaN || tracker.confirmedAt[index] == expected),
                    "x \(x) at its node \(issuingNode): \(tracker.confirmedAt[index]) against \(expected)")
            // The payload's mean over nodes, once every node has confirmed it.
            let mean = perNode.meanConfirmationTime(ofPayload: x)
            if times.allSatisfy({ $0 != nil }) {
                confirmedEverywhere += 1
                let reference = times.map { $0! }.reduce(0, +) / 9
                #expect(abs(mean - reference) <= 1e-9 * max(1, reference), "x \(x): \(mean) against \(reference)")
            } else {
                #expect(mean.isNaN, "x \(x) is not confirmed at every node")
            }
        }
        #expect(confirmedEverywhere > tangle.count / 2, "most transactions are confirmed everywhere: \(confirmedEverywhere) of \(tangle.count)")
        // The issuing node's latency column: over the judged device payloads (issued at least
        // orphanTimeout before the end) that their node confirmed.
        let judged = (1..<tangle.count).filter {
            tangle.isDeviceTransaction(Int32($0)) && tangle.issueTime[$0] <= 120 - 20 && !tracker.confirmedAt[$0].isNaN
        }
        let issuerNode = judged.map { tracker.confirmedAt[$0] - tangle.issueTime[$0] }
        let reference = issuerNode.reduce(0, +) / Double(issuerNode.count)
        #expect(abs(summary.issuerNodeLatencyMean - reference) <= 1e-9 * reference, "\(summary.issuerNodeLatencyMean) against \(reference)")
        #expect(summary.confirmedFraction > 0.5)
    }

    @Test("reattachment on gossip under milestones: a device reattaches exactly when its node has not seen the payload confirmed", arguments: [1, 2] as [UInt64])
    func reattachUnderMilestones(seed: UInt64) throws {
        var scenario = Self.scenario(seed: seed, interval: 6, reattachAfter: 4)
        scenario.metrics.transactionLog = true
        var recorder = VisibilityRecorder(gossipSimulation(scenario, selector: UniformTipSelector()))
        _ = recorder.run(until: 120)
        let simulation = recorder.simulation
        let tangle = simulation.tangle
        let milestones = simulation.milestones.ids.dropFirst()
        // Which transactions each milestone's past cone holds.
        var cone: [Int32: Set<Int32>] = [:]
        for m in milestones {
            var seen: Set<Int32> = [m]
            var stack = [m]
            while let node = stack.popLast() {
                for parent in tangle.parents(of: node) where seen.insert(parent).inserted { stack.append(parent) }
            }
            cone[m] = seen
        }
        func confirmedAtNode(_ payloadMembers: [Int32], node v: Int, by time: Double) -> Bool {
            milestones.contains { m in
                recorder.visibility[Int(m)][v] <= time && payloadMembers.contains { cone[m]!.contains($0) }
            }
        }
        try checkReattachments(simulation: simulation, after: 4, confirmedAtNode: confirmedAtNode)
    }

    @Test("reattachment on gossip under a weight threshold: a device reattaches exactly when its node has not seen the threshold reached", arguments: [1, 2] as [UInt64])
    func reattachUnderWeights(seed: UInt64) throws {
        var scenario = Self.scenario(seed: seed, threshold: 12, reattachAfter: 2)
        scenario.metrics.transactionLog = true
        var recorder = VisibilityRecorder(gossipSimulation(scenario, selector: UniformTipSelector()))
        _ = recorder.run(until: 120)
        let simulation = recorder.simulation
        let tangle = simulation.tangle
        func confirmedAtNode(_ payloadMembers: [Int32], node v: Int, by time: Double) -> Bool {
            payloadMembers.contains { x in
                bruteForceConfirmation(
                    of: x, at: v, threshold: 12, tangle: tangle, visibility: recorder.visibility, end: time, issuedBefore: time) != nil
            }
        }
        try checkReattachments(simulation: simulation, after: 2, confirmedAtNode: confirmedAtNode)
    }

    /// Every reattachment check of the run, replayed: at issue + `after`, the device's payload
    /// was reattached if and only if its node had not seen it confirmed.
    func checkReattachments<S: TipSelector>(
        simulation: TangleSimulation<S, PoissonArrivals, GossipNetworkModel>, after: Double,
        confirmedAtNode: ([Int32], Int, Double) -> Bool
    ) throws {
        let tangle = simulation.tangle
        let payloads = try #require(simulation.confirmation?.payload)
        var members: [Int32: [Int32]] = [:]
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) { members[payloads[x], default: []].append(Int32(x)) }
        var reattached = 0, notReattached = 0
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) {
            let check = tangle.issueTime[x] + after
            guard check < 120 else { continue }
            let payload = payloads[x]
            let node = simulation.network.node(of: tangle.issuer(of: Int32(x)))
            let earlier = members[payload]!.filter { tangle.issueTime[Int($0)] <= check }
            let again = members[payload]!.first { tangle.issueTime[Int($0)] == check && $0 != Int32(x) }
            let seen = confirmedAtNode(earlier.filter { $0 != again }, node, check)
            if again != nil {
                reattached += 1
                #expect(!seen, "x \(x) was reattached at \(check) although node \(node) had seen payload \(payload) confirmed")
            } else {
                notReattached += 1
                #expect(seen, "x \(x) was not reattached at \(check) although node \(node) had not seen payload \(payload) confirmed")
            }
        }
        print("reattachment checks: \(reattached) reattached, \(notReattached) not")
        #expect(reattached > 20 && notReattached > 20, "both cases occur: \(reattached) reattached, \(notReattached) not")
    }
}
