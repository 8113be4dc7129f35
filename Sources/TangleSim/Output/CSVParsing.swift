extension CSVTable {
    /// Splits CSV text (RFC 4180: fields separated by `,`, rows by `\n` or `\r\n`, a field in
    /// double quotes may hold commas, line breaks and doubled quotes) into rows of field
    /// strings, quotes removed. A final line break ends the last row; it does not start an
    /// empty one.
    ///
    /// - Returns: `nil` when a quoted field is not closed or a quote is followed by anything
    ///   but a separator.
    /// - Complexity: O(*n*).
    public static func parseFields(_ text: String) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var scalars = text.unicodeScalars[...]
        var atRowStart = true
        while let scalar = scalars.popFirst() {
            atRowStart = false
            switch scalar {
            case "\"" where field.isEmpty:
                var closed = false
                while let inner = scalars.popFirst() {
                    if inner == "\"" {
                        if scalars.first == "\"" {
                            scalars.removeFirst()
                            field.unicodeScalars.append("\"")
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        field.unicodeScalars.append(inner)
                    }
                }
                guard closed, scalars.first.map({ ",\r\n".unicodeScalars.contains($0) }) ?? true else { return nil }
            case ",":
                row.append(field)
                field = ""
            case "\r" where scalars.first == "\n":
                break
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                atRowStart = true
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if !atRowStart {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
