import Foundation

/// The files of one run: `summary.csv`, `timeseries.csv`, `classes.csv`, `latency.csv` (with a confirmation
/// rule), `conflicts.csv` (when the scenario has double spends), `transactions.csv` (when
/// the scenario asks for it) and `manifest.json`, written
/// atomically into one folder that holds nothing else of TangleSim's but pictures
/// (`tanglesim draw`) and figures.
public enum RunOutput {
    /// The version written into every manifest.
    public static let version = "0.3.0"

    /// `summary.csv` for the given runs, one row each.
    /// The work columns come last, when some run's devices do work, then the churn column,
    /// when some run's network churns.
    public static func summaryCSV(_ summaries: [RunSummary]) -> String {
        let work = summaries.contains(where: \.hasWorkColumns)
        let churn = summaries.contains(where: \.hasChurnColumns)
        return CSVTable(
            header: RunSummary.csvHeader(for: summaries), rows: summaries.map { $0.csvFields(work: work, churn: churn) }
        ).csvText
    }

    /// Streams `timeseries.csv` of one run into `file` (``TimeseriesRow/csvHeader``, then a
    /// line per row), a row at a time through a ``BufferedOutput``: the table and its text
    /// for a million rows (a 10^9-transaction run at one sample a second) took about 180 MiB
    /// at the end of the run.
    ///
    /// - Throws: ``OutputError`` when the file cannot be written.
    public static func writeTimeseries(_ rows: [TimeseriesRow], to file: OutputFile) throws {
        var output = BufferedOutput(file)
        output.bytes.append(contentsOf: (TimeseriesRow.csvHeader.joined(separator: ",") + "\n").utf8)
        for row in rows {
            output.bytes.append(contentsOf: CSVTable.line(row.csvFields).utf8)
            try output.writeIfFull()
        }
        try output.flush()
    }

    /// `classes.csv` of one run: a row per device class, then per adversary.
    /// The work columns come last, when the devices do work.
    public static func classesCSV(_ rows: [ClassRow]) -> String {
        let work = rows.contains { $0.work != nil }
        return CSVTable(header: ClassRow.csvHeader(work: work), rows: rows.map { $0.csvFields(work: work) }).csvText
    }

    /// The probabilities of `latency.csv`: 0, 0.01, ..., 0.99, 0.999, 1.
    public static let latencyProbabilities: [Double] = (0...99).map { Double($0) / 100 } + [0.999, 1]

    /// `latency.csv`: the exact latency quantiles of the confirmed measured payloads.
    public static func latencyCSV(_ sortedLatencies: [Double]) -> String {
        let quantiles = SampleStatistics.quantiles(ofSorted: sortedLatencies, at: latencyProbabilities)
        return CSVTable(
            header: ["quantile", "latency"],
            rows: zip(latencyProbabilities, quantiles).map { [.real($0), .real($1)] }
        ).csvText
    }

    /// `manifest.json`: the resolved scenario, seed, version and the run's cost.
    public static func manifest(for result: RunResult, scenarioFile: String, cost: RunCost, files: [String]) -> JSONValue {
        .object(
            JSONObject([
                ("tanglesim_version", .string(version)),
                ("scenario_file", .string(scenarioFile)),
                ("seed", .integer(Int64(bitPattern: result.scenario.seed))),
                ("replication", .integer(Int64(result.replication))),
                ("files", .array(files.map { .string($0) })),
                ("events", .integer(Int64(bitPattern: result.events))),
                ("wall_seconds", .number(cost.wallSeconds)),
                ("tx_per_second", .number(cost.transactionsPerSecond.isFinite ? cost.transactionsPerSecond : 0)),
                ("peak_rss_bytes", .integer(Int64(cost.peakRSSBytes))),
                ("walks", walkCosts(result.walkStatistics)),
                (
                    "tip_selection",
                    result.selectionCounts.isEmpty
                        ? .null : .object(JSONObject(result.selectionCounts.map { ($0.0, .integer(Int64($0.1))) }))
                ),
                ("payments", paymentCounts(result)),
                (
                    "quantiles",
                    .object(
                        JSONObject(
                            [("exact_limit", .integer(Int64(result.scenario.metrics.exactQuantiles)))]
                                + result.quantileMethods.map { ($0.0, .string($0.1)) }))
                ),
                ("forgotten_transactions", .integer(Int64(result.forgottenTransactions))),
                ("scenario", result.scenario.resolvedJSON),
            ]))
    }

    /// What choosing consistent parents cost (null when the scenario cannot have conflicts):
    /// picks drawn or walked again, transactions with fewer parents, arrivals refused.
    static func paymentCounts(_ result: RunResult) -> JSONValue {
        guard let counts = result.paymentCounts else { return .null }
        return .object(
            JSONObject([
                ("redraws", .integer(Int64(counts.redraws))),
                ("short_transactions", .integer(Int64(counts.shortTransactions))),
                ("refused", .integer(Int64(counts.refused))),
            ]))
    }

