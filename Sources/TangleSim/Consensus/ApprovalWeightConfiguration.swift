import Foundation

/// The settings of the approval-weight rule (`"consensus": {"kind": "approvalWeight", ...}`)
/// and their JSON form.
///
/// The node weights live in `consensus`, not in `network`: they are consensus weight (IOTA
/// 2.0's consensus mana) and mean nothing to any other rule or to how transactions travel;
/// a comparison's variant replaces `consensus` only, so `cumulativeWeight` and
/// `approvalWeight` compare on one network; and a sweep varies them as
/// `consensus.weights.zipf`. Their number is checked against `network.nodes` once both
/// sections are read.

/// How approval weight confirms: the share of the total node weight a transaction's approvers
/// must hold, and each node's weight.
public struct ApprovalWeightConfiguration: Sendable, Equatable {
    /// The share of the total weight, in (0, 1], that confirms (`threshold`): confirmed when
    /// the approvers' weight is at least threshold × total.
    public var threshold: Double
    /// Each gossip node's weight (`weights`).
    public var weights: NodeWeights

    /// GoShimmer's and the multiverse simulator's usual threshold, 0.67 (over two thirds).
    public static let defaultThreshold = 0.67

    public init(threshold: Double = ApprovalWeightConfiguration.defaultThreshold, weights: NodeWeights = .zipf(exponent: 0)) {
        self.threshold = threshold
        self.weights = weights
    }
}

/// The weight of each gossip node: listed, or following Zipf's law over the node index.
public enum NodeWeights: Sendable, Equatable {
    /// Node i (0-based) has weight 1/(i + 1)^exponent: node 0 is the heaviest; exponent 0
    /// gives every node the same weight (the default). The multiverse simulator's
    /// `ZIPFDistribution` (network/consensus_weight.go) draws its nodes' mana the same way,
    /// with 0.9 as its usual exponent.
    case zipf(exponent: Double)
    /// One positive weight per node, in node order.
    case list([Double])

    /// Each of `nodes` nodes' weight.
    ///
    /// - Precondition: a list has `nodes` entries (the decoder checks it against
    ///   `network.nodes`).
    public func values(nodes: Int) -> [Double] {
        switch self {
        case .zipf(let exponent):
            return (0..<nodes).map { Foundation.pow(Double($0 + 1), -exponent) }
        case .list(let weights):
            precondition(weights.count == nodes, "one weight per node")
            return weights
        }
    }

    /// How many weights a list holds (nil for Zipf weights, which fit any node count).
    var listCount: Int? {
        if case .list(let weights) = self { return weights.count }
        return nil
    }
}

// MARK: - JSON

extension _Expectation where Value == NodeWeights {
    /// `consensus.weights`: a list of positive numbers, one per node, or `{"zipf": s}`.
    static var nodeWeights: Self {
        let description = #"a list of positive numbers (one per gossip node) or an object like {"zipf": 0.9}"#
        let zipf = object(description) { reader in
            NodeWeights.zipf(exponent: try reader.required("zipf", .nonNegativeNumber()))
        }
        let weight = _Expectation<Double>.positiveNumber()
        return Self(description) { field in
            if case .object = field.value { return try field.decode(zipf) }
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            guard !elements.isEmpty else {
                throw field.failure("expected one positive weight per gossip node, got an empty list")
            }
            return .list(try elements.map { try $0.decode(weight) })
        }
    }
}

extension NodeWeights {
    /// The weights as written back in a resolved scenario.
    var _resolvedJSON: JSONValue {
        switch self {
        case .zipf(let exponent): ["zipf": .number(exponent)]
        case .list(let weights): .array(weights.map { .number($0) })
        }
    }
}
