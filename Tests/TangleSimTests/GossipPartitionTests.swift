import Foundation
import Testing
@testable import TangleSim

/// A gossip scenario on a random 4-regular graph of `nodes` nodes with constant link latency
/// 0.05 s, split by `partitions`.
private func partitionedScenario(
    nodes: Int = 20, partitions: [GossipPartition], lambda: Double = 20, duration: Double = 300, seed: UInt64 = 1
) -> Scenario {
    var scenario = gossipScenario(
        nodes: nodes, topology: .randomRegular(degree: 4), latency: .constant(0.05), lambda: lambda, devices: 40,
        duration: duration, seed: seed)
    scenario.network = .gossip(
        GossipConfiguration(
            nodes: nodes, topology: .randomRegular(degree: 4), linkLatency: .constant(0.05), requestDelay: 0.3,
            partitions: partitions))
    return scenario
}

@Suite("Gossip partitions")
struct GossipPartitionTests {
    @Test("the first side holds ⌈split·N⌉ nodes (at most N − 1), drawn from the seed alone: the traffic does not move it")
    func sides() throws {
        for (split, nodes, expected) in [(0.5, 20, 10), (0.31, 10, 4), (0.01, 10, 1), (0.99, 10, 9), (0.5, 2, 1), (0.75, 7, 6)] {
            let schedule = PartitionSchedule(
                [GossipPartition(start: 1, end: 2, split: split)], nodes: nodes,
                rng: RandomStream(seed: 3, replication: 0, stream: .partitions))
            #expect((0..<nodes).filter { schedule.isOnFirstSide($0, partition: 0) }.count == expected, "split \(split) of \(nodes)")
        }
        let partitions = [GossipPartition(start: 10, end: 20, split: 0.5), GossipPartition(start: 30, end: 40, split: 0.3)]
        let quiet = try GossipNetworkModel(
            partitionedScenario(partitions: partitions, lambda: 1).network.gossip!,
            scenario: partitionedScenario(partitions: partitions, lambda: 1), replication: 2)
        let busy = try GossipNetworkModel(
            partitionedScenario(partitions: partitions, lambda: 50).network.gossip!,
            scenario: partitionedScenario(partitions: partitions, lambda: 50), replication: 2)
        #expect(quiet.network.partitionSchedule!.firstSide == busy.network.partitionSchedule!.firstSide)
        let other = try GossipNetworkModel(
            partitionedScenario(partitions: partitions).network.gossip!, scenario: partitionedScenario(partitions: partitions),
            replication: 3)
        #expect(other.network.partitionSchedule!.firstSide != quiet.network.partitionSchedule!.firstSide)
    }

    @Test("a message across the cut leaving during [start, end) is blocked; requests across it wait for the end")
    func cut() {
        let schedule = PartitionSchedule(
            [GossipPartition(start: 10, end: 20, split: 0.5), GossipPartition(start: 20, end: 25, split: 0.5)], nodes: 4,
            rng: RandomStream(seed: 1, replication: 0, stream: .partitions))
        let a = (0..<4).filter { schedule.isOnFirstSide($0, partition: 0) }
        let b = (0..<4).filter { !schedule.isOnFirstSide($0, partition: 0) }
        #expect(a.count == 2 && b.count == 2)
        for (time, blocked) in [(9.999, false), (10.0, true), (19.999, true), (30.0, false)] {
            #expect(schedule.blocks(from: a[0], to: b[0], departing: time) == blocked, "at \(time)")
            #expect(schedule.blocks(from: b[1], to: a[1], departing: time) == blocked, "at \(time)")
            #expect(!schedule.blocks(from: a[0], to: a[1], departing: time))
            #expect(!schedule.blocks(from: b[0], to: b[1], departing: time))
        }
        #expect(schedule.deliveryTime(from: a[0], to: b[0], departing: 12) >= 20)
        #expect(schedule.deliveryTime(from: a[0], to: a[1], departing: 12) == 12)
        #expect(schedule.deliveryTime(from: a[0], to: b[0], departing: 5) == 5)
        // Back to back: across the second cut as well when the sides differ there too.
        let second = schedule.blocks(from: a[0], to: b[0], departing: 20)
        #expect(schedule.deliveryTime(from: a[0], to: b[0], departing: 12) == (second ? 25 : 20))
    }

