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
