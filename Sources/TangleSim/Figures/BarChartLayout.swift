import Foundation

/// The geometry of a row of bar-chart panels sharing their category labels, chosen so that
/// no two labels ever overlap, whatever their number and length (`tanglesim plot` of a
/// comparison).
///
/// Everything is in SVG pixels (the PNG canvas is 1.5 times larger with a relatively smaller
/// font, so what fits in SVG fits there too). The panels' plot areas are placed exactly with
/// gnuplot's `set multiplot layout 1,P margins ... spacing ...`, so the distance d between
/// two bars is known: the plot width over n + 0.2 (the x range is −0.6 ... n − 0.4). A
/// label's width is estimated from Helvetica's character widths (``textWidth(_:)``, 10%
/// above them); a label of L lines is (L − 1)·1.5 + 1.15 font sizes high
/// (``thickness(lines:)``).
///
/// Detailed design. Labels are tried, in order of readability:
/// 1. horizontal, centred under their bar, wrapped at spaces into at most three lines: fits
///    when every line is at most 0.92·d wide;
/// 2. rotated by 30°, 45°, 60° or 90°, right-aligned at their tick, each on one line up to
///    ``longestLine``, wrapped beyond (past eight lines, the middle lines are replaced by
///    "…", so that both the start and the end, where labels usually differ, stay) — and then
///    by 90° only: gnuplot stacks the lines of a label rotated by less than 90° down the page
///    rather than across the text, so they would overlap one another. Rotated
///    labels are parallel boxes of thickness t whose anchors are at least d apart
///    horizontally — within a panel, and across panels too, since the last tick of a panel
///    and the first of the next are 0.6·d + spacing + 0.6·d apart — so they are at least
///    d·sin(θ) apart across their length: they never overlap when d·sin(θ) ≥ 1.1·t;
/// 3. when not even 90° fits (many bars), rotated by 90° on a canvas widened until
///    d = 1.1·t.
/// Then the bottom margin takes the labels' height (w·sin θ + t·cos θ), the left margin the
/// first label's reach to the left (w·cos θ + t·sin θ beyond its tick, less 0.6·d), widening
/// the canvas so that the plot areas keep their width.
///
/// - Complexity: O(total characters of the labels).
struct BarChartLayout: Equatable {
    /// The labels as drawn, each as its lines.
    var labels: [[String]]
    /// The labels' rotation in degrees, counter-clockwise: 0 (horizontal, centred under the
    /// bar) to 90.
    var angle: Int
    /// The canvas, in SVG pixels.
    var width: Int
    var height: Int
    /// The plot areas, in SVG pixels: the left margin (before the first panel), the right
    /// margin, the space between panels, the top and bottom margins, and a panel's width.
    var left: Double
    var right: Double
    var spacing: Double
    var top: Double
    var bottom: Double
    var panelWidth: Double

    /// The font size (SVG pixels); gnuplot's SVG terminal puts the lines of a label 1.5 font
    /// sizes apart, and a line's glyphs take at most 1.15 font sizes (Helvetica's ascender
    /// and descender, 0.93, with room for accents).
    static let fontSize = 13.0
    static let lineSpacing = 1.5 * fontSize
    static let glyphHeight = 1.15 * fontSize

    /// The height of a label of `lines` lines (its thickness when rotated).
    static func thickness(lines: Int) -> Double {
        Double(lines - 1) * lineSpacing + glyphHeight
    }
    /// The longest line a rotated label keeps before it wraps (SVG pixels): about 28
    /// characters.
    static let longestLine = 16 * fontSize
    /// A panel's plot height, and the room above the plots for the titles.
    static let plotHeight = 250.0
    static let titles = 62.0
    /// Room for the y axis's tick labels, left of each panel.
    static let yTickRoom = 62.0
    /// The angles tried, in order.
    static let angles = [30, 45, 60, 90]

