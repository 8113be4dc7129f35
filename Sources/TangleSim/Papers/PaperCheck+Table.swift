extension PaperCheck {
    /// The aligned table `tanglesim check` prints: one line per check, PASS or FAIL first.
    public static func table(_ checks: [PaperCheck]) -> String {
        let header = ["result", "check", "measured", "expected", "tolerance", "tolerance from"]
        let body = checks.map { [$0.passed ? "PASS" : "FAIL", $0.name, $0.measured, $0.expected, $0.tolerance, $0.basis] }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n")
    }
}
