/// Payments, conflict sets and the validity of past cones, kept incrementally (the model's
/// "Payments and conflicts").
///
/// Every payload spends an output. A new payload spends a fresh output — identified by the
/// payload itself — unless the scenario's `payments.doubleSpendRate` makes it spend again
/// the output its device spent most recently. Reattachments carry their payload's spend:
/// copies of one payload are one spend and never conflict with each other. All payloads
/// spending one output form a conflict set; its *members* are those payloads, each with the
/// transactions that carry it.
///
/// ## Representation
/// A transaction's *footprint* is the set of conflict members in its past cone (itself
/// included), as a sorted list of member indices. Footprints are interned and shared: each
/// transaction stores only a set id (4 bytes), 0 being the empty set, and a transaction
/// whose parents carry at most one distinct non-empty set (the common case) shares it
/// without building anything. So a transaction downstream of no live conflict costs k reads
/// and one append. Sets are reference counted by the transactions that can still be chosen
/// as parents — those with no approver visible everywhere (parents are always tips of some
/// view). When a transaction gets an approver visible everywhere its reference is released
/// (``release(_:)``), and a set nobody references is freed: memory follows the live tips,
/// not the run's length. (Lazy devices approve transactions that are no longer tips; with
/// them the simulation releases nothing, and memory follows the run's length.)
///
/// A payload becomes a member only when a second spend of its output appears; its own
/// transactions and their live descendants then gain it retroactively, by one search of
/// its future cone (``_addMember(_:toFutureConeOf:)``), before the new spender chooses its
/// parents.
///
/// Sets shrink again when a conflict is *decided* by coordinator milestones and the
/// decision binds every node: the winner's entries are dropped from every footprint built
/// afterwards (a loser's are kept: they mark the transactions honest issuers may no longer
/// approve). Conflicts decided by nobody — a cumulative-weight threshold binds no one —
/// keep their entries while their sides have live transactions.
///
/// ## Choosing consistent parents
/// ``beginSelection(ownMember:node:now:coordinator:)`` starts a choice; ``accepts(_:)``
/// says whether a tip may join the parents chosen so far and ``didChoose(_:)`` records it.
/// A tip is accepted when its footprint is consistent (an attacker may approve both sides
/// of a conflict; honest issuers never approve that) and holds no member rival to one
/// already chosen (or to the new transaction's own spend) and no loser of a conflict whose
/// decision binds the issuer's node.
///
/// - Complexity: a transaction with no conflict in its parents' past cones: O(k). Otherwise
///   O(k·L) for its footprint (L: the members in the parents' footprints) and O(L) per
///   acceptance check; a new conflict costs one search of its first spender's future cone.
///   Memory: 4 bytes a transaction, 4 a device, plus the live sets (4 bytes an entry).
public struct ConflictLedger {
    /// Footprint set id of each transaction: 0 the empty set, −1 once released.
    public internal(set) var footprint: ContiguousArray<Int32> = [0]

    // Interned sets: members in increasing order.
    var _sets: [ContiguousArray<Int32>] = [[]]
    var _setReferences: ContiguousArray<Int32> = [Int32.max]
    /// Per set: whether it holds at most one member of each conflict. Honest transactions'
    /// sets always do; an attacker may approve both sides of a conflict (another attacker's,
    /// say), and honest issuers never approve such a transaction.
    var _setConsistent: ContiguousArray<Bool> = [true]
    var _freeSets: [Int32] = []
    var _interned: [ContiguousArray<Int32>: Int32] = [:]

    // Members.
    /// The conflict of each member.
    public private(set) var memberConflict: ContiguousArray<Int32> = []
    /// The payload of each member (the id of the transaction that first carried it).
    public private(set) var memberPayload: ContiguousArray<Int32> = []
    /// The transactions carrying each member (the payload's first transaction and copies).
    public private(set) var memberTransactions: [[Int32]] = []
    var _payloadMember: [Int32: Int32] = [:]

    // Conflicts.
    /// The members of each conflict, in the order they were spent.
    public private(set) var conflictMembers: [[Int32]] = []
    /// Per conflict: the decided winner (−1 while undecided) and the decision's time as the
    /// confirmation tracker saw it (NaN while undecided).
    public private(set) var decidedWinner: ContiguousArray<Int32> = []
    public private(set) var decidedAt: ContiguousArray<Double> = []
    /// Per conflict and node (conflict·nodes + v): when the decision binds issuers at v.
    var _binding: ContiguousArray<Double> = []
    /// Per conflict: when the decision binds every node (infinity while undecided).
    var _bindingEverywhere: ContiguousArray<Double> = []
    var _undecided: [Int32] = []
    /// Whether any conflict has been decided (never without a coordinator): the first
    /// decision fills the invalid marks (``_invalidate(conflict:winner:tangle:)``).
    var _anyDecided: Bool { !_invalidBy.isEmpty }
    /// Whether the current choice holds any member yet.
    var _choseAny = false
    var _outputConflict: [Int32: Int32] = [:]

