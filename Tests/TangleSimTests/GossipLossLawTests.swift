import CGSL
import Foundation
import Testing
@testable import TangleSim

/// What one lossy broadcast produced: each node's first arrival and the peer that delivered
/// it, and how many messages were lost.
private struct Outcome: Hashable {
    var arrival: [Double]
    var sender: [Int32]
    var lost: Int
}

/// The exact law of a broadcast from `origin` at time 0 with each of the topology's directed
/// messages lost independently with probability `p`: every one of the 2^(2·links) loss
/// patterns, each with Dijkstra's search on the graph of the messages kept (a hop costs
/// `processing` plus the link's latency); lost counts only the messages actually sent (by
/// nodes reached).
private func exactLaw(network: GossipNetwork, origin: Int, processing: Double, p: Double) -> [Outcome: Double] {
    let topology = network.topology
    let n = topology.nodes
    let messages = Int(topology.offsets[n])
    var law: [Outcome: Double] = [:]
    for pattern in 0..<(1 << messages) {
        let lostCount = pattern.nonzeroBitCount
        let probability = pow(p, Double(lostCount)) * pow(1 - p, Double(messages - lostCount))
        var arrival = [Double](repeating: .infinity, count: n)
        var sender = [Int32](repeating: -1, count: n)
        var settled = [Bool](repeating: false, count: n)
        arrival[origin] = 0
        var lost = 0
        while true {
            // The unsettled node reached first (ties: the smaller id), by a linear scan.
            var next = -1
            for v in 0..<n where !settled[v] && arrival[v] < .infinity {
                if next < 0 || arrival[v] < arrival[next] { next = v }
            }
            guard next >= 0 else { break }
            settled[next] = true
            for entry in Int(topology.offsets[next])..<Int(topology.offsets[next + 1]) {
                if pattern & (1 << entry) != 0 {
                    lost += 1
                    continue
                }
                let u = Int(topology.neighbours[entry])
                let candidate = arrival[next] + processing + network.linkLatency[Int(topology.links[entry])]
                if !settled[u], candidate < arrival[u] {
                    arrival[u] = candidate
                    sender[u] = Int32(next)
                }
            }
        }
        law[Outcome(arrival: arrival, sender: sender, lost: lost), default: 0] += probability
    }
    return law
}

@Suite("Gossip message loss: the law of a broadcast")
struct GossipLossLawTests {
    @Test(
        "each broadcast's arrivals, senders and lost-message count follow the exact law enumerated over every loss pattern, with the repaired tree (seeded in order of arrival, or from every peer) and with the full search (chi-squared, α = 0.001)",
        arguments: [("ordered", 0), ("ordered", 3), ("every peer", 0), ("every peer", 3), ("full", 0), ("full", 3)]
            as [(String, Int)])
    func lawOfABroadcast(search: String, origin: Int) throws {
        // A ring of 5 with the chord 0–2: 6 links, 12 directed messages, 4,096 patterns.
        // Per-link lognormal latencies (distinct, so no ties) and a constant processing delay.
        let p = 0.2, processing = 0.01
        var network = try GossipNetwork(
            GossipConfiguration(
                nodes: 5, topology: .edges([[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [0, 2]]),
                linkLatency: .lognormal(mu: -3, sigma: 0.5), processingDelay: .constant(processing), loss: p),
            seed: 17, replication: 0)
        #expect(network._trees?.seedOrder != nil, "fixed paths: the tree is repaired, seeded in order")
        if search == "every peer" { network._trees!.seedOrder = nil }
        if search == "full" { network._trees = nil }
        let law = exactLaw(network: network, origin: origin, processing: processing, p: p)
        #expect(abs(law.values.reduce(0, +) - 1) < 1e-12)
        let broadcasts = 40_000
        var observed: [Outcome: Int] = [:]
        var arrival = [Double](repeating: 0, count: 5)
        var sender = [Int32](repeating: 0, count: 5)
        var lostBefore = 0
        for _ in 0..<broadcasts {
            arrival.withUnsafeMutableBufferPointer { a in
                sender.withUnsafeMutableBufferPointer { s in network.lossyArrivals(from: origin, at: 0, into: a, sender: s) }
            }
            let lost = network.messagesLost - lostBefore
            lostBefore = network.messagesLost
            observed[Outcome(arrival: arrival, sender: sender, lost: lost), default: 0] += 1
        }
        for outcome in observed.keys { #expect(law[outcome] != nil, "an impossible outcome: \(outcome)") }
        // Outcomes expected fewer than 5 times are pooled into one category.
        var counts: [Int] = [], probabilities: [Double] = []
        var pooledCount = 0, pooledProbability = 0.0
        for (outcome, probability) in law {
            if probability * Double(broadcasts) >= 5 {
                counts.append(observed[outcome] ?? 0)
                probabilities.append(probability)
            } else {
                pooledCount += observed[outcome] ?? 0
                pooledProbability += probability
            }
        }
        if pooledProbability > 0 {
            counts.append(pooledCount)
            probabilities.append(pooledProbability)
        }
        #expect(counts.count > 20, "the law has many outcomes: \(counts.count) categories")
        let pValue = chiSquaredPValue(observed: counts, expected: probabilities)
        #expect(pValue > significance, "chi-squared p = \(pValue) over \(counts.count) categories")
    }

    @Test("per-node quantiles by merging the nodes in lossless order with the sorted others equal the type-7 quantiles of all (exact, many splits)")
    func mergedQuantiles() {
        let rng = RandomStream(seed: 9, replication: 0, stream: .arrivals)
        for count in [1, 2, 3, 4, 5, 10, 11, 12, 99, 100, 1_000] {
            for othersShare in [0.0, 0.1, 0.5, 0.9, 1.0] {
                // Ties on purpose: values on a grid of 0.01.
                let values = (0..<count).map { _ in (rng.exponential(mean: 1) * 100).rounded() / 100 }
                var sorted: [Double] = [], others: [Double] = []
                for value in values {
                    if rng.uniform() < othersShare { others.append(value) } else { sorted.append(value) }
                }
                sorted.sort()
                let all = values.sorted()
                let (median, ninetieth) = sorted.withUnsafeBufferPointer { s in
                    others.withUnsafeMutableBufferPointer { o in GossipNetworkModel._medianAndNinetieth(sorted: s, others: o) }
                }
                for (p, quantile) in [(0.5, median), (0.9, ninetieth)] {
                    let h = Double(count - 1) * p
                    let low = Int(h.rounded(.down))
                    let expected = low + 1 < count ? all[low] + (h - Double(low)) * (all[low + 1] - all[low]) : all[low]
                    #expect(quantile == expected, "\(count) values, \(others.count) others, p = \(p)")
                }
            }
        }
    }
}
