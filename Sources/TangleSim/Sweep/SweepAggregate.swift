import CGSL

/// `aggregate.csv`: per point, the mean, sample standard deviation and 95% confidence
/// interval of the main metrics over the point's replications.
///
/// Columns: `point`, the swept parameters, `replications`, then for each metric of
/// ``SweepTable/aggregatedColumns`` present in the summary: `<metric>_mean`, `<metric>_sd`
/// and `<metric>_ci95`, the half-width of the 95% confidence interval of the mean, so the
/// interval is mean ± ci95. The half-width is t(0.975, n−1) · sd / √n with Student's t
/// quantile from GSL (`gsl_cdf_tdist_Pinv`), assuming replications are independent and their
/// mean roughly normal. Undefined values (empty fields) are left out; with fewer than two
/// defined values sd and ci95 are empty, with none the mean is too.
public enum SweepAggregate {
    /// The table for the sorted `sweep.csv` rows `rows` (unquoted fields) under `header`.
    ///
    /// - Parameters:
    ///   - replications: Rows per point; rows of one point are consecutive.
    ///   - parameterCount: Parameter columns after `point`.
    public static func table(header: [String], rows: [[String]], replications: Int, parameterCount: Int) -> CSVTable {
        let summaryColumns = header.dropFirst(1 + parameterCount)
        let metrics = SweepTable.aggregatedColumns.compactMap { name in
            summaryColumns.firstIndex(of: name).map { (name: name, column: $0) }
        }
        var aggregateHeader = Array(header.prefix(1 + parameterCount)) + ["replications"]
        for metric in metrics {
            aggregateHeader += ["\(metric.name)_mean", "\(metric.name)_sd", "\(metric.name)_ci95"]
        }
        var table = CSVTable(header: aggregateHeader)
        for start in stride(from: 0, to: rows.count, by: replications) {
            let group = rows[start..<min(rows.count, start + replications)]
            var row = group.first!.prefix(1 + parameterCount).map(CSVValue.text) + [.integer(group.count)]
            for metric in metrics {
                let values = group.compactMap { Double($0[metric.column]) }.filter(\.isFinite)
                let statistics = Self.statistics(values)
                row += [.real(statistics.mean), .real(statistics.sd), .real(statistics.ci95)]
            }
            table.rows.append(row)
        }
        return table
    }

    /// The mean, sample standard deviation and 95% confidence half-width of `values`
    /// (NaN where undefined: no value for the mean, fewer than two for the others).
    public static func statistics(_ values: [Double]) -> (mean: Double, sd: Double, ci95: Double) {
        guard !values.isEmpty else { return (.nan, .nan, .nan) }
        let n = values.count
        let mean = values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, n) }
        guard n >= 2 else { return (mean, .nan, .nan) }
        let sd = values.withUnsafeBufferPointer { gsl_stats_sd_m($0.baseAddress, 1, n, mean) }
        let t = gsl_cdf_tdist_Pinv(0.975, Double(n - 1))
        return (mean, sd, t * sd / Double(n).squareRoot())
    }
}
