/// A scenario file that cannot be used, with the place and the reason.
///
/// Every failure of ``Scenario/load(path:)``, ``Scenario/decode(_:file:)`` and
/// ``Scenario/init(json:file:)`` is a `ScenarioError`. Its ``description`` is the line the CLI
/// prints, for example:
///
///     Scenarios/quickstart.json: tangle.parents: expected an integer from 1 to 8, got 9
///     Scenarios/quickstart.json: line 3, column 7: malformed JSON: expected ',' or '}' after an object member
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
    /// The scenario file as the user wrote its path.
    public var file: String
    /// The field at fault, written like `devices[0].rate` or `network.delay.sigma`; empty when
    /// the error concerns the whole file (unreadable file, malformed JSON, no stop condition).
    public var path: String
    /// What is wrong, usually `expected <what>, got <value>`.
    public var message: String

    /// Creates an error for `file` at the field `path` (empty for the whole file).
    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `FILE: PATH: MESSAGE`, or `FILE: MESSAGE` when the path is empty.
    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}
