import Foundation

/// A complete, validated description of one simulation run.
///
/// Scenarios are written as JSON (see `README.md`, "Scenario reference") and decoded strictly by
/// ``Scenario/init(json:file:)``: every default is filled in, so a `Scenario` value is the
/// resolved scenario that `tanglesim validate` prints and `manifest.json` records.
///
/// Times are in simulated seconds, rates in transactions per second.
public struct Scenario: Sendable, Equatable {
    /// A name for the run; also the default output folder `Results/<name>/`.
    /// Letters, digits, `.`, `_` and `-` only.
    public var name: String
    /// Free text: where the scenario comes from and what it should show.
    public var description: String?
    /// The master seed; every random stream is derived from (seed, replication, stream id).
    public var seed: UInt64
    /// Simulated time at which the run stops, in seconds. At least one of `duration` and
    /// `transactions` is set.
    public var duration: Double?
    /// Number of transactions (genesis excluded) after whose issue the run stops.
    public var transactions: Int?
    /// Transactions issued before this time are simulated but not measured (seconds, default 0).
    public var warmup: Double
    /// Classes of virtual IoT devices; each device is a Poisson process of its class's rate.
    public var devices: [DeviceClass]
    /// How transactions travel from their issuer to everyone else.
    public var network: NetworkConfiguration
    /// Shape of the DAG: parents per transaction and the repeated-pick rule.
    public var tangle: TangleConfiguration
    /// How a new transaction chooses the transactions it approves.
    public var tipSelection: TipSelectionConfiguration
    /// What is measured and written.
    public var metrics: MetricsConfiguration
    /// When a transaction counts as confirmed (default: no confirmation rule).
    public var consensus: ConsensusConfiguration
    /// What payloads spend, and how often honest devices double spend (default: never).
    public var payments: PaymentsConfiguration
    /// The attackers, each an issuer of its own (default: none).
    public var adversaries: [AdversaryConfiguration]
    /// Strategies `tanglesim compare` runs side by side on the same arrivals (may be empty).
    public var variants: [ScenarioVariant]
    /// Runs of every variant `tanglesim compare` makes, replications 0 ..< `replications`
    /// (at least 1, at most ``maximumReplications``; default 1). Replication r of every
    /// variant shares its arrivals (common random numbers); replications are independent.
    /// `tanglesim run` runs replication 0, a sweep has `sweep.replications` instead.
    public var replications: Int

    public init(
        name: String,
        description: String? = nil,
        seed: UInt64 = 1,
        duration: Double? = nil,
        transactions: Int? = nil,
        warmup: Double = 0,
        devices: [DeviceClass],
        network: NetworkConfiguration = .delay(.constant(1.0)),
        tangle: TangleConfiguration = TangleConfiguration(),
        tipSelection: TipSelectionConfiguration = .uniform,
        metrics: MetricsConfiguration = MetricsConfiguration(),
        consensus: ConsensusConfiguration = .none,
        payments: PaymentsConfiguration = PaymentsConfiguration(),
        adversaries: [AdversaryConfiguration] = [],
        variants: [ScenarioVariant] = [],
        replications: Int = 1
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.duration = duration
        self.transactions = transactions
        self.warmup = warmup
        self.devices = devices
        self.network = network
        self.tangle = tangle
        self.tipSelection = tipSelection
        self.metrics = metrics
        self.consensus = consensus
        self.payments = payments
        self.adversaries = adversaries
        self.variants = variants
        self.replications = replications
    }

    /// This scenario with a variant's strategy and consensus in place of its own, and no
    /// variants: what `tanglesim compare` runs for `variant`.
    public func applying(_ variant: ScenarioVariant) -> Scenario {
        var scenario = self
        if let tipSelection = variant.tipSelection { scenario.tipSelection = tipSelection }
        if let consensus = variant.consensus { scenario.consensus = consensus }
        if let tangle = variant.tangle { scenario.tangle = tangle }
        scenario.variants = []
        return scenario
    }

    /// The total arrival rate lambda: the sum of every device's mean rate (transactions per
    /// second; ``DeviceClass/meanRate``, the class's `rate` for Poisson devices).
    public var lambda: Double {
        devices.reduce(0) { $0 + Double($1.count) * $1.meanRate }
    }

    /// The number of devices over all classes.
    public var deviceCount: Int {
        devices.reduce(0) { $0 + $1.count }
    }

