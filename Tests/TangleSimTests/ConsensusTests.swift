import Foundation
import Testing
import TangleSim

/// Appends a transaction to a hand-built tangle, reporting it to `tracker`.
@discardableResult
func add(
    _ tangle: inout Tangle, _ tracker: inout ConfirmationTracker, parents: [Int32], milestone: Bool = false,
    payload: Int32? = nil
) -> Int32 {
    let t = Double(tangle.count)
    let x = tangle.append(issueTime: t, visibleTime: t, issuer: milestone ? .coordinator : .device(0), parents: parents)
    tracker.didIssue(x, payload: payload ?? x)
    return x
}

@Suite("Consensus and confirmation")
struct ConsensusTests {
    @Test("a milestone confirms exactly its past cone, when it becomes visible, and stops at confirmed transactions")
    func milestoneConfirmation() {
        var tangle = Tangle(parents: 2)
        var tracker = ConfirmationTracker(rule: .milestones, payloads: false)
        let a = add(&tangle, &tracker, parents: [0])
        let b = add(&tangle, &tracker, parents: [a])
        let c = add(&tangle, &tracker, parents: [0])  // beside the first milestone's cone
        let m1 = add(&tangle, &tracker, parents: [0, b], milestone: true)
        for x in [a, b, c] { tracker.didBecomeVisible(x, isMilestone: false, in: tangle, now: 5) }
        #expect(tracker.confirmedAt[Int(a)].isNaN, "nothing is confirmed before a milestone is visible")
        tracker.didBecomeVisible(m1, isMilestone: true, in: tangle, now: 7.5)
        #expect(tracker.confirmedAt[Int(a)] == 7.5 && tracker.confirmedAt[Int(b)] == 7.5 && tracker.confirmedAt[Int(m1)] == 7.5)
        #expect(tracker.confirmedAt[Int(c)].isNaN)
        #expect(tracker.confirmedAt[0] == 0)
        #expect(tracker.confirmedPayloads == 2, "a and b; milestones and the genesis are not device payloads")
        let d = add(&tangle, &tracker, parents: [c, b])
        tracker.didBecomeVisible(d, isMilestone: false, in: tangle, now: 9)
        let m2 = add(&tangle, &tracker, parents: [m1, d], milestone: true)
        tracker.didBecomeVisible(m2, isMilestone: true, in: tangle, now: 12)
        #expect(tracker.confirmedAt[Int(c)] == 12 && tracker.confirmedAt[Int(d)] == 12)
        #expect(tracker.confirmedAt[Int(a)] == 7.5 && tracker.confirmedAt[Int(b)] == 7.5, "first confirmation is kept")
        #expect(tracker.confirmedPayloads == 4)
    }

    @Test("cumulative-weight confirmation: confirmed when H first reaches the threshold")
    func weightThreshold() {
        var tangle = Tangle(parents: 2)
        var tracker = ConfirmationTracker(rule: .weightThreshold(3), payloads: false)
        let a = add(&tangle, &tracker, parents: [0])
        let b = add(&tangle, &tracker, parents: [a])
        tracker.didBecomeVisible(a, isMilestone: false, in: tangle, now: 1)
        tracker.didBecomeVisible(b, isMilestone: false, in: tangle, now: 2)
        #expect(tracker.confirmedAt[Int(a)].isNaN, "H(a) = 2")
        let c = add(&tangle, &tracker, parents: [b])
        let d = add(&tangle, &tracker, parents: [a])
        tracker.didBecomeVisible(d, isMilestone: false, in: tangle, now: 3)  // H(a) = 3
        #expect(tracker.confirmedAt[Int(a)] == 3)
        #expect(tracker.confirmedAt[Int(b)].isNaN, "H(b) = 1 + nothing visible")
        tracker.didBecomeVisible(c, isMilestone: false, in: tangle, now: 4)  // H(b) = 2
        #expect(tracker.confirmedAt[Int(b)].isNaN)
        let e = add(&tangle, &tracker, parents: [c, d])
        tracker.didBecomeVisible(e, isMilestone: false, in: tangle, now: 5)  // H(b) = 3: b, c's child e
        #expect(tracker.confirmedAt[Int(b)] == 5)
        #expect(tracker.confirmedAt[Int(c)].isNaN && tracker.confirmedAt[Int(d)].isNaN)
    }

