import Foundation

/// The classic picture of the Tangle as a Graphviz graph: transactions left to right by issue
/// time, an edge from each transaction to each parent it approves, nodes coloured by state.
///
/// Layout: `rankdir=LR`, and time is cut into columns of width ``columnWidth(lambda:delay:)``;
/// every transaction is placed (`rank=same`) in the column of its issue time, beside an
/// axis node labelled with the time, so the horizontal position is the issue time. Edges are
/// written parent → approver with `dir=back`, so the arrow points at the approved parent and
/// no edge runs against the ranks.
public enum TangleDrawing {
    /// A transaction's state at the end of the drawn run, in order of precedence.
    public enum State: String, Sendable, CaseIterable {
        case genesis
        case milestone
        /// Referenced by a visible milestone (or heavy enough, with a weight rule).
        case confirmed
        /// No approver within `orphanTimeout` of its issue.
        case leftBehind = "left behind"
        /// No approver yet (and not left behind: younger than `orphanTimeout`).
        case tip
        /// Approved, not confirmed.
        case approved

        /// Fill colour (a colour-blind-safe palette) and shape.
        var style: (fill: String, shape: String, label: String, font: String) {
            switch self {
            case .genesis: ("#444444", "doublecircle", "G", "#ffffff")
            case .milestone: ("#E69F00", "box", "M", "#000000")
            case .confirmed: ("#009E73", "circle", "", "#000000")
            case .leftBehind: ("#D55E00", "circle", "", "#000000")
            case .tip: ("#56B4E9", "circle", "", "#000000")
            case .approved: ("#DDDDDD", "circle", "", "#000000")
            }
        }
    }

    /// The state of every transaction of `result`'s tangle at the end of the run (the issue
    /// time of the last transaction).
    ///
    /// - Precondition: the run kept its tangle (`metrics.transactionLog`).
    public static func states(of result: RunResult) -> [State] {
        let tangle = result.tangle!
        let end = tangle.issueTime.last ?? 0
        let timeout = result.scenario.metrics.orphanTimeout
        return (0..<tangle.count).map { index in
            if index == 0 { return .genesis }
            if tangle.isMilestone(Int32(index)) { return .milestone }
            if let confirmed = result.confirmedAt?[index], !confirmed.isNaN { return .confirmed }
            let issue = tangle.issueTime[index]
            if let approver = tangle.firstApprover(of: Int32(index)) {
                return tangle.issueTime[Int(approver)] - issue > timeout ? .leftBehind : .approved
            }
            return end - issue > timeout ? .leftBehind : .tip
        }
    }

    /// The width of a time column, in seconds: about three arrivals (3/lambda), but never
    /// more than the mean delay h, so that a parent (issued at least h earlier under a
    /// constant delay) lies in an earlier column than its approver.
    public static func columnWidth(lambda: Double, delay h: Double) -> Double {
        let arrivals = 3 / lambda
        return h > 0 ? min(arrivals, h) : arrivals
    }

    /// The Graphviz text of the whole tangle of `result`.
    ///
    /// - Complexity: O(n·k).
    public static func dot(_ result: RunResult) -> String {
        let tangle = result.tangle!
        let states = states(of: result)
        let scenario = result.scenario
        var h = 0.0
        if case .delay(let delay) = scenario.network { h = delay.mean }
        let width = columnWidth(lambda: scenario.lambda, delay: h)
        let end = tangle.issueTime.last ?? 0
        let columns = Int(end / width) + 1
        // Label about eight columns, at round times.
        let labelEvery = max(1, Int((Double(columns) / 8).rounded(.up)))

        var counts: [State: Int] = [:]
        for state in states { counts[state, default: 0] += 1 }
        var text = """
            // Written by tanglesim draw: the first \(tangle.count) transactions of \(scenario.name) \
            (genesis and milestones included), seed \(scenario.seed).
            // Render: dot -Tsvg THIS.dot -o THIS.svg
            digraph tangle {
              rankdir=LR; ranksep=0.22; nodesep=0.1; newrank=true; bgcolor="white";
              label=\(quoted("\(scenario.name): the first \(tangle.count) transactions at t = \(String(format: "%.1f", end)) s; arrows point to the approved transaction")); labelloc=t; fontname="Helvetica"; fontsize=14;
              node [shape=circle, style=filled, fixedsize=true, width=0.22, label="", fontname="Helvetica", fontsize=9, color="#555555", penwidth=0.6];
              edge [color="#9a9a9a", arrowsize=0.4, penwidth=0.7, dir=back];

            """
        // The legend: one table, left of the time axis.
        text += "  legend [shape=plaintext, fixedsize=false, style=\"\", label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
        text += "<tr><td colspan=\"2\"><b>state</b></td></tr>"
        for state in State.allCases {
            text += "<tr><td bgcolor=\"\(state.style.fill)\" width=\"14\"></td><td align=\"left\">\(state.rawValue) (\(counts[state] ?? 0))</td></tr>"
        }
        text += "</table>>];\n"
        // The time axis.
        for column in 0..<columns {
            let label = column % labelEvery == 0 ? String(format: "%.4g s", Double(column) * width) : ""
            text += "  t\(column) [shape=plaintext, fixedsize=false, style=\"\", fontsize=10, fontcolor=\"#555555\", label=\(quoted(label))];\n"
        }
        text += "  legend -> t0 [style=invis];\n"
        if columns > 1 {
            text += "  " + (0..<columns).map { "t\($0)" }.joined(separator: " -> ") + " [style=invis, dir=forward];\n"
        }
        // Transactions, each in its column.
        var byColumn = [[Int]](repeating: [], count: columns)
        for index in 0..<tangle.count {
            byColumn[min(columns - 1, Int(tangle.issueTime[index] / width))].append(index)
        }
        for index in 0..<tangle.count {
            let state = states[index]
            let style = state.style
            let tooltip = "tx \(index), issued at \(String(format: "%.3f", tangle.issueTime[index])) s, \(state.rawValue)"
            var attributes = "fillcolor=\(quoted(style.fill)), tooltip=\(quoted(tooltip))"
            if style.shape != "circle" { attributes += ", shape=\(style.shape)" }
            if !style.label.isEmpty { attributes += ", label=\(quoted(style.label)), fontcolor=\(quoted(style.font)), width=0.3" }
            text += "  x\(index) [\(attributes)];\n"
        }
        for (column, members) in byColumn.enumerated() where !members.isEmpty {
            text += "  { rank=same; t\(column); " + members.map { "x\($0);" }.joined(separator: " ") + " }\n"
        }
        for index in 1..<max(1, tangle.count) {
            tangle.forEachParent(of: Int32(index)) { parent in
                text += "  x\(parent) -> x\(index);\n"
            }
        }
        text += "}\n"
        return text
    }

    /// A Graphviz double-quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
