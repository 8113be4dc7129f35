import Foundation
@testable import TangleSim

/// A simulation of `scenario` (on its delay network) with `selector` for its devices, for
/// tests that step the engine themselves.
func delaySimulation<S: TipSelector>(
    _ scenario: Scenario, selector: S
) -> TangleSimulation<S, PoissonArrivals, DelayNetworkModel> {
    guard case .delay(let delay) = scenario.network else { preconditionFailure("a delay-model scenario") }
    return TangleSimulation(scenario: scenario, replication: 0, selector: selector, network: DelayNetworkModel(delay: delay))
}

/// A simulation of `scenario` (on its gossip network) with `selector` for its devices.
func gossipSimulation<S: TipSelector>(
    _ scenario: Scenario, selector: S
) -> TangleSimulation<S, PoissonArrivals, GossipNetworkModel> {
    guard case .gossip(let configuration) = scenario.network else { preconditionFailure("a gossip scenario") }
    let network = try! GossipNetworkModel(configuration, scenario: scenario, replication: 0)
    return TangleSimulation(scenario: scenario, replication: 0, selector: selector, network: network)
}

/// The tip selection of a one-device delay-model scenario whose `tipSelection` is the JSON
/// fragment `tipSelection`, decoded as from `s.json`.
func decodeTipSelection(_ tipSelection: String) throws -> TipSelectionConfiguration {
    let json = #"{"duration": 10, "devices": [{"count": 1, "rate": 1}], "network": {"delay": 1}, "tipSelection": "#
        + tipSelection + "}"
    return try Scenario.decode(Array(json.utf8), file: "s.json").tipSelection
}
