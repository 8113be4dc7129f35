import Foundation

/// The figures `tanglesim plot` makes from the CSV files of a results folder.
///
/// Every file is read by column name (``NamedCSV``), so columns added later change nothing.
/// Which figures are made depends on which files are present:
///
/// | file | figure |
/// |---|---|
/// | `timeseries.csv` (+ `summary.csv`) | tips and visible tips over time; 2·lambda·h under uniform selection |
/// | `latency.csv` | the confirmation-latency distribution function |
/// | `sweep.csv` or `aggregate.csv` | each main metric (the attack success rate among them) against the first numeric swept parameter, mean ± 95% CI; other parameters as series; theory where it has a formula |
/// | `compare.csv` | the variants' main metrics side by side, as bars (with the 95% CI of the mean when it has `_ci95` columns) |
/// | `compare-latency.csv` | the variants' latency distribution functions |
/// | `compare-classes.csv` | each device class under each variant, as clustered bars (means over replications) |
/// | `transactions.csv` (+ `summary.csv`) | mean cumulative weight against age, with the slope lambda |
public enum ResultFigures {
    /// The files that make figures, in the order figures are made.
    public static let inputs = [
        "timeseries.csv", "latency.csv", "sweep.csv", "aggregate.csv", "compare.csv", "compare-latency.csv",
        "compare-classes.csv", "transactions.csv",
    ]

    /// The names of every figure `input` (one of ``inputs``) can make under `prefix`, made or
    /// not: what an earlier plot of the same results may have left in a figures folder.
    public static func figureNames(prefix: String, input: String) -> [String] {
        let suffixes: [String]
        switch input {
        case "timeseries.csv": suffixes = ["tips"]
        case "latency.csv": suffixes = ["latency-cdf"]
        case "sweep.csv", "aggregate.csv": suffixes = sweepMetrics.map { $0.column.replacingOccurrences(of: "_", with: "-") }
        case "compare.csv": suffixes = ["compare"]
        case "compare-latency.csv": suffixes = ["compare-latency-cdf"]
        case "compare-classes.csv": suffixes = ["compare-classes"]
        case "transactions.csv": suffixes = ["weight-growth"]
        default: suffixes = []
        }
        return suffixes.map { prefix + "-" + $0 }
    }

    /// Makes the figures of the files in `texts` (file name → contents).
    ///
    /// - Parameters:
    ///   - folder: the folder the files come from, for messages.
    ///   - prefix: the start of every figure's name (the results folder's name).
    /// - Throws: ``FigureError`` naming the file and the problem when a file is malformed or
    ///   lacks a column its figure needs.
    public static func figures(texts: [String: String], folder: String, prefix: String, format: FigureFormat) throws -> [Figure] {
        func csv(_ name: String) throws -> NamedCSV? {
            try texts[name].map { try NamedCSV(text: $0, file: folder + "/" + name) }
        }
        let summary = try csv("summary.csv")
        var plots: [GnuplotPlot] = []
        if let timeseries = try csv("timeseries.csv") { plots.append(try tipsOverTime(timeseries, summary: summary, prefix: prefix)) }
        if let latency = try csv("latency.csv"), let plot = try latencyDistribution(latency, prefix: prefix) { plots.append(plot) }
        if let sweep = try csv("sweep.csv") {
            plots += try sweepFigures(SweepPoints(sweep: sweep), prefix: prefix)
        } else if let aggregate = try csv("aggregate.csv") {
            plots += try sweepFigures(SweepPoints(aggregate: aggregate), prefix: prefix)
        }
        var figures = plots.map { $0.figure(format: format) }
        if let compare = try csv("compare.csv"), let figure = try compareBars(compare, prefix: prefix, format: format) {
            figures.append(figure)
        }
        if let latencies = try csv("compare-latency.csv"), let plot = try compareLatency(latencies, prefix: prefix) {
            figures.append(plot.figure(format: format))
        }
        if let classes = try csv("compare-classes.csv"), let figure = try compareClassBars(classes, prefix: prefix, format: format) {
            figures.append(figure)
        }
        if let log = try csv("transactions.csv") {
            figures.append(try weightGrowth(log, summary: summary, prefix: prefix).figure(format: format))
        }
        return figures
    }