    // Payments.
    /// The probability that a new payload spends again its device's most recent output.
    public let doubleSpendRate: Double
    let _rng: RandomStream
    /// The output each device spent most recently (−1: none yet).
    var _deviceOutput: ContiguousArray<Int32>
    /// The output of each double-spending payload (others spend their own id).
    var _payloadOutput: [Int32: Int32] = [:]
    /// Reattached payloads' copies, for payloads that may become members later.
    var _payloadCopies: [Int32: [Int32]] = [:]
    let nodes: Int
    /// What the spend decided for the transaction being issued commits once it is issued.
    enum _PendingSpend {
        case fresh(device: Int)
        case doubleSpend(member: Int32, output: Int32)
    }
    var _pending: _PendingSpend?
    /// Whether the last ``spend(of:x:node:now:tangle:)`` created a conflict whose first
    /// spender may already be confirmed (call ``checkDecisions(confirmation:milestoneBinding:)``).
    public private(set) var needsDecisionCheck = false

    // Selection scratch: per conflict, the member chosen so far (valid at `_stamp`).
    var _chosenMember: ContiguousArray<Int32> = []
    var _chosenStamp: ContiguousArray<UInt32> = []
    /// The footprint sets of the parents chosen since their members were last marked in
    /// `_chosenMember`: ``didChoose(_:)`` only records the set, and a check that needs the
    /// marks makes them (``_markChosenSets()``). Under URTS with accidental double spends
    /// the last parent's marks are never read, nor the first's when the second pick is
    /// resolved from the classes: marking every member at once was 5% of
    /// `urts-1m-double-spends.json`. Its first `_unmarkedCount` entries are meant: emptying
    /// the array at every selection (`removeAll(keepingCapacity:)`) cost 1.4% (callgrind).
    var _unmarkedSets: ContiguousArray<Int32> = []
    var _unmarkedCount = 0
    var _stamp: UInt32 = 0
    var _node = 0
    var _now = 0.0
    var _marks = StampMarks()
    var _stack: ContiguousArray<Int32> = []
    var _merge: ContiguousArray<Int32> = []
    /// The members in the past cones of the coordinator's milestones (sorted).
    var _coordinatorMembers: ContiguousArray<Int32> = []

    // Classes (see ConflictLedger+Classes.swift): kept only when ``samplesByClass``.
    /// Whether consistent uniform picks may be drawn from the classes of transactions by
    /// footprint instead of by rejection alone.
    public internal(set) var samplesByClass: Bool
    /// Per set id: its generation, bumped when the id is freed for reuse.
    var _setGeneration: ContiguousArray<UInt32> = [0]
    /// Per set id: the live sets consistent with it (id | generation << 32), neither itself
    /// nor the empty set (consistent with every set) included.
    var _partners = PartnerLists()
    /// Per set id: transactions that carried it (some since released or moved on: dropped
    /// when the list is read or doubles).
    var _setCarriers: [ContiguousArray<Int32>] = [[]]
    var _setCarriersCompacted: ContiguousArray<Int32> = [0]
    var _pairMember: ContiguousArray<Int32> = []
    var _pairStamp: ContiguousArray<UInt32> = []
    var _pairStampValue: UInt32 = 0
    var _partnerScratch: ContiguousArray<UInt64> = []
    var _setCount: ContiguousArray<Int32> = [0]
    var _setCountStamp: ContiguousArray<UInt32> = [0]
    var _countStamp: UInt32 = 0
    var _countTouched: ContiguousArray<Int32> = []
    /// Unions of two sets met before (see ``_cachedUnion(_:_:)``): direct-mapped, empty until
    /// first used.
    var _unionCache: ContiguousArray<UnionCacheEntry> = []
    /// The geometric draws of picks resolved from the classes.
    public var failureLogarithms = FailureLogarithms()
    /// The consistent tips of the last ``consistentTips(of:excluding:)``.
    public internal(set) var candidates: ContiguousArray<Int32> = []
    /// Whether the classes keep, per set, the members of the global tip set that carry it
    /// (``trackGlobalTips(_:)``: the delay model, where that set is every issuer's view).
    public internal(set) var tracksGlobalTips = false
    /// Per transaction, while it is a member of the global tip set: the next and previous
    /// member of its set's list (−1: none); `previous` −2 when it is not a member. One column
    /// of pairs: a link or unlink writes both of a transaction's fields.
    var _tipLinks: ContiguousArray<TipLink> = []
    /// Per set id: the first tip of its list (−1: none) and the number of its tips.
    var _setTipHead: ContiguousArray<Int32> = [-1]
    var _setTipCount: ContiguousArray<Int32> = [0]
    /// The members of the global tip set.
    public internal(set) var trackedTipCount = 0
    var _lastInternNew = false
    /// Whether the current choice holds members other than its parents' (its own spend, or
    /// the coordinator's).
    var _choiceHasMore = false

