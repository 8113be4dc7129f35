/// A figure ready for gnuplot: a script and the data it plots.
///
/// The script reads `<name>.dat` and writes `<name>.<format>` in its own folder, so a user
/// can edit it and run `gnuplot <name>.gp` there again.
public struct Figure: Sendable, Equatable {
    /// The file name without extension.
    public var name: String
    /// The gnuplot script (`<name>.gp`).
    public var script: String
    /// The data the script plots (`<name>.dat`): whitespace-separated columns, data sets
    /// separated by two blank lines (gnuplot's `index`).
    public var data: String
}

/// The image format of figures.
public enum FigureFormat: String, Sendable, CaseIterable {
    /// Scalable vector graphics (gnuplot's `svg` terminal).
    case svg
    /// PNG through cairo (gnuplot's `pngcairo` terminal).
    case png

    /// The gnuplot `set terminal` line, for the default canvas of 720 × 450 SVG pixels.
    var terminal: String { terminal(width: 720, height: 450) }

    /// The gnuplot `set terminal` line for a canvas of `width` × `height` SVG pixels (a PNG
    /// is 1.5 times larger, its font smaller: 12 points against the SVG's 13 pixels).
    func terminal(width: Int, height: Int) -> String {
        switch self {
        case .svg: "set terminal svg size \(width),\(height) dynamic font 'Helvetica,13' background rgb 'white' noenhanced"
        case .png: "set terminal pngcairo size \(width * 3 / 2),\(height * 3 / 2) font 'Sans,12' background rgb 'white' noenhanced"
        }
    }
}

/// An x-y plot: series of points, error bars and lines, drawn by gnuplot.
public struct GnuplotPlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable {
        /// Points with vertical error bars: rows (x, y, half-width).
        case errorBars
        /// Points with vertical error bars, joined by lines: rows (x, y, half-width).
        case errorLines
        /// Points joined by solid lines: rows (x, y).
        case linesPoints
        /// A solid line: rows (x, y).
        case lines
        /// A dashed line, for theory: rows (x, y).
        case theory
        /// A staircase, for empirical distribution functions: rows (x, y).
        case steps
    }

    /// One series: a legend entry and its rows.
    public struct Series: Sendable {
        public var title: String
        public var style: Style
        public var rows: [[Double]]

        public init(title: String, style: Style, rows: [[Double]]) {
            self.title = title
            self.style = style
            self.rows = rows
        }
    }

    public var name: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Comment lines at the top of the script: where the data comes from.
    public var notes: [String] = []
    /// Logarithmic axes.
    public var logX = false
    public var logY = false
    /// gnuplot's key placement, like `top left`.
    public var key = "top left"
    /// Whether the y axis starts at 0.
    public var yFromZero = false
    /// gnuplot commands placed before `plot` (arrows, labels).
    public var extra: [String] = []

    public init(name: String, title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.name = name
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Colours for the series in turn (a colour-blind-safe palette); theory is drawn in
    /// black.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    /// The script and data for gnuplot.
    public func figure(format: FigureFormat) -> Figure {
        var data = ""
        var plots: [String] = []
        var colour = 0
        for (index, series) in series.enumerated() {
            let rows = series.rows.filter { row in row.allSatisfy(\.isFinite) && (!logY || row[1] > 0) && (!logX || row[0] > 0) }
            if index > 0 { data += "\n\n" }
            data += "# \(series.title)\n"
            data += rows.map { $0.map(Gnuplot.number).joined(separator: " ") }.joined(separator: "\n") + "\n"
            let source = index == 0 ? Gnuplot.quoted(name + ".dat") : "''"
            let lineColour: String
            if case .theory = series.style {
                lineColour = "rgb '#000000'"
            } else {
                lineColour = "rgb '\(Self.palette[colour % Self.palette.count])'"
                colour += 1
            }
            let how: String =
                switch series.style {
                case .errorBars: "using 1:2:3 with yerrorbars pt 7 ps 0.7 lw 1.5 lc \(lineColour)"
                case .errorLines: "using 1:2:3 with yerrorlines pt 7 ps 0.7 lw 1.5 lc \(lineColour)"
                case .linesPoints: "using 1:2 with linespoints pt 7 ps 0.6 lw 1.5 lc \(lineColour)"
                case .lines: "using 1:2 with lines lw 1.5 lc \(lineColour)"
                case .theory: "using 1:2 with lines dt 2 lw 2 lc \(lineColour)"
                case .steps: "using 1:2 with steps lw 1.5 lc \(lineColour)"
                }
            plots.append("\(source) index \(index) \(how) title \(Gnuplot.quoted(series.title))")
        }
        var script = Gnuplot.header(name: name, format: format, notes: notes)
        script += """
            set title \(Gnuplot.quoted(title))
            set xlabel \(Gnuplot.quoted(xLabel))
            set ylabel \(Gnuplot.quoted(yLabel))
            set grid lc rgb '#dddddd'
            set key \(key) box opaque samplen 3

            """
        if logX { script += "set logscale x\n" }
        if logY { script += "set logscale y\n" }
        if yFromZero && !logY { script += "set yrange [0:*]\n" }
        for line in extra { script += line + "\n" }
        script += "plot " + plots.joined(separator: ", \\\n     ") + "\n"
        return Figure(name: name, script: script, data: data)
    }
}

/// Text helpers for gnuplot scripts.
enum Gnuplot {
    /// A single-quoted gnuplot string (a quote inside is doubled).
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A number as data: the shortest text that reads back to the same value.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : value.description
    }

    /// The first lines of every script: what it is, how to rerun it, terminal and output
    /// (the canvas `size` in SVG pixels, the default 720 × 450 when nil).
    static func header(name: String, format: FigureFormat, notes: [String], size: (width: Int, height: Int)? = nil) -> String {
        var text = "# Written by tanglesim plot. Edit and rerun in this folder: gnuplot \(name).gp\n"
        for note in notes { text += "# \(note)\n" }
        let terminal = size.map { format.terminal(width: $0.width, height: $0.height) } ?? format.terminal
        text += "\(terminal)\nset output \(quoted(name + "." + format.rawValue))\n"
        return text
    }

    /// A double-quoted gnuplot string, in which `\n` breaks the line: a backslash and a
    /// double quote inside are escaped, other control characters become spaces.
    static func doubleQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
            }
        }
        return quoted + "\""
    }
}
