/// What kind of actor issued a transaction.
///
/// Raw values are stored in the Tangle (one byte per transaction); the names appear in the
/// `issuer` column of `transactions.csv`.
public enum IssuerKind: UInt8, Sendable, Equatable, CaseIterable {
    /// Transaction 0, present from the start.
    case genesis = 0
    /// A virtual IoT device of one of the scenario's device classes.
    case device = 1
    /// The coordinator: its transactions are milestones.
    case coordinator = 2
    /// An adversary (issuers added through ``TangleSimulation``'s issuer list; scenarios
    /// have none yet).
    case adversary = 3

    /// The kind as written in `transactions.csv`.
    public var name: String {
        switch self {
        case .genesis: "genesis"
        case .device: "device"
        case .coordinator: "coordinator"
        case .adversary: "adversary"
        }
    }
}

/// Who issued a transaction: the kind of actor, and its id among actors of that kind.
///
/// Devices are numbered 0..<devices across the scenario's classes, in class order; the
/// coordinator and the genesis have id 0.
public struct IssuerIdentity: Sendable, Equatable, Hashable {
    public var kind: IssuerKind
    public var id: Int32

    public init(_ kind: IssuerKind, _ id: Int32 = 0) {
        self.kind = kind
        self.id = id
    }

    /// Device `id`.
    public static func device(_ id: Int32) -> IssuerIdentity { IssuerIdentity(.device, id) }

    /// The coordinator.
    public static let coordinator = IssuerIdentity(.coordinator)

    /// The genesis.
    public static let genesis = IssuerIdentity(.genesis)
}
