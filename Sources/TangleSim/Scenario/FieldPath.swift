/// The location of a value inside a scenario document, written like `devices[0].rate`,
/// `network.delay.mean` or `tipSelection.alpha`: where decoding errors point, and what a
/// sweep's parameters address.
///
/// A path is a sequence of `.key` and `[index]` steps from the document root (the empty path).
/// Printed (``description``), keys that are plain identifiers are joined with dots and any
/// other key is written as a quoted subscript (`metrics["sample interval"]`), so the path
/// stays unambiguous. Parsed (``init(_:)``, a sweep's parameter), keys are written bare: any
/// characters other than `.`, `[`, `]` and `"`. Applying a path to a scenario document
/// (``apply(_:to:)``) sets the value at that place, creating objects for absent keys on the
/// way, so a field of a section the scenario leaves to its defaults can be swept.
public struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    /// One step down from a container.
    public enum Step: Sendable, Equatable {
        /// A member of an object.
        case key(String)
        /// An element of an array (0-based).
        case index(Int)
    }

    /// The steps from the document root, outermost first.
    public private(set) var steps: [Step] = []

    /// The root: the empty path.
    public init() {}

    /// The path of the member `key` of the object at this path.
    public func appending(key: String) -> FieldPath {
        var path = self
        path.steps.append(.key(key))
        return path
    }

    /// The path of element `index` of the array at this path.
    public func appending(index: Int) -> FieldPath {
        var path = self
        path.steps.append(.index(index))
        return path
    }

    /// Steps down into `step`.
    mutating func append(_ step: Step) {
        steps.append(step)
    }

    /// Steps back up one level.
    ///
    /// - Precondition: The path is not the root.
    mutating func removeLast() {
        steps.removeLast()
    }

    /// The path as printed in messages: `network.delay.sigma`, `devices[0].rate`.
    public var description: String {
        var text = ""
        for step in steps {
            switch step {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where Self._isIdentifier(key):
                text += text.isEmpty ? key : ".\(key)"
            case .key(let key):
                text += "[\(JSONValue._quoted(key))]"
            }
        }
        return text
    }

    /// Whether `key` can be printed bare: an ASCII letter or `_`, then letters, digits or `_`.
    private static func _isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, first == UInt8(ascii: "_") || _isLetter(first) else {
            return false
        }
        return key.utf8.allSatisfy { $0 == UInt8(ascii: "_") || _isLetter($0) || _isDigit($0) }
    }

    private static func _isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func _isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Parses `text` (a key, then any `.key` and `[index]` steps), or returns `nil` when it is
    /// not a path.
    public init?(_ text: String) {
        var steps: [Step] = []
        var rest = Substring(text)
        var expectKey = true
        while !rest.isEmpty || expectKey {
            if expectKey {
                let key = rest.prefix { !"[].\"".contains($0) }
                guard !key.isEmpty else { return nil }
                steps.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
                expectKey = false
            } else if rest.first == "." {
                rest = rest.dropFirst()
                expectKey = true
            } else if rest.first == "[" {
                let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, digits.count <= 9, let index = Int(digits),
                    rest.dropFirst(1 + digits.count).first == "]"
                else { return nil }
                steps.append(.index(index))
                rest = rest.dropFirst(2 + digits.count)
            } else {
                return nil
            }
        }
        self.steps = steps
    }

    /// The first key: the top-level scenario field the path goes into.
    public var root: String {
        guard case .key(let key) = steps[0] else { preconditionFailure("a path starts with a key") }
        return key
    }

    /// Sets the value at this path in `document` to `value`.
    ///
    /// An absent object member on the way is created as an empty object; the last step
    /// replaces or adds the member or replaces the element.
    ///
    /// - Throws: A message (to be placed in a ``ScenarioError``) when a step goes into a value
    ///   that is not a container of the right kind or past the end of an array, like
    ///   `devices[3] does not exist: devices has 1 element`.
    public func apply(_ value: JSONValue, to document: inout JSONValue) throws(FieldPath.Failure) {
        try Self._apply(value, at: steps[...], to: &document, walked: "")
    }

    /// Why a path cannot be applied to a document.
    public struct Failure: Error, Sendable, Equatable {
        /// What is wrong, phrased as a sentence without a final period.
        public var message: String
    }

    private static func _apply(
        _ value: JSONValue, at steps: ArraySlice<Step>, to node: inout JSONValue, walked: String
    ) throws(Failure) {
        guard let step = steps.first else {
            node = value
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case .key(let key):
            let here = walked.isEmpty ? key : walked + "." + key
            guard case .object(var object) = node else {
                throw Failure(message: "\(walked) is \(node._summary), not an object with the key \"\(key)\"")
            }
            var child = object[key] ?? .object(JSONObject())
            try _apply(value, at: rest, to: &child, walked: here)
            object[key] = child
            node = .object(object)
        case .index(let index):
            let here = walked + "[\(index)]"
            guard case .array(var elements) = node else {
                throw Failure(message: "\(walked) is \(node._summary), not an array")
            }
            guard index < elements.count else {
                let count = elements.count == 1 ? "1 element" : "\(elements.count) elements"
                throw Failure(message: "\(here) does not exist: \(walked) has \(count)")
            }
            try _apply(value, at: rest, to: &elements[index], walked: here)
            node = .array(elements)
        }
    }
}
