#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Scenario {
    /// Decodes and validates a parsed scenario document, filling in every default.
    ///
    /// Decoding is strict: every key must be known, every value of the right type and range.
    /// Fields are checked in the order of the scenario reference (name, description, seed,
    /// duration, transactions, warmup, devices, network, tangle, tipSelection, metrics, ...,
    /// variants, replications), each object's unknown keys after its known ones; the first
    /// problem is thrown.
    ///
    /// - Parameters:
    ///   - json: The document's root value; it must be an object.
    ///   - file: The scenario file as the user wrote its path. Used in errors, and its base
    ///     name (without `.json`) is the default ``name``.
    /// - Throws: ``ScenarioError`` naming the field and what was expected.
    public init(json: JSONValue, file: String) throws {
        self = try _Field(root: json, file: file).decode(.scenario(file: file))
    }

    /// Parses and decodes a scenario file's bytes (UTF-8 JSON); see ``init(json:file:)``.
    ///
    /// - Parameters:
    ///   - data: The file's contents, for example a `Data` or a `[UInt8]`.
    ///   - file: The scenario file as the user wrote its path, for errors and the default name.
    /// - Throws: ``ScenarioError``, for malformed JSON with the line and column.
    public static func decode(_ data: some Collection<UInt8>, file: String) throws -> Scenario {
        try Scenario(json: JSONValue(parsing: data, file: file), file: file)
    }

    /// Reads, parses and decodes the scenario file at `path`; see ``init(json:file:)``.
    ///
    /// - Parameter path: The path as the user typed it; errors repeat it unchanged.
    /// - Throws: ``ScenarioError``; an unreadable file gives
    ///   `PATH: cannot read the file: <system error text>`, such as
    ///   `No such file or directory`.
    public static func load(path: String) throws -> Scenario {
        try decode(_readFile(path), file: path)
    }

    /// The default name for a scenario read from `file`: its base name without `.json`,
    /// with characters outside `[A-Za-z0-9._-]` replaced by `-`, cut to 100 characters;
    /// `scenario` when nothing usable remains.
    static func _defaultName(forFile file: String) -> String {
        var base = Substring(file.split(separator: "/", omittingEmptySubsequences: true).last ?? "")
        if base.hasSuffix(".json") {
            base = base.dropLast(5)
        }
        let name = String(String(base.unicodeScalars.map { _isNameScalar($0) ? Character($0) : "-" }).prefix(100))
        return _isValidName(name) ? name : "scenario"
    }

    /// Whether `name` is 1–100 characters from `[A-Za-z0-9._-]` and not `.` or `..`.
    static func _isValidName(_ name: String) -> Bool {
        (1...100).contains(name.unicodeScalars.count) && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy(_isNameScalar)
    }

    private static func _isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    /// The largest scenario file read: 16 MiB. Scenarios are small JSON documents (the
    /// biggest, an explicit gossip edge list, takes about 10 bytes a link); anything larger
    /// is not a scenario, and reading it whole (`/dev/zero`, a log file given by mistake)
    /// would only exhaust memory.
    public static let maximumFileBytes = 16 << 20

    /// The whole contents of the file at `path`, or a ``ScenarioError`` with `strerror`'s text.
    ///
    /// - Throws: `PATH: cannot read the file: <system error>`, or
    ///   `PATH: the file is larger than 16 MiB: a scenario is a small JSON document` after
    ///   reading at most ``maximumFileBytes`` + 1 bytes (so endless files like `/dev/zero`
    ///   are refused too).
    static func _readFile(_ path: String) throws -> [UInt8] {
        func failure() -> ScenarioError {
            ScenarioError(
                file: path, path: "", message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                contents.append(contentsOf: chunk[..<count])
                guard contents.count <= maximumFileBytes else {
                    throw ScenarioError(
                        file: path, path: "",
                        message: "the file is larger than \(maximumFileBytes >> 20) MiB: a scenario is a small JSON document")
                }
            } else if count == 0 {
                return contents
            } else if errno != EINTR {
                throw failure()
            }
        }
    }
}

// MARK: - Expectations for each section

/// The network models a scenario can name in `network.model`.
private enum _NetworkModel: String, CaseIterable {
    case delay, gossip
}

/// The topologies a scenario can name in `network.topology.kind`.
private enum _TopologyKind: String, CaseIterable {
    case fullMesh, randomRegular, wattsStrogatz, barabasiAlbert, edges
}

/// The behaviours a scenario can name in `devices[i].behaviour`.
private enum _BehaviourName: String, CaseIterable {
    case honest, lazy
}

/// The automatic attachments a scenario can name in `devices[i].nodes`.
private enum _NodeAssignment: String, CaseIterable {
    case roundRobin, random
}

