import Foundation
import Testing
@testable import TangleSim

/// A gossip scenario on `topology` with message loss `loss`.
private func lossyScenario(
    nodes: Int, topology: TopologyConfiguration, latency: DelayDistribution, loss: Double, requestDelay: Double = 0.5,
    lambda: Double, devices: Int = 20, duration: Double, warmup: Double = 0, seed: UInt64 = 1
) -> Scenario {
    var scenario = gossipScenario(
        nodes: nodes, topology: topology, latency: latency, lambda: lambda, devices: devices, duration: duration, seed: seed)
    scenario.warmup = warmup
    scenario.network = .gossip(
        GossipConfiguration(nodes: nodes, topology: topology, linkLatency: latency, loss: loss, requestDelay: requestDelay))
    return scenario
}

/// The ring 0–1–…–(n−1)–0.
private func ring(_ n: Int) -> TopologyConfiguration {
    .edges((0..<n).map { [$0, ($0 + 1) % n] })
}

@Suite("Gossip message loss")
struct GossipLossTests {
    @Test("loss 1: every message is lost, so only the issuing node has a transaction, and each broadcast loses its degree in messages")
    func everythingLost() throws {
        var network = try GossipNetwork(
            GossipConfiguration(nodes: 5, topology: .fullMesh, linkLatency: .constant(0.1), loss: 1), seed: 3, replication: 0)
        var arrival = [Double](repeating: 0, count: 5)
        var sender = [Int32](repeating: 0, count: 5)
        for broadcast in 0..<10 {
            let origin = broadcast % 5
            arrival.withUnsafeMutableBufferPointer { a in
                sender.withUnsafeMutableBufferPointer { s in network.lossyArrivals(from: origin, at: 7, into: a, sender: s) }
            }
            for v in 0..<5 {
                #expect(arrival[v] == (v == origin ? 7 : .infinity))
                #expect(sender[v] == -1)
            }
            #expect(network.messagesLost == 4 * (broadcast + 1), "the origin's 4 messages, every broadcast")
        }
    }

