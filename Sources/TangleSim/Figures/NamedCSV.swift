/// A CSV file read for its columns by name, never by position, so that columns added by later
/// versions of TangleSim change nothing for a reader.
public struct NamedCSV: Sendable {
    /// The file's name, for messages.
    public let file: String
    /// The header row.
    public let header: [String]
    /// The data rows, each as wide as the header.
    public let rows: [[String]]
    private let _columns: [String: Int]

    /// Parses `text`.
    ///
    /// - Throws: ``FigureError`` when the text is not CSV, has no header, or a row's width
    ///   differs from the header's.
    public init(text: String, file: String) throws {
        guard let parsed = CSVTable.parseFields(text) else {
            throw FigureError("\(file): malformed CSV (an unclosed or misplaced double quote)")
        }
        guard let header = parsed.first, header != [""] else {
            throw FigureError("\(file): empty file, expected a header row")
        }
        for (index, row) in parsed.enumerated().dropFirst() where row.count != header.count {
            throw FigureError("\(file): line \(index + 1) has \(row.count) fields, the header has \(header.count)")
        }
        self.file = file
        self.header = header
        self.rows = Array(parsed.dropFirst())
        var columns: [String: Int] = [:]
        for (index, name) in header.enumerated() where columns[name] == nil { columns[name] = index }
        _columns = columns
    }

    /// The position of the first column named `name`, if any.
    public func column(_ name: String) -> Int? { _columns[name] }

    /// Whether every column in `names` is present.
    public func has(_ names: String...) -> Bool { names.allSatisfy { _columns[$0] != nil } }

    /// Throws unless every column in `names` is present.
    public func require(_ names: [String]) throws {
        let missing = names.filter { _columns[$0] == nil }
        guard missing.isEmpty else {
            throw FigureError("\(file): missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (header: \(header.joined(separator: ",")))")
        }
    }

    /// The text of column `name` in row `row` ("" when the column is absent).
    public func text(_ row: Int, _ name: String) -> String {
        _columns[name].map { rows[row][$0] } ?? ""
    }

    /// The number in column `name` of row `row`: NaN for an empty field (undefined).
    ///
    /// - Throws: ``FigureError`` for a field that is neither empty nor a number.
    public func number(_ row: Int, _ name: String) throws -> Double {
        let field = text(row, name)
        if field.isEmpty { return .nan }
        guard let value = Double(field) else {
            throw FigureError("\(file): line \(row + 2), column \(name): expected a number, got \"\(field)\"")
        }
        return value
    }

    /// Every number of column `name`, in row order (NaN for empty fields).
    public func numbers(_ name: String) throws -> [Double] {
        try rows.indices.map { try number($0, name) }
    }
}

/// A problem with the inputs of a figure: the message names the file and what is wrong.
public struct FigureError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