    /// Per transaction: the conflict whose decision made it invalid (it is in the future cone
    /// of a losing member; the first such decision), or −1. Empty until the first decision
    /// (only coordinator milestones decide): nothing is invalid before, and a run without a
    /// coordinator neither writes nor reads a column of the Tangle's length.
    var _invalidBy: ContiguousArray<Int32> = []
    let _expectedTransactions: Int

    /// Counts: redraws or walks made again because a pick was not consistent, transactions
    /// that approved fewer parents because none was found, arrivals refused at issue.
    public private(set) var redraws = 0
    public private(set) var shortTransactions = 0
    public private(set) var refused = 0
    /// The refused transactions of devices and adversaries, in order, for `rejected_rate`
    /// and the rows of `classes.csv`.
    public private(set) var refusedTransactions: [RefusedTransaction] = []

    /// Issue times of refused device transactions, for `rejected_rate`.
    public var refusedDeviceTimes: [Double] {
        refusedTransactions.lazy.filter { $0.issuer.kind == .device }.map(\.time)
    }

    /// - Parameters:
    ///   - doubleSpendRate: the probability that a new payload spends again its device's
    ///     most recent output.
    ///   - devices: the number of devices.
    ///   - nodes: the network's nodes (1 under the delay model).
    ///   - samplesByClass: keep the classes of transactions by footprint, so that uniform
    ///     picks can skip long runs of rejections (only where footprints are released once
    ///     their transaction has an approver visible everywhere, and no decision changes
    ///     footprints: no coordinator).
    public init(
        doubleSpendRate: Double, devices: Int, nodes: Int, rng: RandomStream, expectedTransactions: Int = 0,
        samplesByClass: Bool = false
    ) {
        self.doubleSpendRate = doubleSpendRate
        self.samplesByClass = samplesByClass
        _rng = rng
        _deviceOutput = ContiguousArray(repeating: -1, count: devices)
        self.nodes = nodes
        footprint.reserveCapacity(expectedTransactions)
        // The marks of a new conflict's future cone reach up to the newest transaction: grown
        // by doubling they were 3,000 of `urts-1m-double-spends.json`'s page faults, reserved
        // (untouched until marked) 1,000.
        _marks.reserveCapacity(expectedTransactions)
        _expectedTransactions = expectedTransactions
    }

    /// What a walk at the node and time of the current selection may step onto: transactions
    /// not invalidated by a decision that binds there already.
    public var validApprovers: ValidApprovers {
        ValidApprovers(invalidBy: _invalidBy, binding: _binding, nodes: nodes, node: _node, now: _now)
    }

    /// The number of conflicts (sets with two or more spends, issued or refused).
    public var conflictCount: Int { conflictMembers.count }

    /// The member carried by transaction `x` with payload `payload`, if any.
    public func member(ofPayload payload: Int32) -> Int32? { _payloadMember[payload] }

    // MARK: - Payments

    /// What a new transaction of `order` spends, decided before its parents are chosen: its
    /// own member (nil for a fresh spend with no conflict), or `.refuse` when the spend is
    /// invalid for its issuer (a copy of a losing payload, or a new spend of an output whose
    /// conflict is decided at the issuer's node).
    ///
    /// A double spend draws from the payments stream; one draw per new device payload.
    public enum Spend: Equatable {
        case fresh
        case member(Int32)
        case refuse
    }

