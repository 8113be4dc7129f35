/// The files of a comparison: `compare.csv`, `compare-runs.csv`, `compare-latency.csv` and
/// `compare-classes.csv`.
///
/// With one replication `compare.csv` is one row per variant, its label then every summary
/// column: the file TangleSim wrote before replications existed, byte for byte.
///
/// With N > 1 replications `compare.csv` is one row per variant: `label`, `replications`
/// (N), then every summary column but `replication`, in the order of `summary.csv`. A
/// setting (``SummaryColumn/settings``: the strategy, lambda, the seed, ...) is written
/// once, as it is the same in every replication; every other column holds the mean over
/// the replications under the column's own name, followed by `<column>_sd` (the sample
/// standard deviation) and `<column>_ci95`, the half-width of the 95% confidence interval
/// of the mean, t(0.975, N − 1)·sd/√N — the suffixes and the rules of `aggregate.csv`
/// (``SweepAggregate/statistics(_:)``): undefined values are left out, with fewer than two
/// defined values sd and ci95 are empty, with none the mean is too. The means keep their
/// names so that readers of `compare.csv` (`tanglesim plot`, scripts) read means whatever N
/// is. `compare-runs.csv` then holds every run, one row per (variant, replication) in that
/// order, in the layout of a one-replication `compare.csv`, so nothing is lost.
///
/// `compare-latency.csv` (`label, quantile, latency`, for the variants with a confirmation
/// rule) holds the quantiles of the latencies of all the variant's replications pooled:
/// every confirmed payload counts once, so a replication weighs by the payloads it
/// confirmed. With one replication these are the run's quantiles, as in `latency.csv`.
///
/// `compare-classes.csv` (`label`, `replication`, then the columns of `classes.csv`) holds
/// every run's `classes.csv` rows, by (variant, replication) and then in the run's own row
/// order: how each device class (and adversary) fares under each variant. The work columns
/// come last when some run has them (empty for a run without).
extension Comparison.Result {
    /// `compare.csv`.
    ///
    /// - Complexity: O(variants × replications × columns).
    public var csv: String {
        guard replications > 1 else { return runsCSV }
        let columns = SummaryColumn.all.filter { $0 != .replication }
        var header = ["label", "replications"]
        for column in columns {
            header.append(column.name)
            if !SummaryColumn.settings.contains(column) { header += [column.name + "_sd", column.name + "_ci95"] }
        }
        var table = CSVTable(header: header)
        for (variant, label) in labels.enumerated() {
            let group = runs(ofVariant: variant)
            var row: [CSVValue] = [.text(label), .integer(group.count)]
            for column in columns {
                if SummaryColumn.settings.contains(column) {
                    let value = group.first!.summary[column]
                    precondition(
                        group.allSatisfy { $0.summary[column].csvText == value.csvText },
                        "\(column.name) is a setting: the same in every replication")
                    row.append(value)
                } else {
                    let statistics = SweepAggregate.statistics(group.map { $0.summary.number(column) }.filter(\.isFinite))
                    row += [.real(statistics.mean), .real(statistics.sd), .real(statistics.ci95)]
                }
            }
            table.rows.append(row)
        }
        return table.csvText
    }

    /// `compare-runs.csv`: one row per run, sorted by (variant, replication), its label then
    /// every summary column (with one replication, this is `compare.csv`).
    public var runsCSV: String {
        CSVTable(header: ["label"] + RunSummary.csvHeader, rows: runs.map { [.text($0.label)] + $0.summary.csvFields }).csvText
    }

    /// `compare-latency.csv`: each confirming variant's latency quantiles (label, quantile,
    /// latency) at ``RunOutput/latencyProbabilities``, over its replications' latencies
    /// pooled.
    ///
    /// - Complexity: O(L) per variant for its L pooled latencies (a radix sort of a copy),
    ///   and no copy with one replication.
    public var latencyCSV: String {
        var table = CSVTable(header: ["label", "quantile", "latency"])
        for (variant, label) in labels.enumerated() {
            let group = runs(ofVariant: variant)
            guard group.first!.confirming else { continue }
            let quantiles: [Double]
            if group.count == 1 {
                quantiles = SampleStatistics.quantiles(ofSorted: group.first!.latencies, at: RunOutput.latencyProbabilities)
            } else {
                var pooled: [Double] = []
                pooled.reserveCapacity(group.reduce(0) { $0 + $1.latencies.count })
                for run in group { pooled += run.latencies }
                SampleStatistics.sortNonNegative(&pooled)
                quantiles = SampleStatistics.quantiles(ofSorted: pooled, at: RunOutput.latencyProbabilities)
            }
            for (p, latency) in zip(RunOutput.latencyProbabilities, quantiles) {
                table.rows.append([.text(label), .real(p), .real(latency)])
            }
        }
        return table.csvText
    }

    /// `compare-classes.csv`: each run's `classes.csv` rows, labelled by variant and
    /// replication.
    ///
    /// - Complexity: O(runs × rows).
    public var classesCSV: String {
        let work = runs.contains { run in run.classes.contains { $0.work != nil } }
        var table = CSVTable(header: ["label", "replication"] + ClassRow.csvHeader(work: work))
        for run in runs {
            for row in run.classes {
                table.rows.append([.text(run.label), .integer(run.replication)] + row.csvFields(work: work))
            }
        }
        return table.csvText
    }
}
