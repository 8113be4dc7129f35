// The reusable pieces of the strict scenario decoder: a value with its place in the file
// (`_Field`), and a reader for one JSON object that hands out typed members and rejects keys
// nobody asked for (`_ObjectReader`). What a member must hold is an `_Expectation`
// (ScenarioExpectation.swift). A new scenario section needs only a new expectation built from
// these; see Scenario+Decoding.swift for the pattern.

/// A JSON value together with where it sits in which file, so that errors can name both.
struct _Field {
    /// The value found there.
    let value: JSONValue
    /// Where it sits, like `devices[0].rate`.
    let path: FieldPath
    /// The scenario file, as the user wrote its path.
    let file: String

    /// The field of the document root.
    init(root value: JSONValue, file: String) {
        self.init(value: value, path: FieldPath(), file: file)
    }

    init(value: JSONValue, path: FieldPath, file: String) {
        self.value = value
        self.path = path
        self.file = file
    }

    /// Decodes the value as `expectation` says.
    func decode<Value>(_ expectation: _Expectation<Value>) throws -> Value {
        try expectation._decode(self)
    }

    /// An error at this field with `message`.
    func failure(_ message: String) -> ScenarioError {
        ScenarioError(file: file, path: path.description, message: message)
    }

    /// The error `expected <what>, got <this value>`.
    func mismatch(expected what: String) -> ScenarioError {
        failure("expected \(what), got \(value._summary)")
    }

    /// The elements of an array, each with its indexed path; `nil` when the value is not an
    /// array.
    var elements: [_Field]? {
        guard case .array(let values) = value else { return nil }
        return values.enumerated().map { index, element in
            _Field(value: element, path: path.appending(index: index), file: file)
        }
    }
}

/// Hands out the members of one JSON object as typed values and rejects the rest.
///
/// Every key asked for through ``optional(_:_:)`` or ``required(_:_:)`` becomes a known key,
/// present or not. ``finish()`` then rejects the first member with an unknown key, suggesting
/// the closest known key when one is near (see ``_suggestion(for:among:)``). Errors come in
/// the order the decoder asks for keys, then unknown keys.
///
///     var reader = try _ObjectReader(field, expecting: #"an object like {"parents": 2}"#)
///     let parents = try reader.optional("parents", .integer(from: 1, to: 8)) ?? 2
///     try reader.finish()
struct _ObjectReader {
    /// The object's own field (its path is the parent of every member's path).
    let field: _Field
    private let _object: JSONObject
    /// Keys asked for so far, in the order first asked; unique.
    private var _knownKeys: [String] = []

    /// Starts reading `field`, which must be an object.
    ///
    /// - Parameter description: What the field should be, for the error
    ///   `expected <description>, got <value>` when it is not an object.
    init(_ field: _Field, expecting description: String) throws {
        guard case .object(let object) = field.value else {
            throw field.mismatch(expected: description)
        }
        self.field = field
        _object = object
    }

    /// The member `key` as its field, or `nil` when absent. Does not make `key` known.
    func member(_ key: String) -> _Field? {
        _object[key].map { _Field(value: $0, path: field.path.appending(key: key), file: field.file) }
    }

    /// The member `key` decoded by `expectation`, or `nil` when the key is absent.
    ///
    /// An explicit `null` is not absence: it fails the expectation (`got null`).
    mutating func optional<Value>(_ key: String, _ expectation: _Expectation<Value>) throws -> Value? {
        if !_knownKeys.contains(key) {
            _knownKeys.append(key)
        }
        return try member(key)?.decode(expectation)
    }

    /// The member `key` decoded by `expectation`.
    ///
    /// - Throws: `required key is missing (expected <description>)` at the key's path when the
    ///   key is absent.
    mutating func required<Value>(_ key: String, _ expectation: _Expectation<Value>) throws -> Value {
        if let value = try optional(key, expectation) {
            return value
        }
        // A missing key is most often a misspelt one: name the typo rather than the absence.
        if let typo = _object.members.first(where: {
            !_knownKeys.contains($0.key) && Self._suggestion(for: $0.key, among: [key]) != nil
        }) {
            throw ScenarioError(
                file: field.file, path: field.path.appending(key: typo.key).description,
                message: "unknown key \(JSONValue._quoted(typo.key)); did you mean \(JSONValue._quoted(key))?")
        }
        throw ScenarioError(
            file: field.file, path: field.path.appending(key: key).description,
            message: "required key is missing (expected \(expectation.description))")
    }

    /// Rejects the first member whose key was never asked for.
    ///
    /// The message is `unknown key "parent"; did you mean "parents"?` when a known key is
    /// near, otherwise `unknown key "zzz"; known keys: parents, repeatedPicks`. The path is the
    /// unknown key's own.
    func finish() throws {
        guard let unknown = _object.members.first(where: { !_knownKeys.contains($0.key) }) else {
            return
        }
        let key = unknown.key
        let hint: String =
            if let suggestion = Self._suggestion(for: key, among: _knownKeys) {
                "did you mean \(JSONValue._quoted(suggestion))?"
            } else if _knownKeys.isEmpty {
                "this object takes no keys"
            } else {
                "known keys: \(_knownKeys.joined(separator: ", "))"
            }
        throw ScenarioError(
            file: field.file, path: field.path.appending(key: key).description,
            message: "unknown key \(JSONValue._quoted(key)); \(hint)")
    }

    /// The known key closest to `key`, if it is close enough to be a likely typo.
    ///
    /// Close enough means an edit distance (insertions, deletions, substitutions and swaps of
    /// neighbours, counting letter case) of at most `max(2, candidate.count / 3)` and less than
    /// the candidate's length. Ties go to the earlier known key.
    static func _suggestion(for key: String, among knownKeys: [String]) -> String? {
        var best: (key: String, distance: Int)?
        for candidate in knownKeys {
            let distance = _editDistance(key, candidate)
            guard distance <= max(2, candidate.count / 3), distance < candidate.count else { continue }
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best?.key
    }

    /// The optimal-string-alignment distance between `a` and `b`: the Levenshtein distance
    /// where swapping two adjacent characters also costs 1.
    ///
    /// - Complexity: O(*m* × *n*).
    static func _editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        // Rows i-2, i-1 and i of the dynamic-programming table.
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

extension JSONValue {
    /// The value as error messages show it after `got`: scalars as JSON (`"fast"`, `true`,
    /// `-1`, `700.0`, `null`), containers as `an object` / `an array`.
    var _summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): Self._numberText(value)
        case .string(let value): Self._quoted(value)
        case .array: "an array"
        case .object: "an object"
        }
    }
}
