/// The tip-selection strategy of a scenario (`tipSelection`, and a coordinator's own): the
/// configuration, its JSON form (decoding with its checks, and the resolved form written
/// back), and the selector it builds.
///
/// Adding a strategy touches this file (a case, its decoding, its resolved JSON and the line
/// that builds its selector), the strategy's own file (a type conforming to ``TipSelector``),
/// and its test.

/// The tip-selection strategy and its parameters.
public enum TipSelectionConfiguration: Sendable, Equatable {
    /// Uniform random tip selection (URTS): each parent is uniform over the visible tip set.
    case uniform
    /// The Markov-chain Monte Carlo random walk biased by cumulative weight (Popov, "The
    /// Tangle", section 4.1): from x, step to a visible approver y with probability
    /// proportional to exp(-alpha·(H(x) - H(y))); a walk ends at a transaction with no
    /// visible approver.
    case mcmc(alpha: Double, start: WalkStart)

    /// The strategy's name as written in scenarios and in `summary.csv`.
    public var strategyName: String {
        switch self {
        case .uniform: "uniform"
        case .mcmc: "mcmc"
        }
    }

    /// The walk's bias alpha (NaN for strategies without one).
    public var alpha: Double {
        if case .mcmc(let alpha, _) = self { return alpha }
        return .nan
    }

    /// Where walks start (nil for strategies without walks).
    public var walkStart: WalkStart? {
        if case .mcmc(_, let start) = self { return start }
        return nil
    }
}

/// Where an MCMC walk starts.
public enum WalkStart: Sendable, Equatable {
    /// At the genesis: every walk crosses the whole Tangle.
    case genesis
    /// At a transaction issued between `W` and 2`W` seconds ago, uniformly among those
    /// visible; at the genesis while none exists (the whitepaper's recommendation).
    case window(W: Double)
    /// At the milestone `depth` milestones behind the latest one (needs a coordinator).
    case milestone(depth: Int)

    /// The start as written in `summary.csv`: `genesis`, `window:10.0`, `milestone:3`.
    public var label: String {
        switch self {
        case .genesis: "genesis"
        case .window(let w): "window:\(w)"
        case .milestone(let depth): "milestone:\(depth)"
        }
    }
}

// MARK: - Building the selector

/// Receives a tip selector of the configured strategy. Generic over the selector, so that a
/// run is specialised for each strategy (a protocol existential would dispatch every call).
public protocol TipSelectorConsumer {
    associatedtype Result
    /// Takes over `selector` (consumed, so that its state is never shared with a copy).
    func consume<Selector: TipSelector>(_ selector: consuming Selector) -> Result
}

extension TipSelectionConfiguration {
    /// Builds the devices' tip selector for `scenario` and hands it to `consumer`.
    ///
    /// The selector is built in the call and consumed by it: a local kept alive beside the
    /// simulation's copy would share the weights' buffers, and the first update would copy
    /// them (2 GiB for a ring of 131,072 transactions).
    public func withDeviceSelector<Consumer: TipSelectorConsumer>(
        scenario: Scenario, _ consumer: Consumer
    ) -> Consumer.Result {
        switch self {
        case .uniform:
            return consumer.consume(UniformTipSelector())
        case .mcmc(let alpha, .genesis):
            return consumer.consume(
                MCMCTipSelector(alpha: alpha, start: .genesis, weights: PastConeWeights(), warmup: scenario.warmup))
        case .mcmc(let alpha, let start):
            return consumer.consume(
                MCMCTipSelector(
                    alpha: alpha, start: start,
                    weights: WindowedWeights(initialCapacity: Simulation.windowCapacity(of: scenario, start: start)),
                    warmup: scenario.warmup))
        }
    }

    /// The tip selector of a coordinator with this strategy (its own instance, with its own
    /// weights; a milestone a few seconds apart does not need specialising).
    public func coordinatorSelector(scenario: Scenario) -> any TipSelector {
        switch self {
        case .uniform:
            return UniformTipSelector()
        case .mcmc(let alpha, .genesis):
            return MCMCTipSelector(alpha: alpha, start: .genesis, weights: PastConeWeights())
        case .mcmc(let alpha, let start):
            return MCMCTipSelector(
                alpha: alpha, start: start,
                weights: WindowedWeights(initialCapacity: Simulation.windowCapacity(of: scenario, start: start)))
        }
    }
}

// MARK: - JSON

/// The strategies a scenario can name in `tipSelection.strategy`.
private enum _TipSelectionStrategy: String, CaseIterable {
    case uniform, mcmc
}

/// The walk starts a scenario can name in `tipSelection.start.kind`.
private enum _WalkStartKind: String, CaseIterable {
    case genesis, window, milestone
}

extension _Expectation where Value == TipSelectionConfiguration {
    /// The `tipSelection` section: a strategy and its parameters.
    static var tipSelection: Self {
        object(#"an object like {"strategy": "uniform"} or {"strategy": "mcmc", "alpha": 0.01}"#) { reader in
            switch try reader.required("strategy", .oneOf(_TipSelectionStrategy.self)) {
            case .uniform:
                return .uniform
            case .mcmc:
                let alpha = try reader.optional("alpha", .nonNegativeNumber()) ?? 0.01
                let start = try reader.optional("start", .walkStart) ?? .window(W: 10)
                return .mcmc(alpha: alpha, start: start)
            }
        }
    }
}

extension _Expectation where Value == WalkStart {
    /// `tipSelection.start`: where MCMC walks start.
    static var walkStart: Self {
        object(#"an object like {"kind": "window", "W": 10}"#) { reader in
            switch try reader.required("kind", .oneOf(_WalkStartKind.self)) {
            case .genesis:
                return .genesis
            case .window:
                return .window(W: try reader.required("W", .interval))
            case .milestone:
                return .milestone(depth: Int(try reader.required("depth", .positiveInteger)))
            }
        }
    }
}

extension TipSelectionConfiguration {
    /// The `tipSelection` section with every default filled in.
    var _resolvedJSON: JSONValue {
        switch self {
        case .uniform:
            return ["strategy": "uniform"]
        case .mcmc(let alpha, let start):
            let startJSON: JSONValue =
                switch start {
                case .genesis: ["kind": "genesis"]
                case .window(let w): ["kind": "window", "W": .number(w)]
                case .milestone(let depth): ["kind": "milestone", "depth": .integer(Int64(depth))]
                }
            return ["strategy": "mcmc", "alpha": .number(alpha), "start": startJSON]
        }
    }
}
