import Foundation
import Testing

@testable import TangleSim

/// The quickstart example from the scenario reference.
private let quickstart = """
    {
      "name": "quickstart",
      "seed": 1,
      "duration": 600,
      "warmup": 60,
      "devices": [ { "count": 1000, "rate": 0.05 } ],
      "network": { "model": "delay", "delay": { "distribution": "constant", "value": 1.0 } },
      "tangle": { "parents": 2, "repeatedPicks": "distinct" },
      "tipSelection": { "strategy": "uniform" },
      "metrics": { "orphanTimeout": 60, "sampleInterval": 1.0, "transactionLog": false }
    }
    """

/// Decodes `text` as the scenario file `file`.
private func decode(_ text: String, file: String = "bad.json") throws -> Scenario {
    try Scenario.decode(Array(text.utf8), file: file)
}

/// The description of the error that decoding `text` throws, or `nil` when it decodes.
private func decodeError(_ text: String, file: String = "bad.json") -> String? {
    do {
        _ = try decode(text, file: file)
        return nil
    } catch {
        return (error as? ScenarioError)?.description ?? "unexpected error \(error)"
    }
}

/// A valid scenario body with `extra` members appended at the top level.
private func minimal(_ extra: String = "") -> String {
    #"{"duration": 600, "devices": [{"count": 1000, "rate": 0.05}]"# + (extra.isEmpty ? "" : ", " + extra) + "}"
}

@Suite("Scenario decoding")
struct ScenarioDecodingTests {
    @Test func quickstartDecodes() throws {
        let scenario = try decode(quickstart, file: "Scenarios/quickstart.json")
        let expected = Scenario(
            name: "quickstart", seed: 1, duration: 600, warmup: 60,
            devices: [DeviceClass(count: 1000, rate: 0.05)],
            network: .delay(.constant(1.0)),
            tangle: TangleConfiguration(parents: 2, repeatedPicks: .distinct),
            tipSelection: .uniform,
            metrics: MetricsConfiguration(orphanTimeout: 60, sampleInterval: 1, transactionLog: false))
        #expect(scenario == expected)
        #expect(scenario.lambda == 50)
    }

