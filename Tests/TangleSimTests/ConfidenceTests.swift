import Foundation
import Testing

@testable import TangleSim

/// Confirmation confidence (issue 13, item 11): the tracker's rounds against brute force on
/// random tangles and random walk ends, and whole runs.
@Suite("Confirmation confidence")
struct ConfidenceTests {
    /// A random DAG of `count` transactions after the genesis, each approving 1 or 2 of the
    /// 12 before it.
    static func randomTangle(count: Int, rng: RandomStream) -> Tangle {
        var tangle = Tangle(parents: 2)
        for x in 1...count {
            let low = Swift.max(0, x - 12)
            let first = Int32(low + rng.index(below: x - low))
            var parents = [first]
            if rng.uniform() < 0.7 {
                let second = Int32(low + rng.index(below: x - low))
                if second != first { parents.append(second) }
            }
            tangle.append(issueTime: Double(x), visibleTime: Double(x), issuer: .device(0), parents: parents)
        }
        return tangle
    }

    /// Past cone of `tip`, itself included, by search.
    static func cone(of tip: Int32, in tangle: Tangle) -> Set<Int32> {
        var seen: Set<Int32> = [tip]
        var stack = [tip]
        while let x = stack.popLast() {
            tangle.forEachParent(of: x) { if seen.insert($0).inserted { stack.append($0) } }
        }
        return seen
    }

    @Test("rounds confirm exactly what brute force over whole past cones confirms", arguments: [1, 2, 3, 4, 5])
    func roundsAgainstBruteForce(seed: UInt) {
        let rng = RandomStream(gslSeed: seed)
        let tangle = Self.randomTangle(count: 300, rng: rng)
        let walks = 20
        let threshold = [0.5, 0.8, 0.95, 1.0, 0.66][Int(seed) - 1]
        let needed = ConfirmationTracker.confidenceNeeded(threshold: threshold, walks: walks)
        var tracker = ConfirmationTracker(rule: .confidence, payloads: false)
        var bruteForce = [Double](repeating: .nan, count: tangle.count)
        bruteForce[0] = 0
        var issued = 1
        for round in 1...30 {
            let now = Double(round * 10)
            while issued < tangle.count, issued <= round * 10 {
                tracker.didIssue(Int32(issued), payload: Int32(issued))
                issued += 1
            }
            // Walks end mostly among the newest transactions, sometimes anywhere.
            var hits: [Int32: Int] = [:]
            for _ in 0..<walks {
                let recent = rng.uniform() < 0.8
                let low = recent ? Swift.max(0, issued - 8) : 0
                hits[Int32(low + rng.index(below: issued - low)), default: 0] += 1
            }
            let sorted = hits.sorted { $0.key < $1.key }.map { (tip: $0.key, count: $0.value) }
            tracker.confidenceRound(hits: sorted, walks: walks, threshold: threshold, in: tangle, now: now)
            let cones = sorted.map { (cone: Self.cone(of: $0.tip, in: tangle), count: $0.count) }
            for x in 0..<issued where bruteForce[x].isNaN {
                let score = cones.filter { $0.cone.contains(Int32(x)) }.map(\.count).reduce(0, +)
                if score >= needed { bruteForce[x] = now }
            }
        }
        let confirmed = bruteForce.filter { !$0.isNaN }.count
        #expect(confirmed > 10 && confirmed < issued, "a test that confirms something, not everything: \(confirmed)")
        for x in 0..<issued {
            let a = tracker.confirmedAt[x], b = bruteForce[x]
            #expect(a == b || (a.isNaN && b.isNaN), "transaction \(x): \(a) against \(b)")
        }
    }

    @Test("the walks needed: threshold·walks rounded up, whatever the rounding of the threshold")
    func needed() {
        #expect(ConfirmationTracker.confidenceNeeded(threshold: 0.95, walks: 100) == 95)
        #expect(ConfirmationTracker.confidenceNeeded(threshold: 0.951, walks: 100) == 96)
        #expect(ConfirmationTracker.confidenceNeeded(threshold: 1, walks: 7) == 7)
        #expect(ConfirmationTracker.confidenceNeeded(threshold: 0.5, walks: 7) == 4)
        #expect(ConfirmationTracker.confidenceNeeded(threshold: 1e-9, walks: 7) == 1)
    }