    /// Decides the spend of the transaction `x` about to be issued for `order` at `node`,
    /// creating or extending a conflict (and marking the first spender's future cone) when
    /// it double spends.
    public mutating func spend(of order: IssueOrder, x: Int32, node: Int, now: Double, tangle: Tangle) -> Spend {
        _pending = nil
        needsDecisionCheck = false
        if let payload = order.payload {
            guard let member = _payloadMember[payload] else { return .fresh }
            let conflict = Int(memberConflict[Int(member)])
            if decidedWinner[conflict] >= 0, decidedWinner[conflict] != member,
                _binding[conflict * nodes + node] <= now
            {
                return .refuse
            }
            return .member(member)
        }
        if let output = order.spends { return _spendAgain(output, x: x, node: node, now: now, tangle: tangle) }
        guard order.issuer.kind == .device else { return .fresh }
        let device = Int(order.issuer.id)
        let previous = _deviceOutput[device]
        guard doubleSpendRate > 0, _rng.uniform() < doubleSpendRate, previous >= 0 else {
            _pending = .fresh(device: device)
            return .fresh
        }
        return _spendAgain(previous, x: x, node: node, now: now, tangle: tangle)
    }

    /// The spend of `x` spending `previous` again: creates its conflict (marking the first
    /// spender's future cone) or joins it.
    mutating func _spendAgain(_ previous: Int32, x: Int32, node: Int, now: Double, tangle: Tangle) -> Spend {
        var conflict: Int
        if let existing = _outputConflict[previous] {
            conflict = Int(existing)
        } else {
            conflict = conflictMembers.count
            _outputConflict[previous] = Int32(conflict)
            conflictMembers.append([])
            decidedWinner.append(-1)
            decidedAt.append(.nan)
            _binding.append(contentsOf: repeatElement(.infinity, count: nodes))
            _bindingEverywhere.append(.infinity)
            _chosenMember.append(-1)
            _chosenStamp.append(0)
            _pairMember.append(-1)
            _pairStamp.append(0)
            _undecided.append(Int32(conflict))
            let first = _newMember(payload: previous, conflict: conflict)
            _addMember(first, toFutureConeOf: previous, tangle: tangle)
            // The first spender may be confirmed already: the caller checks decisions.
            needsDecisionCheck = true
        }
        let member = _newMember(payload: x, conflict: conflict)
        _pending = .doubleSpend(member: member, output: previous)
        if decidedWinner[conflict] >= 0, _binding[conflict * nodes + node] <= now { return .refuse }
        return .member(member)
    }

    mutating func _newMember(payload: Int32, conflict: Int) -> Int32 {
        let member = Int32(memberConflict.count)
        memberConflict.append(Int32(conflict))
        memberPayload.append(payload)
        memberTransactions.append([])
        _payloadMember[payload] = member
        conflictMembers[conflict].append(member)
        return member
    }

    /// Makes `member` (carried by payload `payload`, already issued) part of the footprint
    /// of each of the payload's transactions and their live descendants.
    ///
    /// - Complexity: O(size of the payload's transactions' future cones).
    mutating func _addMember(_ member: Int32, toFutureConeOf payload: Int32, tangle: Tangle) {
        var carriers = [payload]
        carriers += _payloadCopies[payload] ?? []
        _marks.clear()
        _stack.removeAll(keepingCapacity: true)
        var replaced: [Int32: Int32] = [:]
        for x in carriers where Int(x) < footprint.count {
            memberTransactions[Int(member)].append(x)
            if _marks.insert(x) { _stack.append(x) }
        }
        while let y = _stack.popLast() {
            let old = footprint[Int(y)]
            if old >= 0 {
                let new: Int32
                if let known = replaced[old] {
                    new = known
                } else {
                    _merge.removeAll(keepingCapacity: true)
                    _merge.append(contentsOf: _sets[Int(old)])
                    _insertSorted(member, into: &_merge)
                    new = _intern(_merge)
                    if samplesByClass, _lastInternNew { _findPartners(of: new, parentSets: [old], ownMember: member) }
                    replaced[old] = new
                }
                let tracked = tracksGlobalTips && _isTrackedTip(y)
                if tracked { _unlinkTip(y, from: old) }
                _retain(new)
                _releaseSet(old)
                footprint[Int(y)] = new
                if tracked {
                    _linkTip(y, into: new)
                } else if samplesByClass, !tracksGlobalTips {
                    _carry(y, new)
                }
            }
            tangle.forEachApprover(of: y) { approver in
                if _marks.insert(approver) { _stack.append(approver) }
            }
        }
    }

    // MARK: - Decisions (coordinator milestones)

    /// Whether `member` lost a conflict whose decision binds issuers at `node` at `now`.
    public func isLosing(member: Int32, node: Int, now: Double) -> Bool {
        let conflict = Int(memberConflict[Int(member)])
        let winner = decidedWinner[conflict]
        return winner >= 0 && winner != member && _binding[conflict * nodes + node] <= now
    }

