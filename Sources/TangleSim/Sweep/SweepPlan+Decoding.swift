extension SweepPlan {
    /// Decodes the `sweep` member of a scenario document, strictly, with the scenario
    /// decoder's error style (`FILE: sweep.parameters["x"]: expected ...`).
    ///
    /// - Parameters:
    ///   - json: The value of the `sweep` member.
    ///   - file: The scenario file, for errors.
    /// - Throws: ``ScenarioError`` naming the field at fault.
    public init(json: JSONValue, file: String) throws {
        let root = _Field(value: json, path: FieldPath().appending(key: "sweep"), file: file)
        self = try root.decode(.sweepPlan)
    }
}

extension _Expectation where Value == SweepPlan {
    /// The `sweep` section.
    fileprivate static var sweepPlan: Self {
        object(#"an object like {"parameters": {"devices[0].rate": [0.01, 0.05]}, "mode": "grid", "replications": 10}"#) {
            reader in
            let parameters = try reader.required("parameters", .sweepParameters)
            let mode = try reader.optional("mode", .oneOf(SweepPlan.Mode.self)) ?? .grid
            let replications = Int(try reader.optional("replications", .positiveInteger) ?? 1)
            if mode == .zip, let first = parameters.first,
                let other = parameters.first(where: { $0.values.count != first.values.count })
            {
                let field = reader.member("parameters")!.path.appending(key: other.path.description)
                throw ScenarioError(
                    file: reader.field.file, path: field.description,
                    message: "zip mode needs lists of equal length: \(first.path) has \(first.values.count) values, this one \(other.values.count)")
            }
            let plan = SweepPlan(parameters: parameters, mode: mode, replications: replications)
            // Count in floating point first: a big grid would overflow Int.
            let points = mode == .grid ? parameters.reduce(1.0) { $0 * Double($1.values.count) } : Double(plan.pointCount)
            guard points * Double(replications) <= Double(SweepPlan.maximumRuns) else {
                throw reader.field.failure(
                    "expands to more than \(SweepPlan.maximumRuns) runs (\(points) points × \(replications) replications)")
            }
            return plan
        }
    }
}

extension _Expectation where Value == [SweepPlan.Parameter] {
    /// `parameters`: an object from field paths to non-empty lists of values.
    fileprivate static var sweepParameters: Self {
        let description = #"an object from field paths to lists of values, like {"devices[0].rate": [0.01, 0.05]}"#
        return Self(description) { field in
            guard case .object(let object) = field.value else { throw field.mismatch(expected: description) }
            return try object.members.map { member in
                let valuesField = _Field(value: member.value, path: field.path.appending(key: member.key), file: field.file)
                guard let path = FieldPath(member.key) else {
                    throw valuesField.failure(
                        "not a field path: write keys joined by \".\" and array indexes in brackets, like devices[0].rate or network.delay.mean")
                }
                guard path.root != "sweep" else {
                    throw valuesField.failure("a sweep cannot vary its own section")
                }
                guard path.root != "replications" else {
                    throw valuesField.failure(#"a sweep sets its runs per point in "sweep": {"replications": N}"#)
                }
                guard case .array(let values) = member.value else {
                    throw valuesField.mismatch(expected: "a non-empty list of values")
                }
                guard !values.isEmpty else {
                    throw valuesField.failure("expected a non-empty list of values, got an empty list")
                }
                return SweepPlan.Parameter(path: path, values: values)
            }
        }
    }
}