/// The distributions a scenario can name in `network.delay.distribution`.
private enum _DelayKind: String, CaseIterable {
    case constant, uniform, exponential, lognormal, gamma
}


extension _Expectation where Value == Scenario {
    /// A whole scenario; `file` gives the default name.
    fileprivate static func scenario(file: String) -> Self {
        object(#"a JSON object with the scenario's keys, like {"duration": 600, "devices": [...]}"#) { reader in
            let name = try reader.optional("name", .scenarioName) ?? Scenario._defaultName(forFile: file)
            let description = try reader.optional("description", .string)
            let seed = try reader.optional("seed", .integer(from: 0, to: Int64.max)) ?? 1
            let duration = try reader.optional("duration", .interval)
            let transactions = try reader.optional("transactions", .positiveInteger)
            guard duration != nil || transactions != nil else {
                throw reader.field.failure(
                    #"no stop condition: set "duration" (seconds) or "transactions" (a count), or both"#)
            }
            var warmupExpectation = _Expectation<Double>.nonNegativeNumber(of: "seconds")
            if let duration, let written = reader.member("duration")?.value._summary {
                warmupExpectation = .number("a non-negative number of seconds below duration (\(written))") {
                    $0 >= 0 && $0 < duration
                }
            }
            let warmup = try reader.optional("warmup", warmupExpectation) ?? 0
            let scenario = Scenario(
                name: name,
                description: description,
                seed: UInt64(seed),
                duration: duration,
                transactions: transactions.map { Int($0) },
                warmup: warmup,
                devices: try reader.required("devices", .deviceClasses),
                network: try reader.optional("network", .network) ?? .delay(.constant(1.0)),
                tangle: try reader.optional("tangle", .tangle) ?? TangleConfiguration(),
                tipSelection: try reader.optional("tipSelection", .tipSelection) ?? .uniform,
                metrics: try reader.optional("metrics", .metrics) ?? MetricsConfiguration(),
                consensus: try reader.optional("consensus", .consensus) ?? ConsensusConfiguration.none,
                payments: try reader.optional("payments", .payments) ?? PaymentsConfiguration(),
                adversaries: try reader.optional("adversaries", .adversaries) ?? [],
                variants: try reader.optional("variants", .variants) ?? [],
                replications: Int(try reader.optional("replications", .replications) ?? 1))
            try scenario._checkCombinations(reader)
            return scenario
        }
    }
}

extension _Expectation where Value == Int64 {
    /// The top-level `replications`: runs per variant of `tanglesim compare`.
    fileprivate static var replications: Self {
        integer(
            in: 1...Int64(Scenario.maximumReplications),
            "an integer from 1 to \(Scenario.maximumReplications) (the runs of each variant of tanglesim compare)")
    }
}

extension _Expectation where Value == String {
    /// A scenario name: it becomes a folder name, so only safe characters.
    fileprivate static var scenarioName: Self {
        let description = #"a name of 1 to 100 characters from A-Z, a-z, 0-9, ".", "_" and "-", other than "." and "..""#
        return Self(description) { field in
            guard case .string(let name) = field.value, Scenario._isValidName(name) else {
                throw field.mismatch(expected: description)
            }
            return name
        }
    }
}

extension _Expectation where Value == [DeviceClass] {
    /// Whether `label` has the form of a default row name of `classes.csv`: `devices[N]` or
    /// `adversaries[N]`, N decimal digits.
    static func _isDefaultRowName(_ label: String) -> Bool {
        for prefix in ["devices[", "adversaries["] where label.hasPrefix(prefix) && label.hasSuffix("]") {
            let digits = label.dropFirst(prefix.count).dropLast()
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        }
        return false
    }

    /// A non-empty list of device classes with at most `Int32.max` devices in total.
    fileprivate static var deviceClasses: Self {
        let description = #"a list of device classes like {"count": 1000, "rate": 0.05}"#
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            guard !elements.isEmpty else {
                throw field.failure("expected at least one device class, got an empty list")
            }
            var labels = Set<String>()
            let classes = try elements.enumerated().map { index, element in
                let deviceClass = try element.decode(.deviceClass)
                // A label names a row of classes.csv: no two rows may share one, given or default.
                if let given = deviceClass.label, Self._isDefaultRowName(given) {
                    throw _Field(value: .string(given), path: element.path.appending(key: "label"), file: element.file)
                        .failure(
                            "\(JSONValue._quoted(given)) is reserved: devices[i] and adversaries[i] name the rows of "
                                + "unlabelled classes and of adversaries in classes.csv")
                }
                let label = deviceClass.label ?? "devices[\(index)]"
                guard labels.insert(label).inserted else {
                    throw _Field(value: .string(label), path: element.path.appending(key: "label"), file: element.file)
                        .failure("duplicate label \(JSONValue._quoted(label)); labels name the rows of classes.csv")
                }
                return deviceClass
            }
            var total = 0
            var overflow = false
            for deviceClass in classes where !overflow {
                (total, overflow) = total.addingReportingOverflow(deviceClass.count)
            }
            let limit = Int(Int32.max)
            guard !overflow, total <= limit else {
                let got = overflow ? "more than \(Int.max)" : String(total)
                throw field.failure("expected at most \(limit) devices in total, got \(got)")
            }
            return classes
        }
    }
}