    /// Whether the payload first carried by `payload` is a member that lost a conflict whose
    /// decision binds issuers at `node` at `now`.
    public func isLosing(payload: Int32, node: Int, now: Double) -> Bool {
        guard let member = _payloadMember[payload] else { return false }
        return isLosing(member: member, node: node, now: now)
    }

    /// Decides every undecided conflict one of whose members is now confirmed by milestones:
    /// the member confirmed first wins (ties: the member spent first), at its confirmation
    /// time; `milestoneBinding(time, v)` gives when node v sees a confirmation made at
    /// `time` at the coordinator's node.
    ///
    /// - Complexity: O(members of the undecided conflicts).
    public mutating func checkDecisions(
        confirmation: ConfirmationTracker, tangle: Tangle, milestoneBinding: (Double, Int) -> Double
    ) {
        guard confirmation.rule == .milestones, !_undecided.isEmpty else { return }
        var index = 0
        while index < _undecided.count {
            let conflict = Int(_undecided[index])
            var winner: Int32 = -1
            var time = Double.infinity
            for member in conflictMembers[conflict] {
                // A spend not issued yet (or refused) has no confirmation.
                let payload = memberPayload[Int(member)]
                guard payload >= 0, Int(payload) < confirmation.confirmedAt.count else { continue }
                let confirmed = confirmation.payloadConfirmationTime(memberPayload[Int(member)])
                if !confirmed.isNaN, confirmed < time {
                    time = confirmed
                    winner = member
                }
            }
            guard winner >= 0 else {
                index += 1
                continue
            }
            decidedWinner[conflict] = winner
            decidedAt[conflict] = time
            _invalidate(conflict: conflict, winner: winner, tangle: tangle)
            var everywhere = -Double.infinity
            for v in 0..<nodes {
                let binding = milestoneBinding(time, v)
                _binding[conflict * nodes + v] = binding
                everywhere = Swift.max(everywhere, binding)
            }
            _bindingEverywhere[conflict] = everywhere
            _undecided.swapAt(index, _undecided.count - 1)
            _undecided.removeLast()
        }
    }

    /// Marks the future cones of `conflict`'s losing members invalid (where not already).
    ///
    /// - Complexity: O(size of those future cones).
    mutating func _invalidate(conflict: Int, winner: Int32, tangle: Tangle) {
        if _invalidBy.isEmpty {
            _invalidBy.reserveCapacity(Swift.max(_expectedTransactions, footprint.count))
            _invalidBy.append(contentsOf: repeatElement(-1, count: footprint.count))
        }
        _marks.clear()
        _stack.removeAll(keepingCapacity: true)
        for member in conflictMembers[conflict] where member != winner {
            for x in memberTransactions[Int(member)] where _marks.insert(x) { _stack.append(x) }
        }
        while let y = _stack.popLast() {
            if _invalidBy[Int(y)] < 0 { _invalidBy[Int(y)] = Int32(conflict) }
            tangle.forEachApprover(of: y) { if _marks.insert($0) { _stack.append($0) } }
        }
    }

    // MARK: - Choosing parents

    /// Starts choosing the parents of a transaction spending `ownMember` (nil: a fresh
    /// spend) at `node` at `now`; with `coordinator`, the choice must also be consistent
    /// with every milestone issued so far.
    public mutating func beginSelection(ownMember: Int32?, node: Int, now: Double, coordinator: Bool = false) {
        _stamp &+= 1
        if _stamp == 0 {
            for index in _chosenStamp.indices { _chosenStamp[index] = 0 }
            _stamp = 1
        }
        _node = node
        _now = now
        _choiceHasMore = ownMember != nil || coordinator
        _choseAny = false
        _unmarkedCount = 0
        if let ownMember { _choose(ownMember) }
        if coordinator { for member in _coordinatorMembers { _choose(member) } }
    }

    @inline(__always)
    mutating func _choose(_ member: Int32) {
        _choseAny = true
        let conflict = Int(memberConflict[Int(member)])
        _chosenMember[conflict] = member
        _chosenStamp[conflict] = _stamp
    }

    /// Whether `tip` may join the parents chosen so far: its footprint is consistent itself
    /// (only an attacker's can be not) and holds no rival of a member chosen so far and no
    /// loser of a conflict decided at the issuer's node.
    ///
    /// - Complexity: O(1) for an empty footprint, O(its size) otherwise.
    @inline(__always)
    public mutating func accepts(_ tip: Int32) -> Bool {
        let set = footprint[Int(tip)]
        if set == 0 { return true }
        return _accepts(set: set)
    }

