import Foundation

/// One CSV field: an integer, a real number or text, formatted the same way everywhere.
public enum CSVValue: Sendable, Equatable {
    case integer(Int)
    case real(Double)
    case text(String)

    /// The field as written: integers in decimal; reals as the shortest text that reads back
    /// to the same `Double` (Swift's `description`), NaN as an empty field (undefined, e.g. a
    /// mean over no transaction); text quoted when it holds a comma, quote or line break.
    public var csvText: String {
        switch self {
        case .integer(let value): return String(value)
        case .real(let value): return value.isNaN ? "" : value.description
        case .text(let value):
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
                return value
            }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

/// A table to be written as CSV: a header and rows of the same width.
public struct CSVTable: Sendable, Equatable {
    /// Column names.
    public var header: [String]
    /// Rows, each as wide as `header`.
    public var rows: [[CSVValue]]

    public init(header: [String], rows: [[CSVValue]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The whole table as CSV text with `\n` line endings and a final newline.
    public var csvText: String {
        var text = header.joined(separator: ",") + "\n"
        for row in rows {
            precondition(row.count == header.count, "a CSV row is as wide as its header")
            text += Self.line(row)
        }
        return text
    }

    /// One row as written: its fields separated by commas, then a newline.
    public static func line(_ row: [CSVValue]) -> String {
        row.map(\.csvText).joined(separator: ",") + "\n"
    }
}