    // MARK: - One run

    static func tipsOverTime(_ csv: NamedCSV, summary: NamedCSV?, prefix: String) throws -> GnuplotPlot {
        try csv.require(["time", "tips"])
        let time = try csv.numbers("time")
        var series = [GnuplotPlot.Series(title: "tips (no approver yet)", style: .lines, rows: zip(time, try csv.numbers("tips")).map { [$0, $1] })]
        if csv.has("visible_tips") {
            series.append(.init(title: "visible tips (no visible approver)", style: .lines, rows: zip(time, try csv.numbers("visible_tips")).map { [$0, $1] }))
        }
        if let summary, !summary.rows.isEmpty, let (lambda, h) = try popovSetting(summary, row: 0), let end = time.last {
            let theory = 2 * lambda * h
            series.append(.init(title: "theory 2·lambda·h = \(Gnuplot.number(theory)) (Popov, The Tangle §3)", style: .theory, rows: [[0, theory], [end, theory]]))
        }
        var plot = GnuplotPlot(
            name: prefix + "-tips", title: "Tips over time (\(prefix))", xLabel: "simulated time (s)",
            yLabel: "number of tips (transactions)", series: series)
        plot.notes = ["Data: timeseries.csv (columns time, tips, visible_tips) and summary.csv (lambda, delay_mean)."]
        plot.yFromZero = true
        plot.key = "bottom right"
        return plot
    }

    static func latencyDistribution(_ csv: NamedCSV, prefix: String) throws -> GnuplotPlot? {
        try csv.require(["quantile", "latency"])
        let rows = zip(try csv.numbers("latency"), try csv.numbers("quantile")).map { [$0, $1] }.filter { $0[0].isFinite }
        guard !rows.isEmpty else { return nil }
        var plot = GnuplotPlot(
            name: prefix + "-latency-cdf", title: "Confirmation latency (\(prefix))", xLabel: "confirmation latency (s)",
            yLabel: "fraction of confirmed transactions", series: [.init(title: "empirical distribution function", style: .steps, rows: rows)])
        plot.notes = ["Data: latency.csv (columns quantile, latency)."]
        plot.key = "bottom right"
        plot.yFromZero = true
        cutTail(&plot, [rows])
        return plot
    }

    // MARK: - Sweeps

    /// A sweep's points: parameter values, per-metric means and 95% half-widths, and the
    /// settings the theory needs.
    struct SweepPoints {
        var file: String
        var parameters: [String]
        /// Per point: its parameter values.
        var values: [[String]] = []
        var means: [[String: Double]] = []
        var halfWidths: [[String: Double]] = []
        /// Per point: (lambda, h) when the point is Popov's uniform setting, else nil.
        var popov: [(lambda: Double, h: Double)?] = []
        var lambdas: [Double] = []
        var delays: [Double] = []
        var intervals: [Double] = []
        var replications = 0

        /// From `sweep.csv`: groups rows by `point` and computes mean and 95% half-width
        /// (Student's t) as `aggregate.csv` does.
        init(sweep csv: NamedCSV) throws {
            try csv.require(["point", "scenario"])
            file = csv.file
            parameters = Array(csv.header[1..<csv.column("scenario")!])
            var order: [String] = []
            var rowsOf: [String: [Int]] = [:]
            for row in csv.rows.indices {
                let point = csv.text(row, "point")
                if rowsOf[point] == nil { order.append(point) }
                rowsOf[point, default: []].append(row)
            }
            for point in order {
                let rows = rowsOf[point]!
                values.append(parameters.indices.map { csv.rows[rows[0]][1 + $0] })
                var mean: [String: Double] = [:], half: [String: Double] = [:]
                for metric in ResultFigures.sweepMetrics.map(\.column) where csv.has(metric) {
                    let statistics = SweepAggregate.statistics(try rows.map { try csv.number($0, metric) }.filter(\.isFinite))
                    mean[metric] = statistics.mean
                    half[metric] = statistics.ci95
                }
                means.append(mean)
                halfWidths.append(half)
                popov.append(try ResultFigures.popovSetting(csv, row: rows[0]))
                lambdas.append(try csv.number(rows[0], "lambda"))
                delays.append(try csv.number(rows[0], "delay_mean"))
                intervals.append(try csv.number(rows[0], "milestone_interval"))
                replications = max(replications, rows.count)
            }
        }

