extension TangleConfiguration {
    /// The `tangle` section with every default filled in.
    var _resolvedJSON: JSONValue {
        [
            "parents": adaptiveParents ? ["base": .integer(Int64(parents)), "adaptive": true] : .integer(Int64(parents)),
            "repeatedPicks": .string(repeatedPicks.rawValue),
        ]
    }
}

extension Scenario {
    /// The scenario as JSON with every default written out: what `tanglesim validate` prints
    /// and `manifest.json` records.
    ///
    /// Keys come in a fixed order: `name`, `description` (omitted when `nil`), `seed`,
    /// `duration` (omitted when `nil`), `transactions` (omitted when `nil`), `warmup`,
    /// `devices`, `network`, `tangle`, `tipSelection`, `metrics`, `consensus`, `payments`,
    /// `adversaries` and `variants` (each omitted when empty), `replications` (omitted when 1,
    /// so that scenarios without it keep their resolved bytes and sweep fingerprints); within
    /// sections, in the
    /// order of the scenario reference. The delay is always an object with its
    /// `distribution`. Times and rates are written as numbers (`600.0`), counts as integers,
    /// so ``init(json:file:)`` gives back an equal scenario. (A `seed` above `Int64.max`,
    /// which decoding never produces, is written as a number and would not decode.)
    public var resolvedJSON: JSONValue {
        var object: JSONObject = ["name": .string(name)]
        if let description {
            object["description"] = .string(description)
        }
        object["seed"] = Int64(exactly: seed).map(JSONValue.integer) ?? .number(Double(seed))
        if let duration {
            object["duration"] = .number(duration)
        }
        if let transactions {
            object["transactions"] = .integer(Int64(transactions))
        }
        object["warmup"] = .number(warmup)
        object["devices"] = .array(
            devices.map { device in
                var entry: JSONObject = ["count": .integer(Int64(device.count)), "rate": .number(device.rate)]
                if let reattachAfter = device.reattachAfter { entry["reattachAfter"] = .number(reattachAfter) }
                entry["behaviour"] = .string(device.behaviour.name)
                if let lazyAge = device.behaviour.lazyAge { entry["lazyAge"] = .number(lazyAge) }
                if let work = device.work { entry["work"] = work._resolvedJSON }
                if let power = device.power { entry["power"] = .number(power) }
                // Omitted when Poisson and always awake, so existing scenarios keep their bytes.
                if device.arrivals != .poisson { entry["arrivals"] = device.arrivals._resolvedJSON }
                if let dutyCycle = device.dutyCycle { entry["dutyCycle"] = dutyCycle._resolvedJSON }
                if let label = device.label { entry["label"] = .string(label) }
                if network.gossip != nil {
                    switch device.attachment {
                    case .node(let node): entry["node"] = .integer(Int64(node))
                    case .roundRobin: entry["nodes"] = "roundRobin"
                    case .random: entry["nodes"] = "random"
                    }
                }
                return .object(entry)
            })
        object["network"] = network._resolvedJSON
        object["tangle"] = tangle._resolvedJSON
        object["tipSelection"] = tipSelection._resolvedJSON
        var metricsObject: JSONObject = [
            "orphanTimeout": .number(metrics.orphanTimeout),
            "sampleInterval": .number(metrics.sampleInterval),
            "transactionLog": .bool(metrics.transactionLog),
            "exactQuantiles": .integer(Int64(metrics.exactQuantiles)),
        ]
        if let analysis = metrics.walkAnalysis {
            metricsObject["walkAnalysis"] = ["every": .number(analysis.every), "walks": .integer(Int64(analysis.walks))]
        }
        object["metrics"] = .object(metricsObject)
        object["consensus"] = consensus._resolvedJSON
        object["payments"] = ["doubleSpendRate": .number(payments.doubleSpendRate)]
        if !adversaries.isEmpty { object["adversaries"] = .array(adversaries.map { $0._resolvedJSON(gossip: network.gossip != nil) }) }
        if !variants.isEmpty {
            object["variants"] = .array(
                variants.map { variant in
                    var entry: JSONObject = ["label": .string(variant.label)]
                    if let tipSelection = variant.tipSelection { entry["tipSelection"] = tipSelection._resolvedJSON }
                    if let consensus = variant.consensus { entry["consensus"] = consensus._resolvedJSON }
                    if let tangle = variant.tangle { entry["tangle"] = tangle._resolvedJSON }
                    return .object(entry)
                })
        }
        if replications != 1 {
            object["replications"] = .integer(Int64(replications))
        }
        return .object(object)
    }
}

