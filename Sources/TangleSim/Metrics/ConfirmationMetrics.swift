extension SummaryColumn {
    public static let confirmedFraction = SummaryColumn(
        "confirmed_fraction",
        "measured, uncensored payloads confirmed by the end of the run / all measured, uncensored payloads. A payload is an arrival together with its reattachments, confirmed when the first of them is")
    public static let unconfirmedRate = SummaryColumn(
        "unconfirmed_rate", "measured, uncensored payloads not confirmed within `orphan_timeout` / all of them")
    public static let latencyMean = SummaryColumn(
        "latency_mean",
        "confirmation latency (confirmation time − when the payload's first transaction was wanted: its issue time, or earlier when a duty cycle or an offline node held it back; s) of the confirmed measured, uncensored payloads")
    public static let latencyP50 = SummaryColumn("latency_p50", "its median (exact)")
    public static let latencyP90 = SummaryColumn("latency_p90", "its 90th percentile")
    public static let latencyP99 = SummaryColumn("latency_p99", "its 99th percentile")
    public static let latencyMax = SummaryColumn("latency_max", "its maximum")
    public static let coordinatorLatencyMean = SummaryColumn(
        "coordinator_latency_mean",
        "gossip with a coordinator: latency at the coordinator's own node (the `latency_*` columns average every node's confirmation time)")
    public static let coordinatorLatencyP50 = SummaryColumn("coordinator_latency_p50", "its median")
    public static let coordinatorLatencyP99 = SummaryColumn("coordinator_latency_p99", "its 99th percentile")
    public static let issuerNodeLatencyMean = SummaryColumn(
        "issuer_node_latency_mean",
        "gossip: latency as seen at the node each payload was issued from (what its device sees), over the payloads confirmed there")
    public static let issuerNodeLatencyP50 = SummaryColumn("issuer_node_latency_p50", "its median")
    public static let issuerNodeLatencyP99 = SummaryColumn("issuer_node_latency_p99", "its 99th percentile")
}

/// Where confirmation times averaged over nodes come from, when nodes see different things.
enum NodeAverage {
    /// Milestones: from the tracker's (coordinator's node's) time, through each node's first
    /// sighting of the confirming milestone or a later one.
    case milestones(NodeAveragedConfirmation)
    /// A weight threshold (cumulative or approval weight) at every node: each payload's mean
    /// over nodes.
    case weights(NodePayloadConfirmations)
}

/// Confirmation latencies of payloads, judged at the end of the run from the confirmation
/// tracker's times.
///
/// When every node sees milestones at the same moment (the delay model) a payload's latency
/// is its confirmation time minus its first issue. On a gossip network the tracker's times
/// are the coordinator's node's; the `latency_*` columns then use each payload's
/// confirmation time averaged over every node (``NodeAveragedConfirmation``), and the
/// `coordinator_latency_*` columns the coordinator's node's.
struct ConfirmationMetrics {
    let _orphanTimeout: Double
    let _nodeAverage: NodeAverage?
    var judgedPayloads = 0
    var lateOrNever = 0
    var latencies: [Double] = []
    var coordinatorLatencies: [Double] = []
    var issuerNodeLatencies: [Double] = []

    init(orphanTimeout: Double, nodeAverage: NodeAverage?) {
        _orphanTimeout = orphanTimeout
        _nodeAverage = nodeAverage
    }

    /// Judges uncensored measured transaction `x` (once per payload: at the arrival that
    /// first carried it).
    ///
    /// - Parameter issuerNodeTime: on a network whose nodes see different things, when the
    ///   node `x` was issued from sees its payload confirmed, given the tracker's time.
    mutating func judge(
        _ x: Int32, in tangle: Tangle, confirmation: ConfirmationTracker, issuerNodeTime: ((Int32, Double) -> Double)?
    ) {
        guard confirmation.payload?[Int(x)] ?? x == x else { return }
        judgedPayloads += 1
        let issue = tangle.wantedTime(of: x)
        let confirmedAt = confirmation.payloadConfirmationTime(x)
        if let issuerNodeTime, case let seen = issuerNodeTime(x, confirmedAt), !seen.isNaN {
            issuerNodeLatencies.append(seen - issue)
        }
        var latency = confirmedAt - issue
        switch _nodeAverage {
        case .milestones(let nodeAverage) where !latency.isNaN:
            coordinatorLatencies.append(latency)
            latency = nodeAverage.meanConfirmationTime(confirmedAtCoordinator: confirmedAt) - issue
        case .weights(let nodeWeights):
            latency = nodeWeights.meanConfirmationTime(ofPayload: x) - issue
        default:
            break
        }
        if latency.isNaN || latency > _orphanTimeout { lateOrNever += 1 }
        if !latency.isNaN { latencies.append(latency) }
    }

    /// Sets the confirmation columns and returns the sorted latencies (for `latency.csv`).
    mutating func summarize(into summary: inout RunSummary) -> [Double] {
        SampleStatistics.sortNonNegative(&latencies)
        let quantiles = SampleStatistics.quantiles(ofSorted: latencies, at: [0.5, 0.9, 0.99, 1])
        summary[.confirmedFraction] = .real(judgedPayloads > 0 ? Double(latencies.count) / Double(judgedPayloads) : .nan)
        summary[.unconfirmedRate] = .real(judgedPayloads > 0 ? Double(lateOrNever) / Double(judgedPayloads) : .nan)
        summary[.latencyMean] = .real(SampleStatistics.mean(latencies))
        summary[.latencyP50] = .real(quantiles[0])
        summary[.latencyP90] = .real(quantiles[1])
        summary[.latencyP99] = .real(quantiles[2])
        summary[.latencyMax] = .real(quantiles[3])
        SampleStatistics.sortNonNegative(&coordinatorLatencies)
        let coordinator = SampleStatistics.quantiles(ofSorted: coordinatorLatencies, at: [0.5, 0.99])
        summary[.coordinatorLatencyMean] = .real(SampleStatistics.mean(coordinatorLatencies))
        summary[.coordinatorLatencyP50] = .real(coordinator[0])
        summary[.coordinatorLatencyP99] = .real(coordinator[1])
        SampleStatistics.sortNonNegative(&issuerNodeLatencies)
        let issuerNode = SampleStatistics.quantiles(ofSorted: issuerNodeLatencies, at: [0.5, 0.99])
        summary[.issuerNodeLatencyMean] = .real(SampleStatistics.mean(issuerNodeLatencies))
        summary[.issuerNodeLatencyP50] = .real(issuerNode[0])
        summary[.issuerNodeLatencyP99] = .real(issuerNode[1])
        return latencies
    }

    /// The columns of a run without a confirmation rule: undefined.
    static func summarizeWithoutRule(into summary: inout RunSummary) {
        for column in [
            SummaryColumn.confirmedFraction, .unconfirmedRate, .latencyMean, .latencyP50, .latencyP90, .latencyP99,
            .latencyMax, .coordinatorLatencyMean, .coordinatorLatencyP50, .coordinatorLatencyP99,
            .issuerNodeLatencyMean, .issuerNodeLatencyP50, .issuerNodeLatencyP99,
        ] {
            summary[column] = .real(.nan)
        }
    }
}