        /// From `aggregate.csv` alone: its `<metric>_mean` and `<metric>_ci95` columns (no
        /// theory: the settings are not in that file).
        init(aggregate csv: NamedCSV) throws {
            try csv.require(["point", "replications"])
            file = csv.file
            parameters = Array(csv.header[1..<csv.column("replications")!])
            for row in csv.rows.indices {
                values.append(parameters.indices.map { csv.rows[row][1 + $0] })
                var mean: [String: Double] = [:], half: [String: Double] = [:]
                for metric in ResultFigures.sweepMetrics.map(\.column) where csv.has(metric + "_mean") {
                    mean[metric] = try csv.number(row, metric + "_mean")
                    half[metric] = try csv.number(row, metric + "_ci95")
                }
                means.append(mean)
                halfWidths.append(half)
                popov.append(nil)
                lambdas.append(.nan)
                delays.append(.nan)
                intervals.append(.nan)
                replications = max(replications, Int(try csv.number(row, "replications")))
            }
        }
    }

    /// The metrics plotted against a sweep's parameter: column, axis label, scale factor.
    static let sweepMetrics: [(column: String, label: String, scale: Double)] = [
        ("mean_tips", "mean number of tips (transactions)", 1),
        ("first_approval_mean", "mean time to first approval (s)", 1),
        ("left_behind_rate", "left behind (% of transactions)", 100),
        ("latency_mean", "mean confirmation latency (s)", 1),
        ("attack_successes", "attack success rate (% of runs)", 100),
    ]