extension _Expectation where Value == DeviceClass {
    /// One class of identical devices.
    fileprivate static var deviceClass: Self {
        object(#"a device class like {"count": 1000, "rate": 0.05}"#) { reader in
            let count = Int(try reader.required("count", .positiveInteger))
            let rate = try reader.required(
                "rate", .number("a positive number of transactions per second, at most 1e7") { $0 > 0 && $0 <= Scenario.highestDeviceRate })
            return DeviceClass(
                count: count, rate: rate,
                reattachAfter: try reader.optional("reattachAfter", .interval),
                behaviour: try reader.deviceBehaviour(),
                attachment: try reader.nodeAttachment(),
                work: try reader.optional("work", .delayDistribution),
                power: try reader.workPower(),
                arrivals: try reader.optional("arrivals", .arrivalKind(rate: rate)) ?? .poisson,
                dutyCycle: try reader.optional("dutyCycle", .dutyCycle),
                label: try reader.optional(
                    "label", .string(where: { !$0.isEmpty && $0.count <= 100 }, "a non-empty string of at most 100 characters")))
        }
    }
}

extension _Expectation where Value == NetworkConfiguration {
    /// The `network` section: a model and its settings.
    fileprivate static var network: Self {
        object(#"an object like {"model": "delay", "delay": 1.0}"#) { reader in
            switch try reader.optional("model", .oneOf(_NetworkModel.self)) ?? .delay {
            case .delay:
                for key in ["loss", "requestDelay"] {
                    if let field = reader.member(key) {
                        throw field.failure(
                            #"message loss and requests need a gossip network ("model": "gossip"): the delay model sends no messages"#)
                    }
                }
                for key in ["partitions", "churn"] {
                    if let field = reader.member(key) {
                        throw field.failure(
                            #"partitions and churn need a gossip network ("model": "gossip"): the delay model has no nodes"#)
                    }
                }
                return .delay(try reader.optional("delay", .delayDistribution) ?? .constant(1.0))
            case .gossip:
                let nodes = Int(try reader.required("nodes", .integer(from: 1, to: 100_000)))
                let topology = try reader.required("topology", .topology(nodes: nodes))
                return .gossip(
                    GossipConfiguration(
                        nodes: nodes, topology: topology,
                        linkLatency: try reader.required("linkLatency", .delayDistribution),
                        linkLatencySampling: try reader.optional("linkLatencySampling", .oneOf(LatencySampling.self)) ?? .perLink,
                        processingDelay: try reader.optional("processingDelay", .delayDistribution) ?? .constant(0),
                        loss: try reader.optional("loss", .number("a probability from 0 to 1") { (0...1).contains($0) }) ?? 0,
                        requestDelay: try reader.optional("requestDelay", .nonNegativeNumber(of: "seconds"))
                            ?? GossipConfiguration.defaultRequestDelay,
                        partitions: try reader.optional("partitions", .partitions(nodes: nodes)) ?? [],
                        churn: try reader.optional("churn", .churn)))
            }
        }
    }
}

extension _Expectation where Value == DelayDistribution {
    /// A delay: a bare number of seconds (constant) or a distribution object.
    fileprivate static var delayDistribution: Self {
        let description =
            #"a non-negative number of seconds or an object like {"distribution": "exponential", "mean": 1.0}"#
        let distribution = object(description) { reader in
            let seconds = _Expectation<Double>.nonNegativeNumber(of: "seconds")
            switch try reader.required("distribution", .oneOf(_DelayKind.self)) {
            case .constant:
                return .constant(try reader.required("value", seconds))
            case .uniform:
                let min = try reader.required("min", seconds)
                let written = reader.member("min")?.value._summary ?? String(min)
                let max = try reader.required(
                    "max", .number("a number of seconds no less than min (\(written))") { $0 >= min })
                return .uniform(min: min, max: max)
            case .exponential:
                return .exponential(mean: try reader.required("mean", .positiveNumber(of: "seconds")))
            case .lognormal:
                return .lognormal(
                    mu: try reader.required("mu", .number("a number")),
                    sigma: try reader.required("sigma", .positiveNumber()))
            case .gamma:
                return .gamma(
                    shape: try reader.required("shape", .positiveNumber()),
                    scale: try reader.required("scale", .positiveNumber(of: "seconds")))
            }
        }
        return Self(description) { field in
            let delay: DelayDistribution
            if case .object = field.value {
                delay = try field.decode(distribution)
            } else {
                guard let value = field.value.numberValue, value >= 0 else {
                    throw field.mismatch(expected: description)
                }
                delay = .constant(value)
            }
            // A delay of months or more has no physical meaning, and an infinite mean (a
            // lognormal's exp(mu + sigma²/2) overflowing) would make transactions never arrive.
            guard delay.mean <= DelayDistribution.maximumMean else {
                let got = delay.mean.isFinite ? "a mean of \(delay.mean) s" : "an infinite mean"
                throw field.failure(
                    "expected a delay with a mean of at most 1e7 s (about 4 months; longer has no physical meaning), got \(got)")
            }
            return delay
        }
    }
}

extension _Expectation where Value == TangleConfiguration {
    /// The `tangle` section.
    fileprivate static var tangle: Self {
        object(#"an object like {"parents": 2, "repeatedPicks": "distinct"}"#) { reader in
            let parents = try reader.optional("parents", .parents) ?? _Parents(base: 2, adaptive: false)
            return TangleConfiguration(
                parents: parents.base,
                repeatedPicks: try reader.optional("repeatedPicks", .oneOf(RepeatedPicks.self)) ?? .distinct,
                adaptiveParents: parents.adaptive)
        }
    }
}

/// `tangle.parents`: k, or the base K of an adaptive number of parents.
struct _Parents {
    var base: Int
    var adaptive: Bool
}

extension _Expectation where Value == _Parents {
    /// An integer k, or `{"base": K, "adaptive": true}`.
    fileprivate static var parents: Self {
        let maximum = Int64(TangleConfiguration.maximumParents)
        let count = _Expectation<Int64>.integer(from: 1, to: maximum)
        let description = #"\#(count.description), or an object like {"base": 2, "adaptive": true}"#
        return Self(description) { field in
            guard case .object = field.value else {
                // A number out of range gets the integer's message; anything else both forms.
                guard field.value.numberValue != nil else { throw field.mismatch(expected: description) }
                return _Parents(base: Int(try field.decode(count)), adaptive: false)
            }
            var reader = try _ObjectReader(field, expecting: description)
            let base = try reader.optional("base", count) ?? 2
            let adaptive = try reader.optional("adaptive", .bool) ?? false
            try reader.finish()
            return _Parents(base: Int(base), adaptive: adaptive)
        }
    }
}

extension _Expectation where Value == MetricsConfiguration {
    /// The `metrics` section.
    fileprivate static var metrics: Self {
        object(#"an object like {"orphanTimeout": 60, "sampleInterval": 1.0, "transactionLog": false}"#) { reader in
            MetricsConfiguration(
                orphanTimeout: try reader.optional("orphanTimeout", .interval) ?? 60,
                sampleInterval: try reader.optional("sampleInterval", .interval) ?? 1,
                transactionLog: try reader.optional("transactionLog", .bool) ?? false,
                walkAnalysis: try reader.optional("walkAnalysis", .walkAnalysis),
                exactQuantiles: Int(
                    try reader.optional(
                        "exactQuantiles", .integer(in: 0...Int64(Int32.max), "a count of values from 0 to 2147483647"))
                        ?? Int64(MetricsConfiguration.defaultExactQuantiles)))
        }
    }
}

extension _Expectation where Value == WalkAnalysisConfiguration {
    /// `metrics.walkAnalysis`.
    fileprivate static var walkAnalysis: Self {
        object(#"an object like {"every": 10, "walks": 1000}"#) { reader in
            let defaults = WalkAnalysisConfiguration()
            return WalkAnalysisConfiguration(
                every: try reader.optional("every", .interval) ?? defaults.every,
                walks: Int(try reader.optional("walks", .integer(from: 1, to: 1_000_000)) ?? Int64(defaults.walks)))
        }
    }
}

extension _Expectation where Value == PaymentsConfiguration {
    /// The `payments` section.
    fileprivate static var payments: Self {
        object(#"an object like {"doubleSpendRate": 0.001}"#) { reader in
            PaymentsConfiguration(
                doubleSpendRate: try reader.optional(
                    "doubleSpendRate", .number("a probability from 0 to 1") { (0...1).contains($0) }) ?? 0)
        }
    }
}

extension _Expectation where Value == [ScenarioVariant] {
    /// The `variants` of a comparison: labelled strategies, labels unique.
    fileprivate static var variants: Self {
        let description = #"a list of variants like {"label": "URTS", "tipSelection": {"strategy": "uniform"}}"#
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            var labels = Set<String>()
            return try elements.map { element in
                let variant = try element.decode(.variant)
                guard labels.insert(variant.label).inserted else {
                    throw _Field(value: .string(variant.label), path: element.path.appending(key: "label"), file: element.file)
                        .failure("duplicate label \(JSONValue._quoted(variant.label)); labels name the rows of the comparison")
                }
                return variant
            }
        }
    }
}

extension _Expectation where Value == ScenarioVariant {
    /// One variant of a comparison.
    fileprivate static var variant: Self {
        object(#"a variant like {"label": "URTS", "tipSelection": {"strategy": "uniform"}}"#) { reader in
            ScenarioVariant(
                label: try reader.required("label", .string(where: { !$0.isEmpty }, "a non-empty string")),
                tipSelection: try reader.optional("tipSelection", .tipSelection),
                consensus: try reader.optional("consensus", .consensus),
                tangle: try reader.optional("tangle", .tangle))
        }
    }
}

extension Scenario {
    /// Rejects combinations of sections that cannot run together, for the scenario and for
    /// each of its variants.
    fileprivate func _checkCombinations(_ reader: _ObjectReader) throws {
        func check(_ scenario: Scenario, tipSelectionPath: _Field?, consensusPath: _Field?) throws {
            if case .milestone = scenario.tipSelection.walkStart, scenario.consensus.coordinator == nil {
                let field = tipSelectionPath ?? reader.field
                throw field.failure(
                    #"a "milestone" walk start needs coordinator milestones: add "consensus": {"kind": "coordinator", "interval": 10}"#)
            }
            if scenario.metrics.walkAnalysis != nil, !scenario.tipSelection.walks {
                throw (reader.member("metrics").flatMap { _ObjectReaderLookup.member($0, "walkAnalysis") } ?? reader.field).failure(
                    "walk analyses sample the walks of the devices' strategy, and \(scenario.tipSelection.strategyName) does not walk: use mcmc, eiota, giota or a perParent strategy with a walk")
            }
            if case .confidence = scenario.consensus, scenario.network.gossip != nil {
                throw (consensusPath ?? reader.member("consensus") ?? reader.field).failure(
                    "confirmation confidence walks over one view of the Tangle, the delay model's: under gossip each node would need rounds of its own, which TangleSim does not run yet")
            }
            if case .giota = scenario.tipSelection, scenario.tangle.parents < 3 {
                throw (tipSelectionPath ?? reader.field).failure(
                    "G-IOTA approves k − 1 walk tips and one low-confidence tip: it needs tangle.parents of at least 3, got \(scenario.tangle.parents)")
            }
            if case .perParent(let parts) = scenario.tipSelection {
                let field = tipSelectionPath.flatMap { _ObjectReaderLookup.member($0, "parents") } ?? tipSelectionPath ?? reader.field
                if scenario.tangle.adaptiveParents {
                    throw field.failure("a strategy per parent fixes the number of parents: use it without adaptive parents")
                }
                if parts.count != scenario.tangle.parents {
                    throw field.failure(
                        "a strategy per parent lists one strategy per parent: \(parts.count) listed, but tangle.parents is \(scenario.tangle.parents)")
                }
            }
            if scenario.tipSelection == .heaviestPair {
                let field = tipSelectionPath ?? reader.member("tipSelection") ?? reader.field
                if scenario.network.gossip != nil {
                    throw field.failure(
                        "heaviestPair compares the cones of the one global tip set of the delay model; under gossip each node sees tips of its own, which it does not follow yet: use the delay model")
                }
                if scenario.tangle.adaptiveParents || scenario.tangle.parents != 2 {
                    throw field.failure(
                        "heaviestPair chooses a pair of parents: it needs tangle.parents = 2 (fixed), got \(scenario.tangle.adaptiveParents ? "adaptive parents" : String(scenario.tangle.parents))")
                }
            }
            if scenario.consensus.coordinator?.tipSelection == .heaviestPair {
                throw (consensusPath ?? reader.member("consensus") ?? reader.field).failure(
                    "a coordinator approves its previous milestone and one tip, not a pair: heaviestPair is a devices' strategy")
            }
            if scenario.network.gossip != nil, scenario.tipSelection.usesReceptionTimes {
                throw (tipSelectionPath ?? reader.field).failure(
                    "almostUniform weighs a tip by when the selecting node received it and its parents, one time under the delay model but a time per node under gossip, which tip selection does not see yet: use the delay model")
            }
            if scenario.network.gossip != nil, scenario.consensus.coordinator?.tipSelection.usesReceptionTimes == true {
                throw (consensusPath ?? reader.member("consensus") ?? reader.field).failure(
                    "almostUniform weighs a tip by when the selecting node received it and its parents, one time under the delay model but a time per node under gossip, which tip selection does not see yet: use the delay model")
            }
            if scenario.tangle.adaptiveParents, scenario.network.gossip != nil {
                throw (reader.member("tangle") ?? reader.field).failure(
                    "adaptive parents compare the tips a device sees with 2·lambda·h, h the delay model's mean delay: use the delay model, or a fixed number of parents")
            }
            if let gossip = scenario.network.gossip, gossip.hasFaults,
                ["cumulativeWeight", "approvalWeight"].contains(scenario.consensus.kindName)
            {
                let network = reader.member("network")
                if gossip.loss > 0 {
                    throw (network.flatMap { _ObjectReaderLookup.member($0, "loss") } ?? reader.field).failure(
                        "per-node weights (consensus cumulativeWeight or approvalWeight on a gossip network) record when each node sees a transaction as it is sent, and with loss a later request can change that: use consensus none or coordinator with loss")
                }
                let key = gossip.partitions.isEmpty ? "churn" : "partitions"
                throw (network.flatMap { _ObjectReaderLookup.member($0, key) } ?? reader.field).failure(
                    "per-node weights (consensus cumulativeWeight or approvalWeight on a gossip network) record when each node sees a transaction as it is sent, and with partitions or churn a later request or catch-up can change that: use consensus none or coordinator with \(key)")
            }
            if let churn = scenario.network.gossip?.churn {
                let churnField = reader.member("network").flatMap { _ObjectReaderLookup.member($0, "churn") } ?? reader.field
                guard let duration = scenario.duration else {
                    throw churnField.failure(
                        #"churn draws every node's offline periods up to the run's duration: expected a scenario with "duration""#)
                }
                let periods = Double(scenario.network.gossip!.nodes) * (1 + duration / (churn.meanOnline + churn.meanOffline))
                if periods > Scenario.mostChurnPeriods {
                    throw churnField.failure(
                        "expected at most 1e7 offline periods in all (nodes × duration / (meanOnline + meanOffline)), got about \(Int(periods.rounded()))")
                }
                if let index = scenario.devices.firstIndex(where: { $0.reattachAfter != nil }) {
                    throw (_ObjectReaderLookup.member(reader.member("devices")?.elements?[index], "reattachAfter") ?? reader.field).failure(
                        "with network.churn a device on an offline node holds its transactions until the node returns, which reattachment does not model: remove reattachAfter or churn")
                }
            }
            if let gossip = scenario.network.gossip {
                if let coordinator = scenario.consensus.coordinator, coordinator.node >= gossip.nodes {
                    throw (consensusPath ?? reader.member("consensus") ?? reader.field).failure(
                        "the coordinator's node \(coordinator.node) does not exist: the network has nodes 0 to \(gossip.nodes - 1)")
                }
                for (index, device) in scenario.devices.enumerated() {
                    if case .node(let node) = device.attachment, node >= gossip.nodes {
                        throw (_ObjectReaderLookup.member(reader.member("devices")?.elements?[index], "node") ?? reader.field).failure(
                            "expected a node from 0 to \(gossip.nodes - 1), got \(node)")
                    }
                }
            } else {
                if let index = scenario.devices.firstIndex(where: { $0.attachment != .roundRobin }) {
                    throw (reader.member("devices")?.elements?[index] ?? reader.field).failure(
                        #"devices attach to nodes only on a gossip network ("network": {"model": "gossip", ...})"#)
                }
                if let coordinator = scenario.consensus.coordinator, coordinator.node != 0 {
                    throw (consensusPath ?? reader.member("consensus") ?? reader.field).failure(
                        #"a coordinator "node" needs a gossip network ("network": {"model": "gossip", ...})"#)
                }
            }
            if let approval = scenario.consensus.approvalWeight {
                let consensus = consensusPath ?? reader.member("consensus") ?? reader.field
                guard let gossip = scenario.network.gossip else {
                    throw (_ObjectReaderLookup.member(consensus, "kind") ?? consensus).failure(
                        #"approval weight weighs the nodes that issued into a transaction's future cone as each node sees it: it needs a gossip network ("network": {"model": "gossip", ...})"#)
                }
                if let count = approval.weights.listCount, count != gossip.nodes {
                    throw (_ObjectReaderLookup.member(consensus, "weights") ?? consensus).failure(
                        "expected \(gossip.nodes) weights, one per gossip node (network.nodes is \(gossip.nodes)), got \(count)")
                }
            }
            if scenario.consensus == .none, let index = scenario.devices.firstIndex(where: { $0.reattachAfter != nil }) {
                let field = consensusPath
                    ?? reader.member("devices")?.elements?[index] ?? reader.field
                throw field.failure(
                    #"reattachAfter needs a confirmation rule: set "consensus" to a coordinator or a cumulativeWeight threshold"#)
            }
        }
        for (index, adversary) in adversaries.enumerated() {
            let field = reader.member("adversaries")?.elements?[index] ?? reader.field
            if let gossip = network.gossip, adversary.node >= gossip.nodes {
                throw (_ObjectReaderLookup.member(field, "node") ?? field).failure(
                    "expected a node from 0 to \(gossip.nodes - 1), got \(adversary.node)")
            }
            if network.gossip == nil, adversary.node != 0 {
                throw (_ObjectReaderLookup.member(field, "node") ?? field).failure(
                    #"an adversary's "node" needs a gossip network ("network": {"model": "gossip", ...})"#)
            }
            if case .doubleSpend(nil, _, _) = adversary.attack, consensus == .none {
                throw field.failure(
                    #"the merchant accepts P once it is confirmed: set "acceptWeight" (P's cumulative weight) or a consensus rule"#)
            }
        }
        if network.gossip != nil, let index = devices.firstIndex(where: { $0.work != nil }) {
            throw (_ObjectReaderLookup.member(reader.member("devices")?.elements?[index], "work") ?? reader.field).failure(
                #"a work time (proof of work) is modelled under the delay model only: use "network": {"model": "delay", ...}, or remove "work""#)
        }
        // A milestone start is named at its `kind`, where the user wrote it.
        func startKind(_ tipSelection: _Field?) -> _Field? {
            _ObjectReaderLookup.member(_ObjectReaderLookup.member(tipSelection, "start"), "kind") ?? tipSelection
        }
        try check(self, tipSelectionPath: startKind(reader.member("tipSelection")), consensusPath: nil)
        for (index, variant) in variants.enumerated() {
            let element = reader.member("variants")?.elements?[index]
            let label = _ObjectReaderLookup.member(element, "label")
            let tipSelectionField = startKind(_ObjectReaderLookup.member(element, "tipSelection")) ?? label
            let consensusField = _ObjectReaderLookup.member(element, "consensus") ?? label
            try check(applying(variant), tipSelectionPath: tipSelectionField, consensusPath: consensusField)
        }
    }
}

/// Looks up an object member of a field without reading it strictly.
private enum _ObjectReaderLookup {
    static func member(_ field: _Field?, _ key: String) -> _Field? {
        guard let field, case .object(let object) = field.value, let value = object[key] else { return nil }
        return _Field(value: value, path: field.path.appending(key: key), file: field.file)
    }
}

extension _ObjectReader {
    /// A device class's `behaviour` (`"honest"`, the default, or `"lazy"`) and, for a lazy
    /// class, its required `lazyAge` (refused on an honest class).
    mutating func deviceBehaviour() throws -> DeviceBehaviour {
        switch try optional("behaviour", .oneOf(_BehaviourName.self)) ?? .honest {
        case .honest:
            if let age = member("lazyAge") {
                throw age.failure(#"lazyAge applies to lazy devices only: add "behaviour": "lazy""#)
            }
            return .honest
        case .lazy: return .lazy(age: try required("lazyAge", .interval))
        }
    }

    /// A device class's `power` (watts drawn while doing its work; positive, at most 1e6),
    /// refused without `work` — call after reading `work`.
    mutating func workPower() throws -> Double? {
        let power = try optional(
            "power", .number("a positive number of watts, at most 1e6") { $0 > 0 && $0 <= 1e6 })
        if power != nil, member("work") == nil, let field = member("power") {
            throw field.failure(
                #"power is drawn while a device does its work: add "work" (the seconds of proof of work per transaction)"#)
        }
        return power
    }

    /// A device class's `node` (one node) or `nodes` (`"roundRobin"` or `"random"`); at most
    /// one of the two. Round robin when neither is given.
    mutating func nodeAttachment() throws -> NodeAttachment {
        let node = try optional("node", .integer(from: 0, to: 99_999))
        let nodes = try optional("nodes", .oneOf(_NodeAssignment.self))
        switch (node, nodes) {
        case (let node?, nil): return .node(Int(node))
        case (nil, .random?): return .random
        case (nil, _): return .roundRobin
        case (_?, _?):
            throw member("nodes")!.failure(#"give either "node" (one node) or "nodes" ("roundRobin" or "random"), not both"#)
        }
    }
}

extension _Expectation where Value == TopologyConfiguration {
    /// `network.topology`: who peers with whom among `nodes` nodes. Parameters are checked
    /// here; whether a random graph is connected is checked when it is drawn.
    fileprivate static func topology(nodes: Int) -> Self {
        object(#"an object like {"kind": "randomRegular", "degree": 8}"#) { reader in
            let maximumDegree = Int64(Swift.max(1, nodes - 1))
            switch try reader.required("kind", .oneOf(_TopologyKind.self)) {
            case .fullMesh:
                return .fullMesh
            case .randomRegular:
                let degree = Int(try reader.required("degree", .integer(from: 1, to: maximumDegree)))
                guard nodes * degree % 2 == 0 else {
                    throw reader.member("degree")!.failure(
                        "nodes × degree must be even for a regular graph (\(nodes) × \(degree) is odd)")
                }
                return .randomRegular(degree: degree)
            case .wattsStrogatz:
                let degree = Int(try reader.required("degree", .integer(from: 2, to: maximumDegree)))
                guard degree % 2 == 0 else {
                    throw reader.member("degree")!.failure("expected an even degree (each node links to degree/2 neighbours on each side), got \(degree)")
                }
                let rewire = try reader.required("rewire", .number("a probability from 0 to 1") { (0...1).contains($0) })
                return .wattsStrogatz(degree: degree, rewire: rewire)
            case .barabasiAlbert:
                return .barabasiAlbert(attach: Int(try reader.required("attach", .integer(from: 1, to: maximumDegree))))
            case .edges:
                let field = reader.member("edges")
                let edges = try reader.required("edges", .edgeList(nodes: nodes))
                if let problem = Topology.disconnection(nodes: nodes, edges: edges) {
                    throw field!.failure(problem)
                }
                return .edges(edges)
            }
        }
    }
}

extension _Expectation where Value == [[Int]] {
    /// A list of links `[a, b]` between distinct nodes in 0..<nodes, each listed once.
    fileprivate static func edgeList(nodes: Int) -> Self {
        let description = "a list of links like [[0, 1], [1, 2]] between nodes 0 to \(nodes - 1)"
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            var seen = Set<[Int]>()
            let link = "a link [a, b] between nodes 0 to \(nodes - 1)"
            return try elements.map { element in
                guard let ends = element.elements, ends.count == 2,
                      let a = ends[0].value._integralValue, let b = ends[1].value._integralValue
                else {
                    throw element.mismatch(expected: link)
                }
                // Name the pair, so that the node that does not exist shows.
                guard (0..<Int64(nodes)).contains(a), (0..<Int64(nodes)).contains(b) else {
                    throw element.failure("expected \(link), got [\(a), \(b)]")
                }
                guard a != b else { throw element.failure("a link joins two different nodes, got [\(a), \(b)]") }
                guard seen.insert([Int(min(a, b)), Int(max(a, b))]).inserted else {
                    throw element.failure("the link [\(a), \(b)] is listed twice")
                }
                return [Int(a), Int(b)]
            }
        }
    }
}

extension Scenario {
    /// The most offline periods churn may draw before a run (24 bytes each).
    static let mostChurnPeriods = 1e7
}

extension _Expectation where Value == [GossipPartition] {
    /// `network.partitions`: a list of partitions in increasing time order, not overlapping,
    /// on a network of at least 2 nodes.
    fileprivate static func partitions(nodes: Int) -> Self {
        let description = #"a list of partitions like [{"start": 100, "end": 160, "split": 0.5}]"#
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            if nodes < 2, !elements.isEmpty {
                throw field.failure("a partition splits the nodes in two sides: expected a network of at least 2 nodes, got 1")
            }
            var partitions: [GossipPartition] = []
            for (index, element) in elements.enumerated() {
                let partition = try element.decode(.partition)
                if let previous = partitions.last, partition.start < previous.end {
                    let start = _ObjectReaderLookup.member(element, "start") ?? element
                    let end = _ObjectReaderLookup.member(elements[index - 1], "end")?.value._summary ?? String(previous.end)
                    throw start.failure(
                        "expected a start no earlier than the previous partition's end (\(end)), got \(start.value._summary)")
                }
                partitions.append(partition)
            }
            return partitions
        }
    }
}

extension _Expectation where Value == GossipPartition {
    /// One partition: `start` < `end` (seconds) and the first side's share `split` in (0, 1).
    fileprivate static var partition: Self {
        object(#"a partition like {"start": 100, "end": 160, "split": 0.5}"#) { reader in
            let start = try reader.required("start", .nonNegativeNumber(of: "seconds"))
            let written = reader.member("start")?.value._summary ?? String(start)
            let end = try reader.required("end", .number("a number of seconds greater than start (\(written))") { $0 > start })
            let split = try reader.required("split", .number("a share of the nodes between 0 and 1, exclusive") { $0 > 0 && $0 < 1 })
            return GossipPartition(start: start, end: end, split: split)
        }
    }
}

extension _Expectation where Value == GossipChurn {
    /// `network.churn`: mean online and offline periods, and the catch-up delay.
    fileprivate static var churn: Self {
        object(#"an object like {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}"#) { reader in
            // Both means are made known before either is required, so that a missing one is
            // not taken for a misspelling of the other.
            let online = try reader.optional("meanOnline", .interval)
            let offline = try reader.optional("meanOffline", .interval)
            return GossipChurn(
                meanOnline: try online ?? reader.required("meanOnline", .interval),
                meanOffline: try offline ?? reader.required("meanOffline", .interval),
                syncDelay: try reader.required("syncDelay", .nonNegativeNumber(of: "seconds")))
        }
    }
}