    @Test func defaultsAreFilled() throws {
        let scenario = try decode(#"{"transactions": 5000, "devices": [{"count": 3, "rate": 2}]}"#, file: "runs/my first run.json")
        #expect(scenario.name == "my-first-run")
        #expect(scenario.description == nil)
        #expect(scenario.seed == 1)
        #expect(scenario.duration == nil)
        #expect(scenario.transactions == 5000)
        #expect(scenario.warmup == 0)
        #expect(scenario.devices == [DeviceClass(count: 3, rate: 2)])
        #expect(scenario.network == .delay(.constant(1.0)))
        #expect(scenario.tangle == TangleConfiguration(parents: 2, repeatedPicks: .distinct))
        #expect(scenario.tipSelection == .uniform)
        #expect(scenario.metrics == MetricsConfiguration(orphanTimeout: 60, sampleInterval: 1, transactionLog: false))
        // Empty sections take every default too.
        let empty = try decode(minimal(#""network": {}, "tangle": {}, "metrics": {}"#), file: "x.json")
        #expect(empty.network == .delay(.constant(1.0)))
        #expect(empty.tangle == TangleConfiguration())
        #expect(empty.metrics == MetricsConfiguration())
    }

    @Test(arguments: [
        ("quickstart.json", "quickstart"),
        ("a/b/c.json", "c"),
        ("plain", "plain"),
        ("x.y.json", "x.y"),
        ("été 2.json", "-t--2"),
        ("..json", "scenario"),
        ("", "scenario"),
    ])
    func defaultName(file: String, name: String) {
        #expect(Scenario._defaultName(forFile: file) == name)
    }

    @Test func mcmcDefaultsAndRoundTrip() throws {
        let mcmc = try decode(minimal(#""tipSelection": {"strategy": "mcmc"}"#))
        #expect(mcmc.tipSelection == .mcmc(alpha: 0.01, start: .window(W: 10)), "MCMC defaults")
        let genesis = try decode(minimal(#""tipSelection": {"strategy": "mcmc", "alpha": 0, "start": {"kind": "genesis"}}"#))
        #expect(genesis.tipSelection == .mcmc(alpha: 0, start: .genesis))
        #expect(try Scenario(json: genesis.resolvedJSON, file: "x.json") == genesis, "round trip")
        #expect(try Scenario(json: mcmc.resolvedJSON, file: "x.json") == mcmc, "round trip")
    }

    @Test func bareNumberDelay() throws {
        let scenario = try decode(minimal(#""network": {"delay": 0.25}"#))
        #expect(scenario.network == .delay(.constant(0.25)))
        let integer = try decode(minimal(#""network": {"delay": 0}"#))
        #expect(integer.network == .delay(.constant(0)))
    }

    @Test(arguments: [
        (#"{"distribution": "constant", "value": 2}"#, DelayDistribution.constant(2)),
        (#"{"distribution": "uniform", "min": 0.5, "max": 1.5}"#, .uniform(min: 0.5, max: 1.5)),
        (#"{"distribution": "uniform", "min": 1, "max": 1}"#, .uniform(min: 1, max: 1)),
        (#"{"mean": 3, "distribution": "exponential"}"#, .exponential(mean: 3)),
        (#"{"distribution": "lognormal", "mu": -1.5, "sigma": 0.5}"#, .lognormal(mu: -1.5, sigma: 0.5)),
        (#"{"distribution": "gamma", "shape": 2, "scale": 0.25}"#, .gamma(shape: 2, scale: 0.25)),
    ])
    func distributions(json: String, expected: DelayDistribution) throws {
        let scenario = try decode(minimal(#""network": {"model": "delay", "delay": "# + json + "}"))
        #expect(scenario.network == .delay(expected))
    }

    @Test(arguments: [
        Scenario(name: "a", duration: 10, devices: [DeviceClass(count: 1, rate: 1)]),
        Scenario(
            name: "everything_set-1.0", description: "Line one\nline \"two\" — ünïcode",
            seed: UInt64(Int64.max), duration: 0.1, transactions: 12345, warmup: 1e-05,
            devices: [DeviceClass(count: 7, rate: 1.0 / 3.0), DeviceClass(count: 1, rate: 1e7)],
            network: .delay(.uniform(min: 0, max: 2.5)),
            tangle: TangleConfiguration(parents: 8, repeatedPicks: .collapse),
            metrics: MetricsConfiguration(orphanTimeout: 0.5, sampleInterval: 3, transactionLog: true)),
        Scenario(name: "lazy", duration: 10, devices: [DeviceClass(count: 1, rate: 1), DeviceClass(count: 3, rate: 2, behaviour: .lazy(age: 60))]),
        Scenario(name: "tx", seed: 0, transactions: 1, devices: [DeviceClass(count: 2, rate: 0.5)],
                 network: .delay(.exponential(mean: 0.7))),
        Scenario(name: "ln", duration: 100, devices: [DeviceClass(count: 2, rate: 0.5)],
                 network: .delay(.lognormal(mu: -0.0, sigma: 2))),
        Scenario(name: "g", duration: 100, warmup: 99.999, devices: [DeviceClass(count: 2, rate: 0.5)],
                 network: .delay(.gamma(shape: 0.3, scale: 10))),
    ])
    func roundTrip(scenario: Scenario) throws {
        let json = scenario.resolvedJSON
        #expect(try Scenario(json: json, file: "rt.json") == scenario)
        let printed = json.prettyPrinted
        let reparsed = try decode(printed, file: "rt.json")
        #expect(reparsed == scenario)
        #expect(reparsed.resolvedJSON.prettyPrinted == printed)
    }

    @Test func resolvedQuickstartBytes() throws {
        let scenario = try decode(quickstart, file: "quickstart.json")
        let expected = """
            {
              "name": "quickstart",
              "seed": 1,
              "duration": 600.0,
              "warmup": 60.0,
              "devices": [
                {
                  "count": 1000,
                  "rate": 0.05,
                  "behaviour": "honest"
                }
              ],
              "network": {
                "model": "delay",
                "delay": {
                  "distribution": "constant",
                  "value": 1.0
                }
              },
              "tangle": {
                "parents": 2,
                "repeatedPicks": "distinct"
              },
              "tipSelection": {
                "strategy": "uniform"
              },
              "metrics": {
                "orphanTimeout": 60.0,
                "sampleInterval": 1.0,
                "transactionLog": false,
                "exactQuantiles": 16777216
              },
              "consensus": {
                "kind": "none"
              },
              "payments": {
                "doubleSpendRate": 0.0
              }
            }

            """
        #expect(scenario.resolvedJSON.prettyPrinted == expected)
        #expect(Array(scenario.resolvedJSON.prettyPrinted.utf8) == Array(expected.utf8))
    }

    @Test func resolvedKeyOrderWithOptionals() throws {
        let scenario = try decode(minimal(#""transactions": 10, "description": "d""#))
        guard case .object(let object) = scenario.resolvedJSON else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == [
            "name", "description", "seed", "duration", "transactions", "warmup",
            "devices", "network", "tangle", "tipSelection", "metrics", "consensus", "payments",
        ])
    }

    @Test func consensusVariantsAndReattachmentRoundTrip() throws {
        let scenario = try decode(
            #"""
            {"duration": 600, "devices": [{"count": 10, "rate": 1, "reattachAfter": 30}],
             "tipSelection": {"strategy": "mcmc", "start": {"kind": "milestone", "depth": 3}},
             "consensus": {"kind": "coordinator", "interval": 10},
             "variants": [{"label": "URTS", "tipSelection": {"strategy": "uniform"}},
                          {"label": "CW", "consensus": {"kind": "cumulativeWeight", "threshold": 50}, "tipSelection": {"strategy": "uniform"}}]}
            """#)
        #expect(scenario.devices[0].reattachAfter == 30)
        #expect(scenario.consensus == .coordinator(CoordinatorConfiguration(interval: 10, schedule: .periodic, tipSelection: .uniform, parents: 2)))
        #expect(scenario.tipSelection == .mcmc(alpha: 0.01, start: .milestone(depth: 3)))
        #expect(scenario.variants.map(\.label) == ["URTS", "CW"])
        #expect(scenario.applying(scenario.variants[1]).consensus == .cumulativeWeight(threshold: 50))
        #expect(scenario.applying(scenario.variants[0]).consensus == scenario.consensus)
        #expect(try Scenario(json: scenario.resolvedJSON, file: "bad.json") == scenario)
    }

    @Test("replications: default 1 and left out of the resolved scenario; any other count written and read back")
    func replicationsRoundTrip() throws {
        let plain = try decode(minimal())
        #expect(plain.replications == 1)
        guard case .object(let object) = plain.resolvedJSON else {
            Issue.record("the resolved scenario is not an object")
            return
        }
        #expect(object["replications"] == nil, "one replication keeps the resolved bytes of scenarios without the key")
        let four = try decode(minimal(#""replications": 4e0"#))
        #expect(four.replications == 4)
        #expect(four.resolvedJSON.prettyPrinted.contains(#""replications": 4"#))
        #expect(try Scenario(json: four.resolvedJSON, file: "bad.json") == four)
        #expect(four.applying(ScenarioVariant(label: "a")).replications == 4)
    }

    @Test("gossip loss: decoded with its request delay (default 0.5 s), written back only when above 0")
    func gossipLossRoundTrip() throws {
        let gossip = #""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1"#
        let lossy = try decode(minimal(gossip + #", "loss": 0.05, "requestDelay": 0.25}"#))
        #expect(lossy.network.gossip?.loss == 0.05)
        #expect(lossy.network.gossip?.requestDelay == 0.25)
        #expect(try Scenario(json: lossy.resolvedJSON, file: "bad.json") == lossy)
        let defaulted = try decode(minimal(gossip + #", "loss": 0.05}"#))
        #expect(defaulted.network.gossip?.requestDelay == 0.5)
        let plain = try decode(minimal(gossip + "}"))
        let zero = try decode(minimal(gossip + #", "loss": 0}"#))
        #expect(zero == plain, "loss 0 is the lossless network")
        #expect(plain.network.gossip?.loss == 0)
        guard case .object(let object) = plain.resolvedJSON, case .object(let network) = object["network"] else {
            Issue.record("the resolved scenario has no network object")
            return
        }
        #expect(network["loss"] == nil && network["requestDelay"] == nil, "lossless manifests keep their bytes")
    }

    @Test("gossip partitions and churn: decoded, written back (with the request delay) only when given")
    func gossipPartitionsAndChurnRoundTrip() throws {
        let gossip = #""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1"#
        let faulty = try decode(
            minimal(
                gossip
                    + #", "partitions": [{"start": 100, "end": 160, "split": 0.5}, {"start": 160, "end": 170.5, "split": 0.25}], "churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}}"#
            ))
        #expect(
            faulty.network.gossip?.partitions
                == [GossipPartition(start: 100, end: 160, split: 0.5), GossipPartition(start: 160, end: 170.5, split: 0.25)])
        #expect(faulty.network.gossip?.churn == GossipChurn(meanOnline: 600, meanOffline: 60, syncDelay: 5))
        #expect(faulty.network.gossip?.requestDelay == 0.5)
        #expect(faulty.network.gossip?.hasFaults == true)
        #expect(try Scenario(json: faulty.resolvedJSON, file: "bad.json") == faulty)
        let plain = try decode(minimal(gossip + "}"))
        #expect(try decode(minimal(gossip + #", "partitions": []}"#)) == plain, "no partitions is the plain network")
        guard case .object(let object) = plain.resolvedJSON, case .object(let network) = object["network"] else {
            Issue.record("the resolved scenario has no network object")
            return
        }
        #expect(network["partitions"] == nil && network["churn"] == nil && network["requestDelay"] == nil)
    }

    @Test func lazyDevicesRoundTrip() throws {
        let scenario = try decode(
            #"{"duration": 600, "devices": [{"count": 10, "rate": 1}, {"count": 2, "rate": 0.5, "behaviour": "lazy", "lazyAge": 60}, {"count": 1, "rate": 1, "behaviour": "honest"}]}"#)
        #expect(scenario.devices.map(\.behaviour) == [.honest, .lazy(age: 60), .honest])
        #expect(try Scenario(json: scenario.resolvedJSON, file: "bad.json") == scenario)
        guard case .object(let object) = scenario.resolvedJSON, case .array(let devices) = object["devices"],
              case .object(let lazy) = devices[1]
        else {
            Issue.record("devices is not a list of objects")
            return
        }
        #expect(lazy.keys == ["count", "rate", "behaviour", "lazyAge"])
    }

    /// Every class of scenario error, with its exact text.
    @Test(arguments: [
        // The document as a whole.
        ("[]", #"bad.json: expected a JSON object with the scenario's keys, like {"duration": 600, "devices": [...]}, got an array"#),
        (#"{"devices": [{"count": 1, "rate": 1}]}"#, #"bad.json: no stop condition: set "duration" (seconds) or "transactions" (a count), or both"#),
        (minimal(#""sed": 3"#), #"bad.json: sed: unknown key "sed"; did you mean "seed"?"#),
        (minimal(#""zzz": 3"#), "bad.json: zzz: unknown key \"zzz\"; known keys: name, description, seed, duration, transactions, warmup, devices, network, tangle, tipSelection, metrics, consensus, payments, adversaries, variants, replications"),
        // Top-level fields.
        (minimal(#""name": "my run""#), #"bad.json: name: expected a name of 1 to 100 characters from A-Z, a-z, 0-9, ".", "_" and "-", other than "." and "..", got "my run""#),
        (minimal(#""name": "..""#), #"bad.json: name: expected a name of 1 to 100 characters from A-Z, a-z, 0-9, ".", "_" and "-", other than "." and "..", got "..""#),
        (minimal(#""name": """#), #"bad.json: name: expected a name of 1 to 100 characters from A-Z, a-z, 0-9, ".", "_" and "-", other than "." and "..", got """#),
        (minimal(#""description": 3"#), "bad.json: description: expected a string, got 3"),
        (minimal(#""seed": -1"#), "bad.json: seed: expected an integer from 0 to 9223372036854775807, got -1"),
        (minimal(#""seed": 1.5"#), "bad.json: seed: expected an integer from 0 to 9223372036854775807, got 1.5"),
        (minimal(#""seed": "1""#), #"bad.json: seed: expected an integer from 0 to 9223372036854775807, got "1""#),
        (#"{"duration": "fast", "devices": []}"#, #"bad.json: duration: expected a number of seconds, at least 1e-6, got "fast""#),
        (#"{"duration": 0, "devices": []}"#, "bad.json: duration: expected a number of seconds, at least 1e-6, got 0"),
        (#"{"transactions": 0, "devices": []}"#, "bad.json: transactions: expected a positive integer, got 0"),
        (#"{"transactions": 2.5, "devices": []}"#, "bad.json: transactions: expected a positive integer, got 2.5"),
        (#"{"transactions": -1e3, "devices": []}"#, "bad.json: transactions: expected a positive integer, got -1000.0"),
        // Beyond 64 bits, written with an exponent or written out: refused alike.
        (#"{"transactions": 1e19, "devices": []}"#, "bad.json: transactions: expected a positive integer, got 1e+19"),
        (#"{"transactions": 10000000000000000000, "devices": []}"#, "bad.json: transactions: expected a positive integer, got 1e+19"),
        (#"{"duration": 1e-7, "devices": []}"#, "bad.json: duration: expected a number of seconds, at least 1e-6, got 1e-07"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1e300}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got 1e+300"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 10000001}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got 10000001"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "reattachAfter": 1e-9}], "consensus": {"kind": "coordinator", "interval": 10}}"#, "bad.json: devices[0].reattachAfter: expected a number of seconds, at least 1e-6, got 1e-09"),
        (minimal(#""metrics": {"sampleInterval": 1e-300}"#), "bad.json: metrics.sampleInterval: expected a number of seconds, at least 1e-6, got 1e-300"),
        (minimal(#""metrics": {"orphanTimeout": 5e-7}"#), "bad.json: metrics.orphanTimeout: expected a number of seconds, at least 1e-6, got 5e-07"),
        (minimal(#""consensus": {"kind": "coordinator", "interval": 1e-300}"#), "bad.json: consensus.interval: expected a number of seconds, at least 1e-6, got 1e-300"),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "window", "W": 1e-7}}"#), "bad.json: tipSelection.start.W: expected a number of seconds, at least 1e-6, got 1e-07"),
        (minimal(#""consensus": {"kind": "coordinator", "interval": 10, "tipSelection": {"strategy": "mcmc", "start": {"kind": "window", "W": 0}}}"#), "bad.json: consensus.tipSelection.start.W: expected a number of seconds, at least 1e-6, got 0"),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "milestone", "depth": 2.5}}, "consensus": {"kind": "coordinator", "interval": 10}"#), "bad.json: tipSelection.start.depth: expected a positive integer, got 2.5"),
        (minimal(#""warmup": 700"#), "bad.json: warmup: expected a non-negative number of seconds below duration (600), got 700"),
        (minimal(#""warmup": 600.0"#), "bad.json: warmup: expected a non-negative number of seconds below duration (600), got 600.0"),
        (#"{"transactions": 9, "warmup": -1, "devices": []}"#, "bad.json: warmup: expected a non-negative number of seconds, got -1"),
        (#"{"transactions": 9, "warmup": null, "devices": []}"#, "bad.json: warmup: expected a non-negative number of seconds, got null"),
        // Devices.
        (#"{"duration": 600}"#, #"bad.json: devices: required key is missing (expected a list of device classes like {"count": 1000, "rate": 0.05})"#),
        (#"{"duration": 600, "devices": []}"#, "bad.json: devices: expected at least one device class, got an empty list"),
        // A misspelt required key is reported as the typo, not as a missing key.
        (#"{"duration": 600, "devics": [{"count": 1, "rate": 1}]}"#, #"bad.json: devics: unknown key "devics"; did you mean "devices"?"#),
        (#"{"duration": 600, "devices": [{"cont": 1, "rate": 1}]}"#, #"bad.json: devices[0].cont: unknown key "cont"; did you mean "count"?"#),
        (#"{"duration": 600, "devices": {"count": 1}}"#, #"bad.json: devices: expected a list of device classes like {"count": 1000, "rate": 0.05}, got an object"#),
        (#"{"duration": 600, "devices": [5]}"#, #"bad.json: devices[0]: expected a device class like {"count": 1000, "rate": 0.05}, got 5"#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1}, {"rate": 1}]}"#, "bad.json: devices[1].count: required key is missing (expected a positive integer)"),
        (#"{"duration": 600, "devices": [{"count": 0, "rate": 1}]}"#, "bad.json: devices[0].count: expected a positive integer, got 0"),
        (#"{"duration": 600, "devices": [{"count": 2.5, "rate": 1}]}"#, "bad.json: devices[0].count: expected a positive integer, got 2.5"),
        (#"{"duration": 600, "devices": [{"count": 1}]}"#, "bad.json: devices[0].rate: required key is missing (expected a positive number of transactions per second, at most 1e7)"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": true}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got true"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": -1}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got -1"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": null}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got null"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": [1]}]}"#, "bad.json: devices[0].rate: expected a positive number of transactions per second, at most 1e7, got an array"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "rat": 2}]}"#, #"bad.json: devices[0].rat: unknown key "rat"; did you mean "rate"?"#),
        (#"{"duration": 600, "devices": [{"count": 2000000000, "rate": 1}, {"count": 2000000000, "rate": 1}]}"#, "bad.json: devices: expected at most 2147483647 devices in total, got 4000000000"),
        (#"{"duration": 600, "devices": [{"count": 9223372036854775807, "rate": 1}, {"count": 1, "rate": 1}]}"#, "bad.json: devices: expected at most 2147483647 devices in total, got more than 9223372036854775807"),
        // Network.
        (minimal(#""network": "delay""#), #"bad.json: network: expected an object like {"model": "delay", "delay": 1.0}, got "delay""#),
        (minimal(#""network": {"model": "mesh"}"#), #"bad.json: network.model: expected one of "delay", "gossip", got "mesh""#),
        // Gossip networks.
        (minimal(#""network": {"model": "gossip"}"#), "bad.json: network.nodes: required key is missing (expected an integer from 1 to 100000)"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "linkLatency": 0.1}"#), #"bad.json: network.topology: required key is missing (expected an object like {"kind": "randomRegular", "degree": 8})"#),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}}"#), #"bad.json: network.linkLatency: required key is missing (expected a non-negative number of seconds or an object like {"distribution": "exponential", "mean": 1.0})"#),
        (minimal(#""network": {"model": "gossip", "nodes": 5, "topology": {"kind": "randomRegular", "degree": 3}, "linkLatency": 0.1}"#), "bad.json: network.topology.degree: nodes × degree must be even for a regular graph (5 × 3 is odd)"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "randomRegular", "degree": 10}, "linkLatency": 0.1}"#), "bad.json: network.topology.degree: expected an integer from 1 to 9, got 10"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "wattsStrogatz", "degree": 3, "rewire": 0.1}, "linkLatency": 0.1}"#), "bad.json: network.topology.degree: expected an even degree (each node links to degree/2 neighbours on each side), got 3"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "wattsStrogatz", "degree": 4, "rewire": 2}, "linkLatency": 0.1}"#), "bad.json: network.topology.rewire: expected a probability from 0 to 1, got 2"),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "edges", "edges": [[0, 1], [1, 1]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[1]: a link joins two different nodes, got [1, 1]"),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "edges", "edges": [[0, 1], [1, 0]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[1]: the link [1, 0] is listed twice"),
        // Gossip faults.
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "loss": 1.5}"#), "bad.json: network.loss: expected a probability from 0 to 1, got 1.5"),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "loss": "high"}"#), #"bad.json: network.loss: expected a probability from 0 to 1, got "high""#),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "loss": 0.1, "requestDelay": -1}"#), "bad.json: network.requestDelay: expected a non-negative number of seconds, got -1"),
        (minimal(#""network": {"model": "delay", "delay": 1, "loss": 0.1}"#), #"bad.json: network.loss: message loss and requests need a gossip network ("model": "gossip"): the delay model sends no messages"#),
        (minimal(#""network": {"requestDelay": 0.1}"#), #"bad.json: network.requestDelay: message loss and requests need a gossip network ("model": "gossip"): the delay model sends no messages"#),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "loss": 0.1}, "consensus": {"kind": "cumulativeWeight", "threshold": 5}"#), "bad.json: network.loss: per-node weights (consensus cumulativeWeight or approvalWeight on a gossip network) record when each node sees a transaction as it is sent, and with loss a later request can change that: use consensus none or coordinator with loss"),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": {"start": 1}}"#), #"bad.json: network.partitions: expected a list of partitions like [{"start": 100, "end": 160, "split": 0.5}], got an object"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [5]}"#), #"bad.json: network.partitions[0]: expected a partition like {"start": 100, "end": 160, "split": 0.5}, got 5"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"end": 160, "split": 0.5}]}"#), #"bad.json: network.partitions[0].start: required key is missing (expected a non-negative number of seconds)"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": -1, "end": 160, "split": 0.5}]}"#), #"bad.json: network.partitions[0].start: expected a non-negative number of seconds, got -1"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 100, "end": 100, "split": 0.5}]}"#), #"bad.json: network.partitions[0].end: expected a number of seconds greater than start (100), got 100"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 100, "end": 160, "split": 1}]}"#), #"bad.json: network.partitions[0].split: expected a share of the nodes between 0 and 1, exclusive, got 1"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 100, "end": 160, "split": 0}]}"#), #"bad.json: network.partitions[0].split: expected a share of the nodes between 0 and 1, exclusive, got 0"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 100, "end": 160, "split": 0.5, "sides": 2}]}"#), #"bad.json: network.partitions[0].sides: unknown key "sides"; known keys: start, end, split"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 100, "end": 160, "split": 0.5}, {"start": 150, "end": 200, "split": 0.5}]}"#), #"bad.json: network.partitions[1].start: expected a start no earlier than the previous partition's end (160), got 150"#),
        (minimal(#""network": {"model": "gossip", "nodes": 1, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 1, "end": 2, "split": 0.5}]}"#), #"bad.json: network.partitions: a partition splits the nodes in two sides: expected a network of at least 2 nodes, got 1"#),
        (minimal(#""network": {"model": "delay", "delay": 1, "partitions": []}"#), #"bad.json: network.partitions: partitions and churn need a gossip network ("model": "gossip"): the delay model has no nodes"#),
        (minimal(#""network": {"churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}}"#), #"bad.json: network.churn: partitions and churn need a gossip network ("model": "gossip"): the delay model has no nodes"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": 60}"#), #"bad.json: network.churn: expected an object like {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}, got 60"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOffline": 60, "syncDelay": 5}}"#), #"bad.json: network.churn.meanOnline: required key is missing (expected a number of seconds, at least 1e-6)"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 0, "meanOffline": 60, "syncDelay": 5}}"#), #"bad.json: network.churn.meanOnline: expected a number of seconds, at least 1e-6, got 0"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": -1, "syncDelay": 5}}"#), #"bad.json: network.churn.meanOffline: expected a number of seconds, at least 1e-6, got -1"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "syncDelay": 5}}"#), #"bad.json: network.churn.meanOffline: required key is missing (expected a number of seconds, at least 1e-6)"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": 60}}"#), #"bad.json: network.churn.syncDelay: required key is missing (expected a non-negative number of seconds)"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": -5}}"#), #"bad.json: network.churn.syncDelay: expected a non-negative number of seconds, got -5"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOfline": 60, "syncDelay": 5}}"#), #"bad.json: network.churn.meanOfline: unknown key "meanOfline"; did you mean "meanOffline"?"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 0.0001, "meanOffline": 0.0001, "syncDelay": 5}}"#), #"bad.json: network.churn: expected at most 1e7 offline periods in all (nodes × duration / (meanOnline + meanOffline)), got about 12000004"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}}, "consensus": {"kind": "cumulativeWeight", "threshold": 5}"#), #"bad.json: network.churn: per-node weights (consensus cumulativeWeight or approvalWeight on a gossip network) record when each node sees a transaction as it is sent, and with partitions or churn a later request or catch-up can change that: use consensus none or coordinator with churn"#),
        (minimal(#""network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "partitions": [{"start": 1, "end": 2, "split": 0.5}]}, "consensus": {"kind": "cumulativeWeight", "threshold": 5}"#), #"bad.json: network.partitions: per-node weights (consensus cumulativeWeight or approvalWeight on a gossip network) record when each node sees a transaction as it is sent, and with partitions or churn a later request or catch-up can change that: use consensus none or coordinator with partitions"#),
        (#"{"transactions": 1000, "devices": [{"count": 2, "rate": 1}], "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}}}"#, #"bad.json: network.churn: churn draws every node's offline periods up to the run's duration: expected a scenario with "duration""#),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1}, {"count": 2, "rate": 1, "reattachAfter": 30}], "consensus": {"kind": "coordinator", "interval": 10}, "network": {"model": "gossip", "nodes": 4, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "churn": {"meanOnline": 600, "meanOffline": 60, "syncDelay": 5}}}"#, #"bad.json: devices[1].reattachAfter: with network.churn a device on an offline node holds its transactions until the node returns, which reattachment does not model: remove reattachAfter or churn"#),
        (minimal(#""network": {"model": "gossip", "nodes": 3, "topology": {"kind": "edges", "edges": [[0, 3]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[0]: expected a link [a, b] between nodes 0 to 2, got [0, 3]"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "edges", "edges": [[0, 1], [0, 17]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[1]: expected a link [a, b] between nodes 0 to 9, got [0, 17]"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "edges", "edges": [[-1, 2]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[0]: expected a link [a, b] between nodes 0 to 9, got [-1, 2]"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "edges", "edges": [[0, 1, 2]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[0]: expected a link [a, b] between nodes 0 to 9, got an array"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "edges", "edges": [[0, 0.5]]}, "linkLatency": 0.1}"#), "bad.json: network.topology.edges[0]: expected a link [a, b] between nodes 0 to 9, got an array"),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "linkLatencySampling": "once"}"#), #"bad.json: network.linkLatencySampling: expected one of "perLink", "perMessage", got "once""#),
        (minimal(#""network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1, "delay": 1}"#), #"bad.json: network.delay: unknown key "delay"; known keys: model, nodes, topology, linkLatency, linkLatencySampling, processingDelay, loss, requestDelay, partitions, churn"#),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1, "node": 10}], "network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}}"#, "bad.json: devices[0].node: expected a node from 0 to 9, got 10"),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1, "node": 1, "nodes": "random"}], "network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}}"#, #"bad.json: devices[0].nodes: give either "node" (one node) or "nodes" ("roundRobin" or "random"), not both"#),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1, "nodes": "random"}]}"#, #"bad.json: devices[0]: devices attach to nodes only on a gossip network ("network": {"model": "gossip", ...})"#),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1}], "network": {"model": "gossip", "nodes": 10, "topology": {"kind": "fullMesh"}, "linkLatency": 0.1}, "consensus": {"kind": "coordinator", "interval": 5, "node": 10}}"#, "bad.json: consensus: the coordinator's node 10 does not exist: the network has nodes 0 to 9"),
        (#"{"duration": 60, "devices": [{"count": 2, "rate": 1}], "consensus": {"kind": "coordinator", "interval": 5, "node": 1}}"#, #"bad.json: consensus: a coordinator "node" needs a gossip network ("network": {"model": "gossip", ...})"#),
        (minimal(#""network": {"delay": -1}"#), #"bad.json: network.delay: expected a non-negative number of seconds or an object like {"distribution": "exponential", "mean": 1.0}, got -1"#),
        (minimal(#""network": {"delay": "1s"}"#), #"bad.json: network.delay: expected a non-negative number of seconds or an object like {"distribution": "exponential", "mean": 1.0}, got "1s""#),
        (minimal(#""network": {"delay": {"mean": 1}}"#), #"bad.json: network.delay.distribution: required key is missing (expected one of "constant", "uniform", "exponential", "lognormal", "gamma")"#),
        (minimal(#""network": {"delay": {"distribution": "normal"}}"#), #"bad.json: network.delay.distribution: expected one of "constant", "uniform", "exponential", "lognormal", "gamma", got "normal""#),
        (minimal(#""network": {"delay": {"distribution": "constant"}}"#), "bad.json: network.delay.value: required key is missing (expected a non-negative number of seconds)"),
        (minimal(#""network": {"delay": {"distribution": "uniform", "min": -1, "max": 1}}"#), "bad.json: network.delay.min: expected a non-negative number of seconds, got -1"),
        (minimal(#""network": {"delay": {"distribution": "uniform", "min": 2, "max": 1.5}}"#), "bad.json: network.delay.max: expected a number of seconds no less than min (2), got 1.5"),
        (minimal(#""network": {"delay": {"distribution": "exponential", "mean": 0}}"#), "bad.json: network.delay.mean: expected a positive number of seconds, got 0"),
        (minimal(#""network": {"delay": {"distribution": "exponential", "value": 1}}"#), "bad.json: network.delay.mean: required key is missing (expected a positive number of seconds)"),
        (minimal(#""network": {"delay": {"distribution": "exponential", "mean": 1, "value": 1}}"#), #"bad.json: network.delay.value: unknown key "value"; known keys: distribution, mean"#),
        (minimal(#""network": {"delay": {"distribution": "lognormal", "mu": "a", "sigma": 1}}"#), #"bad.json: network.delay.mu: expected a number, got "a""#),
        (minimal(#""network": {"delay": {"distribution": "lognormal", "mu": 0, "sigma": 0}}"#), "bad.json: network.delay.sigma: expected a positive number, got 0"),
        (minimal(#""network": {"delay": {"distribution": "lognormal", "mu": 0, "sigma": 1, "sgima": 1}}"#), #"bad.json: network.delay.sgima: unknown key "sgima"; did you mean "sigma"?"#),
        (minimal(#""network": {"delay": {"distribution": "gamma", "shape": 1}}"#), "bad.json: network.delay.scale: required key is missing (expected a positive number of seconds)"),
        (minimal(#""network": {"delay": {"distribution": "gamma", "shape": -2, "scale": 1}}"#), "bad.json: network.delay.shape: expected a positive number, got -2"),
        (minimal(#""network": {"dleay": 1}"#), #"bad.json: network.dleay: unknown key "dleay"; did you mean "delay"?"#),
        // Tangle.
        (minimal(#""tangle": {"parents": 9}"#), "bad.json: tangle.parents: expected an integer from 1 to 8, got 9"),
        (minimal(#""tangle": {"parents": 0}"#), "bad.json: tangle.parents: expected an integer from 1 to 8, got 0"),
        (minimal(#""tangle": {"parent": 3}"#), #"bad.json: tangle.parent: unknown key "parent"; did you mean "parents"?"#),
        (minimal(#""tangle": {"zzz": 3}"#), #"bad.json: tangle.zzz: unknown key "zzz"; known keys: parents, repeatedPicks"#),
        (minimal(#""tangle": {"repeatedPicks": "unique"}"#), #"bad.json: tangle.repeatedPicks: expected one of "distinct", "collapse", got "unique""#),
        (minimal(#""tangle": 2"#), #"bad.json: tangle: expected an object like {"parents": 2, "repeatedPicks": "distinct"}, got 2"#),
        // Tip selection.
        (minimal(#""tipSelection": {}"#), #"bad.json: tipSelection.strategy: required key is missing (expected one of "uniform", "mcmc", "restrictedUniform", "eiota", "perParent", "almostUniform", "giota", "heaviestPair")"#),
        (minimal(#""tipSelection": {"strategy": "urts"}"#), #"bad.json: tipSelection.strategy: expected one of "uniform", "mcmc", "restrictedUniform", "eiota", "perParent", "almostUniform", "giota", "heaviestPair", got "urts""#),
        (minimal(#""tipSelection": "uniform""#), #"bad.json: tipSelection: expected an object like {"strategy": "uniform"} or {"strategy": "mcmc", "alpha": 0.01}, got "uniform""#),
        (minimal(#""tipSelection": {"strategy": "uniform", "alpha": 1}"#), #"bad.json: tipSelection.alpha: unknown key "alpha"; known keys: strategy"#),
        (minimal(#""tipSelection": {"strategy": "mcmc", "alpha": -0.1}"#), #"bad.json: tipSelection.alpha: expected a non-negative number or "infinity", got -0.1"#),
        (minimal(#""tipSelection": {"strategy": "mcmc", "aplha": 0.1}"#), #"bad.json: tipSelection.aplha: unknown key "aplha"; did you mean "alpha"?"#),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "tips"}}"#), #"bad.json: tipSelection.start.kind: expected one of "genesis", "window", "milestone", "backtrack", got "tips""#),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "window"}}"#), "bad.json: tipSelection.start.W: required key is missing (expected a number of seconds, at least 1e-6)"),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "window", "W": 0}}"#), "bad.json: tipSelection.start.W: expected a number of seconds, at least 1e-6, got 0"),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "genesis", "W": 10}}"#), #"bad.json: tipSelection.start.W: unknown key "W"; known keys: kind"#),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "milestone", "depth": 0}}"#), "bad.json: tipSelection.start.depth: expected a positive integer, got 0"),
        (minimal(#""tipSelection": {"strategy": "mcmc", "start": {"kind": "milestone", "depth": 3}}"#), #"bad.json: tipSelection.start.kind: a "milestone" walk start needs coordinator milestones: add "consensus": {"kind": "coordinator", "interval": 10}"#),
        // Consensus and variants.
        (minimal(#""consensus": {"kind": "coordinator"}"#), "bad.json: consensus.interval: required key is missing (expected a number of seconds, at least 1e-6)"),
        (minimal(#""consensus": {"kind": "coordinator", "interval": 10, "schedule": "random"}"#), #"bad.json: consensus.schedule: expected one of "periodic", "poisson", got "random""#),
        (minimal(#""consensus": {"kind": "coordinator", "interval": 10, "parents": 1}"#), "bad.json: consensus.parents: expected an integer from 2 to 8, got 1"),
        (minimal(#""consensus": {"kind": "coordinator", "interval": 10, "tipSelection": {"strategy": "mcmc", "alpha": -1}}"#), #"bad.json: consensus.tipSelection.alpha: expected a non-negative number or "infinity", got -1"#),
        (minimal(#""consensus": {"kind": "cumulativeWeight", "threshold": 1}"#), "bad.json: consensus.threshold: expected an integer of at least 2, got 1"),
        (minimal(#""consensus": {"kind": "pow"}"#), #"bad.json: consensus.kind: expected one of "none", "coordinator", "cumulativeWeight", "confidence", "approvalWeight", got "pow""#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "reattachAfter": 30}]}"#, #"bad.json: devices[0]: reattachAfter needs a confirmation rule: set "consensus" to a coordinator or a cumulativeWeight threshold"#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "reattachAfter": 0}]}"#, "bad.json: devices[0].reattachAfter: expected a number of seconds, at least 1e-6, got 0"),
        // Lazy devices.
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "behaviour": "lazy"}]}"#, "bad.json: devices[0].lazyAge: required key is missing (expected a number of seconds, at least 1e-6)"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1}, {"count": 1, "rate": 1, "behaviour": "lazy", "lazyAge": 0}]}"#, "bad.json: devices[1].lazyAge: expected a number of seconds, at least 1e-6, got 0"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "behaviour": "lazy", "lazyAge": 5e-7}]}"#, "bad.json: devices[0].lazyAge: expected a number of seconds, at least 1e-6, got 5e-07"),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "behaviour": "lazy", "lazyAge": "60"}]}"#, #"bad.json: devices[0].lazyAge: expected a number of seconds, at least 1e-6, got "60""#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "behaviour": "sleepy"}]}"#, #"bad.json: devices[0].behaviour: expected one of "honest", "lazy", got "sleepy""#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "lazyAge": 60}]}"#, #"bad.json: devices[0].lazyAge: lazyAge applies to lazy devices only: add "behaviour": "lazy""#),
        (#"{"duration": 600, "devices": [{"count": 1, "rate": 1, "behaviour": "lazy", "lazyage": 60}]}"#, #"bad.json: devices[0].lazyage: unknown key "lazyage"; did you mean "lazyAge"?"#),
        (minimal(#""variants": [{"tipSelection": {"strategy": "uniform"}}]"#), "bad.json: variants[0].label: required key is missing (expected a non-empty string)"),
        (minimal(#""variants": [{"label": "a"}, {"label": "a"}]"#), #"bad.json: variants[1].label: duplicate label "a"; labels name the rows of the comparison"#),
        (minimal(#""variants": [{"label": "a", "tipSelection": {"strategy": "mcmc", "start": {"kind": "milestone", "depth": 2}}}]"#), #"bad.json: variants[0].tipSelection.start.kind: a "milestone" walk start needs coordinator milestones: add "consensus": {"kind": "coordinator", "interval": 10}"#),
        (minimal(#""variants": [{"label": "a", "consensus": {"kind": "coordinator", "interval": 5}, "tipselection": {}}]"#), #"bad.json: variants[0].tipselection: unknown key "tipselection"; did you mean "tipSelection"?"#),
        // Replications of a comparison.
        (minimal(#""replications": 0"#), "bad.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got 0"),
        (minimal(#""replications": -3"#), "bad.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got -3"),
        (minimal(#""replications": 2.5"#), "bad.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got 2.5"),
        (minimal(#""replications": "4""#), #"bad.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got "4""#),
        (minimal(#""replications": 1e12"#), "bad.json: replications: expected an integer from 1 to 10000000 (the runs of each variant of tanglesim compare), got 1000000000000.0"),
        (minimal(#""replication": 4"#), #"bad.json: replication: unknown key "replication"; did you mean "replications"?"#),
        // Metrics.
        (minimal(#""metrics": {"orphanTimeout": 0}"#), "bad.json: metrics.orphanTimeout: expected a number of seconds, at least 1e-6, got 0"),
        (minimal(#""metrics": {"sampleInterval": []}"#), "bad.json: metrics.sampleInterval: expected a number of seconds, at least 1e-6, got an array"),
        (minimal(#""metrics": {"transactionLog": "yes"}"#), #"bad.json: metrics.transactionLog: expected true or false, got "yes""#),
        (minimal(#""metrics": {"transactionlog": true}"#), #"bad.json: metrics.transactionlog: unknown key "transactionlog"; did you mean "transactionLog"?"#),
        (minimal(#""metrics": {"sample interval": 1}"#), #"bad.json: metrics["sample interval"]: unknown key "sample interval"; did you mean "sampleInterval"?"#),
    ])
    func errors(json: String, message: String) {
        #expect(decodeError(json) == message)
    }

    @Test("an integral number is an integer however it is written")
    func integralNumbers() throws {
        let scenario = try decode(
            #"{"transactions": 1e3, "seed": 7.0, "devices": [{"count": 2e1, "rate": 1}], "tangle": {"parents": 3.0}}"#)
        #expect(scenario.transactions == 1000)
        #expect(scenario.seed == 7)
        #expect(scenario.devices[0].count == 20)
        #expect(scenario.tangle.parents == 3)
        let written = try decode(#"{"transactions": 1000000000000000000, "devices": [{"count": 1, "rate": 1}]}"#)
        let exponent = try decode(#"{"transactions": 1e18, "devices": [{"count": 1, "rate": 1}]}"#)
        #expect(written == exponent)
        let edges = try decode(
            minimal(#""network": {"model": "gossip", "nodes": 2, "topology": {"kind": "edges", "edges": [[0, 1e0]]}, "linkLatency": 0.1}"#))
        #expect(edges.network.gossip?.topology == .edges([[0, 1]]))
    }

    @Test("the shortest interval and the highest rate are accepted")
    func limitsAreInclusive() throws {
        let scenario = try decode(
            #"{"duration": 1e-6, "devices": [{"count": 1, "rate": 1e7}], "metrics": {"sampleInterval": 1e-6, "orphanTimeout": 1e-6}}"#)
        #expect(scenario.duration == 1e-6)
        #expect(scenario.devices[0].rate == 1e7)
        #expect(scenario.metrics.sampleInterval == 1e-6)
    }

    @Test("a file larger than 16 MiB, or endless, is refused after reading 16 MiB")
    func oversizedFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.json").path
        // A valid JSON document just over the limit: spaces, then a scenario.
        let body = Array(minimal().utf8)
        try Data(Array(repeating: UInt8(ascii: " "), count: Scenario.maximumFileBytes + 1 - body.count) + body)
            .write(to: URL(fileURLWithPath: path))
        let message = "the file is larger than 16 MiB: a scenario is a small JSON document"
        #expect(throws: ScenarioError(file: path, path: "", message: message)) { try Scenario.load(path: path) }
        #expect(throws: ScenarioError(file: "/dev/zero", path: "", message: message)) { try Scenario.load(path: "/dev/zero") }
        // Exactly at the limit is read (and decoded).
        try Data(Array(repeating: UInt8(ascii: " "), count: Scenario.maximumFileBytes - body.count) + body)
            .write(to: URL(fileURLWithPath: path))
        #expect(try Scenario.load(path: path).duration == 600)
    }

    @Test func malformedJSONGivesLineAndColumn() {
        let text = """
            {
              "duration": 600,
              "seed": 1 "warmup": 0
            }
            """
        #expect(decodeError(text) == "bad.json: line 3, column 13: malformed JSON: expected ',' or '}' after an object member")
        #expect(decodeError("{\n  \"duration\": 600,\n") == "bad.json: line 3, column 1: malformed JSON: expected a key in double quotes, got the end of the file")
    }

    @Test func duplicateKey() {
        #expect(decodeError(minimal(#""tangle": {"parents": 2, "parents": 3}"#))
            == #"bad.json: tangle.parents: line 1, column 88: duplicate key "parents""#)
        #expect(decodeError(#"{"duration": 1, "duration": 2}"#) == #"bad.json: duration: line 1, column 17: duplicate key "duration""#)
    }

    @Test func errorDescriptionWithoutPath() {
        let error = ScenarioError(file: "f.json", path: "", message: "m")
        #expect(error.description == "f.json: m")
        #expect(ScenarioError(file: "f.json", path: "a.b", message: "m").description == "f.json: a.b: m")
    }

    @Test func loadReadsFileAndNamesItAfterTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lab run.json").path
        try Data(minimal().utf8).write(to: URL(fileURLWithPath: path))
        let scenario = try Scenario.load(path: path)
        #expect(scenario.name == "lab-run")
        #expect(scenario.duration == 600)

        #expect(throws: ScenarioError(file: directory.path, path: "", message: "cannot read the file: Is a directory")) {
            try Scenario.load(path: directory.path)
        }
    }

    @Test func loadReportsAMissingFile() {
        #expect(throws: ScenarioError(file: "no/such/file.json", path: "", message: "cannot read the file: No such file or directory")) {
            try Scenario.load(path: "no/such/file.json")
        }
    }

    @Test func decodeAcceptsData() throws {
        let scenario = try Scenario.decode(Data(quickstart.utf8), file: "quickstart.json")
        #expect(scenario.name == "quickstart")
    }

    @Test(arguments: [
        ("parent", ["parents", "repeatedPicks"], "parents"),
        ("repaetedPicks", ["parents", "repeatedPicks"], "repeatedPicks"),
        ("zzz", ["parents", "repeatedPicks"], nil),
        ("zz", ["mu", "sigma"], nil),
        ("m", ["mu", "sigma"], "mu"),
    ] as [(String, [String], String?)])
    func suggestions(key: String, known: [String], expected: String?) {
        #expect(_ObjectReader._suggestion(for: key, among: known) == expected)
    }

    @Test func editDistance() {
        #expect(_ObjectReader._editDistance("", "abc") == 3)
        #expect(_ObjectReader._editDistance("kitten", "sitting") == 3)
        #expect(_ObjectReader._editDistance("ab", "ba") == 1)
        #expect(_ObjectReader._editDistance("same", "same") == 0)
    }
}

@Suite("Documentation")
struct DocumentationTests {
    @Test("every summary column is in the README's summary.csv reference")
    func summaryColumnsDocumented() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "### `summary.csv`"))
        let end = try #require(readme.range(of: "### `timeseries.csv`", range: start.upperBound..<readme.endIndex))
        let rows = readme[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("| `") }
        for column in SummaryColumn.all {
            // Written whole (`latency_mean`), or as a suffix (`_p50`) in its family's row.
            var parts = column.name.split(separator: "_")
            let suffix = "`_\(parts.removeLast())`"
            let family = "`" + parts.joined(separator: "_") + "_"
            let documented = rows.contains { row in
                row.contains("`\(column.name)`") || (row.contains(family) && row.contains(suffix))
            }
            #expect(documented, "\(column.name) is not in the README's summary.csv table")
        }
    }
}
