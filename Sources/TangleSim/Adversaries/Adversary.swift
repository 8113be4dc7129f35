/// An attacker of the model's "Adversaries" section as an ``Issuer``: its transactions take
/// the one issuing path like everyone's; it only chooses its parents its own way, may
/// withhold what it issues, and releases it when its attack says so.
///
/// Every kind issues from `start` as a Poisson process of rate `rate` drawn from its own
/// stream (its delays from a second one). Its payments (P, P′ of a double spend, the
/// splitting attack's two members) choose their parents as an honest device would: the
/// devices' strategy, drawing from the devices' tip-selection stream.
///
/// - `doubleSpend`: at `start` it broadcasts a payment P and, at the same instant, creates P′
///   spending P's output again, withheld. Each
///   of its later transactions approves its previous one, so the branch on P′ grows at
///   `rate`. It releases the branch when the merchant accepts P — P's cumulative weight, as
///   everyone sees it, reaches `acceptWeight`, or (without `acceptWeight`) P is confirmed by
///   the rule in force — or `releaseAfter` seconds after `start`, whichever comes first, and
///   keeps extending it, now broadcast, for `persist` seconds.
/// - `parasiteChain`: at `start` it broadcasts P and starts a withheld chain with P′, which
///   approves the latest transaction issued `depth` seconds before `start`; each later link
///   approves the previous one and (k ≥ 2) a uniformly drawn older main-tangle transaction.
///   At `start + releaseAfter` it adds `tips` withheld transactions approving the chain's
///   head and releases them all.
/// - `splitting`: at `start` it broadcasts two conflicting transactions; every later transaction joins the branch whose member has the lower cumulative
///   weight as everyone sees it (the first on a tie): up to k visible tips on that side,
///   drawn uniformly (100 draws a parent), or the member itself when none is found.
/// - `tipInflation`: every transaction approves only the genesis, or (`{"age": a}`) the
///   latest transaction issued at least a seconds earlier.
///
/// A released transaction becomes visible at its release time plus a delay drawn from the
/// adversary's delay stream, and never before its parents.
public struct Adversary: Issuer {
    /// The scenario's settings for this adversary.
    public let configuration: AdversaryConfiguration
    /// Its position in the scenario's `adversaries` list (its `issuer_id`).
    public let number: Int
    let _rng: RandomStream
    public let delayStream: RandomStream
    let _parents: Int
    var _index: Int32 = 0

    /// Transactions issued so far.
    public private(set) var issued = 0
    /// P (the payment the merchant sees) and P′ (its double spend), or the splitting
    /// attack's two members; −1 before they exist.
    public private(set) var payment: Int32 = -1
    public private(set) var doubleSpend: Int32 = -1
    /// When the withheld transactions were released (NaN: not yet, or never withheld).
    public private(set) var releaseTime = Double.nan
    /// When the merchant accepted P (NaN: not yet).
    public private(set) var acceptTime = Double.nan
    /// Its latest transaction (the branch's head; −1 before the first).
    var _head: Int32 = -1
    var _withheld: [Int32] = []
    /// What each scheduled wake-up is for, in the engine's order (time, then scheduling
    /// order), and what the current one is for.
    var _agenda: [(time: Double, sequence: Int, purpose: _Purpose)] = []
    var _scheduled = 0
    var _current = _Purpose.branch
    var _finished = false
    var _releaseDue = false
    var _extraTips = 0
    /// Visible future cones of P and P′ (the members' cumulative weights).
    var _paymentCone = VisibleFutureCone()
    var _doubleSpendCone = VisibleFutureCone()
    /// The parasite chain's anchor: the latest transaction issued `depth` before `start`.
    var _anchor: Int32 = -1

    /// What a wake-up is for.
    enum _Purpose {
        case payment, doubleSpend, branch, extraTip, releaseTimer
    }

    /// Adversary `number` of `scenario` for replication `replication`.
    public init(scenario: Scenario, replication: Int, number: Int) {
        configuration = scenario.adversaries[number]
        self.number = number
        _rng = RandomStream(
            key: StreamID.adversaryKey(seed: scenario.seed, replication: replication, adversary: number, delays: false))
        delayStream = RandomStream(
            key: StreamID.adversaryKey(seed: scenario.seed, replication: replication, adversary: number, delays: true))
        _parents = scenario.tangle.parents
    }

    var identity: IssuerIdentity { IssuerIdentity(.adversary, Int32(number)) }

    mutating func _schedule(_ purpose: _Purpose, at time: Double, engine: inout Engine<TangleEvent>) {
        engine.schedule(.issuer(_index), at: time)
        _agenda.append((time, _scheduled, purpose))
        _scheduled += 1
    }

    public mutating func start(index: Int32, engine: inout Engine<TangleEvent>) {
        _index = index
        let start = configuration.start
        switch configuration.attack {
        case .tipInflation:
            _schedule(.branch, at: start + _rng.exponential(mean: 1 / configuration.rate), engine: &engine)
        case .doubleSpend(_, let releaseAfter, _), .parasiteChain(_, let releaseAfter, _):
            _schedule(.payment, at: start, engine: &engine)
            _schedule(.releaseTimer, at: start + releaseAfter, engine: &engine)
        case .splitting:
            _schedule(.payment, at: start, engine: &engine)
        }
    }

