/// What a scenario field must hold: a description for error messages and a decoder.
///
/// The description reads after "expected" — `a positive number of seconds` — and appears both
/// in `expected <description>, got <value>` and in
/// `required key is missing (expected <description>)`, so the two messages always agree.
/// Build new ones from the factories below or with ``init(_:decode:)``.
struct _Expectation<Value> {
    /// What the field should hold, phrased to follow "expected".
    let description: String
    /// Turns a field into a value or throws a ``ScenarioError`` at the field.
    let _decode: (_Field) throws -> Value

    /// An expectation described by `description` and decoded by `decode`.
    init(_ description: String, decode: @escaping (_Field) throws -> Value) {
        self.description = description
        _decode = decode
    }

    /// An object whose members `body` reads; unknown keys are rejected after `body` returns.
    static func object(_ description: String, _ body: @escaping (inout _ObjectReader) throws -> Value) -> Self {
        Self(description) { field in
            var reader = try _ObjectReader(field, expecting: description)
            let value = try body(&reader)
            try reader.finish()
            return value
        }
    }
}

extension _Expectation where Value == Double {
    /// A number (an integer is accepted) for which `isValid` holds.
    static func number(_ description: String, where isValid: @escaping (Double) -> Bool = { _ in true })
        -> Self
    {
        Self(description) { field in
            guard let value = field.value.numberValue, isValid(value) else {
                throw field.mismatch(expected: description)
            }
            return value
        }
    }

    /// A number > 0, described as `a positive number` followed by ` of <unit>` when given.
    static func positiveNumber(of unit: String? = nil) -> Self {
        number("a positive number" + _unitSuffix(unit)) { $0 > 0 }
    }

    /// A number >= 0, described as `a non-negative number` followed by ` of <unit>` when given.
    static func nonNegativeNumber(of unit: String? = nil) -> Self {
        number("a non-negative number" + _unitSuffix(unit)) { $0 >= 0 }
    }

    /// A span of simulated time that paces or bounds events (a duration, an interval, a
    /// timeout, a window): at least ``Scenario/shortestInterval`` (1 µs), described as
    /// `a number of seconds, at least 1e-6`.
    ///
    /// Shorter spans have no physical meaning here, and together with the event limit of
    /// ``RunEstimate`` they keep every periodic event far above the clock's resolution, so
    /// simulated time always advances.
    static var interval: Self {
        number("a number of seconds, at least 1e-6") { $0 >= Scenario.shortestInterval }
    }

    private static func _unitSuffix(_ unit: String?) -> String {
        unit.map { " of \($0)" } ?? ""
    }
}

extension _Expectation where Value == Int64 {
    /// An integer in `range`: written out (`1000`) or as a number without a fraction
    /// (`1e3`, `1000.0`), so that `1e18` and `1000000000000000000` are accepted or refused
    /// alike. A number beyond 64 bits is refused like the integer written out would be.
    static func integer(in range: ClosedRange<Int64>, _ description: String) -> Self {
        Self(description) { field in
            guard let value = field.value._integralValue, range.contains(value) else {
                throw field.mismatch(expected: description)
            }
            return value
        }
    }

    /// An integer from `lowest` to `highest`, described as `an integer from 1 to 8`.
    static func integer(from lowest: Int64, to highest: Int64) -> Self {
        integer(in: lowest...highest, "an integer from \(lowest) to \(highest)")
    }

    /// An integer >= 1, described as `a positive integer`.
    static var positiveInteger: Self {
        integer(in: 1...Int64.max, "a positive integer")
    }
}

extension _Expectation where Value == String {
    /// Any string.
    static var string: Self {
        Self("a string") { field in
            guard case .string(let value) = field.value else { throw field.mismatch(expected: "a string") }
            return value
        }
    }

    /// A string for which `isValid` holds, described by `description`.
    static func string(where isValid: @escaping (String) -> Bool, _ description: String) -> Self {
        Self(description) { field in
            guard case .string(let value) = field.value, isValid(value) else { throw field.mismatch(expected: description) }
            return value
        }
    }
}

extension _Expectation where Value == Bool {
    /// `true` or `false`.
    static var bool: Self {
        Self("true or false") { field in
            guard case .bool(let value) = field.value else { throw field.mismatch(expected: "true or false") }
            return value
        }
    }
}

extension _Expectation where Value: RawRepresentable<String> & CaseIterable {
    /// One of the type's raw values, described as `one of "distinct", "collapse"`.
    static func oneOf(_ type: Value.Type = Value.self) -> Self {
        let names = Value.allCases.map { JSONValue._quoted($0.rawValue) }.joined(separator: ", ")
        let description = "one of \(names)"
        return Self(description) { field in
            guard case .string(let name) = field.value, let value = Value(rawValue: name) else {
                throw field.mismatch(expected: description)
            }
            return value
        }
    }
}

extension JSONValue {
    /// The value as an integer: an ``integer(_:)``, or a ``number(_:)`` that is integral and
    /// fits in `Int64` (`1e3`, `2.0`); nil otherwise.
    var _integralValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }
}
