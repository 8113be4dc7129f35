/// Everything one run produces, for the writers to turn into files.
public struct RunResult: Sendable {
    /// The scenario as run (seed included).
    public var scenario: Scenario
    public var replication: Int
    /// The row of `summary.csv`.
    public var summary: RunSummary
    /// The rows of `timeseries.csv`.
    public var timeseries: [TimeseriesRow]
    /// The whole Tangle, kept only when the scenario asks for a transaction log.
    public var tangle: Tangle?
    /// Events the engine handled.
    public var events: UInt64
    /// What the tip selector's walks did and cost (MCMC only).
    public var walkStatistics: WalkStatistics?
}

/// Runs scenarios. The entry point of the simulation library.
public enum Simulation {
    /// Runs replication `replication` of `scenario` to its stop condition.
    ///
    /// - Parameter progress: called now and then with the fraction of the run done (0...1).
    public static func run(
        _ scenario: Scenario, replication: Int = 0, progress: ((Double) -> Void)? = nil
    ) -> RunResult {
        switch scenario.tipSelection {
        case .uniform:
            return run(scenario, replication: replication, selector: UniformTipSelector(), progress: progress)
        case .mcmc(let alpha, .window(let w)):
            let weights = WindowedWeights(initialCapacity: windowCapacity(of: scenario, w: w))
            let selector = MCMCTipSelector(alpha: alpha, start: .window(W: w), weights: weights, warmup: scenario.warmup)
            return run(scenario, replication: replication, selector: selector, progress: progress)
        case .mcmc(let alpha, let start):
            let selector = MCMCTipSelector(alpha: alpha, start: start, weights: PastConeWeights(), warmup: scenario.warmup)
            return run(scenario, replication: replication, selector: selector, progress: progress)
        }
    }

    /// Runs `scenario` with a given tip selector.
    public static func run<Selector: TipSelector>(
        _ scenario: Scenario, replication: Int, selector: Selector, progress: ((Double) -> Void)? = nil
    ) -> RunResult {
        let expectedEnd = expectedEndTime(of: scenario)
        var simulation = TangleSimulation(
            scenario: scenario, replication: replication, selector: selector,
            expectedTransactions: expectedTransactions(of: scenario))
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        let reason = engine.run(
            until: scenario.duration ?? .infinity, handler: &simulation,
            progress: progress.map { report in { now in report(Swift.min(1, now / expectedEnd)) } })
        precondition(reason != .exhausted || scenario.duration != nil, "arrivals never run out")
        let summary = simulation.finish(at: engine.now)
        progress?(1)
        return RunResult(
            scenario: scenario, replication: replication, summary: summary,
            timeseries: simulation.timeseries,
            tangle: scenario.metrics.transactionLog ? simulation.tangle : nil,
            events: engine.handledEvents, walkStatistics: simulation.selector.walkStatistics)
    }

    /// The initial ring size of ``WindowedWeights``: the transactions expected within
    /// 2W plus four mean delays, with a quarter more for fluctuations. A wrong guess costs
    /// a rebuild, never a result.
    static func windowCapacity(of scenario: Scenario, w: Double) -> Int {
        guard case .delay(let delay) = scenario.network else { return 1024 }
        let expected = scenario.lambda * (2 * w + 4 * delay.mean)
        return Int(Swift.min(expected * 1.25 + 256, Double(1 << 26)))
    }

    /// The time at which the run is expected to stop, for progress reports.
    static func expectedEndTime(of scenario: Scenario) -> Double {
        let byCount = scenario.transactions.map { Double($0) / scenario.lambda } ?? .infinity
        return Swift.min(scenario.duration ?? .infinity, byCount)
    }

    /// Storage to reserve: the transaction count, or the expected count over the duration
    /// plus six standard deviations of the Poisson count.
    static func expectedTransactions(of scenario: Scenario) -> Int {
        var expected = Double.infinity
        if let count = scenario.transactions { expected = Double(count) + 1 }
        if let duration = scenario.duration {
            let mean = scenario.lambda * duration
            expected = Swift.min(expected, mean + 6 * mean.squareRoot() + 16)
        }
        return Int(Swift.min(expected, Double(Int32.max)))
    }
}
