/// Decides when each transaction is confirmed, under the scenario's consensus rule.
///
/// - Milestones: when a milestone becomes visible, its past cone is marked confirmed at
///   that moment, searching along parents and stopping at transactions already confirmed
///   (whose past cones were marked before). Each transaction is marked once and each edge
///   followed at most once: amortised O(1) per transaction.
/// - Cumulative weight: when y becomes visible, every unconfirmed transaction in its past
///   cone gains 1 and is confirmed once its weight reaches the threshold. The search stops at
///   transactions confirmed before: a confirmed transaction's ancestors weigh more than it
///   does, so they were confirmed no later. The cost per transaction is the number of its
///   unconfirmed ancestors, which does not grow with the length of the run.
///
/// - Confirmation confidence: in each round, every distinct tip a walk ended at adds its
///   count of walks to each unconfirmed transaction of its past cone (itself included); a
///   transaction whose count reaches the threshold is confirmed at the round. The search
///   stops at confirmed transactions: every ancestor of x is in the past cone of each tip
///   that approves x, so its count is at least x's and it was confirmed no later. A round
///   costs the distinct tips' unconfirmed past cones, which do not grow with the run.
///
/// With reattachments, several transactions carry one payload; a payload is confirmed when
/// the first of its transactions is.
public struct ConfirmationTracker: Sendable {
    /// The rule in force.
    public enum Rule: Sendable, Equatable {
        /// Confirmed when a milestone approving it directly or indirectly becomes visible.
        case milestones
        /// Confirmed when the cumulative weight first reaches the threshold.
        case weightThreshold(Int)
        /// Confirmed when the cumulative weight in the view of the node the transaction was
        /// issued from first reaches the threshold: reported by a ``NodeWeightConfirmation``
        /// (networks whose nodes see different things), not computed here.
        case nodeWeightThreshold(Int)
        /// Confirmed when at least ``confidenceNeeded(threshold:walks:)`` of a round's walks
        /// end in tips approving it: reported by ``confidenceRound(hits:walks:threshold:in:now:)``.
        case confidence
        /// Confirmed when the approval weight in the view of the node the transaction was
        /// issued from first reaches the threshold: reported by an
        /// ``ApprovalWeightConfirmation`` (gossip networks only), not computed here.
        case approvalWeight
    }

    public let rule: Rule
    /// When each transaction was confirmed, in seconds (NaN while unconfirmed). The genesis
    /// is confirmed at 0.
    public private(set) var confirmedAt: ContiguousArray<Double> = [0]
    /// Each transaction's payload: the id of the transaction that first carried it (only
    /// kept with reattachments; otherwise every transaction is its own payload).
    public private(set) var payload: ContiguousArray<Int32>?
    /// When each payload (indexed by its first transaction) was first confirmed (only kept
    /// with reattachments).
    public private(set) var payloadConfirmedAt: ContiguousArray<Double>?
    /// Device payloads (not milestones, not the genesis) confirmed so far.
    public private(set) var confirmedPayloads = 0

    @usableFromInline var _weights: ContiguousArray<Int32> = [1]
    @usableFromInline var _visited = StampMarks()
    @usableFromInline var _stack: ContiguousArray<Int32> = []
    /// Confidence rounds: walks counted per transaction this round, and those touched.
    var _scores: ContiguousArray<Int32> = []
    var _touched: ContiguousArray<Int32> = []

    /// - Parameters:
    ///   - rule: the confirmation rule.
    ///   - payloads: whether transactions may share payloads (reattachments).
    public init(rule: Rule, payloads: Bool, expectedTransactions: Int = 0) {
        self.rule = rule
        confirmedAt.reserveCapacity(expectedTransactions)
        if payloads {
            payload = [0]
            payloadConfirmedAt = [0]
        }
        if case .weightThreshold = rule {
            _weights.reserveCapacity(expectedTransactions)
            _visited.reserveCapacity(expectedTransactions)
        }
        if rule == .confidence {
            _scores.reserveCapacity(expectedTransactions)
            _scores.append(0)
            _visited.reserveCapacity(expectedTransactions)
        }
    }