    @Test("weight-threshold confirmations equal a brute-force replay on random runs", arguments: 1...4)
    func weightThresholdBruteForce(seed: UInt64) {
        var scenario = Scenario(
            name: "cw", seed: seed, duration: 120, devices: [DeviceClass(count: 10, rate: 3)],
            network: .delay(.exponential(mean: 1)), consensus: .cumulativeWeight(threshold: 8))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = result.tangle!
        let confirmedAt = result.confirmedAt!
        // Replay: H(x) at time t counts visible descendants; confirmation = the visibility
        // time of the descendant that brings H(x) to the threshold (ties: same moment).
        for x in Int32(1)..<Int32(tangle.count) {
            var descendants: [Double] = []
            var seen: Set<Int32> = [x]
            var stack = [x]
            while let node = stack.popLast() {
                for approver in tangle.approvers(of: node) where seen.insert(approver).inserted {
                    descendants.append(tangle.visibleTime[Int(approver)])
                    stack.append(approver)
                }
            }
            descendants.sort()
            let expected = descendants.count >= 7 && descendants[6] <= result.summary.duration ? descendants[6] : Double.nan
            #expect(confirmedAt[Int(x)] == expected || (confirmedAt[Int(x)].isNaN && expected.isNaN), "x \(x)")
        }
    }