    @Test("a partition from 100 to 160 s: no transaction issued on one side during it is visible on the other before 160; the sides' tips diverge; after it every transaction reaches every node", arguments: 1...2)
    func divergeAndMerge(seed: UInt64) {
        let start = 100.0, end = 160.0, duration = 300.0
        let scenario = partitionedScenario(partitions: [GossipPartition(start: start, end: end, split: 0.5)], seed: seed)
        var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
        let schedule = simulation.network.network.partitionSchedule!
        let side = { (v: Int) in schedule.isOnFirstSide(v, partition: 0) }
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        _ = engine.run(until: end - 0.001, handler: &simulation)
        do {
            let tangle = simulation.tangle
            let moment = end - 0.001
            var issuedDuring = [0, 0]
            for x in 1..<tangle.count where tangle.issueTime[x] >= start {
                let origin = simulation.network.node(of: tangle.issuer(of: Int32(x)))
                issuedDuring[side(origin) ? 0 : 1] += 1
                for v in 0..<20 where side(v) != side(origin) {
                    #expect(visibility(simulation, x, at: v) >= end, "transaction \(x) from node \(origin) at node \(v)")
                }
            }
            #expect(issuedDuring[0] > 300 && issuedDuring[1] > 300, "\(issuedDuring)")
            // Each side's tips: every tip issued after start + 1 s comes from the node's own side,
            // and every node has such a tip.
            for v in 0..<20 {
                var network = simulation.network
                let view = network.view(at: v, now: moment, global: simulation.visibleTips, tangle: tangle)
                var recent = 0
                view.forEachTip { tip in
                    guard tangle.issueTime[Int(tip)] >= start + 1 else { return }
                    recent += 1
                    #expect(side(simulation.network.node(of: tangle.issuer(of: tip))) == side(v), "tip \(tip) at node \(v)")
                }
                #expect(recent > 0, "node \(v) has tips of its own side")
            }
        }
        let requestsBefore = simulation.network.faults!.requests
        _ = engine.run(until: duration, handler: &simulation)
        let tangle = simulation.tangle
        #expect(simulation.network.faults!.requests > requestsBefore, "the merge fetched the other side's past")
        for x in 1..<tangle.count where tangle.issueTime[x] < duration - 30 {
            #expect(tangle.visibleTime[x] <= duration, "transaction \(x) issued at \(tangle.issueTime[x])")
        }
        for x in 1..<tangle.count where tangle.issueTime[x] >= start && tangle.issueTime[x] < end {
            #expect(tangle.visibleTime[x] >= end)
        }
        // Parents are never visible after their children anywhere.
        for x in 1..<tangle.count {
            for parent in tangle.parents(of: Int32(x)) { #expect(tangle.visibleTime[Int(parent)] <= tangle.visibleTime[x]) }
        }
        var network = simulation.network.network  // counting the lost messages draws the pooled ones
        #expect(network.messagesLost == 0, "blocked messages are not counted as lost")
    }

    @Test("partitions with loss: the cut and random loss together still deliver everything older than 30 s")
    func withLoss() {
        var scenario = partitionedScenario(partitions: [GossipPartition(start: 50, end: 90, split: 0.3)], duration: 200)
        scenario.network = .gossip(
            GossipConfiguration(
                nodes: 20, topology: .randomRegular(degree: 4), linkLatency: .constant(0.05), loss: 0.1, requestDelay: 0.3,
                partitions: [GossipPartition(start: 50, end: 90, split: 0.3)]))
        var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        _ = engine.run(until: 200, handler: &simulation)
        let tangle = simulation.tangle
        var network = simulation.network.network  // counting the lost messages draws the pooled ones
        #expect(network.messagesLost > 0)
        for x in 1..<tangle.count where tangle.issueTime[x] < 170 {
            #expect(tangle.visibleTime[x] <= 200, "transaction \(x) issued at \(tangle.issueTime[x])")
        }
    }
}
