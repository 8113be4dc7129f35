/// The events of a Tangle simulation.
public enum TangleEvent: Sendable, Equatable {
    /// The next transaction of the arrival process is issued now.
    case issue
    /// Transaction `id` becomes visible to every issuer now.
    case visible(Int32)
    /// A row of `timeseries.csv` is recorded now.
    case sample
    /// The coordinator issues a milestone now.
    case milestone
    /// The device that issued transaction `id` checks now whether its payload is confirmed,
    /// and issues it again if not.
    case reattach(Int32)
}
