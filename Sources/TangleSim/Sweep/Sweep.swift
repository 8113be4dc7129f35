/// A scenario with a `sweep` section, expanded into its points and validated.
///
/// Each point is the scenario document (without `sweep`) with the point's values set at the
/// parameter paths, decoded by the normal strict decoder (``Scenario/init(json:file:)``), so
/// every point is checked like a scenario of its own. Runs are numbered
/// `point * replications + replication`; sorting by run number sorts by (point, replication).
///
/// Seeds: run (p, r) simulates ``SweepPoint/scenario`` of point p — whose seed is
/// ``runSeed(scenarioSeed:point:)`` of the point's written seed and p — with replication r.
/// Nothing depends on which worker, shard or machine runs it, or when.
///
/// Sweep runs keep summaries only: `metrics.transactionLog` is turned off in every point, so
/// a finished run holds no tangle.
public struct Sweep: Sendable {
    /// The scenario file as the user wrote its path.
    public let file: String
    /// The decoded `sweep` section.
    public let plan: SweepPlan
    /// Every point, in order.
    public let points: [SweepPoint]
    /// The SHA-256 of ``resolvedJSON``'s printed bytes, in hex: two sweeps with the same
    /// fingerprint run the same runs with the same seeds (whatever the file's layout).
    public let fingerprint: String

