import Foundation
import Testing

@testable import TangleSim

/// Walk analyses (`metrics.walkAnalysis`, `walks.csv`; issue 13, item 10).
@Suite("Walk analyses")
struct WalkAnalysisTests {
    @Test("many walks from one start end as the brute-force exit law says; the row's entropy and top share are the law's")
    func exitsFollowTheLaw() {
        let tangle = fourApproverTangle()
        let weights = weightsOf(tangle, PastConeWeights())
        let law = StrategiesTests.exitLaw(alpha: 0.5, tangle: tangle, weights: weights)
        var selector = MCMCTipSelector(alpha: 0.5, start: .genesis, weights: weights)
        var exits: [Int32: Int] = [:]
        let walks = 100_000
        let sample = selector.sampleExits(
            walks, SelectionRequest(now: 20, parents: 1, repeatedPicks: .collapse), tangle: tangle, view: TipSet(),
            rng: RandomStream(gslSeed: 71), into: &exits)
        #expect(sample?.start == 0)
        #expect(selector.statistics.walks == 0, "analyses are not counted as the strategy's walks")
        let tips = law.keys.sorted()
        #expect(Set(exits.keys) == Set(tips))
        #expect(chiSquaredPValue(observed: tips.map { exits[$0, default: 0] }, expected: tips.map { law[$0]! }) > 0.001)
        let row = WalkAnalysisRow(time: 20, start: 0, walks: walks, steps: sample!.steps, visibleTips: 6, exits: exits)
        let entropy = -law.values.map { $0 * log2($0) }.reduce(0, +)
        // Standard errors at 100,000 walks are about 0.005 bits and 0.0015 of share.
        #expect(abs(row.entropyBits - entropy) < 0.03, "\(row.entropyBits) against \(entropy)")
        #expect(abs(row.topExitShare - law.values.max()!) < 0.01)
        #expect(row.distinctExits == 6)
        // Every walk from the genesis takes 2 or 3 steps here.
        #expect(row.meanSteps > 2 && row.meanSteps < 3)
    }

    @Test("in a run: a row every `every` seconds; a stronger bias concentrates the exits")
    func inRuns() {
        func run(alpha: Double) -> [WalkAnalysisRow] {
            var scenario = Scenario(
                name: "walks", seed: 3, duration: 60, devices: [DeviceClass(count: 100, rate: 0.5)], network: .delay(.constant(1)))
            scenario.tipSelection = .mcmc(alpha: alpha, start: .window(W: 5))
            scenario.metrics.walkAnalysis = WalkAnalysisConfiguration(every: 5, walks: 400)
            return Simulation.run(scenario).walkAnalyses
        }
        let unbiased = run(alpha: 0)
        let biased = run(alpha: 1)
        #expect(unbiased.map(\.time) == (1...12).map { Double($0 * 5) })
        for row in unbiased + biased {
            #expect(row.entropyBits >= 0 && row.entropyBits <= log2(Double(row.distinctExits)) + 1e-12)
            #expect(row.topExitShare >= 1 / Double(row.distinctExits) && row.topExitShare <= 1)
            #expect(row.distinctExits <= row.visibleTips)
        }
        let mean = { (rows: [WalkAnalysisRow]) in rows.dropFirst(2).map(\.entropyBits).reduce(0, +) / Double(rows.count - 2) }
        #expect(mean(biased) < mean(unbiased), "\(mean(biased)) against \(mean(unbiased))")
    }

    @Test("walkAnalysis decodes, resolves, and is refused for a strategy that does not walk")
    func decoding() throws {
        func decode(_ tipSelection: String, _ metrics: String) throws -> Scenario {
            let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "tipSelection": "# + tipSelection + #", "metrics": "#
                + metrics + "}"
            return try Scenario.decode(Array(json.utf8), file: "s.json")
        }
        let scenario = try decode(#"{"strategy": "mcmc"}"#, #"{"walkAnalysis": {"every": 2, "walks": 50}}"#)
        #expect(scenario.metrics.walkAnalysis == WalkAnalysisConfiguration(every: 2, walks: 50))
        #expect(try Scenario.decode(Array(scenario.resolvedJSON.prettyPrinted.utf8), file: "r.json").metrics == scenario.metrics)
        #expect(try decode(#"{"strategy": "mcmc"}"#, #"{"walkAnalysis": {}}"#).metrics.walkAnalysis == WalkAnalysisConfiguration())
        #expect(!(try decode(#"{"strategy": "mcmc"}"#, "{}").resolvedJSON.prettyPrinted.contains("walkAnalysis")))
        for (tipSelection, metrics, message) in [
            (#"{"strategy": "uniform"}"#, #"{"walkAnalysis": {}}"#, "metrics.walkAnalysis: walk analyses sample the walks"),
            (#"{"strategy": "mcmc"}"#, #"{"walkAnalysis": {"walks": 0}}"#, "metrics.walkAnalysis.walks: expected an integer from 1 to 1000000"),
        ] {
            do {
                _ = try decode(tipSelection, metrics)
                Issue.record("\(metrics) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}
