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
    /// visible approver. Alpha = infinity is the heaviest path (GHOST; res-sim-tangle's
    /// reference line): always the heaviest approver, ties uniformly at random.
    ///
    /// From the genesis with 0 < alpha < infinity, walks skip the closed past
    /// (``GenesisWalkShortcut``: exact within total variation 1e-9 per walk) unless
    /// `exactSteps` (JSON `"exactSteps": true`) asks for the step-by-step walk.
    case mcmc(alpha: Double, start: WalkStart, exactSteps: Bool = false)
    /// Restricted URTS (IOTA 2.0's R-URTS; res-sim-tangle's restricted uniform): uniform over
    /// the visible tips issued within the last `maxAge` seconds, or over every visible tip
    /// when none is that young.
    case restrictedUniform(maxAge: Double)
    /// E-IOTA (Bu et al., "Metamorphic IOTA", 2019): MCMC walks whose alpha is drawn at
    /// random — 0 with probability p1, `alphaLow` with probability p2 − p1, `alphaHigh`
    /// otherwise.
    case eiota(AlphaMixture, start: WalkStart)
    /// G-IOTA (Bu et al. 2019): k − 1 parents by the alpha walk, plus the tip with the lowest
    /// confirmation confidence over `walks` walks (``GIOTATipSelector``); k >= 3.
    case giota(alpha: Double, start: WalkStart, walks: Int)
    /// Almost-URTS (Popov, "(Almost) URTS on a subset"): tips drawn with probability
    /// proportional to their non-lazy approvals, 0 for tips that fail a timestamp or
    /// below-max-depth check (``AlmostUniformTipSelector``).
    case almostUniform(maxDelay: Double, nonLazyWindow: Double, maxDepth: Double)
    /// A strategy per parent (Ferraro, King, Shorten 2020): the j-th parent chosen by the
    /// j-th strategy (``PerParentTipSelector``); none of them is itself `perParent`.
    case perParent([TipSelectionConfiguration])
    /// Heaviest pair selection (res-sim-tangle's HPS): the two visible tips whose combined
    /// past cone is largest, ties uniformly at random (``HeaviestPairTipSelector``); k = 2,
    /// delay model.
    case heaviestPair

    /// The strategy's name as written in scenarios and in `summary.csv`.
    public var strategyName: String {
        switch self {
        case .uniform: "uniform"
        case .mcmc: "mcmc"
        case .restrictedUniform: "restrictedUniform"
        case .eiota: "eiota"
        case .perParent: "perParent"
        case .almostUniform: "almostUniform"
        case .giota: "giota"
        case .heaviestPair: "heaviestPair"
        }
    }

    /// The walk's bias alpha (NaN for strategies without one fixed alpha).
    public var alpha: Double {
        switch self {
        case .mcmc(let alpha, _, _), .giota(let alpha, _, _): alpha
        default: .nan
        }
    }

    /// Where walks start (nil for strategies without walks; a strategy per parent's first
    /// walking parent's).
    public var walkStart: WalkStart? {
        switch self {
        case .mcmc(_, let start, _), .eiota(_, let start), .giota(_, let start, _): start
        case .uniform, .restrictedUniform, .almostUniform, .heaviestPair: nil
        case .perParent(let parts): parts.lazy.compactMap(\.walkStart).first
        }
    }

    /// Whether the strategy chooses parents by walks (which end where they can, so that
    /// their ends need not be tips everywhere).
    public var walks: Bool { walkStart != nil }

    /// Whether the strategy (or one of a strategy per parent's) reads reception times, which
    /// only the delay model keeps one of per transaction (almost-URTS).
    public var usesReceptionTimes: Bool {
        switch self {
        case .almostUniform: true
        case .perParent(let parts): parts.contains(where: \.usesReceptionTimes)
        default: false
        }
    }

    /// The largest alpha the strategy's walks use (NaN without walks): what the memory
    /// estimate assumes about transactions left behind.
    public var largestAlpha: Double {
        switch self {
        case .mcmc(let alpha, _, _), .giota(let alpha, _, _): alpha
        case .eiota(let mixture, _): Swift.max(mixture.alphaLow, mixture.alphaHigh)
        case .uniform, .restrictedUniform, .almostUniform, .heaviestPair: .nan
        case .perParent(let parts): parts.map(\.largestAlpha).filter { !$0.isNaN }.max() ?? .nan
        }
    }
}

