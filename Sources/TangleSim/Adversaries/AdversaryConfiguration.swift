/// The adversaries of a scenario (`adversaries`, a list): what each attacks, when and how
/// fast — the configuration and its JSON form (decoding with its checks, and the resolved
/// form written back). The attacks themselves are issuers (``AdversaryIssuer``), defined by
/// the model's "Adversaries" section (Popov, "The Tangle", section 4).

/// One adversary.
public struct AdversaryConfiguration: Sendable, Equatable {
    /// The attack and its own settings.
    public var attack: Attack
    /// When the attack begins (s, at least 0).
    public var start: Double
    /// The attacker's transactions per second (a Poisson process from its own stream).
    public var rate: Double
    /// The gossip node the attacker issues from, sees from and broadcasts from (gossip
    /// networks only; 0 by default).
    public var node: Int

    public init(attack: Attack, start: Double = 0, rate: Double, node: Int = 0) {
        self.attack = attack
        self.start = start
        self.rate = rate
        self.node = node
    }

    /// The attacks of the model's "Adversaries" section.
    public enum Attack: Sendable, Equatable {
        /// Large-weight double spend: broadcast a payment P, build a withheld branch on its
        /// double spend P' at `rate`, release it when the merchant accepts P (P's cumulative
        /// weight reaches `acceptWeight`, or P is confirmed by the rule in force when
        /// `acceptWeight` is nil) or after `releaseAfter` seconds, and keep issuing on it for
        /// `persist` seconds.
        case doubleSpend(acceptWeight: Int?, releaseAfter: Double, persist: Double)
        /// A withheld chain from a transaction issued `depth` seconds before the start, P' its
        /// first element, released after `releaseAfter` seconds with `tips` extra tips on its
        /// head.
        case parasiteChain(depth: Double, releaseAfter: Double, tips: Int)
        /// Two conflicting transactions at the start, then issues onto the lighter branch.
        case splitting
        /// Transactions that approve only the genesis or one transaction `age` seconds old.
        case tipInflation(target: TipInflationTarget)

        /// The attack's name as written in scenarios and in `attacks.csv` and `classes.csv`.
        public var kindName: String {
            switch self {
            case .doubleSpend: "doubleSpend"
            case .parasiteChain: "parasiteChain"
            case .splitting: "splitting"
            case .tipInflation: "tipInflation"
            }
        }

        /// Whether the attack creates a conflict (so the run keeps a ``ConflictLedger``).
        public var createsConflict: Bool {
            if case .tipInflation = self { return false }
            return true
        }

        /// Whether the attacker withholds transactions (issued, but seen by nobody else until
        /// released).
        public var withholds: Bool {
            switch self {
            case .doubleSpend, .parasiteChain: true
            case .splitting, .tipInflation: false
            }
        }
    }

    /// What a tip-inflation attacker's transactions approve.
    public enum TipInflationTarget: Sendable, Equatable {
        /// The genesis.
        case genesis
        /// The latest transaction issued at least `age` seconds before.
        case age(Double)
    }

    /// The defaults of the optional settings.
    public static let defaultReleaseAfter = 60.0
    public static let defaultPersist = 60.0
    public static let defaultDepth = 30.0
    public static let defaultTips = 10
}

// MARK: - JSON

/// The attacks a scenario can name in `adversaries[i].kind`.
private enum _AttackKind: String, CaseIterable {
    case doubleSpend, parasiteChain, splitting, tipInflation
}

extension _Expectation where Value == [AdversaryConfiguration] {
    /// The `adversaries` list.
    static var adversaries: Self {
        let description = #"a list of adversaries like {"kind": "doubleSpend", "start": 300, "rate": 60}"#
        return Self(description) { field in
            guard let elements = field.elements else { throw field.mismatch(expected: description) }
            return try elements.map { try $0.decode(.adversary) }
        }
    }
}

extension _Expectation where Value == AdversaryConfiguration {
    /// One adversary: its kind, start, rate and the kind's settings.
    static var adversary: Self {
        object(#"an adversary like {"kind": "tipInflation", "start": 0, "rate": 25, "target": "genesis"}"#) { reader in
            let kind = try reader.required("kind", .oneOf(_AttackKind.self))
            let start = try reader.optional("start", .nonNegativeNumber(of: "seconds")) ?? 0
            let rate = try reader.required(
                "rate",
                .number("a positive number of transactions per second, at most 1e7") {
                    $0 > 0 && $0 <= Scenario.highestDeviceRate
                })
            let attack: AdversaryConfiguration.Attack
            switch kind {
            case .doubleSpend:
                attack = .doubleSpend(
                    acceptWeight: try reader.optional(
                        "acceptWeight", .integer(in: 2...Int64(Int32.max), "an integer of at least 2")
                    ).map { Int($0) },
                    releaseAfter: try reader.optional("releaseAfter", .interval) ?? AdversaryConfiguration.defaultReleaseAfter,
                    persist: try reader.optional("persist", .nonNegativeNumber(of: "seconds"))
                        ?? AdversaryConfiguration.defaultPersist)
            case .parasiteChain:
                attack = .parasiteChain(
                    depth: try reader.optional("depth", .nonNegativeNumber(of: "seconds")) ?? AdversaryConfiguration.defaultDepth,
                    releaseAfter: try reader.optional("releaseAfter", .interval) ?? AdversaryConfiguration.defaultReleaseAfter,
                    tips: Int(try reader.optional("tips", .integer(from: 0, to: 1_000_000)) ?? Int64(AdversaryConfiguration.defaultTips)))
            case .splitting:
                attack = .splitting
            case .tipInflation:
                attack = .tipInflation(target: try reader.optional("target", .tipInflationTarget) ?? .genesis)
            }
            let node = Int(try reader.optional("node", .integer(from: 0, to: 99_999)) ?? 0)
            return AdversaryConfiguration(attack: attack, start: start, rate: rate, node: node)
        }
    }
}

extension _Expectation where Value == AdversaryConfiguration.TipInflationTarget {
    /// `"genesis"` or `{"age": 60}`.
    static var tipInflationTarget: Self {
        let description = #""genesis" or an object like {"age": 60}"#
        let age = object(description) { reader in
            AdversaryConfiguration.TipInflationTarget.age(try reader.required("age", .interval))
        }
        return Self(description) { field in
            if case .string("genesis") = field.value { return .genesis }
            guard case .object = field.value else { throw field.mismatch(expected: description) }
            return try field.decode(age)
        }
    }
}

extension AdversaryConfiguration {
    /// The adversary with every default filled in (its `node` on a gossip network only).
    func _resolvedJSON(gossip: Bool) -> JSONValue {
        var object: JSONObject = [
            "kind": .string(attack.kindName), "start": .number(start), "rate": .number(rate),
        ]
        if gossip { object["node"] = .integer(Int64(node)) }
        switch attack {
        case .doubleSpend(let acceptWeight, let releaseAfter, let persist):
            if let acceptWeight { object["acceptWeight"] = .integer(Int64(acceptWeight)) }
            object["releaseAfter"] = .number(releaseAfter)
            object["persist"] = .number(persist)
        case .parasiteChain(let depth, let releaseAfter, let tips):
            object["depth"] = .number(depth)
            object["releaseAfter"] = .number(releaseAfter)
            object["tips"] = .integer(Int64(tips))
        case .splitting:
            break
        case .tipInflation(let target):
            switch target {
            case .genesis: object["target"] = "genesis"
            case .age(let age): object["target"] = ["age": .number(age)]
            }
        }
        return .object(object)
    }
}