    @Test("a line of three nodes: the far node is reached with probability (1 − p)², and a message is lost with probability p (α = 0.001)")
    func lineLaw() throws {
        let p = 0.3
        var network = try GossipNetwork(
            GossipConfiguration(nodes: 3, topology: .edges([[0, 1], [1, 2]]), linkLatency: .constant(0.5), loss: p),
            seed: 11, replication: 0)
        let broadcasts = 20_000
        var farReached = 0, sent = 0
        var arrival = [Double](repeating: 0, count: 3)
        var sender = [Int32](repeating: 0, count: 3)
        let degree = [1, 2, 1]
        for _ in 0..<broadcasts {
            arrival.withUnsafeMutableBufferPointer { a in
                sender.withUnsafeMutableBufferPointer { s in network.lossyArrivals(from: 0, at: 0, into: a, sender: s) }
            }
            // Reached nodes: at their hop count times 0.5 s, from the previous node on the line.
            if arrival[1].isFinite { #expect(arrival[1] == 0.5 && sender[1] == 0) }
            if arrival[2].isFinite {
                #expect(arrival[2] == 1.0 && sender[2] == 1)
                farReached += 1
            }
            for v in 0..<3 where arrival[v].isFinite { sent += degree[v] }
        }
        let q = (1 - p) * (1 - p)
        // Binomial(20,000, q): the normal approximation's two-sided z-test.
        let reachedZ = (Double(farReached) - Double(broadcasts) * q) / (Double(broadcasts) * q * (1 - q)).squareRoot()
        #expect(abs(reachedZ) < twoSidedT(degreesOfFreedom: 1_000_000), "far node reached \(farReached) of \(broadcasts) times")
        // Lost − p·sent is a martingale with variance p(1 − p)·E[sent]: a normal z-test.
        let z = (Double(network.messagesLost) - p * Double(sent)) / (p * (1 - p) * Double(sent)).squareRoot()
        #expect(abs(z) < twoSidedT(degreesOfFreedom: 1_000_000), "\(network.messagesLost) of \(sent) messages lost")
    }

    @Test("on a ring with loss 0.3, requests recover what gossip lost: every transaction older than 30 s is visible at every node, never before its parents")
    func requestsRecover() {
        let scenario = lossyScenario(
            nodes: 20, topology: ring(20), latency: .constant(0.05), loss: 0.3, requestDelay: 0.2, lambda: 20, duration: 300)
        var simulation = gossipSimulation(scenario, selector: UniformTipSelector())
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        _ = engine.run(until: 300, handler: &simulation)
        let tangle = simulation.tangle
        #expect(tangle.count > 5_000)
        #expect(simulation.network.faults!.requests > 1_000, "gossip alone left many nodes without transactions")
        var network = simulation.network.network  // counting the lost messages draws the pooled ones
        #expect(network.messagesLost > 0)
        for x in 1..<tangle.count {
            let visible = tangle.visibleTime[x]
            if tangle.issueTime[x] < 270 { #expect(visible <= 300, "transaction \(x) issued at \(tangle.issueTime[x])") }
            for parent in tangle.parents(of: Int32(x)) { #expect(tangle.visibleTime[Int(parent)] <= visible) }
            for v in 0..<20 {
                // A parent still in flight has its own time at v (once visible everywhere
                // only that time is kept, which says nothing about v).
                let here = visibility(simulation, x, at: v)
                for parent in tangle.parents(of: Int32(x)) {
                    if let there = simulation.network.visibility(of: parent, at: v) { #expect(there <= here) }
                }
                #expect(here <= visible)
            }
        }
    }

    @Test("propagation to every node and to half and 90% of the nodes grows with loss (paired Student, α = 0.001, 8 runs each, common seeds)")
    func propagationGrows() {
        // The same seed at every level: the same topology, latencies and arrivals (their
        // streams ignore loss), so each replication's differences isolate the loss.
        func runs(loss: Double) -> [RunSummary] {
            let scenario = lossyScenario(
                nodes: 30, topology: .randomRegular(degree: 4), latency: .lognormal(mu: -3, sigma: 0.5), loss: loss,
                requestDelay: 0.5, lambda: 50, duration: 120, warmup: 20, seed: 4)
            return summaries(of: scenario, replications: 8)
        }
        let levels = [0.05, 0.15, 0.3]
        let results = levels.map { runs(loss: $0) }
        for column in [SummaryColumn.nodePropagationP50, .nodePropagationP90, .propagationP50] {
            for step in 1..<levels.count {
                let higher = results[step].map { $0.number(column) }
                let lower = results[step - 1].map { $0.number(column) }
                let differences = zip(higher, lower).map { $0 - $1 }
                let test = CheckStatistics.studentGreater(differences, than: 0)
                #expect(
                    test.p < significance,
                    "\(column.name): loss \(levels[step]) \(describe(higher)) vs \(levels[step - 1]) \(describe(lower))")
            }
        }
        for summary in results.joined() {
            #expect(summary.integer(.messagesLost) > 0)
            #expect(summary.number(.nodePropagationP50) <= summary.number(.nodePropagationP90))
        }
    }

    @Test("node propagation quantiles: type-7 over the nodes other than the issuer's, against a sorted brute force")
    func nodeQuantiles() {
        let rng = RandomStream(seed: 5, replication: 0, stream: .arrivals)
        for count in [1, 2, 3, 4, 5, 10, 11, 99, 100, 1_000] {
            let values = (0..<count).map { _ in rng.exponential(mean: 1) }
            let sorted = values.sorted()
            var copy = values
            let (median, ninetieth) = copy.withUnsafeMutableBufferPointer { GossipNetworkModel._medianAndNinetieth(of: $0) }
            for (p, quantile) in [(0.5, median), (0.9, ninetieth)] {
                let h = Double(count - 1) * p
                let low = Int(h.rounded(.down))
                let expected = low + 1 < count ? sorted[low] + (h - Double(low)) * (sorted[low + 1] - sorted[low]) : sorted[low]
                #expect(quantile == expected, "\(count) values, p = \(p)")
            }
        }
    }

    @Test("without loss: messages_lost is 0 and the per-node quantiles are empty; the delay model leaves all three empty")
    func columnsWithoutLoss() {
        var gossip = gossipScenario(
            nodes: 10, topology: .randomRegular(degree: 4), latency: .constant(0.05), lambda: 20, duration: 60)
        gossip.network = .gossip(
            GossipConfiguration(nodes: 10, topology: .randomRegular(degree: 4), linkLatency: .constant(0.05), loss: 0))
        let summary = Simulation.run(gossip).summary
        #expect(summary.text(.messagesLost) == "0")
        #expect(summary.text(.nodePropagationP50) == "")
        #expect(summary.text(.nodePropagationP90) == "")
        var delay = gossip
        delay.network = .delay(.constant(1))
        let delaySummary = Simulation.run(delay).summary
        #expect(delaySummary.text(.messagesLost) == "")
        #expect(delaySummary.text(.nodePropagationP50) == "")
    }

    @Test("with loss and a coordinator, every milestone is issued and device transactions confirm")
    func coordinatorWithLoss() {
        var scenario = lossyScenario(
            nodes: 20, topology: .randomRegular(degree: 4), latency: .constant(0.05), loss: 0.2, lambda: 20, duration: 300,
            warmup: 30)
        scenario.consensus = .coordinator(CoordinatorConfiguration(interval: 10))
        let summary = Simulation.run(scenario).summary
        #expect(summary.milestones == 29 || summary.milestones == 30)
        #expect(summary.confirmedFraction > 0.9, "\(summary.confirmedFraction)")
    }
}
