extension SummaryColumn {
    public static let propagationP50 = SummaryColumn(
        "propagation_p50",
        "time for a measured transaction to become visible to every issuer: every node (gossip), or its delay h (delay model); seconds; median")
    public static let propagationP90 = SummaryColumn("propagation_p90", "its 90th percentile")
    public static let propagationMax = SummaryColumn("propagation_max", "its maximum")
    public static let nodeTipsMean = SummaryColumn(
        "node_tips_mean",
        "gossip: each node's tip count averaged over the measured samples of `timeseries.csv`, then the mean over nodes")
    public static let nodeTipsMin = SummaryColumn("node_tips_min", "gossip: the fewest over nodes")
    public static let nodeTipsMax = SummaryColumn("node_tips_max", "gossip: the most over nodes")
    public static let messagesLost = SummaryColumn(
        "messages_lost",
        "gossip: messages lost in the whole run (a message is one transaction over one directed link; 0 without `network.loss`); empty under the delay model")
    public static let nodePropagationP50 = SummaryColumn(
        "node_propagation_p50",
        "gossip with faults (`network.loss` above 0, `partitions` or `churn`): per measured transaction visible everywhere, the median over the nodes other than its issuer's of the time from issue to visibility there (the time to reach half of them), averaged over those transactions; seconds; empty without faults")
    public static let nodePropagationP90 = SummaryColumn(
        "node_propagation_p90", "the same with the 90th percentile over nodes (the time to reach 90% of them)")
    public static let nodeOfflineFraction = SummaryColumn(
        "node_offline_fraction",
        "gossip with `network.churn` only: the time-average share of nodes offline from `warmup` to the end of the run (node-seconds offline / (nodes × seconds)); its expectation is meanOffline / (meanOnline + meanOffline), less where the coordinator's and adversaries' nodes never go offline")

    /// The columns written only when the gossip network churns (``GossipConfiguration/churn``),
    /// after ``all`` and ``work``: a scenario without churn writes exactly the columns it
    /// always did.
    public static let churn: [SummaryColumn] = [.nodeOfflineFraction]
}

/// How long measured transactions take to become visible to every issuer.
struct PropagationMetrics {
    var times: QuantileSample

    init(exactQuantiles: Int) {
        times = QuantileSample(exactLimit: exactQuantiles)
    }

    /// Measured transaction `x`, if visible everywhere by `end`: the time from its broadcast
    /// (after its issuer's work, if any) to its visibility.
    mutating func add(_ x: Int32, in tangle: Tangle, end: Double) {
        let visible = tangle.visibleTime(of: x)
        if visible <= end { times.append(visible - tangle.broadcastTime(of: x)) }
    }

    mutating func summarize(into summary: inout RunSummary) {
        let quantiles = times.quantiles(at: [0.5, 0.9, 1])
        summary[.propagationP50] = .real(quantiles[0])
        summary[.propagationP90] = .real(quantiles[1])
        summary[.propagationMax] = .real(quantiles[2])
        times.removeAll()
    }
}

/// Each node's tip count at every sample, when nodes see different tips (gossip).
struct NodeTipMetrics {
    let _warmup: Double
    /// Per node: the sum of its tip counts over measured samples.
    var sums: [Double] = []
    var samples = 0

    init(warmup: Double) {
        _warmup = warmup
    }

    /// The per-node counts of the sample at `time`, into `row`; measured samples also count
    /// towards the summary.
    mutating func sample(_ counts: [Int], at time: Double, into row: inout TimeseriesRow) {
        row.nodeTipsMin = counts.min()
        row.nodeTipsMax = counts.max()
        row.nodeTipsMean = Double(counts.reduce(0, +)) / Double(counts.count)
        guard time >= _warmup else { return }
        if sums.isEmpty { sums = Array(repeating: 0, count: counts.count) }
        for (node, count) in counts.enumerated() { sums[node] += Double(count) }
        samples += 1
    }

    /// Sets `node_tips_*` (undefined when no node was sampled, as under the delay model).
    func summarize(into summary: inout RunSummary) {
        let means = samples > 0 ? sums.map { $0 / Double(samples) } : []
        summary[.nodeTipsMean] = .real(means.isEmpty ? .nan : means.reduce(0, +) / Double(means.count))
        summary[.nodeTipsMin] = .real(means.min() ?? .nan)
        summary[.nodeTipsMax] = .real(means.max() ?? .nan)
    }
}
