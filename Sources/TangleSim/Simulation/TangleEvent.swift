/// The events of a Tangle simulation.
public enum TangleEvent: Sendable, Equatable {
    /// The issuer with this index in the simulation wakes up (see ``Issuer``).
    case issuer(Int32)
    /// Transaction `id` becomes visible at every node now.
    case visible(Int32)
    /// A row of `timeseries.csv` is recorded now.
    case sample
    /// The device that issued transaction `id` checks now whether its payload is confirmed,
    /// and issues it again if not.
    case reattach(Int32)
    /// A round of confirmation confidence is made now.
    case confidenceRound
    /// A walk analysis (`walks.csv`) is made now.
    case walkAnalysis
    /// Gossip node `id`, taken offline by churn, is back: its devices issue the
    /// transactions they held (``NetworkModel/releaseHeld(at:)``).
    case nodeReturns(Int32)
}

extension TangleEvent: LanePreferring {
    /// The device fleet's arrivals (issuer 0), visibility (monotone under a constant delay),
    /// the periodic events, and the rest (other issuers, reattachments, returning nodes) each
    /// try a lane of their own.
    @inlinable
    public var preferredLane: Int {
        switch self {
        case .issuer(let index): index == 0 ? 0 : 3
        case .visible: 1
        case .sample, .confidenceRound, .walkAnalysis: 2
        case .reattach, .nodeReturns: 3
        }
    }
}
