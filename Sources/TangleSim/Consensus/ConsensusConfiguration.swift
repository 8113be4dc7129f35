/// The consensus rule of a scenario (`consensus`): when a transaction counts as confirmed —
/// the configuration and its JSON form (decoding with its checks, and the resolved form
/// written back). The rules themselves are ``ConfirmationTracker`` (and, where nodes see
/// different things, ``NodeWeightConfirmation`` and ``ApprovalWeightConfirmation``); the
/// coordinator is an ``Issuer``.

/// When a transaction counts as confirmed.
public enum ConsensusConfiguration: Sendable, Equatable {
    /// No confirmation rule: only tips and left-behind rates are measured.
    case none
    /// A coordinator issues milestones; a transaction is confirmed when the first milestone
    /// whose past cone contains it becomes visible.
    case coordinator(CoordinatorConfiguration)
    /// A transaction is confirmed when its cumulative weight first reaches `threshold`.
    case cumulativeWeight(threshold: Int)
    /// Confirmation confidence (Popov, "The Tangle", section 2; what IOTA wallets showed):
    /// every `every` seconds `walks` walks of the scenario's strategy are made, and a
    /// transaction is confirmed once the share of them ending in a tip that approves it
    /// (directly, indirectly or by being it) reaches `threshold`.
    case confidence(ConfidenceConfiguration)
    /// Approval weight (IOTA 2.0; gossip networks only): a transaction is confirmed at a node
    /// when the nodes that issued a transaction of its future cone, itself included, as that
    /// node sees it, hold at least `threshold` of the total node weight.
    case approvalWeight(ApprovalWeightConfiguration)

    /// The rule's name as written in scenarios and in `summary.csv`.
    public var kindName: String {
        switch self {
        case .none: "none"
        case .coordinator: "coordinator"
        case .cumulativeWeight: "cumulativeWeight"
        case .confidence: "confidence"
        case .approvalWeight: "approvalWeight"
        }
    }

    /// The coordinator's settings, when there is one.
    public var coordinator: CoordinatorConfiguration? {
        if case .coordinator(let configuration) = self { return configuration }
        return nil
    }

    /// The approval-weight settings, when that is the rule.
    public var approvalWeight: ApprovalWeightConfiguration? {
        if case .approvalWeight(let configuration) = self { return configuration }
        return nil
    }
}

/// The rounds of confirmation confidence.
public struct ConfidenceConfiguration: Sendable, Equatable {
    /// Walks a round.
    public var walks: Int
    /// The share of a round's walks that confirms a transaction (0 < threshold <= 1).
    public var threshold: Double
    /// Seconds between rounds, the first at `every`.
    public var every: Double

    public init(walks: Int = 100, threshold: Double = 0.95, every: Double = 1) {
        self.walks = walks
        self.threshold = threshold
        self.every = every
    }
}

/// How a coordinator issues milestones.
public struct CoordinatorConfiguration: Sendable, Equatable {
    /// Seconds between milestones (the mean, for a Poisson schedule).
    public var interval: Double
    /// Periodic milestones, or a Poisson process of rate 1/interval.
    public var schedule: MilestoneSchedule
    /// How a milestone chooses the tips it approves besides the previous milestone.
    public var tipSelection: TipSelectionConfiguration
    /// A milestone's parents in all: the previous milestone plus `parents − 1` tips (2...8).
    public var parents: Int
    /// The gossip node the coordinator runs on (0 without a gossip network).
    public var node: Int

    public init(
        interval: Double, schedule: MilestoneSchedule = .periodic, tipSelection: TipSelectionConfiguration = .uniform,
        parents: Int = 2, node: Int = 0
    ) {
        self.interval = interval
        self.schedule = schedule
        self.tipSelection = tipSelection
        self.parents = parents
        self.node = node
    }
}

/// When milestones are issued.
public enum MilestoneSchedule: String, Sendable, Equatable, CaseIterable {
    /// Every `interval` seconds, the first at `interval`.
    case periodic
    /// As a Poisson process with mean gap `interval`.
    case poisson
}

// MARK: - JSON

/// The rules a scenario can name in `consensus.kind`.
private enum _ConsensusKind: String, CaseIterable {
    case none, coordinator, cumulativeWeight, confidence, approvalWeight
}

extension _Expectation where Value == ConsensusConfiguration {
    /// The `consensus` section: when a transaction counts as confirmed.
    static var consensus: Self {
        object(#"an object like {"kind": "coordinator", "interval": 10}"#) { reader in
            switch try reader.required("kind", .oneOf(_ConsensusKind.self)) {
            case .none:
                return .none
            case .coordinator:
                return .coordinator(
                    CoordinatorConfiguration(
                        interval: try reader.required("interval", .interval),
                        schedule: try reader.optional("schedule", .oneOf(MilestoneSchedule.self)) ?? .periodic,
                        tipSelection: try reader.optional("tipSelection", .tipSelection) ?? .uniform,
                        parents: Int(try reader.optional("parents", .integer(from: 2, to: Int64(TangleConfiguration.maximumParents))) ?? 2),
                        node: Int(try reader.optional("node", .integer(from: 0, to: 99_999)) ?? 0)))
            case .cumulativeWeight:
                return .cumulativeWeight(threshold: Int(try reader.required("threshold", .integer(in: 2...Int64(Int32.max), "an integer of at least 2"))))
            case .confidence:
                let defaults = ConfidenceConfiguration()
                return .confidence(
                    ConfidenceConfiguration(
                        walks: Int(try reader.optional("walks", .integer(from: 1, to: 100_000)) ?? Int64(defaults.walks)),
                        threshold: try reader.optional("threshold", .number("a number above 0 and at most 1") { $0 > 0 && $0 <= 1 })
                            ?? defaults.threshold,
                        every: try reader.optional("every", .interval) ?? defaults.every))
            case .approvalWeight:
                return .approvalWeight(
                    ApprovalWeightConfiguration(
                        threshold: try reader.optional(
                            "threshold", .number("a number greater than 0 and at most 1") { $0 > 0 && $0 <= 1 })
                            ?? ApprovalWeightConfiguration.defaultThreshold,
                        weights: try reader.optional("weights", .nodeWeights) ?? .zipf(exponent: 0)))
            }
        }
    }
}

extension ConsensusConfiguration {
    /// The `consensus` section with every default filled in.
    var _resolvedJSON: JSONValue {
        switch self {
        case .none:
            return ["kind": "none"]
        case .coordinator(let coordinator):
            return [
                "kind": "coordinator",
                "interval": .number(coordinator.interval),
                "schedule": .string(coordinator.schedule.rawValue),
                "tipSelection": coordinator.tipSelection._resolvedJSON,
                "parents": .integer(Int64(coordinator.parents)),
                "node": .integer(Int64(coordinator.node)),
            ]
        case .cumulativeWeight(let threshold):
            return ["kind": "cumulativeWeight", "threshold": .integer(Int64(threshold))]
        case .confidence(let confidence):
            return [
                "kind": "confidence", "walks": .integer(Int64(confidence.walks)), "threshold": .number(confidence.threshold),
                "every": .number(confidence.every),
            ]
        case .approvalWeight(let configuration):
            return [
                "kind": "approvalWeight", "threshold": .number(configuration.threshold),
                "weights": configuration.weights._resolvedJSON,
            ]
        }
    }
}
