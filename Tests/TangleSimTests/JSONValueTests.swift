import Testing

@testable import TangleSim

/// Parses `text` as a JSON document named `test.json`.
private func parse(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: Array(text.utf8), file: "test.json")
}

/// The description of the error that parsing `text` throws, or `nil` when it parses.
private func parseError(_ text: String) -> String? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}

@Suite("JSONValue parsing and printing")
struct JSONValueTests {
    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("\nfalse\r\n") == .bool(false))
        #expect(try parse(#""hi""#) == .string("hi"))
    }

    @Test func numbers() throws {
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("-0.0") == .number(-0.0))
        #expect(try parse("42") == .integer(42))
        #expect(try parse("-17") == .integer(-17))
        #expect(try parse("1e3") == .number(1000))
        #expect(try parse("1.5E-2") == .number(0.015))
        #expect(try parse("2.0") == .number(2))
        #expect(try parse("1E+2") == .number(100))
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
        #expect(try parse("9223372036854775808") == .number(9223372036854775808))
        #expect(try parse("4.9406564584124654e-324") == .number(.leastNonzeroMagnitude))
        #expect(JSONValue.integer(3).numberValue == 3)
        #expect(JSONValue.string("3").numberValue == nil)
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse("\"naïve 😀 ✓\"") == .string("naïve 😀 ✓"))
        #expect(try parse(#""""#) == .string(""))
    }

    @Test func nestedContainersKeepKeyOrder() throws {
        let value = try parse(#"{"b": [1, {"z": null, "a": [[]]}], "a": {}, "c": [ ]}"#)
        let expected: JSONValue = ["b": [1, ["z": nil, "a": [[]]]], "a": [:], "c": []]
        #expect(value == expected)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["a"] == .object(JSONObject()))
        #expect(object["missing"] == nil)
    }

    @Test func objectEqualityDependsOnOrder() {
        let ab: JSONValue = ["a": 1, "b": 2]
        let ba: JSONValue = ["b": 2, "a": 1]
        #expect(ab != ba)
    }

    @Test func objectSubscriptSetter() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = 3
        object["c"] = 4
        object["b"] = nil
        #expect(object == ["a": 3, "c": 4])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), file: "x") == [1])
    }

    @Test func nestingLimit() throws {
        let depth = JSONValue.maximumNestingDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try parse(deepest) }
        let tooDeep = "[" + deepest + "]"
        #expect(parseError(tooDeep) == "test.json: line 1, column 513: malformed JSON: arrays and objects nested deeper than 512 levels")
    }

    @Test(arguments: [
        ("", "line 1, column 1: malformed JSON: expected a value (an object, array, string, number, true, false or null), got the end of the file"),
        ("tru", "line 1, column 1: malformed JSON: expected a value (an object, array, string, number, true, false or null)"),
        ("01", "line 1, column 2: malformed JSON: numbers must not have leading zeros"),
        ("-x", "line 1, column 2: malformed JSON: expected a digit after '-'"),
        ("1.", "line 1, column 3: malformed JSON: expected a digit after the decimal point, got the end of the file"),
        ("1e+", "line 1, column 4: malformed JSON: expected a digit in the exponent, got the end of the file"),
        ("1e400", "line 1, column 1: malformed JSON: the number 1e400 is too large"),
        (".5", "line 1, column 1: malformed JSON: expected a value (an object, array, string, number, true, false or null)"),
        ("[1,]", "line 1, column 4: malformed JSON: expected a value (an object, array, string, number, true, false or null)"),
        ("[1 2]", "line 1, column 4: malformed JSON: expected ',' or ']' after an array element"),
        (#"{"a" 1}"#, "line 1, column 6: malformed JSON: expected ':' after an object key"),
        (#"{"a": 1,}"#, "line 1, column 9: malformed JSON: expected a key in double quotes"),
        ("{a: 1}", "line 1, column 2: malformed JSON: expected a key in double quotes"),
        ("[1] 2", "line 1, column 5: malformed JSON: expected the end of the file after the top-level value"),
        (#""abc"#, "line 1, column 5: malformed JSON: expected '\"' to close the string that starts at line 1, column 1, got the end of the file"),
        ("\"a\nb\"", "line 1, column 3: malformed JSON: control character U+000A in a string must be escaped"),
        (#""\x""#, "line 1, column 2: malformed JSON: invalid escape sequence '\\x' in a string"),
        (#""\u12G4""#, "line 1, column 6: malformed JSON: expected four hexadecimal digits after '\\u'"),
        (#""\ud83d""#, "line 1, column 2: malformed JSON: unpaired surrogate '\\uD83D' in a string"),
        (#""\ud83d\u0041""#, "line 1, column 2: malformed JSON: unpaired surrogate '\\uD83D' in a string"),
        (#""\ude00""#, "line 1, column 2: malformed JSON: unpaired surrogate '\\uDE00' in a string"),
        ("{\n  \"é\": 1\n  \"b\": 2\n}", "line 3, column 3: malformed JSON: expected ',' or '}' after an object member"),
    ])
    func syntaxErrors(text: String, message: String) {
        #expect(parseError(text) == "test.json: \(message)")
    }

    @Test func invalidUTF8() {
        let bytes: [UInt8] = [UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")]
        #expect(throws: ScenarioError(file: "f", path: "", message: "line 1, column 1: malformed JSON: invalid UTF-8 in a string")) {
            try JSONValue(parsing: bytes, file: "f")
        }
    }

    @Test func duplicateKeys() {
        #expect(parseError(#"{"a": 1, "a": 2}"#) == #"test.json: a: line 1, column 10: duplicate key "a""#)
        #expect(parseError("{\"x\": [0, {\"k\": 1,\n \"k\": 2}]}") == #"test.json: x[1].k: line 2, column 2: duplicate key "k""#)
        #expect(parseError(#"{"a b": {"c": 1, "c": 1}}"#) == #"test.json: ["a b"].c: line 1, column 18: duplicate key "c""#)
    }

    @Test func prettyPrintedLayout() {
        let value: JSONValue = [
            "s": "q\"b\\\n\t\u{1}é",
            "i": -3,
            "d": [1.0, 0.05, 1e-05, -0.0, 1e300],
            "e": [],
            "o": [:],
            "n": [nil, true, false, ["k": [1]]],
        ]
        let expected = """
            {
              "s": "q\\"b\\\\\\n\\t\\u0001é",
              "i": -3,
              "d": [
                1.0,
                0.05,
                1e-05,
                -0.0,
                1e+300
              ],
              "e": [],
              "o": {},
              "n": [
                null,
                true,
                false,
                {
                  "k": [
                    1
                  ]
                }
              ]
            }

            """
        #expect(value.prettyPrinted == expected)
        #expect(JSONValue.integer(7).prettyPrinted == "7\n")
    }

    @Test func printingRoundTrips() throws {
        let value: JSONValue = [
            "strings": ["", "\u{0}\u{1F}\u{7F}", "😀 \u{2028}", "\\u0041"],
            "numbers": [0.1, .number(1.0 / 3.0), 123456789012345680000.0, .number(.leastNonzeroMagnitude), -0.0, .number(Double.greatestFiniteMagnitude)],
            "integers": [.integer(.max), .integer(.min), 0],
        ]
        let printed = value.prettyPrinted
        let reparsed = try JSONValue(parsing: Array(printed.utf8), file: "x")
        #expect(reparsed == value)
        #expect(reparsed.prettyPrinted == printed)
    }
}
