import Testing
import TangleSim

/// H(x) by brute force: 1 + the visible transactions in x's future cone, found by a search
/// along approvers.
func bruteForceWeight(of x: Int32, in tangle: Tangle, visible: (Int32) -> Bool) -> Int {
    var seen: Set<Int32> = [x]
    var stack: [Int32] = [x]
    var count = 0
    while let node = stack.popLast() {
        for approver in tangle.approvers(of: node) where seen.insert(approver).inserted {
            if visible(approver) { count += 1 }
            stack.append(approver)
        }
    }
    return 1 + count
}

/// Builds a random DAG step by step — issue a transaction approving visible ones, or make a
/// pending one visible — feeding `weights`, and checks every weight it must know exactly
/// against the brute-force count after many steps.
func checkAgainstBruteForce<Weights: CumulativeWeights>(
    _ weights: inout Weights, seed: UInt, steps: Int, exactFor: (Weights, Int32, Tangle) -> Bool
) {
    let rng = RandomStream(gslSeed: seed)
    let k = 1 + rng.index(below: 4)
    var tangle = Tangle(parents: k)
    var visible: Set<Int32> = [0]
    var visibleList: [Int32] = [0]
    var pending: [Int32] = []
    var checks = 0
    for step in 0..<steps {
        if pending.isEmpty || rng.uniform() < 0.5 {
            // Parents: mostly recent visible transactions, sometimes any visible one.
            var parents: [Int32] = []
            for _ in 0..<(1 + rng.index(below: k)) {
                let recent = rng.uniform() < 0.8
                let index = recent
                    ? max(0, visibleList.count - 1 - rng.index(below: min(20, visibleList.count)))
                    : rng.index(below: visibleList.count)
                if !parents.contains(visibleList[index]) { parents.append(visibleList[index]) }
            }
            let id = tangle.append(issueTime: Double(step), visibleTime: Double(step), issuer: .device(0), parents: parents)
            weights.didIssue(id, in: tangle)
            pending.append(id)
        } else {
            let id = pending.remove(at: rng.index(below: pending.count))
            visible.insert(id)
            visibleList.append(id)
            weights.didBecomeVisible(id, in: tangle)
        }
        if step % 97 == 96 {
            // Sometimes ask for a walk from an old transaction, which may grow a window.
            if rng.uniform() < 0.3 {
                let from = Int32(rng.index(below: tangle.count))
                weights.prepareWalk(from: from, in: tangle, now: Double(step))
            }
            for x in Int32(0)..<Int32(tangle.count) where exactFor(weights, x, tangle) {
                let expected = bruteForceWeight(of: x, in: tangle, visible: { visible.contains($0) })
                #expect(weights.weight(of: x) == expected, "seed \(seed) step \(step) x \(x)")
                checks += 1
            }
        }
        #expect(weights.visible.contains(0))
    }
    #expect(checks > 0)
}

@Suite("Cumulative weights")
struct CumulativeWeightsTests {
    @Test("past-cone weights equal the brute-force count on random DAGs", arguments: 1...12)
    func pastCone(seed: UInt) {
        var weights = PastConeWeights()
        checkAgainstBruteForce(&weights, seed: seed, steps: 1_500) { _, _, _ in true }
    }

    @Test("past-cone weights stay exact when a tiny cache forces evictions and recomputations", arguments: 1...6)
    func pastConeEvictions(seed: UInt) {
        var weights = PastConeWeights(cacheLimitWords: 8)
        checkAgainstBruteForce(&weights, seed: seed, steps: 1_500) { _, _, _ in true }
        #expect(weights.recomputations > 0)
    }

    @Test("windowed weights equal the brute-force count inside the window, through wraps and growth", arguments: 1...12)
    func windowed(seed: UInt) {
        // A ring of 64 over 1,500 steps wraps many times and is grown by old walk starts.
        var weights = WindowedWeights(initialCapacity: 64)
        checkAgainstBruteForce(&weights, seed: seed, steps: 1_500) { weights, x, tangle in
            tangle.count - 1 - Int(x) < weights.capacity
        }
    }

    @Test("during MCMC runs, the weights walks read equal the brute-force count at random moments", arguments: 1...6)
    func duringRuns(seed: UInt64) {
        let rng = RandomStream(gslSeed: UInt(seed))
        let w = 2.0 + rng.uniform() * 3
        var scenario = Scenario(
            name: "weights", seed: seed, duration: 200, devices: [DeviceClass(count: 10, rate: 2 + rng.uniform() * 3)],
            network: .delay(.exponential(mean: 0.5 + rng.uniform())),
            tipSelection: .mcmc(alpha: rng.uniform(), start: .window(W: w)))
        scenario.tangle.parents = 1 + rng.index(below: 3)
        let selector = MCMCTipSelector(alpha: scenario.tipSelection.alpha, start: .window(W: w),
                                       weights: WindowedWeights(initialCapacity: 64))
        var simulation = delaySimulation(scenario, selector: selector)
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var moment = 0.0
        for _ in 0..<8 {
            moment += 5 + rng.uniform() * 20
            _ = engine.run(until: moment, handler: &simulation)
            let tangle = simulation.tangle
            let weights = simulation.devices.selector.weights
            // Every transaction a walk could visit now: issued at or after now − 2W.
            for x in 0..<tangle.count where tangle.issueTime[x] >= moment - 2 * w {
                let expected = bruteForceWeight(of: Int32(x), in: tangle, visible: { tangle.visibleTime[Int($0)] <= moment })
                #expect(weights.weight(of: Int32(x)) == expected)
            }
        }
    }

    @Test("during runs with backtrack starts, the ring grows as entries need and every weight in it stays exact", arguments: 1...3)
    func duringBacktrackRuns(seed: UInt64) {
        let scenario = Scenario(
            name: "weights", seed: seed, duration: 120, devices: [DeviceClass(count: 20, rate: 1)],
            network: .delay(.exponential(mean: 1)), tipSelection: .mcmc(alpha: 1, start: .backtrack(weight: 20)))
        let selector = MCMCTipSelector(alpha: 1, start: .backtrack(weight: 20), weights: WindowedWeights(initialCapacity: 64))
        var simulation = delaySimulation(scenario, selector: selector)
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        var moment = 0.0
        for _ in 0..<6 {
            moment += 20
            _ = engine.run(until: moment, handler: &simulation)
            let tangle = simulation.tangle
            let weights = simulation.devices.selector.weights
            for x in Swift.max(0, tangle.count - weights.capacity)..<tangle.count {
                let expected = bruteForceWeight(of: Int32(x), in: tangle, visible: { tangle.visibleTime[Int($0)] <= moment })
                #expect(weights.weight(of: Int32(x)) == expected, "transaction \(x) at \(moment)")
            }
        }
    }
}
