import Testing
@testable import TangleSim

@Suite("Lazy devices and classes.csv")
struct LazyDeviceTests {
    /// 40 honest devices and 10 lazy ones (lazyAge 30 s), all at 1 transaction per second.
    static func twoClasses(
        tipSelection: TipSelectionConfiguration, seed: UInt64 = 1, duration: Double = 150, lazyAge: Double = 30
    ) -> Scenario {
        Scenario(
            name: "lazy", seed: seed, duration: duration, warmup: 30,
            devices: [DeviceClass(count: 40, rate: 1), DeviceClass(count: 10, rate: 1, behaviour: .lazy(age: lazyAge))],
            tipSelection: tipSelection, metrics: MetricsConfiguration(orphanTimeout: 20))
    }

    @Test("latestVisible: the k latest transactions issued by the cutoff and visible now, the genesis when none")
    func latestVisible() {
        var tangle = Tangle(parents: 2)
        // Issued at 1, 2, 3, 4; visible at 2, 9, 4, 5.
        for (issue, visible) in [(1.0, 2.0), (2, 9), (3, 4), (4, 5)] {
            tangle.append(issueTime: issue, visibleTime: visible, issuer: .device(0), parents: [0])
        }
        func latest(_ k: Int, by cutoff: Double, now: Double) -> [Int32] {
            var parents: [Int32] = []
            LazyApproval.latestVisible(k, issuedBy: cutoff, now: now, tangle: tangle, into: &parents)
            return parents
        }
        #expect(latest(2, by: 3, now: 5) == [3, 1], "2 is not visible yet at 5")
        #expect(latest(2, by: 3, now: 9) == [3, 2])
        #expect(latest(2, by: 4, now: 5) == [4, 3])
        #expect(latest(3, by: 3.5, now: 5) == [3, 1, 0], "the genesis is a transaction like any other")
        #expect(latest(2, by: -1, now: 5) == [0], "none issued by the cutoff: the genesis")
        #expect(latest(1, by: 0.5, now: 0.5) == [0])
    }

    @Test("a lazy class approves one set of parents issued at least lazyAge earlier, chosen again every lazyAge")
    func lazyParents() throws {
        var scenario = Self.twoClasses(tipSelection: .uniform, lazyAge: 10)
        scenario.network = .delay(.exponential(mean: 2))
        scenario.metrics.transactionLog = true
        let tangle = try #require(Simulation.run(scenario).tangle)
        var pair: [Int32] = []
        var chosenAt = -Double.infinity
        var lazyCount = 0
        for index in 1..<tangle.count {
            let x = Int32(index)
            guard tangle.isDeviceTransaction(x), tangle.issuer(of: x).id >= 40 else { continue }
            lazyCount += 1
            let now = tangle.issueTime[index]
            let parents = Array(tangle.parents(of: x))
            if now - chosenAt >= 10 {
                chosenAt = now
                var expected: [Int32] = []
                LazyApproval.latestVisible(2, issuedBy: now - 10, now: now, tangle: tangle, into: &expected)
                pair = expected
            }
            #expect(Set(parents) == Set(pair), "transaction \(x) at \(now)")
            for parent in parents where parent != 0 {
                #expect(tangle.issueTime[Int(parent)] <= now - 10)
                #expect(tangle.visibleTime[Int(parent)] <= now)
            }
        }
        #expect(lazyCount > 1000)
    }