    /// Parent slots per transaction in the Tangle: k, or more when milestones approve more
    /// parents than devices do. A milestone approves the previous milestone plus
    /// `parents − 1` tips (up to 8 in all) whatever k is, so the slot width is
    /// max(k, milestone parents); devices still approve k.
    public var parentSlots: Int {
        Swift.max(
            tangle.adaptiveParents ? TangleConfiguration.maximumParents : tangle.parents, consensus.coordinator?.parents ?? 0)
    }

    /// The fewest parents any transaction takes from tip-selection walks: k for a device, the
    /// milestone parents minus the previous milestone for the coordinator.
    public var walksPerTransaction: Int {
        guard let coordinator = consensus.coordinator else { return tangle.parents }
        return Swift.max(1, Swift.min(tangle.parents, coordinator.parents - 1))
    }

    /// The shortest span of simulated time a scenario may set as a duration, interval,
    /// timeout or window: 1 µs (1e-6 s).
    public static let shortestInterval = 1e-6

    /// The highest rate a device may have: 1e7 transactions per second.
    public static let highestDeviceRate = 1e7

    /// The most `replications` a scenario may ask for: 10,000,000, a sweep's most runs
    /// (``SweepPlan/maximumRuns``). A comparison runs variants × replications runs, which
    /// its cost estimate also caps at that number.
    public static let maximumReplications = SweepPlan.maximumRuns
}

/// A class of identical devices: `count` devices, each issuing transactions as a Poisson
/// process of `rate` transactions per second unless `arrivals` or `dutyCycle` say otherwise.
public struct DeviceClass: Sendable, Equatable {
    /// How many devices are in the class (at least 1).
    public var count: Int
    /// Transactions per second per device (positive).
    public var rate: Double
    /// Seconds after which a device issues an unconfirmed transaction again (same payload,
    /// new parents), or nil for never. Needs a consensus rule.
    public var reattachAfter: Double?
    /// How the class's devices choose parents: by the scenario's strategy (honest, the
    /// default) or lazily.
    public var behaviour: DeviceBehaviour
    /// The gossip node the class's devices attach to (gossip networks only).
    public var attachment: NodeAttachment
    /// The class's work time (proof of work): seconds between choosing a transaction's
    /// parents (`created`) and broadcasting it (`issued`), drawn per transaction; nil for
    /// none (created = issued). Delay model only.
    public var work: DelayDistribution?
    /// The power a device of the class draws while doing its work, in watts (nil: not
    /// given); a transaction's energy is its work time × power, in joules.
    public var power: Double?
    /// When the class's devices want to issue (`arrivals`; Poisson at `rate` by default).
    public var arrivals: ArrivalKind
    /// When they are awake to issue (`dutyCycle`; nil: always).
    public var dutyCycle: DutyCycle?
    /// The class's name in `classes.csv` and `compare-classes.csv` (`label`; nil:
    /// `devices[i]`).
    public var label: String?

    public init(
        count: Int, rate: Double, reattachAfter: Double? = nil, behaviour: DeviceBehaviour = .honest,
        attachment: NodeAttachment = .roundRobin, work: DelayDistribution? = nil, power: Double? = nil,
        arrivals: ArrivalKind = .poisson, dutyCycle: DutyCycle? = nil, label: String? = nil
    ) {
        self.count = count
        self.rate = rate
        self.reattachAfter = reattachAfter
        self.behaviour = behaviour
        self.attachment = attachment
        self.work = work
        self.power = power
        self.arrivals = arrivals
        self.dutyCycle = dutyCycle
        self.label = label
    }
}

/// How a device class chooses the parents of its transactions (the model's "Adversaries",
/// lazy devices).
public enum DeviceBehaviour: Sendable, Equatable {
    /// By the scenario's tip-selection strategy.
    case honest
    /// A fixed set of k transactions issued about `age` seconds earlier, chosen again every
    /// `age` seconds (seconds, at least 1e-6): the k latest transactions visible to the
    /// issuer among those issued at or before the choice's time − `age`.
    case lazy(age: Double)

    /// The behaviour's name as written in scenarios and in `classes.csv`.
    public var name: String {
        switch self {
        case .honest: "honest"
        case .lazy: "lazy"
        }
    }

    /// The lazy age, for a lazy class.
    public var lazyAge: Double? {
        if case .lazy(let age) = self { return age }
        return nil
    }
}

