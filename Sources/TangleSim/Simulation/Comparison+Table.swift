import Foundation

/// The aligned table `tanglesim compare` prints.
extension Comparison.Result {
    /// One row per variant: the confirmed share, latency quantiles, left-behind rate, mean
    /// tips and the simulation's speed (tx/s). With several replications each result is
    /// `mean ± ci95` (the 95% confidence half-width of `compare.csv`), or the mean alone
    /// when fewer than two replications define it; `-` when none does.
    public func table() -> String {
        func fixed(_ value: Double, _ digits: Int) -> String {
            value.isNaN ? "-" : String(format: "%.\(digits)f", value)
        }
        /// A column's cell: its mean (± half-width) over the variant's runs, times `scale`.
        func cell(_ group: ArraySlice<Comparison.Run>, _ column: SummaryColumn, digits: Int, scale: Double = 1, unit: String = "")
            -> String
        {
            let statistics = SweepAggregate.statistics(group.map { $0.summary.number(column) }.filter(\.isFinite))
            guard !statistics.mean.isNaN else { return "-" }
            let mean = fixed(statistics.mean * scale, digits)
            guard replications > 1, !statistics.ci95.isNaN else { return mean + unit }
            return mean + " ± " + fixed(statistics.ci95 * scale, digits) + unit
        }
        let header = ["label", "confirmed", "latency p50", "p90", "p99", "left behind", "mean tips", "tx/s"]
        let body = labels.indices.map { variant -> [String] in
            let group = runs(ofVariant: variant)
            return [
                labels[variant], cell(group, .confirmedFraction, digits: 2, scale: 100, unit: "%"),
                cell(group, .latencyP50, digits: 2), cell(group, .latencyP90, digits: 2), cell(group, .latencyP99, digits: 2),
                cell(group, .leftBehindRate, digits: 3, scale: 100, unit: "%"), cell(group, .meanTips, digits: 1),
                fixed(transactionsPerSecond(ofVariant: variant), 0),
            ]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var lines = [line(header)] + body.map(line)
        if replications > 1 {
            lines.append("(mean ± 95% CI half-width over \(replications) replications per variant; every run in compare-runs.csv)")
        }
        return lines.joined(separator: "\n")
    }
}