    /// Records a newly issued transaction `x` carrying `payload` (its own id for a new one).
    public mutating func didIssue(_ x: Int32, payload carried: Int32) {
        precondition(Int(x) == confirmedAt.count, "transactions are reported in issue order")
        confirmedAt.append(.nan)
        if payload != nil {
            payload!.append(carried)
            payloadConfirmedAt!.append(.nan)
        }
        if case .weightThreshold = rule {
            _weights.append(1)
        }
        if rule == .confidence { _scores.append(0) }
    }

    /// Whether `payload` (a transaction id that first carried it) is confirmed.
    @inlinable
    public func isConfirmed(payload id: Int32) -> Bool {
        if let payloadConfirmedAt { return !payloadConfirmedAt[Int(id)].isNaN }
        return !confirmedAt[Int(id)].isNaN
    }

    /// When the payload first carried by `id` was confirmed (NaN if it is not).
    @inlinable
    public func payloadConfirmationTime(_ id: Int32) -> Double {
        payloadConfirmedAt?[Int(id)] ?? confirmedAt[Int(id)]
    }

    /// Applies the rule to the visibility of `x` at `now`.
    public mutating func didBecomeVisible(_ x: Int32, isMilestone: Bool, in tangle: Tangle, now: Double) {
        switch rule {
        case .nodeWeightThreshold, .confidence, .approvalWeight:
            return
        case .milestones:
            guard isMilestone else { return }
            _stack.removeAll(keepingCapacity: true)
            _stack.append(x)
            while let node = _stack.popLast() {
                guard confirmedAt[Int(node)].isNaN else { continue }
                confirm(node, at: now, in: tangle)
                tangle.forEachParent(of: node) { parent in
                    if confirmedAt[Int(parent)].isNaN { _stack.append(parent) }
                }
            }
        case .weightThreshold(let threshold):
            _visited.clear()
            _stack.removeAll(keepingCapacity: true)
            _stack.append(x)
            _visited.insert(x)
            while let node = _stack.popLast() {
                tangle.forEachParent(of: node) { parent in
                    let index = Int(parent)
                    guard confirmedAt[index].isNaN, _visited.insert(parent) else { return }
                    _weights[index] += 1
                    if Int(_weights[index]) >= threshold { confirm(parent, at: now, in: tangle) }
                    _stack.append(parent)
                }
            }
        }
    }

    /// The walks out of `walks` that confirm at `threshold`: threshold·walks rounded up (a
    /// hair below, so that 0.95·100 asks for 95 whatever the rounding of 0.95).
    public static func confidenceNeeded(threshold: Double, walks: Int) -> Int {
        Swift.max(1, Int((threshold * Double(walks) - 1e-9).rounded(.up)))
    }

    /// One round of confirmation confidence at `now`: `hits` lists each tip the round's
    /// `walks` walks ended at, with how many ended there.
    ///
    /// - Complexity: O(the hit tips' unconfirmed past cones).
    public mutating func confidenceRound(hits: [(tip: Int32, count: Int)], walks: Int, threshold: Double, in tangle: Tangle, now: Double) {
        precondition(rule == .confidence, "confidence rounds under the confidence rule")
        let needed = Self.confidenceNeeded(threshold: threshold, walks: walks)
        _touched.removeAll(keepingCapacity: true)
        for (tip, count) in hits where confirmedAt[Int(tip)].isNaN {
            _visited.clear()
            _stack.removeAll(keepingCapacity: true)
            _visited.insert(tip)
            _stack.append(tip)
            while let node = _stack.popLast() {
                if _scores[Int(node)] == 0 { _touched.append(node) }
                _scores[Int(node)] += Int32(count)
                tangle.forEachParent(of: node) { parent in
                    if confirmedAt[Int(parent)].isNaN, _visited.insert(parent) { _stack.append(parent) }
                }
            }
        }
        for x in _touched {
            if Int(_scores[Int(x)]) >= needed { confirm(x, at: now, in: tangle) }
            _scores[Int(x)] = 0
        }
    }

    /// Confirms `x` at `now` (and its payload, if it is the payload's first confirmation).
    mutating func confirm(_ x: Int32, at now: Double, in tangle: Tangle) {
        confirmedAt[Int(x)] = now
        let isDevice = tangle.isDeviceTransaction(x)
        if let carried = payload?[Int(x)] {
            if payloadConfirmedAt![Int(carried)].isNaN {
                payloadConfirmedAt![Int(carried)] = now
                if isDevice { confirmedPayloads += 1 }
            }
        } else if isDevice {
            confirmedPayloads += 1
        }
    }
}
