/// How one attack went: a row of `attacks.csv`, judged at the end of the run from the
/// adversary's own record, the conflicts' outcome and the Tangle.
public struct AttackRecord: Sendable, Equatable {
    /// The adversary's position in the scenario's `adversaries` list.
    public var attack: Int
    /// `doubleSpend`, `parasiteChain`, `splitting` or `tipInflation`.
    public var kind: String
    /// The attack's start (s).
    public var start: Double
    /// When its withheld transactions were released (NaN: never, or nothing withheld).
    public var release: Double
    /// Transactions the adversary issued.
    public var attackerTransactions: Int
    /// When the merchant accepted P (double spend; NaN otherwise or never).
    public var acceptTime: Double
    /// Whether the attack succeeded (nil where the model defines no success: tip inflation).
    /// A double spend succeeds when the merchant accepted P and P′ won; a parasite chain when
    /// P′ won; a splitting attack when its conflict is still unsettled and undecided at the
    /// end.
    public var success: Bool?
    /// Whether the attack's conflict settled (nil without a conflict), and when (NaN: not).
    public var settled: Bool?
    public var settleTime: Double
    /// Honest transactions issued within ``honestApprovalWindow`` seconds after the release
    /// (after the start, for attacks that withhold nothing) that approve one of the
    /// attacker's transactions directly.
    public var honestApprovalsAfterRelease: Int

    /// The seconds after the release in which honest approvals of the attacker are counted.
    public static let honestApprovalWindow = 60.0

    /// Judges `adversary`'s attack at the end of a run.
    init(adversary: Adversary, outcome: ConflictOutcome?, tangle: Tangle) {
        attack = adversary.number
        kind = adversary.configuration.attack.kindName
        start = adversary.configuration.start
        release = adversary.releaseTime
        attackerTransactions = adversary.issued
        acceptTime = adversary.acceptTime
        let conflict = outcome?.records.first { $0.members.contains(adversary.payment) && adversary.payment >= 0 }
        settled = adversary.configuration.attack.createsConflict ? (conflict.map { !$0.settleTime.isNaN } ?? false) : nil
        settleTime = conflict?.settleTime ?? .nan
        switch adversary.configuration.attack {
        case .doubleSpend:
            success = !acceptTime.isNaN && conflict?.winner == adversary.doubleSpend && adversary.doubleSpend >= 0
        case .parasiteChain:
            success = conflict?.winner == adversary.doubleSpend && adversary.doubleSpend >= 0
        case .splitting:
            success = conflict.map { $0.winner == nil } ?? false
        case .tipInflation:
            success = nil
        }
        let from = release.isNaN ? start : release
        let until = from + Self.honestApprovalWindow
        let me = IssuerIdentity(.adversary, Int32(adversary.number))
        var count = 0
        var index = Int(tangle.latestIssued(atOrBefore: from))
        while index < tangle.count, tangle.issueTime[index] <= until {
            let x = Int32(truncatingIfNeeded: index)
            if tangle.issueTime[index] >= from, ConflictOutcome.isHonest(tangle.issuerKind[index]) {
                var approves = false
                tangle.forEachParent(of: x) { if tangle.issuer(of: $0) == me { approves = true } }
                if approves { count += 1 }
            }
            index += 1
        }
        honestApprovalsAfterRelease = count
    }

    /// The columns of `attacks.csv`.
    public static let csvHeader = [
        "attack", "kind", "start", "release", "attacker_transactions", "accept_time", "success", "settled", "settle_time",
        "honest_approvals_after_release",
    ]

    static func flag(_ value: Bool?) -> CSVValue {
        value.map { .text($0 ? "true" : "false") } ?? .text("")
    }

    /// `attacks.csv`: one row per attack.
    public static func csvText(_ records: [AttackRecord]) -> String {
        CSVTable(
            header: csvHeader,
            rows: records.map { record in
                [
                    .integer(record.attack), .text(record.kind), .real(record.start), .real(record.release),
                    .integer(record.attackerTransactions), .real(record.acceptTime), flag(record.success),
                    flag(record.settled), .real(record.settleTime), .integer(record.honestApprovalsAfterRelease),
                ]
            }
        ).csvText
    }
}

extension SummaryColumn {
    public static let attacks = SummaryColumn("attacks", "adversaries in the scenario (rows of `attacks.csv`)")
    public static let attackSuccesses = SummaryColumn(
        "attack_successes", "of those, the attacks that succeeded (`success` true in `attacks.csv`)")
}
