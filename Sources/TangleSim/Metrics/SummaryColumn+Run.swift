/// The columns of `summary.csv` that describe the run rather than measure it.
extension SummaryColumn {
    public static let scenario = SummaryColumn("scenario", "the scenario's name")
    public static let seed = SummaryColumn("seed", "the seed actually used")
    public static let replication = SummaryColumn("replication", "the replication number")
    public static let tipSelection = SummaryColumn(
        "tip_selection", "the strategy: `uniform`, `restrictedUniform`, `mcmc` or `eiota`")
    public static let alpha = SummaryColumn(
        "alpha", "MCMC's alpha (`inf` for the heaviest path); empty for uniform selection and E-IOTA")
    public static let walkStart = SummaryColumn(
        "walk_start", "where MCMC walks start (`window:10.0`, `genesis`, `milestone:3`); empty for uniform selection")
    public static let parents = SummaryColumn("parents", "k, parents per device transaction (the base K with adaptive parents)")
    public static let repeatedPicks = SummaryColumn("repeated_picks", "the repeated-pick rule")
    public static let devices = SummaryColumn("devices", "the number of devices")
    public static let lambda = SummaryColumn("lambda", "the total arrival rate (tx/s)")
    public static let delayDistribution = SummaryColumn(
        "delay_distribution", "the delay's distribution; on a gossip network, the link latency's")
    public static let delayMean = SummaryColumn("delay_mean", "the delay's mean (s); on a gossip network, the link latency's")
    public static let duration = SummaryColumn(
        "duration",
        "simulated seconds from 0 to the end: the scenario's duration, or the issue time of the last transaction when the run stopped on its count")
    public static let warmup = SummaryColumn("warmup", "as in the scenario (s)")
    public static let orphanTimeout = SummaryColumn("orphan_timeout", "as in the scenario (s)")
    public static let transactions = SummaryColumn(
        "transactions", "arrivals: new transactions issued by devices (not the genesis, milestones or reattachments)")
    public static let consensus = SummaryColumn(
        "consensus", "the confirmation rule (`none`, `coordinator`, `cumulativeWeight`, `approvalWeight`)")
    public static let milestoneInterval = SummaryColumn(
        "milestone_interval", "seconds between milestones (empty without a coordinator)")
    public static let milestones = SummaryColumn("milestones", "milestones issued")
    public static let reattachments = SummaryColumn("reattachments", "transactions issued again by their device")
    public static let network = SummaryColumn("network", "`delay` or `gossip`")
    public static let nodes = SummaryColumn("nodes", "the node count (empty under the delay model)")
    public static let topology = SummaryColumn("topology", "the topology kind (empty under the delay model)")

    /// The columns that hold the scenario's settings: a function of the scenario alone, so
    /// every replication of a run has the same value (``replication`` aside, which numbers
    /// them). A comparison's `compare.csv` writes them once per variant and summarises the
    /// others (mean, sd, 95% CI) over the replications. `duration`, `transactions`,
    /// `milestones` and `reattachments` are not settings: stopping on a transaction count,
    /// a Poisson coordinator or reattachment make them vary.
    public static let settings: Set<SummaryColumn> = [
        .scenario, .seed, .tipSelection, .alpha, .walkStart, .parents, .repeatedPicks, .devices, .lambda,
        .delayDistribution, .delayMean, .warmup, .orphanTimeout, .consensus, .milestoneInterval, .network, .nodes,
        .topology, .attacks,
    ]
}

extension RunSummary {
    /// Sets the columns that describe `scenario`'s run: what was run, with which settings.
    mutating func describe(_ scenario: Scenario, replication: Int, duration: Double) {
        self[.scenario] = .text(scenario.name)
        self[.seed] = .text(String(scenario.seed))
        self[.replication] = .integer(replication)
        self[.tipSelection] = .text(scenario.tipSelection.strategyName)
        self[.alpha] = .real(scenario.tipSelection.alpha)
        self[.walkStart] = .text(scenario.tipSelection.walkStart?.label ?? "")
        self[.parents] = .integer(scenario.tangle.parents)
        self[.repeatedPicks] = .text(scenario.tangle.repeatedPicks.rawValue)
        self[.devices] = .integer(scenario.deviceCount)
        self[.lambda] = .real(scenario.lambda)
        let delay: DelayDistribution =
            switch scenario.network {
            case .delay(let delay): delay
            case .gossip(let gossip): gossip.linkLatency
            }
        self[.delayDistribution] = .text(delay.name)
        self[.delayMean] = .real(delay.mean)
        self[.duration] = .real(duration)
        self[.warmup] = .real(scenario.warmup)
        self[.orphanTimeout] = .real(scenario.metrics.orphanTimeout)
        self[.consensus] = .text(scenario.consensus.kindName)
        self[.milestoneInterval] = .real(scenario.consensus.coordinator?.interval ?? .nan)
        self[.network] = .text(scenario.network.modelName)
        self[.nodes] = scenario.network.gossip.map { .integer($0.nodes) } ?? .text("")
        self[.topology] = .text(scenario.network.gossip?.topology.kindName ?? "")
    }
}