/// E-IOTA's law of a walk's alpha (Bu, Gürcan, Potop-Butucaru, "Metamorphic IOTA", 2019):
/// 0 with probability `p1`, `alphaLow` with probability `p2 − p1`, `alphaHigh` with
/// probability `1 − p2`.
///
/// The defaults are those of T-amairi's OMNeT++ reproduction of E-IOTA (`NodeModule.ned`:
/// p1 = 0.1, p2 = 0.65, lowAlpha = 0.1, highAlpha = 5.0). That code draws one alpha per
/// tip selection (every walk of a transaction shares it); `perWalk` (the default here, as
/// the issue asking for E-IOTA defines it) draws one for each walk instead.
public struct AlphaMixture: Sendable, Equatable {
    public var p1: Double
    public var p2: Double
    public var alphaLow: Double
    public var alphaHigh: Double
    /// Whether each walk draws its own alpha (true) or every walk of one selection shares
    /// one draw (false).
    public var perWalk: Bool

    public init(p1: Double = 0.1, p2: Double = 0.65, alphaLow: Double = 0.1, alphaHigh: Double = 5.0, perWalk: Bool = true) {
        self.p1 = p1
        self.p2 = p2
        self.alphaLow = alphaLow
        self.alphaHigh = alphaHigh
        self.perWalk = perWalk
    }

