import Foundation

/// Something legal in a scenario that will probably not give the user what they want.
///
/// Warnings never stop a run: the CLI prints them on standard error (`run`, `compare`,
/// `sweep`) and `validate` prints them too. Its ``description`` is the line printed after
/// `warning: `, for example:
///
///     short.json: metrics.orphanTimeout: every transaction will be censored: ...
public struct ScenarioWarning: Sendable, Equatable, CustomStringConvertible {
    /// The scenario file as the user wrote its path.
    public var file: String
    /// The field the warning is about, like `metrics.orphanTimeout`.
    public var path: String
    /// What will happen and what to change.
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `FILE: PATH: MESSAGE`.
    public var description: String { "\(file): \(path): \(message)" }
}

extension Scenario {
    /// What about this scenario is legal but will probably not give its user what they want.
    ///
    /// - Every transaction censored: a transaction is judged (left behind or not, confirmed
    ///   in time or not) only when it was issued at or after `warmup` and at least
    ///   `orphanTimeout` before the end (the model notes, "Orphans and censoring"). When the
    ///   end — `duration`, or the expected time of the `transactions`-th arrival,
    ///   transactions/lambda, when that comes first — is no later than `warmup +
    ///   orphanTimeout`, nothing is judged and the left-behind and latency figures are n/a.
    ///
    /// - Delays as long as the run: a mean delay (one hop's link latency and processing on a
    ///   gossip network) no shorter than the run means transactions become visible only after
    ///   it ends — usually milliseconds written as seconds.
    ///
    /// - Approval weight out of reach: when the nodes no device or adversary attaches to
    ///   (known before the run unless a class attaches at random) hold more than
    ///   1 − threshold of the weight, the issuing nodes together never reach the threshold
    ///   and nothing can be confirmed (the scenario's rule, then each variant's).
    ///
    /// - Parameter file: the scenario file, for the warnings' text.
    public func warnings(file: String) -> [ScenarioWarning] {
        var warnings: [ScenarioWarning] = []
        let byCount = transactions.map { Double($0) / lambda } ?? .infinity
        let end = Swift.min(duration ?? .infinity, byCount)
        let timeout = metrics.orphanTimeout
        if end <= warmup + timeout {
            let stop =
                byCount < (duration ?? .infinity)
                ? "the run ends after about \(Self._seconds(end)) (transactions \(transactions!) at lambda \(Self._number(lambda))/s)"
                : "the run ends at duration \(Self._seconds(end))"
            let room = end - warmup
            let advice =
                room > 0
                ? "lower metrics.orphanTimeout below \(Self._seconds(room)) or lengthen the run beyond \(Self._seconds(warmup + timeout))"
                : "lengthen the run beyond \(Self._seconds(warmup + timeout))"
            warnings.append(
                ScenarioWarning(
                    file: file, path: "metrics.orphanTimeout",
                    message: "every transaction will be censored, so left-behind and latency figures will be n/a: "
                        + "transactions are judged only when issued at or after warmup (\(Self._seconds(warmup))) "
                        + "and at least orphanTimeout (\(Self._seconds(timeout))) before the end, and \(stop); "
                        + advice))
        }
        let (delayPath, hop): (String, Double) =
            switch network {
            case .delay(let delay): ("network.delay", delay.mean)
            case .gossip(let gossip): ("network.linkLatency", gossip.linkLatency.mean + gossip.processingDelay.mean)
            }
        if hop >= end {
            warnings.append(
                ScenarioWarning(
                    file: file, path: delayPath,
                    message: "a mean delay of \(Self._seconds(hop)) is not shorter than the run (\(Self._seconds(end))): "
                        + "most transactions will become visible only after the run ends, so issuers will see little but "
                        + "the genesis (and on a gossip network every transaction stays in flight, which makes each issue slow); "
                        + "delays are in seconds"))
        }
        var rules = [("consensus.weights", consensus)]
        for (index, variant) in variants.enumerated() {
            if let own = variant.consensus { rules.append(("variants[\(index)].consensus.weights", own)) }
        }
        for (path, rule) in rules {
            guard let approval = rule.approvalWeight, let reach = _approvalWeightOutOfReach(approval) else { continue }
            warnings.append(ScenarioWarning(file: file, path: path, message: reach))
        }
        return warnings
    }

    /// Why `approval` can confirm nothing here, or nil when the nodes that issue can reach its
    /// threshold (or which nodes issue is drawn at random).
    private func _approvalWeightOutOfReach(_ approval: ApprovalWeightConfiguration) -> String? {
        guard let gossip = network.gossip, !devices.contains(where: { $0.attachment == .random }) else { return nil }
        var issues = [Bool](repeating: false, count: gossip.nodes)
        var first = 0
        for deviceClass in devices {
            switch deviceClass.attachment {
            case .node(let node):
                if node < gossip.nodes { issues[node] = true }
            case .roundRobin:
                for j in first..<(first + Swift.min(deviceClass.count, gossip.nodes)) { issues[j % gossip.nodes] = true }
            case .random:
                break
            }
            first += deviceClass.count
        }
        for adversary in adversaries where adversary.node < gossip.nodes { issues[adversary.node] = true }
        let units = NodeWeightUnits(weights: approval.weights.values(nodes: gossip.nodes), threshold: approval.threshold)
        var reachable: UInt64 = 0
        for v in 0..<gossip.nodes where issues[v] { reachable += units.units[v] }
        guard reachable < units.required else { return nil }
        let silent = issues.filter { !$0 }.count
        let share = Double(units.total - reachable) / Double(units.total)
        return "the \(silent) nodes with no device or adversary attached (the first: node \(issues.firstIndex(of: false)!)) "
            + "hold \(Self._number(100 * share))% of the weight, so the nodes that issue never reach the threshold "
            + "(\(Self._number(approval.threshold))) and no transaction will be confirmed; attach devices to them or lower their weights"
    }

    /// `30 s`, `0.5 s`, `1e+18 s`: seconds as a user would write them.
    private static func _seconds(_ value: Double) -> String {
        "\(_number(value)) s"
    }

    /// A number without a needless `.0`, in at most 6 significant digits.
    private static func _number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6g", value)
        if text.contains(".") && !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
        }
        return text
    }
}
