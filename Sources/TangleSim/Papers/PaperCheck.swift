/// One line of the `tanglesim check` table: a measured figure against its theory.
public struct PaperCheck: Sendable, Equatable {
    /// What is checked, with the paper and section it comes from.
    public var name: String
    /// The measured value (formatted).
    public var measured: String
    /// The theoretical value or bound (formatted).
    public var expected: String
    /// How far the measurement may be from the expectation (formatted).
    public var tolerance: String
    /// Where the tolerance comes from: the statistic and its degrees of freedom.
    public var basis: String
    /// Whether the measurement is within the tolerance.
    public var passed: Bool

    public init(name: String, measured: String, expected: String, tolerance: String, basis: String, passed: Bool) {
        self.name = name
        self.measured = measured
        self.expected = expected
        self.tolerance = tolerance
        self.basis = basis
        self.passed = passed
    }
}

/// How much simulation `tanglesim check` does.
public enum PaperCheckMode: String, Sendable, CaseIterable {
    /// Fewer replications: under a minute on two cores, for CI.
    case quick
    /// The paper scenarios' own sizes.
    case full
}