    /// An alpha drawn from the law, with one uniform draw of `rng`.
    @inlinable
    public func draw(_ rng: RandomStream) -> Double {
        let r = rng.uniform()
        return r < p1 ? 0 : r < p2 ? alphaLow : alphaHigh
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
    /// CLIRI's entry point: from a tip drawn uniformly among those visible, step back to a
    /// parent drawn uniformly among its parents until reaching a transaction whose cumulative
    /// weight is at least `weight`, or the genesis; at least one step is made.
    ///
    /// Source: the IRI's `EntryPointSelectorCumulativeWeightThreshold` (the CLIRI branch):
    /// from a random solid tip it steps to the trunk while the weight is below the
    /// threshold. TangleSim steps to a random parent instead: a device's k picks are
    /// exchangeable, so its first parent is, in law, a random one.
    case backtrack(weight: Int)

    /// The start as written in `summary.csv`: `genesis`, `window:10.0`, `milestone:3`.
    public var label: String {
        switch self {
        case .genesis: "genesis"
        case .window(let w): "window:\(w)"
        case .milestone(let depth): "milestone:\(depth)"
        case .backtrack(let weight): "backtrack:\(weight)"
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
        case .restrictedUniform(let maxAge):
            return consumer.consume(RestrictedUniformTipSelector(maxAge: maxAge))
        case .almostUniform(let maxDelay, let nonLazyWindow, let maxDepth):
            return consumer.consume(AlmostUniformTipSelector(maxDelay: maxDelay, nonLazyWindow: nonLazyWindow, maxDepth: maxDepth))
        case .mcmc, .eiota:
            if walkStart == .genesis { return consumer.consume(_walker(PastConeWeights(), warmup: scenario.warmup, walksPerTransaction: scenario.walksPerTransaction)) }
            return consumer.consume(_walker(_windowedWeights(scenario), warmup: scenario.warmup))
        case .giota(_, _, let walks):
            if walkStart == .genesis {
                return consumer.consume(GIOTATipSelector(walker: _walker(PastConeWeights(), warmup: scenario.warmup), confidenceWalks: walks))
            }
            return consumer.consume(
                GIOTATipSelector(walker: _walker(_windowedWeights(scenario), warmup: scenario.warmup), confidenceWalks: walks))
        case .perParent(let parts):
            return consumer.consume(PerParentTipSelector(parts: parts.map { $0.anySelector(scenario: scenario, warmup: scenario.warmup, walksPerTransaction: 1) }))
        case .heaviestPair:
            return consumer.consume(HeaviestPairTipSelector())
        }
    }

    /// The tip selector of a coordinator with this strategy (its own instance, with its own
    /// weights; a milestone a few seconds apart does not need specialising).
    public func coordinatorSelector(scenario: Scenario) -> any TipSelector {
        anySelector(scenario: scenario, warmup: 0, walksPerTransaction: scenario.walksPerTransaction)
    }

    /// A selector of this strategy as an existential: a coordinator's, or one parent's of a
    /// strategy per parent (walks issued before `warmup` are not measured).
    /// `walksPerTransaction`: how many of each transaction's parents come from walks of this
    /// selector's law (a genesis walk shortcut prunes tips harder the more there are).
    func anySelector(scenario: Scenario, warmup: Double, walksPerTransaction: Int) -> any TipSelector {
        switch self {
        case .uniform:
            return UniformTipSelector()
        case .restrictedUniform(let maxAge):
            return RestrictedUniformTipSelector(maxAge: maxAge)
        case .almostUniform(let maxDelay, let nonLazyWindow, let maxDepth):
            return AlmostUniformTipSelector(maxDelay: maxDelay, nonLazyWindow: nonLazyWindow, maxDepth: maxDepth)
        case .mcmc, .eiota:
            if walkStart == .genesis { return _walker(PastConeWeights(), warmup: warmup, walksPerTransaction: walksPerTransaction) }
            return _walker(_windowedWeights(scenario), warmup: warmup)
        case .giota(_, _, let walks):
            if walkStart == .genesis { return GIOTATipSelector(walker: _walker(PastConeWeights(), warmup: warmup), confidenceWalks: walks) }
            return GIOTATipSelector(walker: _walker(_windowedWeights(scenario), warmup: warmup), confidenceWalks: walks)
        case .perParent(let parts):
            return PerParentTipSelector(parts: parts.map { $0.anySelector(scenario: scenario, warmup: warmup, walksPerTransaction: 1) })
        case .heaviestPair:
            return HeaviestPairTipSelector()
        }
    }

    /// The walk selector of `.mcmc` or `.eiota` over `weights` (`walksPerTransaction`: see
    /// ``GenesisWalkShortcut/pruneExponent(walksPerTransaction:)``).
    func _walker<Weights: CumulativeWeights>(_ weights: Weights, warmup: Double = 0, walksPerTransaction: Int = 1) -> MCMCTipSelector<Weights> {
        switch self {
        case .mcmc(let alpha, let start, let exactSteps):
            MCMCTipSelector(
                alpha: alpha, start: start, weights: weights, warmup: warmup, shortcut: !exactSteps, walksPerTransaction: walksPerTransaction)
        case .giota(let alpha, let start, _):
            MCMCTipSelector(alpha: alpha, start: start, weights: weights, warmup: warmup)
        case .eiota(let mixture, let start):
            MCMCTipSelector(mixture: mixture, start: start, weights: weights, warmup: warmup)
        case .uniform, .restrictedUniform, .almostUniform, .perParent, .heaviestPair:
            preconditionFailure("only walks have a walker")
        }
    }

    /// Windowed weights sized for this strategy's walk start in `scenario`.
    func _windowedWeights(_ scenario: Scenario) -> WindowedWeights {
        WindowedWeights(initialCapacity: Simulation.windowCapacity(of: scenario, start: walkStart!))
    }
}

// MARK: - JSON

/// The strategies a scenario can name in `tipSelection.strategy`.
private enum _TipSelectionStrategy: String, CaseIterable {
    case uniform, mcmc, restrictedUniform, eiota, perParent, almostUniform, giota, heaviestPair
}

/// `tipSelection.alphaPer`: whether E-IOTA draws an alpha per walk or per selection.
private enum _AlphaDraw: String, CaseIterable {
    case walk, selection
}

/// The walk starts a scenario can name in `tipSelection.start.kind`.
private enum _WalkStartKind: String, CaseIterable {
    case genesis, window, milestone, backtrack
}

extension _Expectation where Value == TipSelectionConfiguration {
    /// The `tipSelection` section: a strategy and its parameters.
    static var tipSelection: Self { _tipSelection(nested: false) }