    /// Expands and validates the scenario document `json`, which must have a `sweep` member.
    ///
    /// - Throws: ``ScenarioError``: for the `sweep` section, at its field; for a point that is
    ///   not a valid scenario, at the field, with ` (in sweep point 3: devices[0].rate = -1)`
    ///   appended to the message.
    public init(json: JSONValue, file: String) throws {
        guard case .object(var document) = json else {
            throw ScenarioError(
                file: file, path: "",
                message: "expected a JSON object with the scenario's keys, got \(json._summary)")
        }
        guard let section = document["sweep"] else {
            throw ScenarioError(file: file, path: "sweep", message: "required key is missing (this is not a sweep)")
        }
        document["sweep"] = nil
        // A sweep's runs per point are its own `sweep.replications`; the top-level key is
        // `tanglesim compare`'s, which a sweep does not run.
        if document["replications"] != nil {
            throw ScenarioError(
                file: file, path: "replications",
                message: #"a sweep sets its runs per point in "sweep": {"replications": N}; the top-level "replications" is for tanglesim compare"#)
        }
        let plan = try SweepPlan(json: section, file: file)
        let base = JSONValue.object(document)
        var points: [SweepPoint] = []
        points.reserveCapacity(plan.pointCount)
        for index in 0..<plan.pointCount {
            let values = plan.values(ofPoint: index)
            let context = Self.context(ofPoint: index, parameters: plan.parameters, values: values)
            var json = base
            for (parameter, value) in zip(plan.parameters, values) {
                do {
                    try parameter.path.apply(value, to: &json)
                } catch {
                    throw ScenarioError(
                        file: file, path: "sweep.parameters[\(JSONValue._quoted(parameter.path.description))]",
                        message: "cannot set \(parameter.path): \(error.message) (\(context))")
                }
            }
            var scenario: Scenario
            do {
                scenario = try Scenario(json: json, file: file)
            } catch var error as ScenarioError {
                error.message += " (\(context))"
                throw error
            }
            scenario.seed = Self.runSeed(scenarioSeed: scenario.seed, point: index)
            scenario.metrics.transactionLog = false
            points.append(SweepPoint(index: index, values: values, scenario: scenario))
        }
        self.file = file
        self.plan = plan
        self.points = points
        fingerprint = SHA256.hexDigest(of: Array(Self._resolvedJSON(plan: plan, points: points).prettyPrinted.utf8))
    }

    /// How errors and warnings name point `index`: `in sweep point 1: tangle.parents = 9`.
    public func context(ofPoint index: Int) -> String {
        Self.context(ofPoint: index, parameters: plan.parameters, values: points[index].values)
    }

    private static func context(ofPoint index: Int, parameters: [SweepPlan.Parameter], values: [JSONValue]) -> String {
        values.isEmpty
            ? "in sweep point \(index)"
            : "in sweep point \(index): "
                + zip(parameters, values).map { "\($0.path) = \($1._compactText)" }.joined(separator: ", ")
    }

    /// The number of runs: points × replications.
    public var runCount: Int { plan.runCount }

    /// Replications per point.
    public var replications: Int { plan.replications }

    /// The point and replication of run `run`.
    public func location(ofRun run: Int) -> (point: Int, replication: Int) {
        (run / plan.replications, run % plan.replications)
    }

    /// The scenario name of the first point: the default output folder `Results/<name>/`.
    public var name: String { points[0].scenario.name }

    /// The seed of every run of point `point` when the scenario's seed is `scenarioSeed`:
    /// SplitMix64's finaliser of the mixed seed and the point index, cut to 63 bits so that it
    /// is a valid scenario seed (a point can be rerun alone with `tanglesim run --seed`).
    /// Replications then differ through their replication number, as in a plain run.
    public static func runSeed(scenarioSeed: UInt64, point: Int) -> UInt64 {
        StreamID.splitMix(StreamID.splitMix(scenarioSeed) ^ UInt64(truncatingIfNeeded: point)) & UInt64(Int64.max)
    }

    /// Runs one (point, replication) of the sweep; a pure function of the sweep and `run`.
    public func simulate(run: Int, progress: ((Double) -> Void)? = nil) -> RunResult {
        let (point, replication) = location(ofRun: run)
        return Simulation.run(points[point].scenario, replication: replication, progress: progress)
    }

    /// The resolved sweep: the section with its defaults, then every point's values and
    /// resolved scenario (seed as run). `sweep.json` records it.
    public var resolvedJSON: JSONValue {
        Self._resolvedJSON(plan: plan, points: points)
    }

    private static func _resolvedJSON(plan: SweepPlan, points: [SweepPoint]) -> JSONValue {
        let entries = points.map { point -> JSONValue in
            [
                "point": .integer(Int64(point.index)), "values": .array(point.values),
                "scenario": point.scenario.resolvedJSON,
            ]
        }
        return ["sweep": plan.resolvedJSON, "runs": .integer(Int64(plan.runCount)), "points": .array(entries)]
    }

    /// Reads, parses and expands the sweep scenario at `path`; see ``init(json:file:)``.
    public static func load(path: String) throws -> Sweep {
        try Sweep(json: JSONValue(parsing: Scenario._readFile(path), file: path), file: path)
    }
}

/// One point of a sweep: its parameter values and the scenario they give.
public struct SweepPoint: Sendable {
    /// The point's number, from 0.
    public let index: Int
    /// One value per parameter, in the plan's order.
    public let values: [JSONValue]
    /// The validated scenario of the point, with the run seed and the transaction log off.
    public let scenario: Scenario
}

/// What a scenario file holds: one run, or a sweep of many.
public enum ScenarioFile: Sendable {
    case single(Scenario)
    case sweep(Sweep)

    /// Reads the file at `path` and decodes it as a sweep when it has a `sweep` member, as a
    /// single scenario otherwise.
    ///
    /// - Throws: ``ScenarioError``.
    public static func load(path: String) throws -> ScenarioFile {
        let json = try JSONValue(parsing: Scenario._readFile(path), file: path)
        if case .object(let object) = json, object["sweep"] != nil {
            return .sweep(try Sweep(json: json, file: path))
        }
        return .single(try Scenario(json: json, file: path))
    }
}

extension JSONValue {
    /// The value as one line of JSON: scalars as in ``prettyPrinted``, containers without
    /// spaces (`{"distribution":"exponential","mean":0.5}`). Used for parameter values in
    /// messages and CSV columns.
    public var _compactText: String {
        switch self {
        case .array(let elements):
            return "[" + elements.map(\._compactText).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.members.map { Self._quoted($0.key) + ":" + $0.value._compactText }.joined(separator: ",") + "}"
        case .null, .bool, .integer, .number, .string:
            return _summary
        }
    }
}
