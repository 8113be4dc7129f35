import Foundation
import Testing
@testable import TangleSim

/// A test issuer: every `period` seconds it issues a transaction approving only the genesis
/// (res-sim-tangle's spam attack, in miniature), drawing its delays from its own stream.
struct GenesisSpammer: Issuer {
    let period: Double
    let delayStream = RandomStream(gslSeed: 77)
    var index: Int32 = 0
    var issued: [Int32] = []

    mutating func start(index: Int32, engine: inout Engine<TangleEvent>) {
        self.index = index
        engine.schedule(.issuer(index), after: period)
    }

    func wake(now: Double) -> IssueOrder? { IssueOrder(issuer: IssuerIdentity(.adversary, 7)) }

    func chooseParents<View: TangleView>(
        for order: IssueOrder, now: Double, view: View, tangle: Tangle, latestMilestone: Int,
        milestones: MilestoneRecord, into parents: inout [Int32]
    ) {
        parents.append(0)
    }

    mutating func didIssue(_ x: Int32, order: IssueOrder, engine: inout Engine<TangleEvent>) -> EngineControl {
        issued.append(x)
        engine.schedule(.issuer(index), after: period)
        return .proceed
    }
}

@Suite("Issuers")
struct IssuerTests {
    @Test("a further issuer goes through the one issuing path: recorded with its kind, visible after its delay, devices' arrivals untouched")
    func furtherIssuer() throws {
        let scenario = Scenario(
            name: "spam", seed: 3, duration: 60, devices: [DeviceClass(count: 20, rate: 0.5)],
            network: .delay(.exponential(mean: 1)), consensus: .coordinator(CoordinatorConfiguration(interval: 10)))
        func run(with issuers: [any Issuer]) -> TangleSimulation<UniformTipSelector, PoissonArrivals, DelayNetworkModel> {
            let arrivals = PoissonArrivals(
                classes: scenario.devices, rng: RandomStream(seed: scenario.seed, replication: 0, stream: .arrivals))
            var simulation = TangleSimulation(
                scenario: scenario, replication: 0,
                devices: DeviceFleet(scenario: scenario, replication: 0, selector: UniformTipSelector(), arrivals: arrivals),
                network: DelayNetworkModel(delay: .exponential(mean: 1)), expectedTransactions: 0,
                coordinatorSelector: UniformTipSelector(), issuers: issuers)
            var engine = Engine<TangleEvent>()
            simulation.start(&engine)
            _ = engine.run(until: 60, handler: &simulation)
            return simulation
        }
        let plain = run(with: [])
        let spammed = run(with: [GenesisSpammer(period: 2.5)])
        let tangle = spammed.tangle
        let spam = (1..<tangle.count).filter { tangle.issuerKind[$0] == .adversary }
        // Every 2.5 s from 2.5 s to 60 s: 24 transactions, each approving only the genesis.
        #expect(spam.count == 24)
        for (n, x) in spam.enumerated() {
            #expect(tangle.issueTime[x] == 2.5 * Double(n + 1))
            #expect(Array(tangle.parents(of: Int32(x))) == [0])
            #expect(tangle.issuer(of: Int32(x)) == IssuerIdentity(.adversary, 7))
            #expect(tangle.visibleTime[x] > tangle.issueTime[x], "a positive delay from the issuer's own stream")
        }
        // Common random numbers: the devices' arrivals (issue times and devices) are the same
        // with or without the further issuer; only their parents may differ.
        func arrivals(_ tangle: Tangle) -> [String] {
            (1..<tangle.count).filter { tangle.isDeviceTransaction(Int32($0)) }.map { "\(tangle.issueTime[$0]) \(tangle.issuerID[$0])" }
        }
        #expect(arrivals(plain.tangle) == arrivals(tangle))
        #expect(spammed.milestones.ids.count == plain.milestones.ids.count)
    }
}