/// How a transaction reaches the rest of the network.
public enum NetworkConfiguration: Sendable, Equatable {
    /// The whitepaper's model: a transaction becomes visible to every issuer a delay h after
    /// it is issued, h drawn per transaction from the distribution (Popov, "The Tangle", §3).
    case delay(DelayDistribution)
    /// Nodes on a topology gossip each transaction to their neighbours; devices attach to
    /// nodes and see what their node has.
    case gossip(GossipConfiguration)

    /// The model's name as written in scenarios and in `summary.csv`.
    public var modelName: String {
        switch self {
        case .delay: "delay"
        case .gossip: "gossip"
        }
    }

    /// The gossip settings, for a gossip network.
    public var gossip: GossipConfiguration? {
        if case .gossip(let configuration) = self { return configuration }
        return nil
    }
}

/// A gossip network: nodes, who peers with whom, and how long messages take.
public struct GossipConfiguration: Sendable, Equatable {
    /// How many nodes (1 or more).
    public var nodes: Int
    /// Who peers with whom.
    public var topology: TopologyConfiguration
    /// The latency of a message over one link, in seconds.
    public var linkLatency: DelayDistribution
    /// Whether a link's latency is drawn once (per link) or for every message.
    public var linkLatencySampling: LatencySampling
    /// The time a node takes before forwarding a transaction it received, in seconds.
    public var processingDelay: DelayDistribution
    /// The probability that a gossip message (one transaction over one directed link) is
    /// lost, independently of every other; 0 (the default) sends no requests and draws
    /// nothing, exactly the lossless gossip.
    public var loss: Double
    /// Seconds a node waits, after receiving a transaction, before requesting a parent it
    /// still does not see (only with faults: `loss` above 0, partitions or churn); default
    /// ``defaultRequestDelay``.
    public var requestDelay: Double
    /// Intervals during which the network is split in two sides that cannot reach each
    /// other, in increasing time order, not overlapping (empty: never; see
    /// ``PartitionSchedule``).
    public var partitions: [GossipPartition]
    /// Nodes going offline and coming back (nil: never; see ``ChurnSchedule``).
    public var churn: GossipChurn?

    /// The default ``requestDelay``: 0.5 s, a few hops of the shipped networks (median link
    /// latency 50 ms), so a parent merely late is rarely requested.
    public static let defaultRequestDelay = 0.5

    public init(
        nodes: Int, topology: TopologyConfiguration, linkLatency: DelayDistribution,
        linkLatencySampling: LatencySampling = .perLink, processingDelay: DelayDistribution = .constant(0),
        loss: Double = 0, requestDelay: Double = GossipConfiguration.defaultRequestDelay,
        partitions: [GossipPartition] = [], churn: GossipChurn? = nil
    ) {
        self.nodes = nodes
        self.topology = topology
        self.linkLatency = linkLatency
        self.linkLatencySampling = linkLatencySampling
        self.processingDelay = processingDelay
        self.loss = loss
        self.requestDelay = requestDelay
        self.partitions = partitions
        self.churn = churn
    }

    /// Whether the network has faults (message loss, partitions or churn), which add per-node
    /// bookkeeping, requests and the fault columns of `summary.csv`.
    public var hasFaults: Bool { loss > 0 || !partitions.isEmpty || churn != nil }

    /// Whether a message over a link always takes the same time (per-link latencies and a
    /// constant processing delay) on a network of at most 4,096 nodes: then the N² shortest
    /// paths are kept, as a table (``keepsShortestPathTable``) or as trees to repair
    /// (``repairsShortestPathTrees``). `GossipNetwork` and the memory estimate both read these.
    var hasFixedPaths: Bool {
        guard linkLatencySampling == .perLink, case .constant = processingDelay else { return false }
        return nodes <= 4_096
    }

    /// Whether every arrival is read from a table of all-pairs distances: fixed paths, no faults.
    var keepsShortestPathTable: Bool { hasFixedPaths && !hasFaults }

    /// Whether each origin's lossless shortest-path tree is kept and repaired where messages
    /// are lost: fixed paths, loss, no churn.
    var repairsShortestPathTrees: Bool { hasFixedPaths && loss > 0 && churn == nil }
}