    /// A strategy; one of a strategy per parent's (`nested`) may not itself be `perParent`.
    static func _tipSelection(nested: Bool) -> Self {
        object(#"an object like {"strategy": "uniform"} or {"strategy": "mcmc", "alpha": 0.01}"#) { reader in
            switch try reader.required("strategy", .oneOf(_TipSelectionStrategy.self)) {
            case .uniform:
                return .uniform
            case .mcmc:
                let alpha = try reader.optional("alpha", .walkAlpha) ?? 0.01
                let start = try reader.optional("start", .walkStart) ?? .window(W: 10)
                let exactSteps = try reader.optional("exactSteps", .bool) ?? false
                return .mcmc(alpha: alpha, start: start, exactSteps: exactSteps)
            case .restrictedUniform:
                return .restrictedUniform(maxAge: try reader.required("maxAge", .interval))
            case .eiota:
                let defaults = AlphaMixture()
                let p1 = try reader.optional("p1", .probability) ?? defaults.p1
                let p2 = try reader.optional("p2", .probability) ?? defaults.p2
                guard p1 <= p2 else {
                    let field = reader.member("p2") ?? reader.member("p1") ?? reader.field
                    throw field.failure("expected p1 <= p2 (alpha is 0 below p1, alphaLow below p2), got p1 = \(p1) and p2 = \(p2)")
                }
                let mixture = AlphaMixture(
                    p1: p1, p2: p2,
                    alphaLow: try reader.optional("alphaLow", .nonNegativeFiniteNumber) ?? defaults.alphaLow,
                    alphaHigh: try reader.optional("alphaHigh", .nonNegativeFiniteNumber) ?? defaults.alphaHigh,
                    perWalk: (try reader.optional("alphaPer", .oneOf(_AlphaDraw.self)) ?? .walk) == .walk)
                let start = try reader.optional("start", .walkStart) ?? .window(W: 10)
                return .eiota(mixture, start: start)
            case .giota:
                return .giota(
                    alpha: try reader.optional("alpha", .walkAlpha) ?? 0.01,
                    start: try reader.optional("start", .walkStart) ?? .window(W: 10),
                    walks: Int(try reader.optional("walks", .integer(from: 1, to: 100_000)) ?? 100))
            case .almostUniform:
                return .almostUniform(
                    maxDelay: try reader.required("maxDelay", .nonNegativeNumber(of: "seconds")),
                    nonLazyWindow: try reader.required("nonLazyWindow", .nonNegativeNumber(of: "seconds")),
                    maxDepth: try reader.required("maxDepth", .nonNegativeNumber(of: "seconds")))
            case .heaviestPair:
                if nested {
                    throw reader.field.failure("heaviest pair selection chooses both parents at once: it cannot be one parent's strategy")
                }
                return .heaviestPair
            case .perParent:
                if nested {
                    throw reader.field.failure("a strategy per parent lists plain strategies, not another perParent")
                }
                let parts = try reader.required("parents", .perParentList)
                guard (1...TangleConfiguration.maximumParents).contains(parts.count) else {
                    throw (reader.member("parents") ?? reader.field).failure(
                        "expected 1 to \(TangleConfiguration.maximumParents) strategies (one per parent), got \(parts.count)")
                }
                let depths = Set(parts.compactMap { $0.walkStart?.milestoneDepth }.filter { $0 > 0 })
                guard depths.count <= 1 else {
                    throw (reader.member("parents") ?? reader.field).failure("walks that start at a milestone must share one depth here, got \(depths.sorted())")
                }
                return .perParent(parts)
            }
        }
    }
}

extension _Expectation where Value == [TipSelectionConfiguration] {
    /// `tipSelection.parents` of a strategy per parent: one plain strategy per parent.
    static var perParentList: Self {
        let description = #"a list of strategies, one per parent, like [{"strategy": "mcmc", "alpha": 0.5}, {"strategy": "uniform"}]"#
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            return try elements.map { try $0.decode(._tipSelection(nested: true)) }
        }
    }
}