    @inline(__always)
    mutating func _accepts(set: Int32) -> Bool {
        precondition(set > 0, "a released transaction is never a tip")
        if !_setConsistent[Int(set)] { return false }
        // Nothing chosen and nothing decided: a consistent set is accepted.
        if !_choseAny, !_anyDecided { return true }
        if _unmarkedCount > 0 { _markChosenSets() }
        for member in _sets[Int(set)] {
            let conflict = Int(memberConflict[Int(member)])
            if _chosenStamp[conflict] == _stamp, _chosenMember[conflict] != member { return false }
            guard _anyDecided else { continue }
            let winner = decidedWinner[conflict]
            if winner >= 0, winner != member, _binding[conflict * nodes + _node] <= _now { return false }
        }
        return true
    }

    /// Records `tip` as chosen.
    ///
    /// - Complexity: O(1); the next check pays O(the set's size) once.
    @inline(__always)
    public mutating func didChoose(_ tip: Int32) {
        let set = footprint[Int(tip)]
        guard set > 0 else { return }
        _choseAny = true
        if _unmarkedCount < _unmarkedSets.count {
            _unmarkedSets[_unmarkedCount] = set
        } else {
            _unmarkedSets.append(set)
        }
        _unmarkedCount += 1
    }

    /// Marks the members of the chosen sets not marked yet.
    mutating func _markChosenSets() {
        // One uniqueness check per column, not one per member.
        let stamp = _stamp
        _chosenMember.withUnsafeMutableBufferPointer { chosenMember in
            _chosenStamp.withUnsafeMutableBufferPointer { chosenStamp in
                for set in _unmarkedSets[..<_unmarkedCount] {
                    for member in _sets[Int(set)] {
                        let conflict = Int(memberConflict[Int(member)])
                        chosenMember[conflict] = member
                        chosenStamp[conflict] = stamp
                    }
                }
            }
        }
        _unmarkedCount = 0
    }

    /// What the model's rule makes of a drawn pick (see ``judge(_:rejections:parents:)``).
    public enum PickOutcome {
        /// Accepted and chosen.
        case chosen
        /// Rejected: draw again.
        case again
        /// Rejected once too often: the transaction approves the parents it has.
        case short
    }

    /// The model's rule for a drawn pick that repeats no parent: chosen (recorded and
    /// appended to `parents`) when accepted; otherwise one more of the pick's `rejections`,
    /// counted as a redraw — or, past ``maximumConsistencyRedraws``, as a short transaction.
    @inline(__always)
    public mutating func judge(_ tip: Int32, rejections: inout Int, parents: inout [Int32]) -> PickOutcome {
        if accepts(tip) {
            didChoose(tip)
            parents.append(tip)
            return .chosen
        }
        rejections += 1
        if rejections > maximumConsistencyRedraws {
            countShort()
            return .short
        }
        countRedraw()
        return .again
    }

    /// Counts a pick drawn or walked again.
    public mutating func countRedraw() { redraws += 1 }

    /// Counts a transaction that approves fewer parents than asked because no consistent
    /// pick was found in time.
    public mutating func countShort() { shortTransactions += 1 }

    // MARK: - Recording transactions

