import Foundation
import Testing
@testable import TangleSim

/// A gossip scenario on a random 4-regular graph with constant link latency 0.05 s and
/// `churn`.
private func churnScenario(
    nodes: Int = 10, churn: GossipChurn, lambda: Double = 10, devices: Int = 30, duration: Double = 200, seed: UInt64 = 1
) -> Scenario {
    var scenario = gossipScenario(
        nodes: nodes, topology: .randomRegular(degree: 4), latency: .constant(0.05), lambda: lambda, devices: devices,
        duration: duration, seed: seed)
    scenario.network = .gossip(
        GossipConfiguration(
            nodes: nodes, topology: .randomRegular(degree: 4), linkLatency: .constant(0.05), requestDelay: 0.5, churn: churn))
    return scenario
}

/// Node v's offline periods in `schedule`, read from its arrays.
private func periods(_ schedule: ChurnSchedule, _ v: Int) -> [(start: Double, end: Double)] {
    (schedule.offsets[v]..<schedule.offsets[v + 1]).map { (schedule.wentOffline[$0], schedule.cameBack[$0]) }
}

/// Whether node v is offline at `time`, by a linear scan of its periods.
private func offline(_ schedule: ChurnSchedule, _ v: Int, at time: Double) -> Bool {
    periods(schedule, v).contains { $0.start <= time && time < $0.end }
}

/// When node v has caught up with what its peers had at `time`, by a linear scan: the first
/// return at or after `time` after which it stays online `syncDelay`.
private func caughtUp(_ schedule: ChurnSchedule, _ v: Int, after time: Double, syncDelay: Double) -> Double {
    let list = periods(schedule, v)
    guard var k = list.firstIndex(where: { $0.end >= time }) else { return .infinity }
    while k + 1 < list.count, list[k].end + syncDelay >= list[k + 1].start { k += 1 }
    return list[k].end + syncDelay
}