    /// The model's claim: "Weighted walks leave lazy transactions behind; URTS does not". A
    /// lazy transaction approves transactions 30 s old, outside the region walks from a window
    /// start (W = 10 s) go through, so at alpha = 1 none reaches it; under URTS it is a tip like
    /// any other. One-sided Welch tests at ``significance``: with walks, the lazy class's
    /// left-behind rate exceeds the honest class's (a demonstration, sized so that the effect —
    /// a rate near 1 against one well below — dwarfs the noise of 5 replications); under URTS
    /// it does not (the claim's equality: a correct simulator fails it with probability at most
    /// 0.001). The honest rates come from replications 0..<5 and the lazy rates from 5..<10,
    /// so that the two samples are independent, as Welch's test assumes.
    @Test("walks at alpha = 1 leave lazy transactions behind; URTS does not")
    func walksLeaveLazyBehind() {
        func rates(_ tipSelection: TipSelectionConfiguration, seed: UInt64) -> (honest: [Double], lazy: [Double]) {
            let scenario = Self.twoClasses(tipSelection: tipSelection, seed: seed)
            let honest = (0..<5).map { Simulation.run(scenario, replication: $0).classes[0].leftBehindRate }
            let lazy = (5..<10).map { Simulation.run(scenario, replication: $0).classes[1].leftBehindRate }
            return (honest, lazy)
        }
        let walks = rates(.mcmc(alpha: 1, start: .window(W: 10)), seed: 11)
        let walkTest = CheckStatistics.welchGreater(walks.honest, walks.lazy)
        #expect(
            walkTest.p < significance,
            "alpha = 1: honest \(describe(walks.honest)), lazy \(describe(walks.lazy)); one-sided Welch p = \(walkTest.p), significance 0.001")
        let uniform = rates(.uniform, seed: 12)
        let uniformTest = CheckStatistics.welchGreater(uniform.honest, uniform.lazy)
        #expect(
            uniformTest.p >= significance,
            "URTS: honest \(describe(uniform.honest)), lazy \(describe(uniform.lazy)); one-sided Welch p = \(uniformTest.p), significance 0.001")
    }

    /// A scenario exercising every column of classes.csv: a coordinator (latencies),
    /// reattachments, double spends (rejected and refused transactions), and two classes.
    static func everything(classes: [DeviceClass]) -> Scenario {
        Scenario(
            name: "classes", seed: 5, duration: 300, warmup: 30, devices: classes,
            metrics: MetricsConfiguration(orphanTimeout: 30),
            consensus: .coordinator(CoordinatorConfiguration(interval: 10)),
            payments: PaymentsConfiguration(doubleSpendRate: 0.05))
    }

    @Test("classes.csv adds up to summary.csv; with one class its rates are the summary's")
    func classesAddUp() throws {
        let two = Simulation.run(
            Self.everything(classes: [
                DeviceClass(count: 30, rate: 0.5, reattachAfter: 20),
                DeviceClass(count: 10, rate: 1, behaviour: .lazy(age: 15)),
            ]))
        let summary = two.summary
        #expect(two.classes.map(\.label) == ["devices[0]", "devices[1]"])
        #expect(two.classes.map(\.behaviour) == ["honest", "lazy"])
        #expect(
            two.classes.map(\.issued).reduce(0, +)
                == summary.integer(.transactions) + summary.integer(.reattachments))
        #expect(two.classes.map(\.measured).reduce(0, +) == summary.integer(.measuredTransactions))
        // Each of the summary's rates and means is a weighted mean of the classes' ones.
        for (column, value) in [
            (SummaryColumn.leftBehindRate, \ClassRow.leftBehindRate), (.rejectedRate, \.rejectedRate),
            (.latencyMean, \.latencyMean),
        ] {
            let values = two.classes.map { $0[keyPath: value] }
            let total = summary.number(column)
            #expect(values.allSatisfy { !$0.isNaN }, "\(column.name): \(values)")
            #expect(
                values.min()! - 1e-12 <= total && total <= values.max()! + 1e-12, "\(column.name): \(total) from \(values)")
        }
        #expect(two.classes.contains { $0.rejectedRate > 0 }, "the scenario has rejected transactions")

        let one = Simulation.run(Self.everything(classes: [DeviceClass(count: 40, rate: 0.625, reattachAfter: 20)]))
        let row = try #require(one.classes.first)
        #expect(one.classes.count == 1)
        #expect(row.issued == one.summary.integer(.transactions) + one.summary.integer(.reattachments))
        #expect(row.measured == one.summary.integer(.measuredTransactions))
        #expect(row.leftBehindRate == one.summary.number(.leftBehindRate))
        #expect(row.rejectedRate == one.summary.number(.rejectedRate))
        #expect(row.latencyMean == one.summary.number(.latencyMean))
        #expect(row.latencyP50 == one.summary.number(.latencyP50))
        #expect(row.latencyP99 == one.summary.number(.latencyP99))
    }

    @Test("classes.csv: header, labels and undefined latencies without a confirmation rule")
    func classesCSV() {
        let result = Simulation.run(Self.twoClasses(tipSelection: .uniform, duration: 60))
        let lines = RunOutput.classesCSV(result.classes).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "class,behaviour,issued,measured,left_behind_rate,rejected_rate,latency_mean,latency_p50,latency_p99")
        #expect(lines[1].hasPrefix("devices[0],honest,"))
        #expect(lines[2].hasPrefix("devices[1],lazy,"))
        #expect(lines[2].hasSuffix(",0.0,,,"), "rejected rate 0 without conflicts; no latency without a rule")
    }

    @Test("adversary transactions get the rows the caller names")
    func adversaryRows() {
        var tangle = Tangle(parents: 2)
        tangle.append(issueTime: 1, visibleTime: 2, issuer: .device(0), parents: [0])
        tangle.append(issueTime: 1.5, visibleTime: 2, issuer: IssuerIdentity(.adversary, 0), parents: [1])
        tangle.append(issueTime: 3, visibleTime: 4, issuer: .device(0), parents: [2])
        tangle.append(issueTime: 4, visibleTime: 5, issuer: IssuerIdentity(.adversary, 1), parents: [3])
        let scenario = Scenario(name: "a", duration: 100, devices: [DeviceClass(count: 1, rate: 1)])
        var metrics = RunMetrics(scenario: scenario)
        var summary = RunSummary()
        _ = metrics.finish(
            at: 100, tangle: tangle, confirmation: nil, nodeAverage: nil, issuerNodeTime: nil, conflicts: nil,
            refused: [RefusedTransaction(time: 10, issuer: IssuerIdentity(.adversary, 0), isArrival: true)],
            adversaryBehaviours: ["tipInflation"], into: &summary)
        #expect(metrics.classes.map(\.label) == ["devices[0]", "adversaries[0]"])
        #expect(metrics.classes.map(\.behaviour) == ["honest", "tipInflation"])
        #expect(metrics.classes.map(\.issued) == [2, 2], "adversary 1 has no row; the refused arrival counts")
        #expect(metrics.classes[1].leftBehindRate == 0)
        #expect(metrics.classes[1].rejectedRate == 0.5, "the refused transaction is judged and rejected")
        #expect(summary.integer(.measuredTransactions) == 2, "adversaries are not in the summary")
    }

    @Test("lazy devices with double spends and a coordinator: consistent parents, never a released one")
    func lazyWithConflicts() {
        var scenario = Self.everything(classes: [
            DeviceClass(count: 20, rate: 1), DeviceClass(count: 20, rate: 1, behaviour: .lazy(age: 5)),
        ])
        scenario.payments = PaymentsConfiguration(doubleSpendRate: 0.2)
        scenario.network = .gossip(GossipConfiguration(nodes: 8, topology: .fullMesh, linkLatency: .constant(0.2)))
        let result = Simulation.run(scenario)
        #expect(result.classes[1].issued > 0)
        #expect(result.summary.integer(.conflicts) > 0)
    }
}
