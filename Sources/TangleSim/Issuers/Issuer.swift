/// An order to issue one transaction now: what an ``Issuer`` hands to the simulation's one
/// issuing path (``TangleSimulation``), which chooses the parents from the issuer's view
/// (through ``Issuer/chooseParents(for:now:view:tangle:latestMilestone:milestones:into:)``),
/// broadcasts the transaction and makes it visible.
public struct IssueOrder: Sendable {
    /// Who issues.
    public var issuer: IssuerIdentity
    /// The transaction that first carried this payload, for a reattachment (nil: a new
    /// payload, carried first by the transaction about to be issued).
    public var payload: Int32?
    /// The output this transaction spends again (an adversary's deliberate double spend;
    /// nil: a fresh spend, or the device's own choice under `payments.doubleSpendRate`).
    public var spends: Int32?
    /// Whether the transaction is withheld: in the Tangle, seen by nobody but its issuer
    /// until the issuer releases it (``Issuer/withheldToRelease(now:tangle:confirmation:)``).
    public var withheld: Bool
    /// Whether the parents are chosen as an honest device would (the devices' strategy),
    /// not by the issuer's own rule: an attacker's payment that must look ordinary.
    public var honestChoice: Bool
    /// When the device wanted to issue, if a duty cycle or an offline node held it back
    /// until now (nil: now).
    /// Latencies count from it.
    public var wanted: Double?

    public init(
        issuer: IssuerIdentity, payload: Int32? = nil, spends: Int32? = nil, withheld: Bool = false,
        honestChoice: Bool = false, wanted: Double? = nil
    ) {
        self.issuer = issuer
        self.payload = payload
        self.spends = spends
        self.withheld = withheld
        self.honestChoice = honestChoice
        self.wanted = wanted
    }
}

/// Something that issues transactions: the device classes, the coordinator, and (next)
/// adversaries — SimPy's processes.
///
/// An issuer owns its random streams and schedules its own wake-ups on the engine (as
/// ``TangleEvent/issuer(_:)`` events carrying its index). When woken it says what to issue
/// (``wake(now:)``); the simulation then runs the one issuing path every transaction takes:
/// the issuer's node's view, the issuer's choice of parents, its work time (a device
/// class's `work`; none for the coordinator and adversaries), the broadcast, visibility. Afterwards ``didIssue(_:order:engine:)`` lets the issuer schedule
/// what follows (its next wake-up, a reattachment check).
///
/// Adding an issuer: a type conforming to this protocol, its scenario decoding, and a line
/// in the simulation's issuer list. The driver has no case for a particular issuer.
public protocol Issuer {
    /// Schedules the first wake-up; `index` is the issuer's index in the simulation, the
    /// payload of its ``TangleEvent/issuer(_:)`` events.
    mutating func start(index: Int32, engine: inout Engine<TangleEvent>)

    /// Woken at `now`: the transaction to issue now, or nil.
    mutating func wake(now: Double) -> IssueOrder?

    /// Whether ``chooseParents(for:now:view:tangle:latestMilestone:milestones:into:)`` needs
    /// `latestMilestone` (which costs the network a lookup).
    var needsLatestMilestone: Bool { get }

    /// Appends the parents of the transaction `order` asks for (distinct, at most the
    /// Tangle's slots per transaction) to `parents`, empty on entry.
    ///
    /// - Parameters:
    ///   - view: what the issuer sees from its node.
    ///   - latestMilestone: the index in `milestones` of the latest milestone visible at the
    ///     issuer's node (0, the genesis, when ``needsLatestMilestone`` is false).
    mutating func chooseParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, into parents: inout [Int32])

    /// The stream the network draws this issuer's per-transaction delays from (the delay
    /// model), and any other draw made on the issuer's behalf.
    var delayStream: RandomStream { get }

    /// Transaction `x` was issued for `order`: schedule what follows. Returning `.stop` ends
    /// the run (a device fleet that reached the scenario's transaction count).
    mutating func didIssue(_ x: Int32, order: IssueOrder, engine: inout Engine<TangleEvent>) -> EngineControl

    /// Every transaction's issue, for issuers whose strategy keeps state (weights).
    mutating func observeIssue(_ x: Int32, in tangle: Tangle)

    /// Every transaction's visibility at every node.
    mutating func observeVisible(_ x: Int32, in tangle: Tangle)

    /// Whether the issuer holds withheld transactions it may release: while true, the
    /// simulation asks ``withheldToRelease(now:tangle:confirmation:)`` after every event.
    var awaitsRelease: Bool { get }

    /// The withheld transactions to broadcast now, in issue order (empty: not yet).
    mutating func withheldToRelease(now: Double, tangle: Tangle, confirmation: ConfirmationTracker?) -> [Int32]
}

extension Issuer {
    public var needsLatestMilestone: Bool { false }
    public mutating func observeIssue(_ x: Int32, in tangle: Tangle) {}
    public mutating func observeVisible(_ x: Int32, in tangle: Tangle) {}
    public var awaitsRelease: Bool { false }
    public mutating func withheldToRelease(now: Double, tangle: Tangle, confirmation: ConfirmationTracker?) -> [Int32] {
        []
    }
}