/// Who peers with whom in a gossip network.
public enum TopologyConfiguration: Sendable, Equatable {
    /// Every node peers with every other.
    case fullMesh
    /// Every node has `degree` peers, uniformly at random (configuration model).
    case randomRegular(degree: Int)
    /// A ring where each node peers with its `degree` nearest, each link rewired with
    /// probability `rewire` (Watts and Strogatz 1998).
    case wattsStrogatz(degree: Int, rewire: Double)
    /// Preferential attachment: each new node peers with `attach` existing ones, chosen in
    /// proportion to their degree (Barabási and Albert 1999).
    case barabasiAlbert(attach: Int)
    /// The links listed, as pairs of node indices.
    case edges([[Int]])

    /// The topology's name as written in scenarios and in `summary.csv`.
    public var kindName: String {
        switch self {
        case .fullMesh: "fullMesh"
        case .randomRegular: "randomRegular"
        case .wattsStrogatz: "wattsStrogatz"
        case .barabasiAlbert: "barabasiAlbert"
        case .edges: "edges"
        }
    }
}

/// When link latencies are drawn.
public enum LatencySampling: String, Sendable, Equatable, CaseIterable {
    /// Once per link, when the network is built.
    case perLink
    /// For every message.
    case perMessage
}

/// Which gossip node a device class's devices attach to.
public enum NodeAttachment: Sendable, Equatable {
    /// Device i of the scenario (counting across classes) attaches to node i mod nodes.
    case roundRobin
    /// Each device attaches to a node drawn uniformly at random (its own stream).
    case random
    /// Every device of the class attaches to this node.
    case node(Int)
}

/// A distribution of non-negative delays, in seconds. Sampled with GSL.
public enum DelayDistribution: Sendable, Equatable {
    /// Always `value` (>= 0). Draws no random number.
    case constant(Double)
    /// Uniform on [min, max], 0 <= min <= max.
    case uniform(min: Double, max: Double)
    /// Exponential with the given mean (> 0).
    case exponential(mean: Double)
    /// exp(N(mu, sigma^2)); sigma > 0.
    case lognormal(mu: Double, sigma: Double)
    /// Gamma with shape k > 0 and scale theta > 0 (mean k·theta).
    case gamma(shape: Double, scale: Double)

    /// The largest mean a scenario may give a delay, in seconds (about four months).
    public static let maximumMean = 1e7

    /// The distribution's mean, in seconds.
    public var mean: Double {
        switch self {
        case .constant(let value): value
        case .uniform(let min, let max): (min + max) / 2
        case .exponential(let mean): mean
        case .lognormal(let mu, let sigma): Foundation.exp(mu + sigma * sigma / 2)
        case .gamma(let shape, let scale): shape * scale
        }
    }
}

/// Shape of the DAG.
public struct TangleConfiguration: Sendable, Equatable {
    /// Parents each new transaction approves, k in 1...8 (default 2); with
    /// `adaptiveParents`, the base K.
    public var parents: Int
    /// What happens when tip selection picks the same transaction twice.
    public var repeatedPicks: RepeatedPicks
    /// Whether a device approves more parents when it sees too many tips (res-sim-tangle's
    /// response to tip spam, `increaseK` in its `tsa.go`): see ``parents(seeing:lambda:delay:)``.
    public var adaptiveParents: Bool

    public init(parents: Int = 2, repeatedPicks: RepeatedPicks = .distinct, adaptiveParents: Bool = false) {
        self.parents = parents
        self.repeatedPicks = repeatedPicks
        self.adaptiveParents = adaptiveParents
    }

    /// The largest number of parents a transaction may have.
    public static let maximumParents = 8

    /// k for a device that sees `tips` tips: K, or with `adaptiveParents`, once `tips` exceeds
    /// L0 = 2·lambda·h (URTS's stationary tip count), K + ⌊3·((tips − L0)/L0)²⌋, at most
    /// ``maximumParents`` (res-sim-tangle: acceptableNumberTips = 2·lambda with h = 1,
    /// responseKIncrease = 3; its cap is 20).
    public func parents(seeing tips: Int, lambda: Double, delay h: Double) -> Int {
        let stationary = 2 * lambda * h
        guard adaptiveParents, Double(tips) > stationary else { return parents }
        let excess = (Double(tips) - stationary) / stationary
        return Int(Swift.min(Double(Self.maximumParents), Double(parents) + (3 * excess * excess).rounded(.down)))
    }
}

/// The rule for a tip picked more than once by one transaction (see the model notes).
public enum RepeatedPicks: String, Sendable, Equatable, CaseIterable {
    /// Draw again until k different transactions are chosen, or take every candidate when
    /// fewer than k exist.
    case distinct
    /// A repeated pick becomes one edge: the transaction approves fewer than k parents.
    case collapse
}

