import Foundation

/// Runs a scenario's variants side by side on common random numbers.
///
/// Every variant runs with the same seed and replication, so the arrivals stream, which no
/// strategy draws from, gives every variant identical issue times and devices for its
/// arrivals; milestones draw from the coordinator's own stream. Differences between rows are
/// then due to the strategies, not to different arrival samples.
public enum Comparison {
    /// One variant's result.
    public struct Row: Sendable {
        public var label: String
        public var result: RunResult
        /// Simulated transactions per wall-clock second (a cost, never written to a CSV).
        public var transactionsPerSecond: Double
    }

    /// Runs every variant of `scenario` in order.
    ///
    /// - Parameter progress: called with (variant index, fraction of that variant done).
    public static func run(_ scenario: Scenario, progress: ((Int, Double) -> Void)? = nil) -> [Row] {
        precondition(!scenario.variants.isEmpty, "a comparison needs variants")
        return scenario.variants.enumerated().map { index, variant in
            let clock = ContinuousClock()
            var result: RunResult?
            let elapsed = clock.measure {
                result = Simulation.run(scenario.applying(variant), progress: progress.map { report in { report(index, $0) } })
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return Row(
                label: variant.label, result: result!,
                transactionsPerSecond: seconds > 0 ? Double(result!.summary.transactions) / seconds : .nan)
        }
    }

    /// `compare.csv`: one row per variant, its label then every summary column.
    public static func csv(_ rows: [Row]) -> String {
        CSVTable(header: ["label"] + RunSummary.csvHeader, rows: rows.map { [.text($0.label)] + $0.result.summary.csvFields })
            .csvText
    }

    /// `compare-latency.csv`: each confirming variant's latency quantiles (label, quantile,
    /// latency), for latency distributions side by side.
    public static func latencyCSV(_ rows: [Row]) -> String {
        var table = CSVTable(header: ["label", "quantile", "latency"])
        for row in rows where row.result.scenario.consensus != .none {
            let quantiles = SampleStatistics.quantiles(ofSorted: row.result.latencies, at: RunOutput.latencyProbabilities)
            for (p, latency) in zip(RunOutput.latencyProbabilities, quantiles) {
                table.rows.append([.text(row.label), .real(p), .real(latency)])
            }
        }
        return table.csvText
    }

    /// The aligned table `tanglesim compare` prints.
    public static func table(_ rows: [Row]) -> String {
        func fixed(_ value: Double, _ digits: Int) -> String {
            value.isNaN ? "-" : String(format: "%.\(digits)f", value)
        }
        let header = ["label", "confirmed", "latency p50", "p90", "p99", "left behind", "mean tips", "tx/s"]
        let body = rows.map { row -> [String] in
            let s = row.result.summary
            return [
                row.label, s.confirmedFraction.isNaN ? "-" : fixed(s.confirmedFraction * 100, 2) + "%",
                fixed(s.number(.latencyP50), 2), fixed(s.number(.latencyP90), 2), fixed(s.number(.latencyP99), 2),
                fixed(s.leftBehindRate * 100, 3) + "%", fixed(s.meanTips, 1),
                fixed(row.transactionsPerSecond, 0),
            ]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n")
    }
}