extension _Expectation where Value == Double {
    /// A walk's alpha: a non-negative number, or `"infinity"` for the heaviest path.
    static var walkAlpha: Self {
        let description = #"a non-negative number or "infinity""#
        return Self(description) { field in
            if case .string("infinity") = field.value { return .infinity }
            guard let value = field.value.numberValue, value >= 0, value.isFinite else {
                throw field.mismatch(expected: description)
            }
            return value
        }
    }

    /// A finite number >= 0.
    static var nonNegativeFiniteNumber: Self {
        number("a non-negative number") { $0 >= 0 && $0.isFinite }
    }

    /// A probability: a number from 0 to 1.
    static var probability: Self {
        number("a number from 0 to 1") { $0 >= 0 && $0 <= 1 }
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
            case .backtrack:
                return .backtrack(weight: Int(try reader.required("weight", .integer(in: 1...Int64(Int32.max), "a positive integer"))))
            }
        }
    }
}

extension TipSelectionConfiguration {
    /// The `tipSelection` section with every default filled in.
    var _resolvedJSON: JSONValue {
        func startJSON(_ start: WalkStart) -> JSONValue {
            switch start {
            case .genesis: ["kind": "genesis"]
            case .window(let w): ["kind": "window", "W": .number(w)]
            case .milestone(let depth): ["kind": "milestone", "depth": .integer(Int64(depth))]
            case .backtrack(let weight): ["kind": "backtrack", "weight": .integer(Int64(weight))]
            }
        }
        switch self {
        case .uniform:
            return ["strategy": "uniform"]
        case .mcmc(let alpha, let start, let exactSteps):
            let alphaJSON: JSONValue = alpha.isFinite ? .number(alpha) : "infinity"
            // Written only when set, so that scenarios without it resolve as before.
            guard exactSteps else { return ["strategy": "mcmc", "alpha": alphaJSON, "start": startJSON(start)] }
            return ["strategy": "mcmc", "alpha": alphaJSON, "start": startJSON(start), "exactSteps": .bool(true)]
        case .restrictedUniform(let maxAge):
            return ["strategy": "restrictedUniform", "maxAge": .number(maxAge)]
        case .eiota(let mixture, let start):
            return [
                "strategy": "eiota", "p1": .number(mixture.p1), "p2": .number(mixture.p2),
                "alphaLow": .number(mixture.alphaLow), "alphaHigh": .number(mixture.alphaHigh),
                "alphaPer": mixture.perWalk ? "walk" : "selection", "start": startJSON(start),
            ]
        case .perParent(let parts):
            return ["strategy": "perParent", "parents": .array(parts.map(\._resolvedJSON))]
        case .giota(let alpha, let start, let walks):
            return [
                "strategy": "giota", "alpha": alpha.isFinite ? .number(alpha) : "infinity", "start": startJSON(start),
                "walks": .integer(Int64(walks)),
            ]
        case .heaviestPair:
            return ["strategy": "heaviestPair"]
        case .almostUniform(let maxDelay, let nonLazyWindow, let maxDepth):
            return [
                "strategy": "almostUniform", "maxDelay": .number(maxDelay), "nonLazyWindow": .number(nonLazyWindow),
                "maxDepth": .number(maxDepth),
            ]
        }
    }
}
