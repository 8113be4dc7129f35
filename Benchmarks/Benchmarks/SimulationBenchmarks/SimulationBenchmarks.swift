import Benchmark
import TangleSim

/// A URTS scenario with a constant 1 s delay, stopped after `transactions`.
private func urts(devices: Int, lambda: Double, transactions: Int, delay: DelayDistribution = .constant(1)) -> Scenario {
    Scenario(
        name: "benchmark", transactions: transactions,
        devices: [DeviceClass(count: devices, rate: lambda / Double(devices))], network: .delay(delay))
}

let benchmarks: @Sendable () -> Void = {
    let simulationMetrics: [BenchmarkMetric] = [.wallClock, .cpuUser, .peakMemoryResident, .mallocCountTotal]

    // Issue 2's target: >= 3 million simulated transactions per second on one core and at
    // most 64 bytes per transaction of peak memory. One iteration simulates 10 million
    // transactions; wall time per iteration / 10^7 is the cost per transaction.
    Benchmark(
        "URTS 10M tx, 1000 devices, lambda 1000/s, h 1 s",
        configuration: .init(metrics: simulationMetrics, warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 5)
    ) { benchmark in
        let scenario = urts(devices: 1_000, lambda: 1_000, transactions: 10_000_000)
        benchmark.startMeasurement()
        let result = Simulation.run(scenario)
        benchmark.stopMeasurement()
        blackHole(result.summary)
    }

    // The per-transaction cost must not depend on the number of devices.
    for devices in [10, 100_000] {
        Benchmark(
            "URTS 1M tx, \(devices) devices",
            configuration: .init(metrics: simulationMetrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
        ) { benchmark in
            let scenario = urts(devices: devices, lambda: 1_000, transactions: 1_000_000)
            benchmark.startMeasurement()
            blackHole(Simulation.run(scenario).summary)
        }
    }

    // A random delay sends visibility events through the heap lane of the event queue.
    Benchmark(
        "URTS 1M tx, exponential delay mean 1 s",
        configuration: .init(metrics: simulationMetrics, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        let scenario = urts(devices: 1_000, lambda: 1_000, transactions: 1_000_000, delay: .exponential(mean: 1))
        benchmark.startMeasurement()
        blackHole(Simulation.run(scenario).summary)
    }

    // Issue 3's target: MCMC, alpha = 0.01, window W = 10 s, lambda = 100/s, h = 1 s: at least
    // 300,000 transactions per second, and the cost per transaction at 1 million within 20%
    // of the cost at 100,000.
    for transactions in [100_000, 1_000_000] {
        Benchmark(
            "MCMC alpha 0.01 window 10 s, lambda 100/s, \(transactions / 1_000)k tx",
            configuration: .init(metrics: simulationMetrics, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)
        ) { benchmark in
            var scenario = urts(devices: 1_000, lambda: 100, transactions: transactions)
            scenario.tipSelection = .mcmc(alpha: 0.01, start: .window(W: 10))
            benchmark.startMeasurement()
            blackHole(Simulation.run(scenario).summary)
        }
    }
}