    static func sweepFigures(_ points: SweepPoints, prefix: String) throws -> [GnuplotPlot] {
        guard !points.values.isEmpty else { throw FigureError("\(points.file): no runs") }
        // x: the first parameter whose values are all numbers; the others name the series.
        let xIndex = points.parameters.indices.first { index in points.values.allSatisfy { Double($0[index]) != nil } }
        var plots: [GnuplotPlot] = []
        for metric in sweepMetrics {
            let means = points.means.map { ($0[metric.column] ?? .nan) * metric.scale }
            // An undefined or all-zero metric (no left-behind transaction at all) says nothing.
            guard means.contains(where: { $0.isFinite && $0 != 0 }) else { continue }
            let halves = points.halfWidths.map { ($0[metric.column] ?? .nan) * metric.scale }
            var x = points.values.indices.map { index in xIndex.map { Double(points.values[index][$0])! } ?? Double(index) }
            var xLabel = xIndex.map { parameterLabel(points.parameters[$0]) } ?? "sweep point"
            let seriesKeys = points.values.map { values in
                values.indices.filter { $0 != xIndex }.map { points.parameters[$0] + " = " + values[$0] }.joined(separator: ", ")
            }
            var order: [String] = []
            for key in seriesKeys where !order.contains(key) { order.append(key) }
            let allPopov = points.popov.allSatisfy { $0 != nil }
            var theory: GnuplotPlot.Series?
            if metric.column == "mean_tips" && allPopov && order.count == 1 {
                x = points.popov.map { $0!.lambda * $0!.h }
                xLabel = "lambda·h (transactions issued during one delay h)"
                theory = .init(title: "theory 2·lambda·h (Popov, The Tangle §3)", style: .theory, rows: x.sorted().map { [$0, 2 * $0] })
            } else if metric.column == "first_approval_mean" && allPopov && order.count == 1 {
                let pairs: [[Double]] = zip(x, points.popov).map { x, setting in [x, 2 * setting!.h] }
                let rows = pairs.sorted { $0[0] < $1[0] }
                theory = .init(title: "theory 2h (Popov, The Tangle §3)", style: .theory, rows: rows)
            } else if metric.column == "latency_mean", let xIndex, points.parameters[xIndex] == "consensus.interval",
                points.intervals.allSatisfy(\.isFinite), Set(points.delays).count == 1
            {
                let h = points.delays[0]
                let rows: [[Double]] = Set(points.intervals).sorted().map { interval in [interval, interval / 2 + 2 * h] }
                theory = .init(title: "lower bound I/2 + 2h", style: .theory, rows: rows)
            }
            var series = order.map { key -> GnuplotPlot.Series in
                let indices = points.values.indices.filter { seriesKeys[$0] == key }.sorted { x[$0] < x[$1] }
                // One line per series where the metric is a rate of success across a parameter.
                return .init(
                    title: key.isEmpty ? "simulation: mean ± 95% CI" : seriesLabel(key, points: points, index: indices[0]),
                    style: metric.column == "attack_successes" ? .errorLines : .errorBars,
                    rows: indices.map { [x[$0], means[$0], halves[$0].isFinite ? halves[$0] : 0] })
            }
            if let theory { series.append(theory) }
            let name = prefix + "-" + metric.column.replacingOccurrences(of: "_", with: "-")
            let subject = metric.label.prefix(1).uppercased() + metric.label.dropFirst().prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
            var plot = GnuplotPlot(
                name: name, title: "\(subject) (\(prefix); mean ± 95% CI of \(points.replications) runs per point)",
                xLabel: xLabel, yLabel: metric.label, series: series)
            plot.notes = ["Data: \(points.file), column \(metric.column): mean and 95% CI half-width t(0.975, n-1)·sd/√n per point."]
            let finiteX = x.filter(\.isFinite)
            plot.logX = finiteX.allSatisfy { $0 > 0 } && (finiteX.max()! / finiteX.min()! >= 50)
            let finiteY = means.filter(\.isFinite)
            plot.logY = metric.column == "mean_tips" && finiteY.allSatisfy { $0 > 0 } && (finiteY.max()! / finiteY.min()! >= 20)
            plot.yFromZero = true
            plot.extra = ["set offsets graph 0.04, graph 0.04, graph 0.08, \(plot.logY ? "graph 0.05" : "0")"]
            if metric.column == "first_approval_mean" { plot.key = "bottom right" }
            if metric.column == "attack_successes" { plot.key = "below" }
            plots.append(plot)
        }
        return plots
    }

    /// A series name: "lambda = 50/s" for a device-rate parameter when the rate is known,
    /// else "path = value".
    static func seriesLabel(_ key: String, points: SweepPoints, index: Int) -> String {
        if key.hasPrefix("devices["), !key.contains(", "), points.lambdas[index].isFinite {
            return "lambda = \(Gnuplot.number(points.lambdas[index]))/s"
        }
        // A swept strategy, written as one-line JSON: its name (gnuplot would eat the braces).
        let prefix = "tipSelection = "
        if key.hasPrefix(prefix), !key.contains("}, "),
            let value = try? JSONValue(parsing: Array(key.dropFirst(prefix.count).utf8), file: "sweep.csv"),
            case .object(let object) = value, case .string(let strategy)? = object["strategy"]
        {
            guard strategy == "mcmc" else { return strategy == "uniform" ? "URTS" : strategy }
            var label = "MCMC"
            if let alpha = object["alpha"]?.numberValue { label += ", alpha = " + Gnuplot.number(alpha) }
            if case .object(let start)? = object["start"], case .string(let kind)? = start["kind"] { label += ", from " + kind }
            return label
        }
        return key
    }

