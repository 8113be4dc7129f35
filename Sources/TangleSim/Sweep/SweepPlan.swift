/// The `sweep` section of a scenario: which fields vary, how their values combine into
/// points, and how many replications each point gets.
///
///     "sweep": {
///       "parameters": { "tangle.parents": [2, 3], "devices[0].rate": [0.01, 0.05] },
///       "mode": "grid",
///       "replications": 10
///     }
///
/// Points are numbered from 0. In `grid` mode they are the cartesian product in written order,
/// the first parameter varying slowest (like nested loops); in `zip` mode point i takes the
/// i-th value of every list.
public struct SweepPlan: Sendable, Equatable {
    /// One swept field and its values, in written order.
    public struct Parameter: Sendable, Equatable {
        /// The field, like `devices[0].rate`.
        public var path: FieldPath
        /// The values it takes; never empty. Any JSON value a scenario accepts at that place.
        public var values: [JSONValue]

        public init(path: FieldPath, values: [JSONValue]) {
            self.path = path
            self.values = values
        }
    }

    /// How parameter values combine into points.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// The cartesian product of every parameter's values.
        case grid
        /// Parallel lists of equal length: point i takes the i-th value of each.
        case zip
    }

    /// The swept fields in written order; may be empty (one point: replications only).
    public var parameters: [Parameter]
    public var mode: Mode
    /// Runs per point, each with its own replication number 0..<replications (default 1).
    public var replications: Int

    /// The largest number of runs a sweep may expand to.
    public static let maximumRuns = 10_000_000

    public init(parameters: [Parameter], mode: Mode = .grid, replications: Int = 1) {
        self.parameters = parameters
        self.mode = mode
        self.replications = replications
    }

    /// The number of points: the product of the list lengths (`grid`) or their common length
    /// (`zip`); 1 without parameters.
    public var pointCount: Int {
        guard let first = parameters.first else { return 1 }
        switch mode {
        case .grid: return parameters.reduce(1) { $0 * $1.values.count }
        case .zip: return first.values.count
        }
    }

    /// The number of runs: points times replications.
    public var runCount: Int { pointCount * replications }

    /// The values of point `point`, one per parameter in written order.
    ///
    /// - Precondition: `0 <= point < pointCount`.
    public func values(ofPoint point: Int) -> [JSONValue] {
        precondition((0..<pointCount).contains(point), "point \(point) out of range")
        switch mode {
        case .zip:
            return parameters.map { $0.values[point] }
        case .grid:
            var remainder = point
            var values = [JSONValue](repeating: .null, count: parameters.count)
            for (position, parameter) in parameters.enumerated().reversed() {
                values[position] = parameter.values[remainder % parameter.values.count]
                remainder /= parameter.values.count
            }
            return values
        }
    }

    /// The section with every default written out, as `sweep.json` records it.
    public var resolvedJSON: JSONValue {
        var members = JSONObject()
        for parameter in parameters {
            members[parameter.path.description] = .array(parameter.values)
        }
        return [
            "parameters": .object(members), "mode": .string(mode.rawValue),
            "replications": .integer(Int64(replications)),
        ]
    }
}