    /// The layout of `labels` under `panels` panels, on a canvas at least `minimumWidth`
    /// pixels wide.
    ///
    /// - Complexity: O(total characters of the labels).
    init(labels raw: [String], panels: Int, minimumWidth: Int) {
        precondition(!raw.isEmpty && panels >= 1, "labels and panels")
        let cleaned = raw.map { label in
            String(String.UnicodeScalarView(label.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        }
        let n = Double(raw.count), p = Double(panels)
        let right = 16.0, spacing = Self.yTickRoom
        var width = Double(minimumWidth)
        func plotWidth() -> Double { (width - Self.yTickRoom - right - (p - 1) * spacing) / p }
        func d() -> Double { plotWidth() / (n + 0.2) }

        let labels: [[String]], angle: Int, bottom: Double, left: Double
        // 1. Horizontal, wrapped to the bar's width without splitting a word.
        let horizontal = cleaned.map { Self.wrap($0, width: 0.92 * d(), splitWords: false).flatMap { $0.count <= 3 ? $0 : nil } }
        if horizontal.allSatisfy({ $0 != nil }) {
            labels = horizontal.map { $0! }
            angle = 0
            bottom = Self.thickness(lines: labels.map(\.count).max()!) + 24
            left = Self.yTickRoom
        } else {
            // 2. Rotated, on one line up to longestLine; beyond eight lines, the middle is cut.
            labels = cleaned.map { label in
                let lines = Self.wrap(label, width: Self.longestLine)!
                return lines.count <= 8 ? lines : Array(lines.prefix(4)) + ["…"] + Array(lines.suffix(3))
            }
            let thickness = Self.thickness(lines: labels.map(\.count).max()!)
            let longest = labels.flatMap { $0 }.map(Self.textWidth).max()!
            // gnuplot stacks the lines of a label rotated by less than 90° vertically on the
            // page, not across the text, where they would overlap: wrapped labels stand at 90°.
            let angles = labels.allSatisfy { $0.count == 1 } ? Self.angles : [90]
            if let fitting = angles.first(where: { d() * sin(Double($0) * .pi / 180) >= 1.1 * thickness }) {
                angle = fitting
            } else {
                // 3. Vertical on a wider canvas.
                angle = 90
                width = (1.1 * thickness * (n + 0.2) * p + Self.yTickRoom + right + (p - 1) * spacing).rounded(.up)
            }
            let radians = Double(angle) * .pi / 180
            bottom = longest * sin(radians) + thickness * cos(radians) + 24
            left = Swift.max(Self.yTickRoom, longest * cos(radians) + thickness * sin(radians) - 0.6 * d() + 8)
        }
        self.labels = labels
        self.angle = angle
        self.left = left
        self.right = right
        self.spacing = spacing
        self.top = Self.titles
        self.bottom = bottom
        panelWidth = plotWidth()
        // Widen by what the left margin adds, so that the plot areas keep their width.
        self.width = Int((width + left - Self.yTickRoom).rounded(.up))
        height = Int((Self.titles + Self.plotHeight + bottom).rounded(.up))
    }

    /// The distance between two neighbouring bars' centres (SVG pixels).
    var barDistance: Double { panelWidth / (Double(labels.count) + 0.2) }

    /// `set multiplot` options placing the plot areas: `margins l,r,b,t spacing s,0`
    /// (screen fractions).
    var multiplotMargins: String {
        func fraction(_ value: Double) -> String { String(format: "%.4f", value) }
        let w = Double(width), h = Double(height)
        return "margins \(fraction(left / w)),\(fraction(1 - right / w)),\(fraction(bottom / h)),\(fraction(1 - top / h)) "
            + "spacing \(fraction(spacing / w)),0"
    }

    /// `set xtics ...`: the labels at 0, 1, ..., rotated and aligned.
    var xtics: String {
        let placement = angle == 0 ? "norotate center" : "rotate by \(angle) right"
        let tics = labels.enumerated().map { index, lines in "\(Gnuplot.doubleQuoted(lines.joined(separator: "\n"))) \(index)" }
        return "set xtics nomirror scale 0.5 \(placement) (\(tics.joined(separator: ", ")))"
    }

    /// `text` split at spaces into lines at most `width` pixels wide; a word wider than that
    /// is split where it must, or gives nil without `splitWords`.
    static func wrap(_ text: String, width: Double, splitWords: Bool = true) -> [String]? {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if textWidth(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            guard splitWords || textWidth(word) <= width else { return nil }
            // A word too wide alone: split it where it must.
            var rest = Substring(word)
            while textWidth(String(rest)) > width {
                var piece = ""
                for character in rest {
                    if !piece.isEmpty && textWidth(piece + String(character)) > width { break }
                    piece.append(character)
                }
                lines.append(piece)
                rest = rest.dropFirst(piece.count)
            }
            current = String(rest)
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// The width of `text` in SVG pixels at ``fontSize``: Helvetica's advance widths
    /// (thousandths of an em, from its AFM file) for ASCII, an em for anything else, plus
    /// 10%.
    static func textWidth(_ text: String) -> Double {
        var thousandths = 0
        for scalar in text.unicodeScalars {
            thousandths += scalar.isASCII && scalar.value >= 32 ? _helvetica[Int(scalar.value) - 32] : 1000
        }
        return 1.1 * Double(thousandths) / 1000 * fontSize
    }

    /// Helvetica's advance widths of the printable ASCII characters, from space (32) to `~`
    /// (126).
    private static let _helvetica = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space ... /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0 ... ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ ... O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P ... _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` ... o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  // p ... ~
    ]
}