    /// The walk counts and sampled costs of an MCMC run (null for strategies without walks).
    static func walkCosts(_ statistics: WalkStatistics?) -> JSONValue {
        guard let statistics else { return .null }
        func finite(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .null }
        return .object(
            JSONObject([
                ("walks", .integer(Int64(statistics.walks))),
                ("steps", .integer(Int64(statistics.steps))),
                ("short_transactions", .integer(Int64(statistics.shortTransactions))),
                ("mean_walk_length", finite(statistics.meanWalkLength)),
                ("mean_walk_ms", finite(statistics.meanWalkMilliseconds)),
                ("walk_seconds", finite(statistics.estimatedWalkSeconds)),
                ("weight_update_seconds", finite(statistics.estimatedWeightUpdateSeconds)),
                ("timing", .string("wall time of 1 call in \(WalkStatistics.sampleEvery), scaled to the total")),
            ]))
    }

    /// The files `run` and `compare` write into their output folder. A folder holds the
    /// results of one command: committing a run or a comparison removes those of these files
    /// that it did not write (an earlier run's `latency.csv`, a comparison's `compare.csv`).
    public static let fileNames = [
        "summary.csv", "timeseries.csv", "latency.csv", "transactions.csv", "manifest.json", "compare.csv",
        "compare-runs.csv", "compare-latency.csv", "conflicts.csv", "attacks.csv", "classes.csv", "walks.csv",
        "compare-classes.csv",
    ]

    /// Checks that `folder` may receive the results of a run or a comparison.
    ///
    /// - Throws: ``OutputError`` when it holds a sweep (`sweep.json`): a run's files there
    ///   would be mistaken for the sweep's.
    public static func checkFolder(_ folder: String) throws {
        let sweep = folder + "/" + SweepFolder.manifestName
        if FileManager.default.fileExists(atPath: sweep) {
            throw OutputError(
                "\(folder) holds a sweep (\(sweep)): a run or comparison writes into a folder of its own. "
                    + "Write to another --out folder.")
        }
    }

    /// Writes every file of `result` into `folder`, atomically, and removes the files of an
    /// earlier run or comparison there that this run does not write; returns the file names.
    /// A run that forgot its settled past wrote the first rows of its transaction log into
    /// `spill` (``Simulation/forgetsWithLog(_:)``): they are copied first.
    ///
    /// - Throws: ``OutputError`` naming the file and the reason; then nothing is written and
    ///   the folder holds what it held before.
    @discardableResult
    public static func write(
        _ result: RunResult, scenarioFile: String, cost: RunCost, to folder: String, spill: TransactionLogSpill? = nil
    ) throws -> [String] {
        try checkFolder(folder)
        let set = try AtomicFileSet(folder: folder, owning: fileNames)
        var names = ["summary.csv", "timeseries.csv", "classes.csv"]
        try set.stage("summary.csv", contents: summaryCSV([result.summary]))
        try set.stage("timeseries.csv") { try writeTimeseries(result.timeseries, to: $0) }
        try set.stage("classes.csv", contents: classesCSV(result.classes))
        if result.scenario.consensus != .none {
            names.append("latency.csv")
            try set.stage("latency.csv", contents: latencyCSV(result.latencies))
        }
        if result.scenario.hasConflicts, let conflicts = result.conflicts {
            names.append("conflicts.csv")
            try set.stage("conflicts.csv", contents: conflicts.csvText)
        }
        if !result.scenario.adversaries.isEmpty {
            names.append("attacks.csv")
            try set.stage("attacks.csv", contents: AttackRecord.csvText(result.attacks))
        }
        if result.scenario.metrics.walkAnalysis != nil {
            names.append("walks.csv")
            try set.stage(
                "walks.csv", contents: CSVTable(header: WalkAnalysisRow.csvHeader, rows: result.walkAnalyses.map(\.csvFields)).csvText)
        }
        if let tangle = result.tangle {
            names.append("transactions.csv")
            try set.stage("transactions.csv") { file in
                var first = 0
                if let spill, spill.rows > 0 {
                    try spill.copy(into: file)
                    first = spill.rows
                }
                try TransactionLog.write(
                    tangle, confirmedAt: result.confirmedAt, payloads: result.payloads,
                    doubleSpends: result.ledger?.payloadOutput ?? [:], rejected: result.conflicts?.rejected, from: first, to: file)
            }
        }
        names.append("manifest.json")
        let manifest = manifest(for: result, scenarioFile: scenarioFile, cost: cost, files: names)
        try set.stage("manifest.json", contents: manifest.prettyPrinted)
        try set.commit()
        return names
    }
}