extension NetworkConfiguration {
    /// The `network` section with its model and every setting.
    fileprivate var _resolvedJSON: JSONValue {
        switch self {
        case .delay(let distribution):
            return ["model": "delay", "delay": distribution._resolvedJSON]
        case .gossip(let gossip):
            let topology: JSONValue =
                switch gossip.topology {
                case .fullMesh: ["kind": "fullMesh"]
                case .randomRegular(let degree): ["kind": "randomRegular", "degree": .integer(Int64(degree))]
                case .wattsStrogatz(let degree, let rewire):
                    ["kind": "wattsStrogatz", "degree": .integer(Int64(degree)), "rewire": .number(rewire)]
                case .barabasiAlbert(let attach): ["kind": "barabasiAlbert", "attach": .integer(Int64(attach))]
                case .edges(let edges):
                    ["kind": "edges", "edges": .array(edges.map { .array($0.map { .integer(Int64($0)) }) })]
                }
            var resolved: [(String, JSONValue)] = [
                ("model", "gossip"),
                ("nodes", .integer(Int64(gossip.nodes))),
                ("topology", topology),
                ("linkLatency", gossip.linkLatency._resolvedJSON),
                ("linkLatencySampling", .string(gossip.linkLatencySampling.rawValue)),
                ("processingDelay", gossip.processingDelay._resolvedJSON),
            ]
            // Written only with faults, so manifests of faultless scenarios stay as they were.
            if gossip.loss > 0 { resolved.append(("loss", .number(gossip.loss))) }
            if gossip.hasFaults { resolved.append(("requestDelay", .number(gossip.requestDelay))) }
            if !gossip.partitions.isEmpty {
                resolved.append(
                    (
                        "partitions",
                        .array(
                            gossip.partitions.map {
                                ["start": .number($0.start), "end": .number($0.end), "split": .number($0.split)]
                            })
                    ))
            }
            if let churn = gossip.churn {
                resolved.append(
                    (
                        "churn",
                        [
                            "meanOnline": .number(churn.meanOnline), "meanOffline": .number(churn.meanOffline),
                            "syncDelay": .number(churn.syncDelay),
                        ]
                    ))
            }
            return .object(JSONObject(resolved))
        }
    }
}

extension DelayDistribution {
    /// The distribution as an object: `distribution` then its parameters.
    fileprivate var _resolvedJSON: JSONValue {
        switch self {
        case .constant(let value):
            ["distribution": "constant", "value": .number(value)]
        case .uniform(let min, let max):
            ["distribution": "uniform", "min": .number(min), "max": .number(max)]
        case .exponential(let mean):
            ["distribution": "exponential", "mean": .number(mean)]
        case .lognormal(let mu, let sigma):
            ["distribution": "lognormal", "mu": .number(mu), "sigma": .number(sigma)]
        case .gamma(let shape, let scale):
            ["distribution": "gamma", "shape": .number(shape), "scale": .number(scale)]
        }
    }
}


extension ArrivalKind {
    /// A device class's `arrivals` with every default filled in.
    var _resolvedJSON: JSONValue {
        switch self {
        case .poisson: return ["kind": "poisson"]
        case .periodic(let jitter): return ["kind": "periodic", "jitter": .number(jitter)]
        case .onOff(let alarmRate, let meanRegular, let meanAlarm):
            return [
                "kind": "onOff", "alarmRate": .number(alarmRate), "meanRegular": .number(meanRegular),
                "meanAlarm": .number(meanAlarm),
            ]
        case .schedule(let steps, let period):
            var object: JSONObject = [
                "kind": "schedule", "steps": .array(steps.map { JSONValue.array([.number($0.time), .number($0.multiplier)]) }),
            ]
            if let period { object["repeat"] = .number(period) }
            return .object(object)
        }
    }
}

extension DutyCycle {
    /// A device class's `dutyCycle` with every default filled in.
    var _resolvedJSON: JSONValue {
        ["on": .number(on), "period": .number(period), "phase": .string(randomPhase ? "random" : "inPhase")]
    }
}
