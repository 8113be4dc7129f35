import Foundation

/// The classic picture of the Tangle as a Graphviz graph: transactions left to right by issue
/// time, an edge from each transaction to each parent it approves, nodes coloured by state.
///
/// Layout: time is cut into columns of width ``columnWidth(lambda:delay:)``, and every
/// transaction is drawn in the column of its issue time, so the horizontal position is the
/// issue time. Up to ``rankedLimit`` transactions, Graphviz's `dot` places them
/// (``Layout/ranked``: `rankdir=LR`, each column a rank beside an axis node labelled with the
/// time), which keeps crossings few but grows steeply with the graph (5,000 transactions took
/// over 11 minutes). Beyond, TangleSim places every node itself (``Layout/positioned``: a
/// column's transactions stacked around the axis in issue order) and `neato -n2` only draws
/// them with straight edges, in linear time. Edges are written parent → approver with
/// `dir=back`, so the arrow points at the approved parent and no edge runs against the ranks.
public enum TangleDrawing {
    /// How the nodes are placed.
    public enum Layout: Sendable {
        /// By Graphviz's `dot`, one rank per time column.
        case ranked
        /// By TangleSim, drawn with `neato -n2`.
        case positioned

        /// The Graphviz program that renders the graph, and its arguments before the files.
        public var renderer: (program: String, arguments: [String]) {
            switch self {
            case .ranked: ("dot", [])
            case .positioned: ("neato", ["-n2"])
            }
        }
    }

    /// The most transactions (genesis and milestones included) laid out by `dot`; more are
    /// placed by TangleSim. `dot` draws 500 transactions in about a second (1,000 in 5 s, 2,000 in 70 s).
    public static let rankedLimit = 500

    /// The layout of a drawing of `count` transactions.
    public static func layout(count: Int) -> Layout {
        count <= rankedLimit ? .ranked : .positioned
    }