@Suite("Gossip churn")
struct GossipChurnTests {
    @Test("the schedule: periods alternate up to the horizon, the always-online nodes have none, and its queries match linear scans")
    func scheduleQueries() {
        let churn = GossipChurn(meanOnline: 5, meanOffline: 2, syncDelay: 1.5)
        let schedule = ChurnSchedule(
            churn, nodes: 6, horizon: 100, alwaysOnline: [4], rng: RandomStream(seed: 2, replication: 0, stream: .churn))
        #expect(periods(schedule, 4).isEmpty)
        var probes: [Double] = (0..<2_000).map { Double($0) * 0.0517 }
        for v in 0..<6 where v != 4 {
            let list = periods(schedule, v)
            #expect(list.count > 5, "node \(v) goes offline repeatedly in 100 s")
            for (k, period) in list.enumerated() {
                #expect(period.start < period.end)
                if k > 0 { #expect(list[k - 1].end < period.start) }
                probes += [period.start, period.end, period.end + 1.5, period.start - 1e-9]
            }
            // The draws stop once a period passes the horizon.
            #expect(list.last!.end >= 100 || list.count < 100)
        }
        for v in 0..<6 {
            for time in probes {
                #expect(schedule.isOffline(v, at: time) == offline(schedule, v, at: time), "node \(v) at \(time)")
                let back = periods(schedule, v).first { $0.start <= time && time < $0.end }?.end
                #expect(schedule.returnTime(of: v, at: time) == back)
                #expect(schedule.syncTime(of: v, after: time) == caughtUp(schedule, v, after: time, syncDelay: 1.5))
            }
        }
    }

    @Test("a line 0–1–2 with node 0 always online: each node's first arrival is the earliest of gossip over online nodes and its catch-up, as a brute-force relaxation finds")
    func lineArrivals() throws {
        let latency = 0.1, syncDelay = 0.4
        let configuration = GossipConfiguration(
            nodes: 3, topology: .edges([[0, 1], [1, 2]]), linkLatency: .constant(latency),
            churn: GossipChurn(meanOnline: 3, meanOffline: 2, syncDelay: syncDelay))
        var network = try GossipNetwork(configuration, seed: 5, replication: 0, horizon: 300, alwaysOnline: [0])
        let schedule = network.churnSchedule!
        var arrival = [Double](repeating: 0, count: 3)
        var sender = [Int32](repeating: 0, count: 3)
        var caughtUpCount = 0, relayedFromFar = 0
        for step in 0..<750 {
            let t = Double(step) * 0.37
            arrival.withUnsafeMutableBufferPointer { a in
                sender.withUnsafeMutableBufferPointer { s in network.lossyArrivals(from: 0, at: t, into: a, sender: s) }
            }
            // Brute force: relax every link both ways until nothing changes; a message arrives
            // only at a node online then; each node also has its catch-up.
            var best = [t, caughtUp(schedule, 1, after: t, syncDelay: syncDelay), caughtUp(schedule, 2, after: t, syncDelay: syncDelay)]
            var changed = true
            while changed {
                changed = false
                for (v, u) in [(0, 1), (1, 0), (1, 2), (2, 1)] where best[v] < .infinity {
                    let candidate = best[v] + latency
                    if candidate < best[u], !offline(schedule, u, at: candidate) {
                        best[u] = candidate
                        changed = true
                    }
                }
            }
            #expect(arrival == best, "broadcast at \(t)")
            for v in 1...2 where arrival[v] < .infinity {
                #expect(!schedule.isOffline(v, at: arrival[v]), "node \(v) receives nothing while offline")
            }
            if arrival[1] == caughtUp(schedule, 1, after: t, syncDelay: syncDelay) { caughtUpCount += 1 }
            if sender[1] == 2 { relayedFromFar += 1 }
        }
        #expect(caughtUpCount > 20, "node 1 often catches up after a return")
        #expect(relayedFromFar > 0, "node 2, caught up first, forwards to node 1")
    }

    @Test("in a run: no node sees anything while offline, each sees a transaction by its catch-up at the latest, devices on offline nodes issue nothing and issue what they held at the return", arguments: 1...2)
    func runChecks(seed: UInt64) {
        let syncDelay = 2.0, duration = 200.0
        let scenario = churnScenario(churn: GossipChurn(meanOnline: 20, meanOffline: 5, syncDelay: syncDelay), seed: seed)
        var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
        let schedule = simulation.network.network.churnSchedule!
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var checked = 0, whileOffline: [String] = [], late: [String] = []
        var moment = 0.0
        while moment < duration {
            moment += 0.25
            _ = engine.run(until: moment, handler: &simulation)
            let network = simulation.network
            for x in network.inFlight where network.slot[Int(x)] >= 0 {
                let issued = simulation.tangle.issueTime[Int(x)]
                for v in 0..<10 {
                    let seen = network.visibility(of: x, at: v)!
                    guard seen < .infinity else { continue }
                    checked += 1
                    if schedule.isOffline(v, at: seen) { whileOffline.append("\(x) at node \(v): \(seen)") }
                    if seen > schedule.syncTime(of: v, after: issued) { late.append("\(x) at node \(v): \(seen)") }
                }
            }
        }
        #expect(checked > 10_000)
        #expect(whileOffline.isEmpty, "\(whileOffline.prefix(5))")
        #expect(late.isEmpty, "\(late.prefix(5))")
        let tangle = simulation.tangle
        var deviceTransactions = 0, atReturns = 0
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) {
            deviceTransactions += 1
            let node = simulation.network.node(of: tangle.issuer(of: Int32(x)))
            let issued = tangle.issueTime[x]
            #expect(!schedule.isOffline(node, at: issued), "transaction \(x) issued at node \(node) offline at \(issued)")
            let wanted = tangle.wantedTime(of: Int32(x))
            if periods(schedule, node).contains(where: { $0.end == issued && $0.start <= wanted && wanted < issued }) {
                // Held: wanted while its node was offline (latency counts from then).
                atReturns += 1
            } else {
                #expect(wanted == issued, "transaction \(x): wanted \(wanted), issued \(issued), not held")
            }
            // Visible everywhere by the last catch-up, when that comes within the run.
            var bound = issued
            for v in 0..<10 where v != node { bound = max(bound, schedule.syncTime(of: v, after: issued)) }
            if bound <= duration { #expect(tangle.visibleTime[x] <= bound, "transaction \(x) issued at \(issued)") }
        }
        #expect(atReturns > 10, "held transactions are issued when their node returns")
        let held = simulation.network.faults!.held.map(\.count).reduce(0, +)
        #expect(simulation.devices.issued == deviceTransactions + held, "every arrival is issued or still held")
    }

    @Test("node_offline_fraction: its mean over 20 replications matches meanOffline / (meanOnline + meanOffline) = 0.25 (Student, α = 0.001); only churn writes the column")
    func offlineFraction() throws {
        let scenario = churnScenario(
            nodes: 20, churn: GossipChurn(meanOnline: 30, meanOffline: 10, syncDelay: 1), lambda: 2, devices: 20, duration: 600,
            seed: 7)
        let runs = summaries(of: scenario, replications: 20)
        let fractions = runs.map { $0.number(.nodeOfflineFraction) }
        let (mean, se) = CheckStatistics.meanAndStandardError(fractions)
        #expect(abs(mean - 0.25) < twoSidedT(degreesOfFreedom: 19) * se, "\(describe(fractions))")
        for summary in runs { #expect(summary.hasChurnColumns) }
        let header = try #require(RunOutput.summaryCSV([runs[0]]).split(separator: "\n").first)
        #expect(header.hasSuffix(",node_propagation_p90,node_offline_fraction"))
        var plain = scenario
        plain.network = .gossip(GossipConfiguration(nodes: 20, topology: .randomRegular(degree: 4), linkLatency: .constant(0.05)))
        let summary = Simulation.run(plain).summary
        #expect(!summary.hasChurnColumns)
        #expect(RunOutput.summaryCSV([summary]).split(separator: "\n").first.map(String.init) == RunSummary.csvHeader.joined(separator: ","))
    }
}