    /// Records transaction `x` (just appended with `parents`) carrying `ownMember`: its
    /// footprint is the union of its parents' and its own member, without the winners of
    /// conflicts whose decision binds every node.
    ///
    /// - Complexity: O(k) when at most one distinct non-empty set is among the parents and
    ///   `x` spends no member; O(k·L) otherwise.
    public mutating func didIssue(
        _ x: Int32, parents: [Int32], ownMember: Int32?, payload: Int32?, now: Double, isMilestone: Bool
    ) {
        precondition(Int(x) == footprint.count, "transactions are recorded in issue order")
        switch _pending {
        case .fresh(let device): _deviceOutput[device] = x
        case .doubleSpend(_, let output): _payloadOutput[x] = output
        case nil: break
        }
        _pending = nil
        if let payload { _payloadCopies[payload, default: []].append(x) }
        var shared: Int32 = 0, second: Int32 = 0
        var several = false, many = false
        for parent in parents {
            let set = footprint[Int(parent)]
            precondition(set >= 0, "a released transaction is never chosen as a parent")
            if set == 0 || set == shared { continue }
            if shared == 0 {
                shared = set
            } else if second == 0 || second == set {
                second = set
                several = true
            } else {
                many = true
            }
        }
        if let ownMember { memberTransactions[Int(ownMember)].append(x) }
        // The union of two sets seen before, where no decision drops members (the classes
        // keep generations, so that a cached union is known to be live still).
        let cachesUnion = several && !many && ownMember == nil && samplesByClass && !_anyDecided
        var result: Int32
        if !several, ownMember == nil {
            result = shared
        } else if cachesUnion, let known = _cachedUnion(shared, second) {
            result = known
        } else {
            _merge.removeAll(keepingCapacity: true)
            for parent in parents where footprint[Int(parent)] > 0 {
                _merge.append(contentsOf: _sets[Int(footprint[Int(parent)])])
            }
            if let ownMember { _merge.append(ownMember) }
            _merge.sort()
            var write = 0
            for read in _merge.indices {
                let member = _merge[read]
                if write > 0, _merge[write - 1] == member { continue }
                let conflict = Int(memberConflict[Int(member)])
                if decidedWinner[conflict] == member, _bindingEverywhere[conflict] <= now { continue }
                _merge[write] = member
                write += 1
            }
            _merge.removeLast(_merge.count - write)
            result = _intern(_merge)
            if samplesByClass, _lastInternNew {
                var parentSets: [Int32] = []
                for parent in parents where footprint[Int(parent)] > 0 { parentSets.append(footprint[Int(parent)]) }
                _findPartners(of: result, parentSets: parentSets, ownMember: ownMember)
            }
            if cachesUnion { _cacheUnion(shared, second, result) }
        }
        _retain(result)
        footprint.append(result)
        if tracksGlobalTips {
            _tipLinks.append(TipLink.unlinked)
        } else if samplesByClass {
            _carry(x, result)
        }
        if _anyDecided {
            var invalidBy: Int32 = -1
            for parent in parents where _invalidBy[Int(parent)] >= 0 {
                invalidBy = _invalidBy[Int(parent)]
                break
            }
            _invalidBy.append(invalidBy)
        }
        if isMilestone, result > 0 {
            _merge.removeAll(keepingCapacity: true)
            _merge.append(contentsOf: _coordinatorMembers)
            _merge.append(contentsOf: _sets[Int(result)])
            _merge.sort()
            _coordinatorMembers.removeAll(keepingCapacity: true)
            for member in _merge where _coordinatorMembers.last != member {
                let conflict = Int(memberConflict[Int(member)])
                if decidedWinner[conflict] == member, _bindingEverywhere[conflict] <= now { continue }
                _coordinatorMembers.append(member)
            }
        }
    }

    /// A refused transaction: counted, not issued. `isArrival`: a new payload, not a
    /// reattachment.
    public mutating func didRefuse(issuer: IssuerIdentity, isArrival: Bool, now: Double) {
        if case .doubleSpend(let member, _) = _pending {
            // The spend never entered the Tangle: the member keeps no payload, so that the
            // id goes to the next transaction untouched.
            _payloadMember.removeValue(forKey: memberPayload[Int(member)])
            memberPayload[Int(member)] = -1
        }
        _pending = nil
        refused += 1
        if issuer.kind == .device || issuer.kind == .adversary {
            refusedTransactions.append(RefusedTransaction(time: now, issuer: issuer, isArrival: isArrival))
        }
    }

    /// `x` has an approver visible at every node: no view can offer it as a tip again, so
    /// its footprint is released. (Milestones are never released: the coordinator approves
    /// its previous milestone whatever approves it; nor is the genesis, milestone 0.)
    public mutating func release(_ x: Int32) {
        precondition(!tracksGlobalTips || !_isTrackedTip(x), "a transaction leaves the global tip set before it is released")
        let set = footprint[Int(x)]
        footprint[Int(x)] = -1
        if set > 0 { _releaseSet(set) }
    }

    /// Makes the footprint of `x` available again if it was released: attackers approve old
    /// transactions. Recomputed from the Tangle: the members one of whose transactions is
    /// `x` or an ancestor of `x`.
    ///
    /// - Complexity: O(1) when `x` was not released; otherwise a search of `x`'s past cone
    ///   above each member's first transaction.
    public mutating func restoreFootprint(of x: Int32, in tangle: Tangle) {
        guard footprint[Int(x)] < 0 else { return }
        _merge.removeAll(keepingCapacity: true)
        for member in memberTransactions.indices {
            let carriers = memberTransactions[member]
            if carriers.contains(where: { $0 == x || tangle.isAncestor($0, of: x) }) { _merge.append(Int32(member)) }
        }
        let set = _intern(_merge)
        if samplesByClass, _lastInternNew { _findPartners(of: set, parentSets: [], ownMember: nil) }
        _retain(set)
        footprint[Int(x)] = set
        if samplesByClass, !tracksGlobalTips { _carry(x, set) }
    }

    // MARK: - Sets