    /// A transaction's state at the end of the drawn run, in order of precedence.
    public enum State: String, Sendable, CaseIterable {
        case genesis
        case milestone
        /// A member of a conflict set: a transaction carrying a payload that spends an output
        /// another payload spends too.
        case conflicting
        /// Issued by an adversary (its branch, its payments).
        case attacker
        /// In a losing member's future cone at the end of the run.
        case rejected
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
            case .conflicting: ("#CC79A7", "diamond", "C", "#000000")
            case .attacker: ("#000000", "triangle", "", "#ffffff")
            case .rejected: ("#0072B2", "circle", "", "#ffffff")
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
        var members = Set<Int32>()
        for carriers in result.ledger?.memberTransactions ?? [] { members.formUnion(carriers) }
        let rejected = result.conflicts?.rejected ?? []
        return (0..<tangle.count).map { index in
            if index == 0 { return .genesis }
            if tangle.isMilestone(Int32(index)) { return .milestone }
            if members.contains(Int32(index)) { return .conflicting }
            if tangle.issuerKind[index] == .adversary { return .attacker }
            if index < rejected.count, rejected[index] { return .rejected }
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

    /// The Graphviz text of the whole tangle of `result`, in the layout of its size.
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
        let layout = layout(count: tangle.count)
        // Label about eight columns, at round times.
        let labelEvery = max(1, Int((Double(columns) / 8).rounded(.up)))
        var byColumn = [[Int]](repeating: [], count: columns)
        for index in 0..<tangle.count {
            byColumn[min(columns - 1, Int(tangle.issueTime[index] / width))].append(index)
        }

        var counts: [State: Int] = [:]
        for state in states { counts[state, default: 0] += 1 }
        let milestones = counts[.milestone] ?? 0
        let issued = tangle.count - milestones - (tangle.count > 0 ? 1 : 0)
        let what = "the first \(issued) transaction\(issued == 1 ? "" : "s") issued by devices, with the genesis"
            + (milestones > 0 ? " and \(milestones) milestone\(milestones == 1 ? "" : "s")" : "")
        let render = layout.renderer
        let title = "\(scenario.name): \(what), at t = \(String(format: "%.1f", end)) s; arrows point to the approved transaction"
        var text = """
            // Written by tanglesim draw: \(what), of \(scenario.name), seed \(scenario.seed).
            // Render: \(([render.program] + render.arguments).joined(separator: " ")) -Tsvg THIS.dot -o THIS.svg

            """
        switch layout {
        case .ranked:
            text += """
                digraph tangle {
                  rankdir=LR; ranksep=0.22; nodesep=0.1; newrank=true; bgcolor="white";

                """
        case .positioned:
            text += """
                digraph tangle {
                  splines=false; outputorder=edgesfirst; bgcolor="white";

                """
        }
        text += """
              label=\(quoted(title)); labelloc=t; fontname="Helvetica"; fontsize=14;
              node [shape=circle, style=filled, fixedsize=true, width=0.22, label="", fontname="Helvetica", fontsize=9, color="#555555", penwidth=0.6];
              edge [color="#9a9a9a", arrowsize=0.4, penwidth=0.7, dir=back];

            """
        // Positions (points) of the positioned layout: columns 30 pt apart, a column's
        // transactions 22 pt apart in issue order, alternately above and below the axis.
        let columnSpacing = 30.0, rowSpacing = 22.0
        func slot(_ rank: Int) -> Double { rank % 2 == 0 ? Double(rank / 2) : -Double(rank / 2 + 1) }
        let lowest = byColumn.map { members in members.indices.map(slot).min() ?? 0 }.min() ?? 0
        func pin(_ x: Double, _ y: Double) -> String { ", pos=\"\(String(format: "%.1f,%.1f", x, y))!\"" }

        // The legend: one table, left of the time axis.
        text += "  legend [shape=plaintext, fixedsize=false, style=\"\", label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
        text += "<tr><td colspan=\"2\"><b>state</b></td></tr>"
        // The states of conflicts and attacks appear only where the run has them.
        for state in State.allCases where counts[state] != nil || ![.conflicting, .attacker, .rejected].contains(state) {
            text += "<tr><td bgcolor=\"\(state.style.fill)\" width=\"14\"></td><td align=\"left\">\(state.rawValue) (\(counts[state] ?? 0))</td></tr>"
        }
        text += "</table>>" + (layout == .positioned ? pin(-120, 0) : "") + "];\n"
        // The time axis.
        for column in 0..<columns {
            let label = column % labelEvery == 0 ? String(format: "%.4g s", Double(column) * width) : ""
            guard layout == .ranked || !label.isEmpty else { continue }
            let position = layout == .positioned ? pin(Double(column) * columnSpacing, (lowest - 1.5) * rowSpacing) : ""
            text += "  t\(column) [shape=plaintext, fixedsize=false, style=\"\", fontsize=10, fontcolor=\"#555555\", label=\(quoted(label))\(position)];\n"
        }
        if layout == .ranked {
            text += "  legend -> t0 [style=invis];\n"
            if columns > 1 {
                text += "  " + (0..<columns).map { "t\($0)" }.joined(separator: " -> ") + " [style=invis, dir=forward];\n"
            }
        }
        // Transactions, each in its column.
        var position = [String](repeating: "", count: layout == .positioned ? tangle.count : 0)
        if layout == .positioned {
            for (column, members) in byColumn.enumerated() {
                for (rank, index) in members.enumerated() {
                    position[index] = pin(Double(column) * columnSpacing, slot(rank) * rowSpacing)
                }
            }
        }
        for index in 0..<tangle.count {
            let state = states[index]
            let style = state.style
            let tooltip = "tx \(index), issued at \(String(format: "%.3f", tangle.issueTime[index])) s, \(state.rawValue)"
            var attributes = "fillcolor=\(quoted(style.fill)), tooltip=\(quoted(tooltip))"
            if style.shape != "circle" { attributes += ", shape=\(style.shape)" }
            if !style.label.isEmpty { attributes += ", label=\(quoted(style.label)), fontcolor=\(quoted(style.font)), width=0.3" }
            if layout == .positioned { attributes += position[index] }
            text += "  x\(index) [\(attributes)];\n"
        }
        if layout == .ranked {
            for (column, members) in byColumn.enumerated() where !members.isEmpty {
                text += "  { rank=same; t\(column); " + members.map { "x\($0);" }.joined(separator: " ") + " }\n"
            }
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
