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
        return warnings
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