/// What is measured and written.
public struct MetricsConfiguration: Sendable, Equatable {
    /// A transaction with no approver within this many seconds of its issue is left behind
    /// (default 60). Transactions younger than this at the end are censored.
    public var orphanTimeout: Double
    /// Simulated seconds between rows of `timeseries.csv` (default 1).
    public var sampleInterval: Double
    /// Whether to write `transactions.csv`, one row per transaction (default false).
    public var transactionLog: Bool
    /// Walk analyses (`walks.csv`): every `every` seconds, `walks` walks from one start
    /// (nil: none).
    public var walkAnalysis: WalkAnalysisConfiguration?
    /// How many values of each summary statistic (first-approval and propagation times)
    /// are kept for exact quantiles (8 bytes each); beyond, the statistic's quantiles come
    /// from an HdrHistogram with 3 significant digits (``QuantileSample``), and the
    /// manifest says so. Default ``defaultExactQuantiles``.
    public var exactQuantiles: Int

    /// 2^24 values (128 MiB) per statistic: a run of up to 16.7 million measured
    /// transactions has exact quantiles.
    public static let defaultExactQuantiles = 1 << 24

    public init(
        orphanTimeout: Double = 60, sampleInterval: Double = 1, transactionLog: Bool = false,
        walkAnalysis: WalkAnalysisConfiguration? = nil, exactQuantiles: Int = defaultExactQuantiles
    ) {
        self.orphanTimeout = orphanTimeout
        self.sampleInterval = sampleInterval
        self.transactionLog = transactionLog
        self.walkAnalysis = walkAnalysis
        self.exactQuantiles = exactQuantiles
    }
}

/// `metrics.walkAnalysis`: the exit distribution of many walks from one start, sampled.
public struct WalkAnalysisConfiguration: Sendable, Equatable {
    /// Seconds between analyses, the first at `every`.
    public var every: Double
    /// Walks an analysis.
    public var walks: Int

    public init(every: Double = 10, walks: Int = 1_000) {
        self.every = every
        self.walks = walks
    }
}

/// Payments (the model's "Payments and conflicts"): every payload spends an output; a
/// fresh one unless it double spends.
public struct PaymentsConfiguration: Sendable, Equatable {
    /// The probability that a new device payload spends again the output its device spent
    /// most recently (an accidental double spend), 0...1 (default 0).
    public var doubleSpendRate: Double

    public init(doubleSpendRate: Double = 0) {
        self.doubleSpendRate = doubleSpendRate
    }

}

/// One strategy of a comparison: a label and the sections it replaces.
public struct ScenarioVariant: Sendable, Equatable {
    /// The name shown in the comparison table and `compare.csv`.
    public var label: String
    /// The tip selection of this variant (the scenario's own when nil).
    public var tipSelection: TipSelectionConfiguration?
    /// The consensus rule of this variant (the scenario's own when nil).
    public var consensus: ConsensusConfiguration?
    /// The parents and repeated-pick rule of this variant (the scenario's own when nil): a
    /// strategy that needs k >= 3 (G-IOTA), or adaptive parents, beside the others.
    public var tangle: TangleConfiguration?

    public init(
        label: String, tipSelection: TipSelectionConfiguration? = nil, consensus: ConsensusConfiguration? = nil,
        tangle: TangleConfiguration? = nil
    ) {
        self.label = label
        self.tipSelection = tipSelection
        self.consensus = consensus
        self.tangle = tangle
    }
}

extension Scenario {
    /// Whether conflicts can arise (honest double spends, or an attack that creates a
    /// conflict): when they cannot, no conflict state is kept at all.
    public var hasConflicts: Bool {
        payments.doubleSpendRate > 0 || adversaries.contains { $0.attack.createsConflict }
    }

    /// Whether some device class does work (proof of work): then transactions record their
    /// creation time apart from their broadcast, and the work columns are written.
    public var hasWork: Bool {
        devices.contains { $0.work != nil }
    }

    /// Whether a device's transaction can be issued later than it was wanted: some device
    /// class has a duty cycle, or gossip nodes churn (an offline node holds its devices'
    /// transactions). Then transactions record when they were wanted (latencies count from
    /// it), and `transactions.csv` has a `wanted` column.
    public var recordsWantedTimes: Bool {
        devices.contains { $0.dutyCycle != nil } || network.gossip?.churn != nil
    }
}
