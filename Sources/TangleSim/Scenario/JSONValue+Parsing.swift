extension JSONValue {
    /// The deepest nesting of arrays and objects that ``init(parsing:file:)`` accepts.
    public static let maximumNestingDepth = 512

    /// Parses a UTF-8 JSON document (RFC 8259), keeping object keys in their written order.
    ///
    /// Stricter than RFC 8259 requires in one way: a key repeated within one object is an
    /// error. A leading UTF-8 byte order mark is skipped. Numbers without a fraction or
    /// exponent that fit in `Int64` become ``integer(_:)``; others become ``number(_:)``
    /// (numbers too large for `Double` are rejected).
    ///
    /// Syntax errors have an empty path and a message that starts with the 1-based line and
    /// column (columns count Unicode scalars):
    /// `line 3, column 7: malformed JSON: expected ',' or '}' after an object member`.
    /// A duplicate key has the path of the key itself: `tangle.parents` with message
    /// `line 5, column 5: duplicate key "parents"`.
    ///
    /// - Parameters:
    ///   - bytes: The document, UTF-8 encoded.
    ///   - file: The file name to put in errors.
    /// - Throws: ``ScenarioError``.
    /// - Complexity: O(*n*) in the length of the document.
    public init(parsing bytes: some Collection<UInt8>, file: String) throws {
        var parser = _JSONParser(bytes: Array(bytes), file: file)
        self = try parser.parseDocument()
    }
}

/// A recursive-descent JSON parser over a byte array; see ``JSONValue/init(parsing:file:)``.
struct _JSONParser {
    private let _bytes: [UInt8]
    private let _file: String
    /// Index of the next unread byte.
    private var _position = 0
    /// Index where line 1, column 1 starts (after a byte order mark).
    private var _start = 0
    /// Where the value being parsed sits, for duplicate-key errors.
    private var _path = FieldPath()
    /// Number of arrays and objects currently open.
    private var _depth = 0

    init(bytes: [UInt8], file: String) {
        _bytes = bytes
        _file = file
    }