    @Test("confirmation metrics: censored transactions count in neither numerator nor denominator")
    func censoring() {
        var scenario = Scenario(
            name: "censor", seed: 4, duration: 200, warmup: 20, devices: [DeviceClass(count: 10, rate: 2)],
            consensus: .coordinator(CoordinatorConfiguration(interval: 15)))
        scenario.metrics.orphanTimeout = 25
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = result.tangle!, confirmedAt = result.confirmedAt!
        var judged = 0, confirmed = 0, late = 0, censored = 0
        var latencies: [Double] = []
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) && tangle.issueTime[x] >= 20 {
            if tangle.issueTime[x] > 200 - 25 { censored += 1; continue }
            judged += 1
            let latency = confirmedAt[x] - tangle.issueTime[x]
            if !latency.isNaN { confirmed += 1; latencies.append(latency) }
            if latency.isNaN || latency > 25 { late += 1 }
        }
        let summary = result.summary
        #expect(summary.censored == censored && censored > 0)
        #expect(summary.confirmedFraction == Double(confirmed) / Double(judged))
        #expect(summary.unconfirmedRate == Double(late) / Double(judged))
        #expect(late > 0, "a 15 s interval against a 25 s timeout leaves some late")
        #expect(summary.latencyMax == latencies.max())
        #expect(abs(summary.latencyMean - latencies.reduce(0, +) / Double(latencies.count)) < 1e-9)
        #expect(result.latencies == latencies.sorted())
        #expect(summary.milestones == 13, "milestones at 15, 30, ..., 195 s")
        let lastRow = result.timeseries.last!
        #expect(lastRow.confirmed! + lastRow.unconfirmedPending! == summary.transactions)
    }

    /// Popov's coordinator with uniform selection at lambda·h = 50 (h = 1 s). A milestone can
    /// reference x only once x is visible (t_x + h); with milestones every I seconds at a
    /// phase independent of x, the first such milestone comes I/2 later on average, and it
    /// confirms x when it becomes visible, h after that: E[latency] ≥ I/2 + 2h (as in
    /// `tanglesim check`). One-sided test over replications that the mean latency exceeds
    /// the bound, and one-sided Welch tests that it rises from each interval to the next,
    /// each at significance 0.001; every interval has its own seed, so the samples are
    /// independent.
    @Test("coordinator with URTS at lambda·h = 50: all confirmed; latency > I/2 + 2h and grows with the interval")
    func coordinatorLatency() {
        let intervals = [5.0, 10, 20]
        let h = 1.0
        let latencies = intervals.enumerated().map { index, interval -> [Double] in
            var scenario = Scenario(
                name: "coordinator", seed: 8 + UInt64(index), duration: 600, warmup: 100, devices: [DeviceClass(count: 50, rate: 1)],
                network: .delay(.constant(h)), consensus: .coordinator(CoordinatorConfiguration(interval: interval)))
            // As Scenarios/papers/coordinator-latency.json: a timeout far beyond any latency these
            // runs produce (at most about 60 s at I = 20, which the default 60 s would cut).
            scenario.metrics.orphanTimeout = 200
            let runs = summaries(of: scenario, replications: 6)
            #expect(
                runs.allSatisfy { $0.confirmedFraction == 1 && $0.unconfirmedRate == 0 },
                "interval \(interval): confirmed \(runs.map(\.confirmedFraction)), late \(runs.map(\.unconfirmedRate)), largest latency \(runs.map(\.latencyMax))")
            let latency = runs.map(\.latencyMean)
            let bound = interval / 2 + 2 * h
            let test = CheckStatistics.studentGreater(latency, than: bound)
            #expect(
                test.p < significance,
                "interval \(interval): mean latency \(describe(latency)) not significantly above I/2 + 2h = \(bound); one-sided t p = \(test.p), significance 0.001")
            return latency
        }
        for index in 1..<intervals.count {
            let test = CheckStatistics.welchGreater(latencies[index - 1], latencies[index])
            #expect(
                test.p < significance,
                "latency at I = \(intervals[index - 1]): \(describe(latencies[index - 1])), at I = \(intervals[index]): \(describe(latencies[index])); one-sided Welch p = \(test.p), significance 0.001")
        }
    }

    /// Devices approve k = 1 parent, milestones 2 (the default) or more: the Tangle's
    /// slots are max(k, milestone parents) wide, devices still approve one parent each.
    @Test("milestones keep their parents when devices approve fewer (tangle.parents 1)", arguments: [2, 5])
    func milestonesWiderThanDevices(milestoneParents: Int) {
        var scenario = Scenario(
            name: "k1", seed: 4, duration: 30, devices: [DeviceClass(count: 20, rate: 0.5)],
            tangle: TangleConfiguration(parents: 1),
            consensus: .coordinator(CoordinatorConfiguration(interval: 5, parents: milestoneParents)))
        scenario.metrics.transactionLog = true
        #expect(scenario.parentSlots == milestoneParents)
        let result = Simulation.run(scenario)
        let tangle = result.tangle!
        #expect(tangle.parentSlotsPerTransaction == milestoneParents)
        var milestones: [Int32] = [0]
        var widest = 0
        for index in 1..<tangle.count {
            let x = Int32(index)
            let parents = Array(tangle.parents(of: x))
            if tangle.isMilestone(x) {
                #expect(parents.first == milestones.last, "a milestone approves the previous one first")
                #expect((2...milestoneParents).contains(parents.count), "the previous milestone and at least one tip")
                #expect(Set(parents).count == parents.count)
                widest = max(widest, parents.count)
                milestones.append(x)
            } else {
                #expect(parents.count == 1, "a device approves k = 1 parent")
            }
        }
        #expect(widest == milestoneParents, "milestones approve all their parents once enough tips exist")
        #expect(milestones.count - 1 == result.summary.milestones)
        #expect(result.summary.milestones == 6)
        // Every run is censored (orphanTimeout 60 > 30 s): count confirmations directly.
        let confirmed = (1..<tangle.count).filter { tangle.isDeviceTransaction(Int32($0)) && !result.confirmedAt![$0].isNaN }
        #expect(confirmed.count > 0, "milestones confirm their past cones (chains, with k = 1)")
    }

    /// Poisson milestones: gaps drawn independently from the exponential distribution of mean
    /// I, from t = 0. So the number of milestones in T seconds is Poisson(T/I) — an exact
    /// two-sided test — and the gaps fit the exponential distribution: chi-squared over ten
    /// bins of equal probability (each expecting about 100 gaps). Each at significance 0.001.
    /// A periodic schedule passes the first and fails the second.
    @Test("Poisson milestones: the count in T is Poisson(T/I) and the gaps are exponential of mean I")
    func poissonSchedule() {
        let interval = 10.0, duration = 10_000.0
        var scenario = Scenario(
            name: "poisson", seed: 3, duration: duration, devices: [DeviceClass(count: 1, rate: 1)],
            consensus: .coordinator(CoordinatorConfiguration(interval: interval, schedule: .poisson)))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let milestones = result.summary.milestones
        let countP = poissonTwoSidedP(milestones, mean: duration / interval)
        #expect(countP >= significance, "\(milestones) milestones in \(duration) s: p = \(countP) under Poisson(\(duration / interval))")
        let tangle = result.tangle!
        let times = [0] + (1..<tangle.count).filter { tangle.isMilestone(Int32($0)) }.map { tangle.issueTime[$0] }
        #expect(times.count == milestones + 1)
        let bins = 10
        // Bin j holds gaps in [I·ln(B/(B−j)), I·ln(B/(B−j−1))): probability 1/B each.
        var counts = Array(repeating: 0, count: bins)
        for (earlier, later) in zip(times, times.dropFirst()) {
            let quantile = 1 - Foundation.exp(-(later - earlier) / interval)
            counts[min(bins - 1, Int(quantile * Double(bins)))] += 1
        }
        let fitP = chiSquaredPValue(observed: counts, expected: Array(repeating: 1 / Double(bins), count: bins))
        #expect(fitP >= significance, "gap counts per decile of Exp(\(interval)): \(counts); chi-squared p = \(fitP)")
    }

    @Test("every variant of a comparison has identical arrivals (issue times and devices) in each replication; replications differ")
    func commonRandomNumbers() {
        var scenario = Scenario(
            name: "crn", seed: 12, transactions: 3_000, devices: [DeviceClass(count: 7, rate: 2), DeviceClass(count: 3, rate: 5)],
            network: .delay(.lognormal(mu: 0, sigma: 0.4)))
        scenario.metrics.transactionLog = true
        scenario.variants = [
            ScenarioVariant(label: "URTS"),
            ScenarioVariant(label: "URTS+C", consensus: .coordinator(CoordinatorConfiguration(interval: 5))),
            ScenarioVariant(label: "MCMC", tipSelection: .mcmc(alpha: 0.1, start: .window(W: 5))),
            ScenarioVariant(
                label: "MCMC+CW", tipSelection: .mcmc(alpha: 0.5, start: .genesis), consensus: .cumulativeWeight(threshold: 20)),
        ]
        func arrivals(variant: Int, replication: Int) -> [String] {
            let tangle = Comparison.simulate(scenario, variant: variant, replication: replication).tangle!
            return (1..<tangle.count).filter { tangle.isDeviceTransaction(Int32($0)) }.map { "\(tangle.issueTime[$0]) \(tangle.issuerID[$0])" }
        }
        var references: [[String]] = []
        for replication in 0..<2 {
            let reference = arrivals(variant: 0, replication: replication)
            #expect(reference.count == 3_000)
            for variant in scenario.variants.indices.dropFirst() {
                #expect(arrivals(variant: variant, replication: replication) == reference, "\(scenario.variants[variant].label)")
            }
            references.append(reference)
        }
        #expect(references[0] != references[1], "replications draw independent arrivals")
        #expect(Comparison.run(scenario).csv == Comparison.run(scenario).csv, "identical bytes when repeated")
    }

    @Test("reattachment: unconfirmed payloads are issued again and latency counts from the first issue")
    func reattachment() {
        var scenario = Scenario(
            name: "reattach", seed: 6, duration: 400, warmup: 20,
            devices: [DeviceClass(count: 20, rate: 0.5, reattachAfter: 15)],
            tipSelection: .mcmc(alpha: 1, start: .genesis),
            consensus: .coordinator(CoordinatorConfiguration(interval: 10)))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        let tangle = result.tangle!, payloads = result.payloads!, confirmedAt = result.confirmedAt!
        #expect(result.summary.reattachments > 0, "alpha = 1 from the genesis leaves payloads behind")
        var payloadConfirmed: [Int32: Double] = [:]
        for x in 1..<tangle.count where !confirmedAt[x].isNaN && tangle.isDeviceTransaction(Int32(x)) {
            payloadConfirmed[payloads[x]] = min(payloadConfirmed[payloads[x]] ?? .infinity, confirmedAt[x])
        }
        var reattached = 0
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) && payloads[x] != Int32(x) {
            reattached += 1
            let original = Int(payloads[x])
            #expect(tangle.issuer(of: Int32(x)) == tangle.issuer(of: Int32(original)), "the same device issues it again")
            // Issued 15 s after the previous attempt, while the payload was unconfirmed.
            #expect(tangle.issueTime[x] >= tangle.issueTime[original] + 15 - 1e-9)
            #expect((payloadConfirmed[payloads[x]] ?? .infinity) >= tangle.issueTime[x])
        }
        #expect(reattached == result.summary.reattachments)
        // Latency runs from the first issue of the payload.
        var latencies: [Double] = []
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) && payloads[x] == Int32(x) {
            let issued = tangle.issueTime[x]
            guard issued >= 20, issued <= 400 - 60, let confirmed = payloadConfirmed[Int32(x)] else { continue }
            latencies.append(confirmed - issued)
        }
        latencies.sort()
        #expect(result.latencies == latencies)
    }

    @Test("MCMC walks start at the milestone depth behind the latest visible one: every choice descends from it")
    func milestoneStart() {
        var scenario = Scenario(
            name: "milestone-start", seed: 2, duration: 120, warmup: 30, devices: [DeviceClass(count: 20, rate: 1)],
            tipSelection: .mcmc(alpha: 0.01, start: .milestone(depth: 2)),
            consensus: .coordinator(CoordinatorConfiguration(interval: 5)))
        scenario.metrics.transactionLog = true
        let result = Simulation.run(scenario)
        #expect(result.summary.walkStart == "milestone:2")
        let tangle = result.tangle!
        let milestones = [Int32(0)] + (1..<tangle.count).filter { tangle.isMilestone(Int32($0)) }.map { Int32($0) }
        var checked = 0
        for x in 1..<tangle.count where tangle.isDeviceTransaction(Int32(x)) {
            let now = tangle.issueTime[x]
            let latest = milestones.lastIndex { tangle.visibleTime[Int($0)] < now }!
            let anchor = milestones[max(0, latest - 2)]
            // x's parents are walk ends, so x descends from the anchor.
            var seen: Set<Int32> = [Int32(x)]
            var stack = [Int32(x)]
            var found = false
            while let node = stack.popLast(), !found {
                for parent in tangle.parents(of: node) where seen.insert(parent).inserted {
                    if parent == anchor { found = true }
                    if parent > anchor { stack.append(parent) }
                }
            }
            #expect(found, "transaction \(x) does not descend from milestone \(anchor)")
            checked += 1
        }
        #expect(checked > 2_000)
        // Tips that do not descend from the next anchor are never reached again, the "below
        // max depth" effect IOTA wallets answered with reattachment: more is left behind
        // than with a window start. One-sided Welch test over replications, significance
        // 0.001; the window runs have their own seed, so the samples are independent.
        var window = scenario.applying(ScenarioVariant(label: "w", tipSelection: .mcmc(alpha: 0.01, start: .window(W: 10))))
        window.seed = scenario.seed + 1
        window.metrics.transactionLog = false
        scenario.metrics.transactionLog = false
        let fromWindow = summaries(of: window, replications: 6).map(\.leftBehindRate)
        let fromMilestone = [result.summary.leftBehindRate] + (1..<6).map { Simulation.run(scenario, replication: $0).summary.leftBehindRate }
        let test = CheckStatistics.welchGreater(fromWindow, fromMilestone)
        #expect(
            test.p < significance,
            "left-behind rate from the milestone \(describe(fromMilestone)), from a window \(describe(fromWindow)); one-sided Welch p = \(test.p), significance 0.001")
    }
}