    public mutating func wake(now: Double) -> IssueOrder? {
        var next = 0
        for index in _agenda.indices
        where (_agenda[index].time, _agenda[index].sequence) < (_agenda[next].time, _agenda[next].sequence) {
            next = index
        }
        _current = _agenda.remove(at: next).purpose
        switch _current {
        case .payment:
            return IssueOrder(issuer: identity, honestChoice: true)
        case .doubleSpend:
            var parasite = false
            if case .parasiteChain = configuration.attack { parasite = true }
            return IssueOrder(
                issuer: identity, spends: payment, withheld: configuration.attack.withholds, honestChoice: !parasite)
        case .branch:
            if case .doubleSpend(_, _, let persist) = configuration.attack, !releaseTime.isNaN, now > releaseTime + persist {
                _finished = true
            }
            if _finished { return nil }
            return IssueOrder(issuer: identity, withheld: configuration.attack.withholds && releaseTime.isNaN)
        case .extraTip:
            return IssueOrder(issuer: identity, withheld: true)
        case .releaseTimer:
            guard releaseTime.isNaN else { return nil }
            if case .parasiteChain(_, _, let tips) = configuration.attack {
                _finished = true  // the chain stops growing
                if tips > 0, _head >= 0 {
                    _current = .extraTip
                    return IssueOrder(issuer: identity, withheld: true)
                }
            }
            _releaseDue = true
            return nil
        }
    }

    public mutating func chooseParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, into parents: inout [Int32]
    ) {
        switch (configuration.attack, _current) {
        case (.tipInflation(let target), _):
            switch target {
            case .genesis: parents.append(0)
            case .age(let age): parents.append(_broadcast(atOrBefore: tangle.latestIssued(atOrBefore: now - age), tangle))
            }
        case (.parasiteChain(let depth, _, _), .doubleSpend):
            _anchor = _broadcast(atOrBefore: tangle.latestIssued(atOrBefore: configuration.start - depth), tangle)
            parents.append(_anchor)
        case (.parasiteChain, .branch):
            parents.append(_head)
            if _parents >= 2, _anchor > 0 {
                let old = _broadcast(atOrBefore: Int32(truncatingIfNeeded: 1 + _rng.index(below: Int(_anchor))), tangle)
                if old != _head { parents.append(old) }
            }
        case (.parasiteChain, .extraTip):
            parents.append(_head)
        case (.splitting, .branch):
            let lighter = _doubleSpendCone.weight < _paymentCone.weight ? _doubleSpendCone : _paymentCone
            let target = Swift.min(_parents, view.tipCount)
            var draws = 0
            while parents.count < target, draws < maximumConsistencyRedraws * _parents {
                let tip = view.randomTip(rng: _rng)
                draws += 1
                if lighter.contains(tip), !parents.contains(tip) { parents.append(tip) }
            }
            if parents.isEmpty { parents.append(lighter.root) }
        case (.doubleSpend, .branch):
            parents.append(_head)
        default:
            // Not reached by the attacks above (their payments choose as honest devices do).
            view.sampleUniformTips(_parents, repeatedPicks: .distinct, rng: _rng, into: &parents)
        }
    }

    /// The newest transaction no newer than `x` that has been broadcast: another attacker's
    /// withheld transactions are unknown to this one (its own are on its branch already).
    func _broadcast(atOrBefore x: Int32, _ tangle: Tangle) -> Int32 {
        var y = x
        while y > 0, tangle.visibleTime[Int(y)] == .infinity { y -= 1 }
        return y
    }

    public mutating func didIssue(_ x: Int32, order: IssueOrder, engine: inout Engine<TangleEvent>) -> EngineControl {
        guard x >= 0 else {
            // Refused (its spend was already decided against it): the attack is over.
            _finished = true
            return .proceed
        }
        issued += 1
        if _current != .extraTip { _head = x }  // extra tips all approve the chain's head
        if order.withheld { _withheld.append(x) }
        let now = engine.now
        switch _current {
        case .payment:
            payment = x
            _paymentCone.follow(x)
            _schedule(.doubleSpend, at: now, engine: &engine)
        case .doubleSpend:
            doubleSpend = x
            _doubleSpendCone.follow(x)
            _schedule(.branch, at: now + _rng.exponential(mean: 1 / configuration.rate), engine: &engine)
        case .branch:
            _schedule(.branch, at: now + _rng.exponential(mean: 1 / configuration.rate), engine: &engine)
        case .extraTip, .releaseTimer:
            _extraTips += 1
            if case .parasiteChain(_, _, let tips) = configuration.attack, _extraTips < tips {
                _schedule(.extraTip, at: now, engine: &engine)
            } else {
                _releaseDue = true
            }
        }
        return .proceed
    }

    public mutating func observeVisible(_ x: Int32, in tangle: Tangle) {
        _paymentCone.observeVisible(x, in: tangle)
        _doubleSpendCone.observeVisible(x, in: tangle)
    }

    public var awaitsRelease: Bool {
        if !_withheld.isEmpty { return true }
        if case .doubleSpend = configuration.attack { return payment >= 0 && acceptTime.isNaN }
        return false
    }

    /// Records the merchant's acceptance of P, and hands over the withheld transactions once
    /// the release is due.
    public mutating func withheldToRelease(now: Double, tangle: Tangle, confirmation: ConfirmationTracker?) -> [Int32] {
        if acceptTime.isNaN, payment >= 0, case .doubleSpend(let acceptWeight, _, _) = configuration.attack {
            let accepted =
                if let acceptWeight {
                    _paymentCone.weight >= acceptWeight
                } else {
                    confirmation.map { !$0.confirmedAt[Int(payment)].isNaN } ?? false
                }
            if accepted {
                acceptTime = now
                if releaseTime.isNaN, doubleSpend >= 0 { _releaseDue = true }
            }
        }
        guard _releaseDue, !_withheld.isEmpty else { return [] }
        _releaseDue = false
        releaseTime = now
        defer { _withheld = [] }
        return _withheld
    }
}