    /// A delay-model run under confidence rounds.
    static func run(_ selection: TipSelectionConfiguration, threshold: Double = 0.95, seed: UInt64 = 4) -> RunResult {
        var scenario = Scenario(
            name: "confidence", seed: seed, duration: 120, warmup: 20, devices: [DeviceClass(count: 100, rate: 0.5)],
            network: .delay(.constant(1)))
        scenario.tipSelection = selection
        scenario.consensus = .confidence(ConfidenceConfiguration(walks: 100, threshold: threshold, every: 1))
        scenario.metrics.transactionLog = true
        return Simulation.run(scenario)
    }

    @Test("whole runs: every ancestor of a confirmed transaction confirmed no later, at round times; a higher threshold confirms later")
    func runs() throws {
        for selection in [TipSelectionConfiguration.uniform, .mcmc(alpha: 0.05, start: .window(W: 5))] {
            let result = Self.run(selection)
            let tangle = try #require(result.tangle)
            let times = try #require(result.confirmedAt)
            var confirmed = 0
            for x in Int32(1)..<Int32(tangle.count) where !times[Int(x)].isNaN {
                confirmed += 1
                #expect(times[Int(x)] == times[Int(x)].rounded(), "rounds fall on whole seconds")
                #expect(times[Int(x)] >= tangle.visibleTime[Int(x)])
                tangle.forEachParent(of: x) { parent in #expect(times[Int(parent)] <= times[Int(x)]) }
            }
            #expect(confirmed > tangle.count / 2, "\(selection): \(confirmed) of \(tangle.count)")
            #expect(result.summary.text(.consensus) == "confidence")
            let stricter = Self.run(selection, threshold: 1)
            #expect(stricter.summary.number(.latencyP50) > result.summary.number(.latencyP50))
        }
    }

    @Test("confidence decodes with its defaults, resolves to JSON and back, and refuses bad values")
    func decoding() throws {
        func decode(_ consensus: String, network: String = #"{"delay": 1}"#) throws -> Scenario {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": "# + network + #", "consensus": "# + consensus + "}"
            return try Scenario.decode(Array(json.utf8), file: "s.json")
        }
        let defaults = try decode(#"{"kind": "confidence"}"#)
        #expect(defaults.consensus == .confidence(ConfidenceConfiguration(walks: 100, threshold: 0.95, every: 1)))
        let custom = try decode(#"{"kind": "confidence", "walks": 50, "threshold": 0.9, "every": 2.5}"#)
        #expect(custom.consensus == .confidence(ConfidenceConfiguration(walks: 50, threshold: 0.9, every: 2.5)))
        #expect(try Scenario.decode(Array(custom.resolvedJSON.prettyPrinted.utf8), file: "r.json").consensus == custom.consensus)
        let gossip = #"{"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}"#
        let refused: [(String, String, String)] = [
            (#"{"kind": "confidence", "walks": 0}"#, #"{"delay": 1}"#, "consensus.walks: expected an integer from 1 to 100000, got 0"),
            (#"{"kind": "confidence", "threshold": 0}"#, #"{"delay": 1}"#, "consensus.threshold: expected a number above 0 and at most 1, got 0"),
            (#"{"kind": "confidence", "threshold": 1.5}"#, #"{"delay": 1}"#, "consensus.threshold: expected a number above 0 and at most 1"),
            (#"{"kind": "confidence", "every": 0}"#, #"{"delay": 1}"#, "consensus.every: expected"),
            (#"{"kind": "confidence"}"#, gossip, "consensus: confirmation confidence walks over one view"),
        ]
        for (consensus, network, message) in refused {
            do {
                _ = try decode(consensus, network: network)
                Issue.record("\(consensus) was accepted")
            } catch {
                #expect(error is ScenarioError && "\(error)".contains(message), "\(consensus): \(error)")
            }
        }
    }
}
