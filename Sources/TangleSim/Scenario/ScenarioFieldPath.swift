/// The location of a value inside a scenario document, printed like `devices[0].rate`.
///
/// Keys that are plain identifiers are joined with dots; any other key is written as a quoted
/// subscript (`metrics["sample interval"]`) so that the path stays unambiguous. The root is the
/// empty path, printed as the empty string.
struct _FieldPath: CustomStringConvertible {
    /// One step down from a container.
    enum Component {
        /// A member of an object.
        case key(String)
        /// An element of an array (0-based).
        case index(Int)
    }

    /// The steps from the root, outermost first.
    private(set) var _components: [Component] = []

    /// The path of the member `key` of the object at this path.
    func appending(key: String) -> _FieldPath {
        var path = self
        path.append(.key(key))
        return path
    }

    /// The path of element `index` of the array at this path.
    func appending(index: Int) -> _FieldPath {
        var path = self
        path.append(.index(index))
        return path
    }

    /// Steps down into `component`.
    mutating func append(_ component: Component) {
        _components.append(component)
    }

    /// Steps back up one level.
    ///
    /// - Precondition: The path is not the root.
    mutating func removeLast() {
        _components.removeLast()
    }

    /// The path as printed in error messages: `network.delay.sigma`, `devices[0].rate`.
    var description: String {
        var text = ""
        for component in _components {
            switch component {
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
}