    mutating func _intern(_ members: ContiguousArray<Int32>) -> Int32 {
        _lastInternNew = false
        if members.isEmpty { return 0 }
        if let known = _interned[members] { return known }
        _lastInternNew = true
        let id: Int32
        let consistent = _holdsOneMemberPerConflict(members)
        if let free = _freeSets.popLast() {
            id = free
            _sets[Int(id)] = members
            _setReferences[Int(id)] = 0
            _setConsistent[Int(id)] = consistent
        } else {
            id = Int32(_sets.count)
            _sets.append(members)
            _setReferences.append(0)
            _setConsistent.append(consistent)
            if samplesByClass { _appendClass() }
        }
        _interned[members] = id
        return id
    }

    /// Whether `members` holds at most one member of each conflict.
    ///
    /// - Complexity: O(L log L) for L members; paid once per new set.
    func _holdsOneMemberPerConflict(_ members: ContiguousArray<Int32>) -> Bool {
        if members.count < 2 { return true }
        let conflicts = members.map { memberConflict[Int($0)] }.sorted()
        for index in 1..<conflicts.count where conflicts[index] == conflicts[index - 1] { return false }
        return true
    }

    @inline(__always)
    mutating func _retain(_ set: Int32) {
        if set > 0 { _setReferences[Int(set)] += 1 }
    }

    @inline(__always)
    mutating func _releaseSet(_ set: Int32) {
        guard set > 0 else { return }
        _setReferences[Int(set)] -= 1
        if _setReferences[Int(set)] == 0 { _freeSet(set) }
    }

    /// Frees set `set`, referenced no more (out of line: the rare case of a release).
    @inline(never)
    mutating func _freeSet(_ set: Int32) {
        _interned.removeValue(forKey: _sets[Int(set)])
        _sets[Int(set)] = []
        _freeSets.append(set)
        if samplesByClass { _freeClass(set) }
    }

    func _insertSorted(_ member: Int32, into array: inout ContiguousArray<Int32>) {
        var index = array.count
        while index > 0, array[index - 1] > member { index -= 1 }
        if index > 0, array[index - 1] == member { return }
        array.insert(member, at: index)
    }

    /// The live interned sets and their total entries (for tests and the estimate).
    public var liveSets: (count: Int, entries: Int) {
        var count = 0, entries = 0
        for (index, set) in _sets.enumerated() where index > 0 && !set.isEmpty {
            count += 1
            entries += set.count
        }
        return (count, entries)
    }

    /// The ledger's members and decisions, for the transaction log and tests.
    public var snapshot: ConflictSnapshot {
        ConflictSnapshot(
            conflictMembers: conflictMembers, memberPayload: memberPayload, memberTransactions: memberTransactions,
            decidedWinner: decidedWinner, decidedAt: decidedAt, payloadOutput: _payloadOutput)
    }
}

/// The members and decisions of a run's conflicts (see ``ConflictLedger``).
public struct ConflictSnapshot: Sendable {
    /// The members of each conflict, in the order they were spent.
    public var conflictMembers: [[Int32]]
    /// Each member's payload (−1: a spend refused at issue).
    public var memberPayload: ContiguousArray<Int32>
    /// The transactions carrying each member.
    public var memberTransactions: [[Int32]]
    /// Each conflict's decided winner (−1: undecided) and the decision's time (NaN).
    public var decidedWinner: ContiguousArray<Int32>
    public var decidedAt: ContiguousArray<Double>
    /// The output each double-spending payload spends (other payloads spend their own id).
    public var payloadOutput: [Int32: Int32]
}

/// The approvers a walk may step onto where conflicts exist: those not invalidated by a
/// decision that binds the walker's node already.
public struct ValidApprovers: ApproverFilter {
    let invalidBy: ContiguousArray<Int32>
    let binding: ContiguousArray<Double>
    let nodes: Int
    let node: Int
    let now: Double

    @inline(__always)
    public func admits(_ x: Int32) -> Bool {
        guard !invalidBy.isEmpty else { return true }  // nothing decided yet
        let conflict = invalidBy[Int(x)]
        return conflict < 0 || binding[Int(conflict) * nodes + node] > now
    }
}

/// A device or adversary transaction refused at issue (no consistent parents, or an invalid
/// spend): never appended to the Tangle, judged as rejected.
public struct RefusedTransaction: Sendable, Equatable {
    /// When it would have been issued.
    public var time: Double
    /// Who would have issued it.
    public var issuer: IssuerIdentity
    /// Whether it was a new payload (an arrival, counted as issued) rather than a reattachment.
    public var isArrival: Bool
}