    /// An axis label for a swept field path, with its unit.
    public static func parameterLabel(_ path: String) -> String {
        let last = path.split(separator: ".").last.map(String.init) ?? path
        if path.hasPrefix("adversaries["), last == "rate" { return "attacker rate (tx/s)" }
        switch last {
        case "rate": return path + " (tx/s per device)"
        case "count": return path + " (devices)"
        case "alpha": return "alpha (walk bias per unit of weight)"
        case "interval": return "milestone interval I (s)"
        case "parents": return "parents per transaction k"
        case "value", "mean", "min", "max", "delay", "duration", "warmup", "orphanTimeout", "W", "reattachAfter":
            return path == "network.delay.value" || path == "network.delay" ? "network delay h (s)" : path + " (s)"
        default: return path
        }
    }

    /// (lambda, h) when `row` of `csv` is Popov's section 3 setting: uniform selection,
    /// k = 2, a constant delay; nil otherwise or when a column is missing.
    static func popovSetting(_ csv: NamedCSV, row: Int) throws -> (lambda: Double, h: Double)? {
        guard csv.has("tip_selection", "parents", "delay_distribution", "lambda", "delay_mean"),
            csv.text(row, "tip_selection") == "uniform", csv.text(row, "parents") == "2",
            csv.text(row, "delay_distribution") == "constant"
        else { return nil }
        let lambda = try csv.number(row, "lambda"), h = try csv.number(row, "delay_mean")
        return lambda.isFinite && h.isFinite ? (lambda, h) : nil
    }

    // MARK: - Comparisons

    /// The metrics of the side-by-side bars: column, panel title, scale.
    static let compareMetrics: [(column: String, title: String, scale: Double)] = [
        ("mean_tips", "mean tips (transactions)", 1),
        ("left_behind_rate", "left behind (%)", 100),
        ("latency_p50", "median latency (s)", 1),
        ("latency_p99", "99th percentile latency (s)", 1),
    ]

