extension JSONValue {
    /// The value as an indented JSON document, ending with a newline.
    ///
    /// The output is deterministic: the same value always gives the same bytes. Layout:
    /// two-space indentation, one member or element per line, `"key": value`, object keys in
    /// stored order, `[]` and `{}` for empty containers. Integers print without a decimal
    /// point; other numbers print as Swift's shortest round-tripping form (`1.0`, `0.05`,
    /// `1e-05`), so parsing the output gives back an equal value. A non-finite number, which
    /// the parser never produces, prints as `null`. Strings escape `"`, `\` and control
    /// characters; other characters are written as UTF-8.
    ///
    /// - Complexity: O(*n*) in the size of the output.
    public var prettyPrinted: String {
        var output = ""
        _write(to: &output, indentation: "")
        output += "\n"
        return output
    }

    private func _write(to output: inout String, indentation: String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .integer(let value):
            output += String(value)
        case .number(let value):
            output += Self._numberText(value)
        case .string(let value):
            output += Self._quoted(value)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            let inner = indentation + "  "
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += inner
                element._write(to: &output, indentation: inner)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += indentation + "]"
        case .object(let object):
            guard !object.isEmpty else {
                output += "{}"
                return
            }
            let inner = indentation + "  "
            output += "{\n"
            for (index, member) in object.members.enumerated() {
                output += inner + Self._quoted(member.key) + ": "
                member.value._write(to: &output, indentation: inner)
                output += index == object.count - 1 ? "\n" : ",\n"
            }
            output += indentation + "}"
        }
    }

    /// `value` as a JSON number that parses back to the same `Double`, or `null` when it is
    /// not finite.
    static func _numberText(_ value: Double) -> String {
        value.isFinite ? value.description : "null"
    }

    /// `string` as a JSON string literal, quotes included.
    static func _quoted(_ string: String) -> String {
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }
}
