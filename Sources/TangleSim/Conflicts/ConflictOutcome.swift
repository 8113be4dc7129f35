/// How one conflict set ended: a row of `conflicts.csv`.
public struct ConflictRecord: Sendable, Equatable {
    /// The conflict's number in the run (0, 1, ... in the order conflicts arose).
    public var conflict: Int
    /// The members' payloads (the id of the transaction that first carried each), in the
    /// order they were spent.
    public var members: [Int32]
    /// Issue time of the first member.
    public var firstIssued: Double
    /// The winning member's payload: decided by a milestone, or settled (nil: neither).
    public var winner: Int32?
    /// When the conflict settled (NaN: unsettled at the end, censored).
    public var settleTime: Double
    /// When a milestone decided it, as the confirmation tracker saw it (NaN: undecided).
    public var decideTime: Double
    /// Whether two members were both confirmed.
    public var doubleConfirmed: Bool
    /// Transactions in the losing members' future cones (the members included; 0 without a
    /// winner).
    public var rejectedTransactions: Int
}

/// The end-of-run judgement of every conflict (the model's "settled", "decided", "rejected"
/// and "double confirmation"), from the Tangle, the ledger and the confirmation times.
///
/// - A member's *side* is the future cone of its transactions. T(m), the issue time of the
///   last honest transaction in m's side, comes for every member at once from one pass over
///   the Tangle in decreasing id order: last(y) = max(y's issue time if y is honest,
///   last(approvers of y)), each transaction's value pushed to its parents.
/// - The side with the latest T is the candidate winner; s, the latest T of the other sides,
///   is the issue time of the last honest transaction that joined a losing side. The conflict
///   is settled at s when s + orphanTimeout <= end and the winner's T is later than s: every
///   honest transaction after s then joined the winner, until the end. Otherwise it is
///   unsettled (censored).
/// - Decided: the ledger's decision (the first milestone confirming a member). The winner is
///   the decided member, otherwise the settled one.
/// - Rejected: with a winner, every transaction of the losing sides, found by one search
///   per losing member.
///
/// - Complexity: O(n·k) for the pass (4 bytes a transaction, freed after), plus the sizes of
///   the losing sides.
public struct ConflictOutcome: Sendable {
    /// One record per conflict with at least two members issued, in the order they arose.
    public private(set) var records: [ConflictRecord] = []
    /// Whether each transaction is rejected (in a losing side of some conflict).
    public private(set) var rejected: [Bool] = []

    public init() {}

    /// Judges every conflict of `ledger` at the end of a run.
    public init(
        ledger: ConflictLedger, tangle: Tangle, confirmation: ConfirmationTracker?, end: Double, orphanTimeout: Double
    ) {
        let n = tangle.count
        rejected = Array(repeating: false, count: n)
        guard ledger.conflictCount > 0 else { return }
        // Pushed to the parents rather than pulled from the approvers: every approver of y
        // has a larger id, so last[y] is final when the pass reaches y, and the parents are
        // read in order where the approvers' lists are chased through memory (the pull took
        // 2.3% of `urts-1m-double-spends.json`). The same maxima.
        // Ids, not times: issue times never decrease with the id, so the latest honest
        // transaction is the one with the largest id, and T is its issue time — the same
        // value, from a column half the size (4 bytes a transaction, −1: none).
        var lastID = [Int32](repeating: -1, count: n)
        lastID.withUnsafeMutableBufferPointer { last in
            // A plain loop: the stride's iterator was not inlined (25 instructions a step).
            var index = n - 1
            while index >= 0 {
                defer { index -= 1 }
                let x = Int32(truncatingIfNeeded: index)
                if Self.isHonest(tangle.issuerKind[index]) { last[index] = Swift.max(last[index], x) }
                let latest = last[index]
                tangle.forEachParent(of: x) { parent in
                    if latest > last[Int(parent)] { last[Int(parent)] = latest }
                }
            }
        }
        func last(_ x: Int32) -> Double {
            let id = lastID[Int(x)]
            return id >= 0 ? tangle.issueTime[Int(id)] : -.infinity
        }
        var marks = StampMarks()
        var stack: [Int32] = []
        for (conflict, all) in ledger.conflictMembers.enumerated() {
            let members = all.filter { !ledger.memberTransactions[Int($0)].isEmpty && ledger.memberPayload[Int($0)] >= 0 }
            guard members.count >= 2 else { continue }
            let joined = members.map { member in
                ledger.memberTransactions[Int(member)].reduce(-Double.infinity) { Swift.max($0, last($1)) }
            }
            var best = 0
            for index in joined.indices where joined[index] > joined[best] { best = index }
            var losing = -Double.infinity
            for index in joined.indices where index != best { losing = Swift.max(losing, joined[index]) }
            if losing == -.infinity {
                // No honest transaction ever joined a losing side (an attacker's branch
                // nobody approved): the conflict settled when its last losing member was issued.
                for index in joined.indices where index != best {
                    for x in ledger.memberTransactions[Int(members[index])] { losing = Swift.max(losing, tangle.issueTime[Int(x)]) }
                }
            }
            let settled = joined[best] > losing && losing + orphanTimeout <= end
            var winner: Int32? = settled ? members[best] : nil
            let decided = ledger.decidedWinner[conflict]
            if decided >= 0 { winner = decided }
            var confirmedMembers = 0
            if let confirmation {
                for member in members where !confirmation.payloadConfirmationTime(ledger.memberPayload[Int(member)]).isNaN {
                    confirmedMembers += 1
                }
            }
            var rejectedCount = 0
            if let winner {
                marks.clear()
                stack.removeAll(keepingCapacity: true)
                for member in members where member != winner {
                    for x in ledger.memberTransactions[Int(member)] where marks.insert(x) { stack.append(x) }
                }
                while let y = stack.popLast() {
                    rejectedCount += 1
                    rejected[Int(y)] = true
                    tangle.forEachApprover(of: y) { if marks.insert($0) { stack.append($0) } }
                }
            }
            let first = members.map { tangle.issueTime[Int(ledger.memberTransactions[Int($0)][0])] }.min()!
            records.append(
                ConflictRecord(
                    conflict: records.count, members: members.map { ledger.memberPayload[Int($0)] }, firstIssued: first,
                    winner: winner.map { ledger.memberPayload[Int($0)] }, settleTime: settled ? losing : .nan,
                    decideTime: ledger.decidedAt[conflict], doubleConfirmed: confirmedMembers >= 2,
                    rejectedTransactions: rejectedCount))
        }
    }

    /// Frees the per-transaction marks (the records stay).
    public mutating func dropTransactionMarks() {
        rejected = []
    }

    /// Whether transactions of this kind come from honest issuers (devices, the coordinator).
    static func isHonest(_ kind: IssuerKind) -> Bool {
        kind == .device || kind == .coordinator
    }

    /// The columns of `conflicts.csv`.
    public static let csvHeader = [
        "conflict", "members", "first_issued", "winner", "settle_time", "decide_time", "double_confirmed",
        "rejected_transactions",
    ]

    /// `conflicts.csv`: one row per conflict.
    public var csvText: String {
        CSVTable(
            header: Self.csvHeader,
            rows: records.map { record in
                [
                    .integer(record.conflict), .text(record.members.map(String.init).joined(separator: ";")),
                    .real(record.firstIssued), record.winner.map { .integer(Int($0)) } ?? .text(""),
                    .real(record.settleTime), .real(record.decideTime), .text(record.doubleConfirmed ? "true" : "false"),
                    .integer(record.rejectedTransactions),
                ]
            }
        ).csvText
    }
}