    /// The variants side by side, one panel per metric of ``compareMetrics`` that some
    /// variant defines: a bar per variant and, when `compare.csv` has the metric's
    /// `<metric>_ci95` column (a comparison of several replications), an error bar of the 95%
    /// confidence interval of the mean. The labels never overlap: ``BarChartLayout`` wraps,
    /// rotates and places them from their number and length.
    static func compareBars(_ csv: NamedCSV, prefix: String, format: FigureFormat) throws -> Figure? {
        try csv.require(["label"])
        let labels = csv.rows.indices.map { csv.text($0, "label") }
        guard !labels.isEmpty else { return nil }
        var panels: [(title: String, values: [Double], halfWidths: [Double]?)] = []
        for metric in compareMetrics where csv.has(metric.column) {
            let values = try csv.numbers(metric.column).map { $0 * metric.scale }
            let halves = csv.has(metric.column + "_ci95") ? try csv.numbers(metric.column + "_ci95").map { $0 * metric.scale } : nil
            if values.contains(where: \.isFinite) {
                panels.append((metric.title, values, halves.flatMap { $0.contains(where: \.isFinite) ? $0 : nil }))
            }
        }
        guard !panels.isEmpty else { return nil }
        let replications = csv.has("replications") ? Int(try csv.numbers("replications").filter(\.isFinite).max() ?? 1) : 1
        let withIntervals = panels.contains { $0.halfWidths != nil }
        let name = prefix + "-compare"
        var data = ""
        for (index, panel) in panels.enumerated() {
            if index > 0 { data += "\n\n" }
            data += "# \(panel.title)\(panel.halfWidths == nil ? "" : ": mean, 95% CI half-width")\n"
            for (row, label) in labels.enumerated() {
                var line = "\"\(label.replacingOccurrences(of: "\"", with: "'"))\" \(Self.dataNumber(panel.values[row]))"
                if let halves = panel.halfWidths { line += " \(Self.dataNumber(halves[row]))" }
                data += line + "\n"
            }
        }
        let layout = BarChartLayout(labels: labels, panels: panels.count, minimumWidth: max(720, 300 * panels.count))
        var notes = ["Data: compare.csv (columns label, \(compareMetrics.map(\.column).joined(separator: ", "))); NaN: undefined (no confirmation rule)."]
        if withIntervals {
            notes.append("Error bars: the 95% confidence interval of the mean over \(replications) replications (columns <metric>_ci95).")
        }
        notes.append("Labels: \(layout.angle == 0 ? "horizontal" : "rotated by \(layout.angle) degrees"), placed so that none overlaps (BarChartLayout).")
        var script = Gnuplot.header(name: name, format: format, notes: notes, size: (layout.width, layout.height))
        let title = "Strategies side by side (\(prefix)), identical arrivals"
            + (withIntervals ? "; mean ± 95% CI of \(replications) replications" : "")
        script += """
            set multiplot layout 1,\(panels.count) \(layout.multiplotMargins) title \(Gnuplot.quoted(title))
            set style fill solid 0.75 border -1
            set boxwidth 0.6
            set grid ytics lc rgb '#dddddd'
            \(layout.xtics)
            set yrange [0:*]
            set xrange [-0.6:\(labels.count) - 0.4]
            set errorbars 1.5 lc rgb '#000000' lw 1.2
            unset key

            """
        for (index, panel) in panels.enumerated() {
            script += "set title \(Gnuplot.quoted(panel.title))\n"
            // Every bar, then again with its error bar where the half-width is defined
            // (boxerrorbars skips a row whose half-width is NaN).
            script += "plot \(Gnuplot.quoted(name + ".dat")) index \(index) using 0:2:($0+1) with boxes lc variable"
            if panel.halfWidths != nil {
                script += ", \\\n     '' index \(index) using 0:2:3:($0+1) with boxerrorbars lc variable"
            }
            script += "\n"
        }
        script += "unset multiplot\n"
        return Figure(name: name, script: script, data: data)
    }

    /// The metrics of the per-class bars: column, panel title, scale.
    static let classMetrics: [(column: String, title: String, scale: Double)] = [
        ("left_behind_rate", "left behind (%)", 100),
        ("latency_p50", "median latency (s)", 1),
        ("latency_p99", "99th percentile latency (s)", 1),
        ("energy_per_confirmed_transaction", "energy per confirmed transaction (J)", 1),
    ]

    /// Each device class (and adversary) under each variant: one panel per metric of
    /// ``classMetrics`` that some row defines, the classes along x and a bar per variant in
    /// each cluster, the mean over the replications of the (variant, class). Only a
    /// comparison of several classes is drawn (one class is `compare.csv`'s figure already).
    static func compareClassBars(_ csv: NamedCSV, prefix: String, format: FigureFormat) throws -> Figure? {
        try csv.require(["label", "class"])
        var variants: [String] = []
        var classes: [String] = []
        for row in csv.rows.indices {
            let (label, name) = (csv.text(row, "label"), csv.text(row, "class"))
            if !variants.contains(label) { variants.append(label) }
            if !classes.contains(name) { classes.append(name) }
        }
        guard classes.count > 1 else { return nil }
        var panels: [(title: String, means: [[Double]])] = []  // means[class][variant]
        for metric in classMetrics where csv.has(metric.column) {
            var sums = Array(repeating: Array(repeating: 0.0, count: variants.count), count: classes.count)
            var counts = sums
            for row in csv.rows.indices {
                let value = try csv.number(row, metric.column)
                guard value.isFinite else { continue }
                let (c, v) = (classes.firstIndex(of: csv.text(row, "class"))!, variants.firstIndex(of: csv.text(row, "label"))!)
                sums[c][v] += value * metric.scale
                counts[c][v] += 1
            }
            let means = zip(sums, counts).map { zip($0, $1).map { $1 > 0 ? $0 / $1 : .nan } }
            if means.contains(where: { $0.contains(where: \.isFinite) }) { panels.append((metric.title, means)) }
        }
        guard !panels.isEmpty else { return nil }
        let name = prefix + "-compare-classes"
        var data = ""
        for (index, panel) in panels.enumerated() {
            if index > 0 { data += "\n\n" }
            data += "# \(panel.title): class, then the mean of each variant (\(variants.joined(separator: "; ")))\n"
            for (row, label) in classes.enumerated() {
                data += "\"\(label.replacingOccurrences(of: "\"", with: "'"))\" "
                    + panel.means[row].map(Self.dataNumber).joined(separator: " ") + "\n"
            }
        }
        let layout = BarChartLayout(labels: classes, panels: panels.count, minimumWidth: max(720, 320 * panels.count))
        let notes = [
            "Data: compare-classes.csv (columns label, class, \(classMetrics.map(\.column).joined(separator: ", "))), the mean over replications of each (variant, class); NaN: undefined.",
            "Labels: \(layout.angle == 0 ? "horizontal" : "rotated by \(layout.angle) degrees"), placed so that none overlaps (BarChartLayout).",
        ]
        var script = Gnuplot.header(name: name, format: format, notes: notes, size: (layout.width, layout.height))
        script += """
            set multiplot layout 1,\(panels.count) \(layout.multiplotMargins) title \(Gnuplot.quoted("Device classes by strategy (\(prefix)), identical arrivals"))
            set style data histogram
            set style histogram clustered gap 1
            set style fill solid 0.75 border -1
            set grid ytics lc rgb '#dddddd'
            \(layout.xtics)
            set yrange [0:*]
            set xrange [-0.6:\(classes.count) - 0.4]
            set key top left

            """
        for (index, panel) in panels.enumerated() {
            script += "set title \(Gnuplot.quoted(panel.title))\n"
            let series = variants.enumerated().map { column, label in
                "\(column == 0 ? Gnuplot.quoted(name + ".dat") : "''") index \(index) using \(column + 2) title \(Gnuplot.quoted(label))"
            }
            script += "plot " + series.joined(separator: ", \\\n     ") + "\n"
        }
        script += "unset multiplot\n"
        return Figure(name: name, script: script, data: data)
    }

    /// A number in a figure's data: NaN for undefined (gnuplot skips it).
    static func dataNumber(_ value: Double) -> String {
        value.isFinite ? Gnuplot.number(value) : "NaN"
    }

    static func compareLatency(_ csv: NamedCSV, prefix: String) throws -> GnuplotPlot? {
        try csv.require(["label", "quantile", "latency"])
        var order: [String] = []
        var rows: [String: [[Double]]] = [:]
        for row in csv.rows.indices {
            let label = csv.text(row, "label")
            let latency = try csv.number(row, "latency")
            guard latency.isFinite else { continue }
            if rows[label] == nil { order.append(label) }
            rows[label, default: []].append([latency, try csv.number(row, "quantile")])
        }
        guard !order.isEmpty else { return nil }
        var plot = GnuplotPlot(
            name: prefix + "-compare-latency-cdf", title: "Confirmation latency by strategy (\(prefix))",
            xLabel: "confirmation latency (s)", yLabel: "fraction of confirmed transactions",
            series: order.map { .init(title: $0, style: .steps, rows: rows[$0]!) })
        plot.notes = ["Data: compare-latency.csv (columns label, quantile, latency)."]
        plot.key = "bottom right"
        plot.yFromZero = true
        cutTail(&plot, order.map { rows[$0]! })
        return plot
    }

    /// Cuts the x axis of distribution functions (rows of (latency, quantile)) at 1.5 times
    /// the largest 99th percentile when a rare straggler would otherwise squeeze the figure,
    /// and says so in the title.
    static func cutTail(_ plot: inout GnuplotPlot, _ distributions: [[[Double]]]) {
        let p99 = distributions.compactMap { rows in rows.first { $0[1] >= 0.99 }?[0] }.max() ?? .nan
        let maximum = distributions.flatMap { $0.map { $0[0] } }.max() ?? .nan
        guard p99.isFinite, p99 > 0, maximum > 1.5 * p99 else { return }
        let cut = (1.5 * p99).rounded(.up)
        plot.extra.append("set xrange [0:\(Gnuplot.number(cut))]")
        plot.title += "; x axis cut at \(Gnuplot.number(cut)) s, longest \(String(format: "%.0f", maximum)) s"
    }

    // MARK: - Cumulative weight

    static func weightGrowth(_ csv: NamedCSV, summary: NamedCSV?, prefix: String) throws -> GnuplotPlot {
        let tangle = try TransactionLogReader.tangle(from: csv)
        let last = tangle.issueTime.last ?? 0
        var lambda = Double(tangle.count - 1) / max(last, .leastNonzeroMagnitude)
        var h = (1..<max(1, tangle.count)).reduce(0.0) { $0 + tangle.visibleTime[$1] - tangle.issueTime[$1] } / Double(max(1, tangle.count - 1))
        var warmup = 0.0
        if let summary, !summary.rows.isEmpty {
            if summary.has("lambda"), case let value = try summary.number(0, "lambda"), value.isFinite { lambda = value }
            if summary.has("delay_mean"), case let value = try summary.number(0, "delay_mean"), value.isFinite { h = value }
            if summary.has("warmup"), case let value = try summary.number(0, "warmup"), value.isFinite { warmup = value }
        }
        let adaptation = WeightGrowthCurve.adaptationPeriod(lambda: lambda, delay: h)
        let step = max(h / 4, 0.05)
        let ages = (0...Int((4 * adaptation / step).rounded(.up))).map { Double($0) * step }
        guard last - ages.last! > warmup else {
            throw FigureError("\(csv.file): the run is too short for the weight-growth figure: it needs transactions issued after the warm-up (\(Gnuplot.number(warmup)) s) and \(Gnuplot.number(ages.last!.rounded(.up))) s before the end")
        }
        let curve = WeightGrowthCurve(tangle: tangle, ages: ages, issued: warmup...(last - ages.last!))
        let fit = (2 * adaptation)...(4 * adaptation)
        let inside = ages.indices.filter { fit.contains(ages[$0]) }
        let offset = inside.map { curve.meanWeight[$0] - lambda * ages[$0] }.reduce(0, +) / Double(max(1, inside.count))
        let start = max(0, (1 - offset) / lambda)
        var plot = GnuplotPlot(
            name: prefix + "-weight-growth", title: "Cumulative weight against age (\(prefix); mean over \(curve.samples) transactions)",
            xLabel: "age of the transaction (s since issue)", yLabel: "mean cumulative weight H (transactions)",
            series: [
                .init(title: "simulation: mean H at that age", style: .lines, rows: zip(ages, curve.meanWeight).map { [$0, $1] }),
                .init(
                    title: "slope lambda = \(Gnuplot.number(lambda))/s (Popov §3)",
                    style: .theory, rows: [[start, lambda * start + offset], [ages.last!, lambda * ages.last! + offset]]),
            ])
        plot.notes = [
            "Data: transactions.csv (columns id, device, issue_time, visible_time, parents) and summary.csv (lambda, delay_mean, warmup).",
            "The theory line has slope lambda; its offset is fitted at ages \(Gnuplot.number(fit.lowerBound.rounded()))-\(Gnuplot.number(fit.upperBound.rounded())) s (2-4 adaptation periods).",
        ]
        plot.key = "bottom right"
        plot.extra = [
            "set arrow from \(Gnuplot.number(adaptation)), graph 0 to \(Gnuplot.number(adaptation)), graph 1 nohead dt 3 lc rgb '#888888'",
            "set label \(Gnuplot.quoted(" adaptation period (Popov §3)")) at \(Gnuplot.number(adaptation)), graph 0.93 left tc rgb '#555555'",
            "set label \(Gnuplot.quoted(" (h/0.352)·ln(2·lambda·h) = \(String(format: "%.1f", adaptation)) s")) at \(Gnuplot.number(adaptation)), graph 0.86 left tc rgb '#555555'",
        ]
        plot.yFromZero = true
        return plot
    }
}
