/// A JSON document held in memory, with object keys in the order they were written.
///
/// The scenario decoder needs more than Foundation's `JSONSerialization` gives: key order (so
/// that `tanglesim validate` prints a resolved scenario in a fixed layout), duplicate-key
/// detection, and the difference between `2` and `2.0`. Parse with
/// ``JSONValue/init(parsing:file:)``; print with ``JSONValue/prettyPrinted``.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without a fraction or exponent that fits in 64 bits, like `-3` or `600`.
    ///
    /// Where a number is expected, an integer is accepted too (see ``numberValue``).
    case integer(Int64)
    /// Any other number, like `0.05`, `1e3` or `600.0`. Always finite.
    case number(Double)
    /// A string, escapes resolved.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; its members keep their written order.
    case object(JSONObject)

    /// The value as a `Double` when it is a number or an integer, otherwise `nil`.
    ///
    /// Integers beyond 2^53 are rounded to the nearest `Double`.
    public var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

/// The members of a JSON object, in order, with unique keys.
///
/// Objects in scenario files have a handful of keys, so lookup is a linear scan.
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Equatable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates the member `"key": value`.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in their written (or inserted) order. Two objects are equal when their
    /// members are equal in the same order.
    public private(set) var members: [Member]

    /// Creates an empty object.
    public init() {
        members = []
    }

    /// Creates an object from key-value pairs, keeping their order.
    ///
    /// - Precondition: The keys are distinct.
    public init(_ pairs: [(String, JSONValue)]) {
        members = []
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            precondition(self[key] == nil, "duplicate key \"\(key)\" in a JSONObject")
            members.append(Member(key: key, value: value))
        }
    }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The value for `key`, or `nil` when absent. Setting a new key appends it; setting an
    /// existing key replaces its value in place; setting `nil` removes the member.
    ///
    /// - Complexity: O(*n*) in the number of members.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            let index = members.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Appends a member whose key the caller knows to be new (the parser checks duplicates
    /// with a set of its own).
    mutating func _appendUnchecked(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }
}