    /// Parses the whole input as one JSON value surrounded by optional whitespace.
    mutating func parseDocument() throws -> JSONValue {
        if _bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            _start = 3
            _position = 3
        }
        _skipWhitespace()
        let value = try _parseValue()
        _skipWhitespace()
        guard _position == _bytes.count else {
            throw _error("malformed JSON: expected the end of the file after the top-level value")
        }
        return value
    }

    // MARK: Values

    private mutating func _parseValue() throws -> JSONValue {
        guard let byte = _peek() else {
            throw _expected("a value (an object, array, string, number, true, false or null)")
        }
        switch byte {
        case UInt8(ascii: "{"): return try _parseObject()
        case UInt8(ascii: "["): return try _parseArray()
        case UInt8(ascii: "\""): return .string(try _parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try _parseNumber()
        case UInt8(ascii: "t"): return try _parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try _parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try _parseLiteral("null", .null)
        default: throw _expected("a value (an object, array, string, number, true, false or null)")
        }
    }

    private mutating func _parseLiteral(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let word = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard _bytes[_position...].starts(with: word) else {
            throw _expected("a value (an object, array, string, number, true, false or null)")
        }
        _position += word.count
        return value
    }

    private mutating func _parseObject() throws -> JSONValue {
        try _open()
        var object = JSONObject()
        var seen: Set<String> = []
        _skipWhitespace()
        if _consume(UInt8(ascii: "}")) {
            _depth -= 1
            return .object(object)
        }
        while true {
            _skipWhitespace()
            guard _peek() == UInt8(ascii: "\"") else {
                throw _expected("a key in double quotes")
            }
            let keyPosition = _position
            let key = try _parseString()
            guard seen.insert(key).inserted else {
                throw ScenarioError(
                    file: _file, path: _path.appending(key: key).description,
                    message: "\(_location(keyPosition)): duplicate key \(JSONValue._quoted(key))")
            }
            _skipWhitespace()
            guard _consume(UInt8(ascii: ":")) else {
                throw _expected("':' after an object key")
            }
            _skipWhitespace()
            _path.append(.key(key))
            let value = try _parseValue()
            _path.removeLast()
            object._appendUnchecked(key: key, value: value)
            _skipWhitespace()
            if _consume(UInt8(ascii: ",")) { continue }
            if _consume(UInt8(ascii: "}")) { break }
            throw _expected("',' or '}' after an object member")
        }
        _depth -= 1
        return .object(object)
    }

    private mutating func _parseArray() throws -> JSONValue {
        try _open()
        var elements: [JSONValue] = []
        _skipWhitespace()
        if _consume(UInt8(ascii: "]")) {
            _depth -= 1
            return .array(elements)
        }
        while true {
            _skipWhitespace()
            _path.append(.index(elements.count))
            elements.append(try _parseValue())
            _path.removeLast()
            _skipWhitespace()
            if _consume(UInt8(ascii: ",")) { continue }
            if _consume(UInt8(ascii: "]")) { break }
            throw _expected("',' or ']' after an array element")
        }
        _depth -= 1
        return .array(elements)
    }

    /// Consumes the `{` or `[` at the current position, enforcing the depth limit.
    private mutating func _open() throws {
        guard _depth < JSONValue.maximumNestingDepth else {
            throw _error(
                "malformed JSON: arrays and objects nested deeper than \(JSONValue.maximumNestingDepth) levels")
        }
        _depth += 1
        _position += 1
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote.
    private mutating func _parseString() throws -> String {
        let start = _position
        _position += 1
        var buffer: [UInt8] = []
        while true {
            guard let byte = _peek() else {
                throw _expected("'\"' to close the string that starts at \(_location(start))")
            }
            switch byte {
            case UInt8(ascii: "\""):
                _position += 1
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw _error("malformed JSON: invalid UTF-8 in a string", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                try _parseEscape(into: &buffer)
            case 0..<0x20:
                throw _error(
                    "malformed JSON: control character U+\(_hex(UInt32(byte))) in a string must be escaped")
            default:
                buffer.append(byte)
                _position += 1
            }
        }
    }

    /// Parses one escape sequence starting at its backslash and appends its UTF-8 encoding.
    private mutating func _parseEscape(into buffer: inout [UInt8]) throws {
        let start = _position
        _position += 1
        guard let byte = _peek() else {
            throw _expected("an escape sequence after '\\'")
        }
        _position += 1
        let simple: UInt8? = switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            buffer.append(simple)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            let shown = String(decoding: [byte], as: UTF8.self)
            throw _error("malformed JSON: invalid escape sequence '\\\(shown)' in a string", at: start)
        }
        var scalar = try _parseHexQuad()
        if (0xD800...0xDBFF).contains(scalar) {
            var low: UInt32 = 0
            if _bytes[_position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) {
                _position += 2
                low = try _parseHexQuad()
            }
            guard (0xDC00...0xDFFF).contains(low) else {
                throw _error("malformed JSON: unpaired surrogate '\\u\(_hex(scalar))' in a string", at: start)
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw _error("malformed JSON: unpaired surrogate '\\u\(_hex(scalar))' in a string", at: start)
        }
        UTF8.encode(Unicode.Scalar(scalar)!) { buffer.append($0) }
    }

    /// Parses the four hexadecimal digits of a `\u` escape.
    private mutating func _parseHexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt32? = switch _peek() {
            case let byte? where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
                UInt32(byte - UInt8(ascii: "0"))
            case let byte? where (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20):
                UInt32((byte | 0x20) - UInt8(ascii: "a") + 10)
            default: nil
            }
            guard let digit else { throw _expected("four hexadecimal digits after '\\u'") }
            value = value << 4 | digit
            _position += 1
        }
        return value
    }

    // MARK: Numbers

    /// Parses `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    private mutating func _parseNumber() throws -> JSONValue {
        let start = _position
        _ = _consume(UInt8(ascii: "-"))
        if _consume(UInt8(ascii: "0")) {
            if _isDigit(_peek()) {
                throw _error("malformed JSON: numbers must not have leading zeros")
            }
        } else {
            guard _skipDigits() else { throw _expected("a digit after '-'") }
        }
        var isInteger = true
        if _consume(UInt8(ascii: ".")) {
            isInteger = false
            guard _skipDigits() else { throw _expected("a digit after the decimal point") }
        }
        if _consume(UInt8(ascii: "e")) || _consume(UInt8(ascii: "E")) {
            isInteger = false
            _ = _consume(UInt8(ascii: "+")) || _consume(UInt8(ascii: "-"))
            guard _skipDigits() else { throw _expected("a digit in the exponent") }
        }
        let text = String(decoding: _bytes[start..<_position], as: UTF8.self)
        if isInteger, let value = Int64(text) {
            return .integer(value)
        }
        guard let value = Double(text), value.isFinite else {
            throw _error("malformed JSON: the number \(text) is too large", at: start)
        }
        return .number(value)
    }

    /// Skips a run of decimal digits; returns whether there was at least one.
    private mutating func _skipDigits() -> Bool {
        let start = _position
        while _isDigit(_peek()) { _position += 1 }
        return _position > start
    }

    private func _isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    // MARK: Input

    private func _peek() -> UInt8? {
        _position < _bytes.count ? _bytes[_position] : nil
    }

    private mutating func _consume(_ byte: UInt8) -> Bool {
        guard _peek() == byte else { return false }
        _position += 1
        return true
    }

    private mutating func _skipWhitespace() {
        while let byte = _peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r")
        {
            _position += 1
        }
    }

    // MARK: Errors

    /// `line L, column C` of the byte at `position` (both 1-based; columns count scalars).
    private func _location(_ position: Int) -> String {
        var line = 1
        var column = 1
        for byte in _bytes[_start..<min(position, _bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return "line \(line), column \(column)"
    }

    /// A syntax error at `position` (default: the current position).
    private func _error(_ message: String, at position: Int? = nil) -> ScenarioError {
        ScenarioError(
            file: _file, path: "", message: "\(_location(position ?? _position)): \(message)")
    }

    /// `malformed JSON: expected <what>` at the current position, noting the end of the file.
    private func _expected(_ what: String) -> ScenarioError {
        let got = _position < _bytes.count ? "" : ", got the end of the file"
        return _error("malformed JSON: expected \(what)\(got)")
    }

    /// Four uppercase hexadecimal digits.
    private func _hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
