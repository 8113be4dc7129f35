import Foundation
import Testing

@testable import TangleSim

/// The bar chart of `compare.csv`, drawn by gnuplot: its labels never overlap one another or
/// any other text, stay on the canvas, and error bars appear with the `_ci95` columns.
///
/// The check reads the SVG gnuplot writes — each text's anchor, rotation and alignment — and
/// takes each text's box from Helvetica's advance widths (without the layout's 10% margin)
/// and its ascender and descender, then tests every pair of boxes for intersection
/// (separating axes). It does not reuse the layout's own geometry: it checks where gnuplot
/// put the text.
@Suite("Comparison bar charts")
struct CompareFigureTests {
    static let strategies: [String] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/compare-strategies.json").path
        return (try? Scenario.load(path: path).variants.map(\.label)) ?? []
    }()

    /// Label sets: the shipped comparison's 8, few and short, long, very long, one long word,
    /// many, and characters beyond ASCII.
    static let labelSets: [(name: String, labels: [String])] = [
        ("compare-strategies", strategies),
        ("two short", ["URTS", "MCMC"]),
        ("three medium", ["URTS + coordinator", "MCMC 0.1 + coordinator", "Heaviest path"]),
        ("long", (0..<8).map { "MCMC alpha 0.001 with walks from a window of 10 s and a coordinator every 10 s, variant \($0)" }),
        ("very long", (0..<3).map { String(repeating: "restricted uniform tip selection ", count: 12) + "number \($0)" }),
        ("one long word", ["x" + String(repeating: "y", count: 120), "short"]),
        ("many", (0..<40).map { "variant \($0)" }),
        ("beyond ASCII", ["URTS ✓", "MCMC α = 0.1 + coordinator", "E-IOTA (p1 = 0.1, p2 = 0.65)", "restricted URTS"]),
    ]

    /// A `compare.csv` of `labels` with `panels` metrics (mean tips first), as a comparison
    /// of 3 replications writes it when `intervals`, one replication's otherwise. The second
    /// variant's latency is undefined, its half-width too.
    static func compareCSV(_ labels: [String], panels: Int, intervals: Bool) -> String {
        let metrics = ["mean_tips", "left_behind_rate", "latency_p50", "latency_p99"].prefix(panels)
        var header = ["label"] + (intervals ? ["replications"] : [])
        for metric in metrics { header += [metric] + (intervals ? [metric + "_sd", metric + "_ci95"] : []) }
        let rows = labels.enumerated().map { index, label -> [CSVValue] in
            var row: [CSVValue] = [.text(label)] + (intervals ? [.integer(3)] : [])
            for metric in metrics {
                let undefined = metric.hasPrefix("latency") && index == 1
                row.append(.real(undefined ? .nan : 100 + Double(index)))
                if intervals { row += [.real(undefined ? .nan : 2), .real(undefined ? .nan : 4.97)] }
            }
            return row
        }
        return CSVTable(header: header, rows: rows).csvText
    }

    /// A text gnuplot drew: its content and its box's corners on the canvas.
    struct TextBox {
        var text: String
        var corners: [(x: Double, y: Double)]
    }

    /// Draws `figure` with gnuplot into a fresh folder and returns the texts of its SVG and
    /// the canvas size.
    static func render(_ figure: Figure) throws -> (boxes: [TextBox], width: Double, height: Double) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-bars-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try figure.script.write(to: folder.appendingPathComponent(figure.name + ".gp"), atomically: true, encoding: .utf8)
        try figure.data.write(to: folder.appendingPathComponent(figure.name + ".dat"), atomically: true, encoding: .utf8)
        let gnuplot = Process()
        gnuplot.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gnuplot.arguments = ["gnuplot", figure.name + ".gp"]
        gnuplot.currentDirectoryURL = folder
        try gnuplot.run()
        gnuplot.waitUntilExit()
        #expect(gnuplot.terminationStatus == 0, "gnuplot draws \(figure.name).gp (install gnuplot to run this test)")
        let svg = try String(contentsOf: folder.appendingPathComponent(figure.name + ".svg"), encoding: .utf8)
        return parse(svg)
    }

    /// The texts of a gnuplot SVG: `<g transform="translate(X,Y) rotate(A)" ...
    /// text-anchor="end">` followed by `<text>...</text>`.
    static func parse(_ svg: String) -> (boxes: [TextBox], width: Double, height: Double) {
        let viewBox = svg.firstMatch(of: /viewBox="0 0 ([\d.]+) ([\d.]+)"/)!
        let pattern = /<g transform="translate\(([-\d.]+),([-\d.]+)\)(?: rotate\(([-\d.]+)\))?"[^>]*text-anchor="(\w+)">\s*<text>([^<]*)<\/text>/
        let size = BarChartLayout.fontSize
        var boxes: [TextBox] = []
        for match in svg.matches(of: pattern) {
            let text = String(match.5).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let x = Double(match.1)!, y = Double(match.2)!
            let angle = (match.3.map { Double($0)! } ?? 0) * .pi / 180
            // Helvetica's widths, without the layout's margin; leading spaces are drawn blank.
            let lead = BarChartLayout.textWidth(String(text.prefix { $0 == " " })) / 1.1
            let width = BarChartLayout.textWidth(trimmed) / 1.1
            let start: Double =
                switch match.4 {
                case "end": -width
                case "middle": -(width + lead) / 2 + lead
                default: lead
                }
            let local = [(start, -0.75 * size), (start + width, -0.75 * size), (start + width, 0.21 * size), (start, 0.21 * size)]
            let corners = local.map { point in
                (x: x + point.0 * cos(angle) - point.1 * sin(angle), y: y + point.0 * sin(angle) + point.1 * cos(angle))
            }
            boxes.append(TextBox(text: trimmed, corners: corners))
        }
        return (boxes, Double(viewBox.1)!, Double(viewBox.2)!)
    }

    /// Whether two convex boxes overlap by more than `tolerance` pixels (separating axes).
    static func overlap(_ a: TextBox, _ b: TextBox, tolerance: Double = 0.5) -> Bool {
        for box in [a, b] {
            for edge in 0..<2 {
                let p = box.corners[edge], q = box.corners[edge + 1]
                let axis = (x: -(q.y - p.y), y: q.x - p.x)
                let length = (axis.x * axis.x + axis.y * axis.y).squareRoot()
                guard length > 0 else { continue }
                func project(_ c: TextBox) -> (Double, Double) {
                    let values = c.corners.map { ($0.x * axis.x + $0.y * axis.y) / length }
                    return (values.min()!, values.max()!)
                }
                let (aMin, aMax) = project(a), (bMin, bMax) = project(b)
                if aMax <= bMin + tolerance || bMax <= aMin + tolerance { return false }
            }
        }
        return true
    }

    @Test(
        "no label overlaps another text, and every text is on the canvas, for 1 and 4 panels",
        arguments: Array(labelSets.indices), [1, 4])
    func labelsNeverOverlap(set: Int, panels: Int) throws {
        let (name, labels) = Self.labelSets[set]
        #expect(labels.count >= 2, "\(name): labels")
        let csv = Self.compareCSV(labels, panels: panels, intervals: true)
        let figures = try ResultFigures.figures(texts: ["compare.csv": csv], folder: "f", prefix: "c", format: .svg)
        let figure = try #require(figures.first { $0.name == "c-compare" })
        let (boxes, width, height) = try Self.render(figure)
        // Every label (each of its lines, in each panel) was drawn.
        #expect(boxes.count >= labels.count * panels, "\(name): \(boxes.count) texts")
        for (index, box) in boxes.enumerated() {
            for corner in box.corners {
                #expect(
                    corner.x >= -0.5 && corner.x <= width + 0.5 && corner.y >= -0.5 && corner.y <= height + 0.5,
                    "\(name), \(panels) panels: \"\(box.text)\" leaves the \(width) × \(height) canvas at \(corner)")
            }
            for other in boxes[(index + 1)...] where Self.overlap(box, other) {
                Issue.record("\(name), \(panels) panels: \"\(box.text)\" overlaps \"\(other.text)\"")
            }
        }
    }

    @Test("the angle follows the labels: horizontal when they fit, 45° for the shipped comparison, 90° on a wider canvas for 40")
    func angles() {
        #expect(BarChartLayout(labels: ["URTS", "MCMC"], panels: 4, minimumWidth: 1200).angle == 0)
        let shipped = BarChartLayout(labels: Self.strategies, panels: 4, minimumWidth: 1200)
        #expect(Self.strategies.count == 8 && shipped.angle == 45)
        #expect(shipped.labels == Self.strategies.map { [$0] }, "one line each")
        let many = BarChartLayout(labels: (0..<40).map { "variant \($0)" }, panels: 4, minimumWidth: 1200)
        #expect(many.angle == 90 && many.width > 1200)
        #expect(many.barDistance >= 1.1 * BarChartLayout.thickness(lines: 1) - 1e-9)
        // Wrapped at spaces; past eight lines the middle goes, the start and end stay.
        let long = BarChartLayout(labels: [String(repeating: "abc ", count: 80) + "end", "x"], panels: 1, minimumWidth: 720)
        #expect(long.labels[0].count == 8 && long.labels[0][4] == "…" && long.labels[0].last!.hasSuffix("end"))
        #expect(BarChartLayout.wrap("coordinator", width: 10, splitWords: false) == nil)
        #expect(BarChartLayout.wrap("URTS + coordinator", width: 1000) == ["URTS + coordinator"])
    }

    @Test("error bars from the _ci95 columns: a bar per variant, an error bar where the half-width is defined")
    func errorBars() throws {
        let labels = Self.strategies
        let with = try ResultFigures.figures(
            texts: ["compare.csv": Self.compareCSV(labels, panels: 4, intervals: true)], folder: "f", prefix: "c", format: .svg)
        let figure = try #require(with.first { $0.name == "c-compare" })
        #expect(figure.script.components(separatedBy: "with boxerrorbars").count - 1 == 4, "an error-bar plot per panel")
        #expect(figure.script.contains("mean ± 95% CI of 3 replications"))
        #expect(figure.data.contains("\"URTS\" 100 4.97\n"), "value and half-width")
        #expect(figure.data.contains("\"URTS + coordinator\" NaN NaN\n"), "undefined: no bar, no error bar")
        let without = try ResultFigures.figures(
            texts: ["compare.csv": Self.compareCSV(labels, panels: 4, intervals: false)], folder: "f", prefix: "c", format: .svg)
        let plain = try #require(without.first { $0.name == "c-compare" })
        #expect(!plain.script.contains("boxerrorbars") && !plain.script.contains("CI of"))
        #expect(plain.data.contains("\"URTS\" 100\n"))
    }

    @Test("class bars: the mean over replications of each (variant, class), clustered by class; one class draws nothing")
    func classBars() throws {
        let csv = """
            label,replication,class,behaviour,issued,measured,left_behind_rate,rejected_rate,latency_mean,latency_p50,latency_p99
            URTS,0,gateways,honest,10,9,0.25,0,1,2,3
            URTS,0,sensors,honest,10,9,0.5,0,1,4,3
            URTS,1,gateways,honest,10,9,0.75,0,1,6,3
            URTS,1,sensors,honest,10,9,0,0,1,,3
            MCMC,0,gateways,honest,10,9,0.1,0,1,1,3
            MCMC,0,sensors,honest,10,9,0.2,0,1,,3
            MCMC,1,gateways,honest,10,9,0.3,0,1,3,3
            MCMC,1,sensors,honest,10,9,0.4,0,1,,3

            """
        let figures = try ResultFigures.figures(texts: ["compare-classes.csv": csv], folder: "f", prefix: "c", format: .svg)
        let figure = try #require(figures.first { $0.name == "c-compare-classes" })
        // left behind (%): URTS gateways (25 + 75)/2, sensors (50 + 0)/2; MCMC 20 and 30.
        #expect(figure.data.contains("\"gateways\" 50 20\n\"sensors\" 25 30\n"), "\(figure.data)")
        // median latency: MCMC sensors never defined (NaN); an empty field is left out of the mean.
        #expect(figure.data.contains("\"gateways\" 4 2\n\"sensors\" 4 NaN\n"), "\(figure.data)")
        #expect(figure.script.contains("histogram clustered"))
        #expect(figure.script.contains("title 'URTS'") && figure.script.contains("title 'MCMC'"))
        #expect(figure.script.components(separatedBy: "\nplot ").count - 1 == 3, "left behind, p50, p99: no energy columns")
        let one = csv.split(separator: "\n").filter { !$0.contains("sensors") }.joined(separator: "\n") + "\n"
        let none = try ResultFigures.figures(texts: ["compare-classes.csv": one], folder: "f", prefix: "c", format: .svg)
        #expect(!none.contains { $0.name == "c-compare-classes" })
    }
}
