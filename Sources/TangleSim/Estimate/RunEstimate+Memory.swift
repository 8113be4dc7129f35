import Foundation

/// The memory model of one run: what each structure of the simulation allocates, phase by
/// phase. Sizes come from the types themselves (`MemoryLayout`, ``WindowedWeights``'s ring
/// rule, ``Simulation/expectedTransactions(of:)``), never from a measured scenario.
///
/// Phases, in order (the peak is the largest):
/// 1. *building the network* (gossip only): the topology's edge list and adjacency while the
///    graph is drawn, beside the storage the run has already reserved;
/// 2. *simulating*: everything the run holds, filling as transactions arrive;
/// 3. *end-of-run statistics*: the same, full, plus the arrays `finishWithLatencies` fills
///    in one pass (first approvals, propagation times, latencies);
/// 4. *sorting latencies*: those arrays full plus the radix sort's buffer;
/// 5. *writing results* (`tanglesim run` only): what the result keeps, plus `timeseries.csv`
///    built in memory (its fields, its text and a copy of the text) or the 1 MiB buffer of
///    `transactions.csv`.
extension RunEstimate {
    /// The phases of a run, and the bytes of the sorted latencies its result keeps after the
    /// run (what a comparison keeps of each run beside its summary).
    static func _phases(_ q: _RunQuantities, use: Use) -> (phases: [_Phase], latencies: (residentBytes: Double, virtualBytes: Double)) {
        let scenario = q.scenario
        let n = q.transactions
        let transactionsKey = _ComponentKey(
            name: "tangle columns", field: q.transactionsField,
            detail: "a Tangle of \(_EstimateText.count(n)) transactions (\(Int(q.slots)) parent slots)")
        func perTransaction(_ name: String) -> _ComponentKey {
            _ComponentKey(name: name, field: q.transactionsField, detail: "a Tangle of \(_EstimateText.count(n)) transactions")
        }

        // The Tangle: issue and visible times (8 + 8), device and first approver (4 + 4), k
        // parent slots and k next-approver slots (4 + 4 each); reserved, then doubled column
        // by column if milestones or reattachments outgrow the reserve; a work time (8) when
        // some device class does work, a wanted time (8) with a duty cycle or churn.
        let tangleBytes =
            Double(2 * MemoryLayout<Double>.stride + 2 * MemoryLayout<Int32>.stride) + 8 * q.slots
            + (scenario.hasWork ? Double(MemoryLayout<Double>.stride) : 0)
            + (scenario.recordsWantedTimes ? Double(MemoryLayout<Double>.stride) : 0)
        // A run that forgets its settled past keeps a window of ids (``SettledPast``): an
        // advance's interval, the frontier's lag (about 60 delays and work times, generously:
        // about 50 s at lambda 1,000 and h = 1 s) and orphanTimeout (or a walk's reach)
        // plus a sample interval of transactions not yet judged or reachable; storage is
        // moved down once the forgotten part is as long as the kept part, so it holds up to
        // twice that.
        // The run decides on the storage it reserves (Simulation.expectedTransactions).
        let forgets = SettledPast.isUsed(by: scenario, expectedTransactions: Int(q.reserved))
        let work = scenario.devices.map { ($0.work?.mean ?? 0) * $0.rate * Double($0.count) }.reduce(0, +) / Swift.max(q.lambda, 1e-9)
        let lag = q.lambda * 60 * (q.propagation + work)
        // Walks from a window keep what their starts can reach: 2W back.
        var reach = 0.0
        if case .mcmc(_, start: .window(let w), _) = scenario.tipSelection { reach = 2 * w }
        let window =
            Double(SettledPast.interval) + lag
            + q.lambda * (Swift.max(scenario.metrics.orphanTimeout, reach) + scenario.metrics.sampleInterval)
        let keptIDs = forgets ? Swift.min(n, 2 * window) : n
        let reserve = forgets ? Swift.min(q.reserved, Double(SettledPast.reservedTransactions)) : q.reserved
        let windowKey = _ComponentKey(
            name: "tangle columns", field: q.transactionsField,
            detail: "a window of \(_EstimateText.count(keptIDs)) of \(_EstimateText.count(n)) transactions (\(Int(q.slots)) parent slots; the settled past is forgotten)")
        let tangle = _Allocation(
            component: forgets ? windowKey : transactionsKey, elementBytes: tangleBytes, count: keptIDs, reserved: reserve,
            fills: true, copyElementBytes: Swift.max(8, 4 * q.slots))
        // The visible tip set: a slot per id (reserved like the Tangle) and its members.
        let tipSlots = _Allocation(
            component: perTransaction("visible tip set"), elementBytes: 4, count: keptIDs, reserved: reserve, fills: true)
        var simulation: [_Allocation] = [tangle, tipSlots]
        if forgets {
            // The sweep's rows (16 words) and flags for the ids after the frontier.
            let sweepKey = _ComponentKey(
                name: "settled-past sweep", field: q.transactionsField,
                detail: "the transactions after the settled frontier, about \(_EstimateText.count(Double(SettledPast.interval) + lag))")
            simulation.append(
                _Allocation(component: sweepKey, elementBytes: 129, count: Double(SettledPast.interval) + lag, fills: true))
        }
        var retainedWithLog: [_Allocation] = [tangle]

        // The confirmation rule: confirmation times (reserved); weights and search marks for
        // a weight threshold (reserved); payload ids and times with reattachment (grown).
        if scenario.consensus != .none {
            var bytes = Double(MemoryLayout<Double>.stride)
            switch scenario.consensus {
            case .cumulativeWeight, .confidence: bytes += 8  // weights or round counts, and search marks
            default: break
            }
            let confirmation = _Allocation(
                component: perTransaction("confirmation state"), elementBytes: bytes, count: n, reserved: q.reserved, fills: true)
            simulation.append(confirmation)
            retainedWithLog.append(confirmation)
        }
        simulation += _perNodeConfirmation(q)
        if q.reattachments > 0 {
            let field = q.reattachmentsByClass.indices.max { q.reattachmentsByClass[$0] < q.reattachmentsByClass[$1] }
                .map { "devices[\($0)].reattachAfter" } ?? q.transactionsField
            let payloads = _Allocation(
                component: _ComponentKey(
                    name: "reattachment payloads", field: field,
                    detail: "\(_EstimateText.count(q.reattachments)) reattachments (about \(_EstimateText.approximate(q.confirmationLatency)) s to confirmation)"),
                elementBytes: 12, count: n, fills: true)
            simulation.append(payloads)
            retainedWithLog.append(payloads)
        }

        // Conflicts: a footprint set id per transaction (reserved), an invalidating conflict
        // per transaction with a coordinator (whose milestones decide), and with URTS on the
        // delay model (no coordinator, no lazy class) the links of the global tip set's lists
        // by set; the interned sets and the classes follow the live tips, not n.
        if scenario.hasConflicts {
            let field = scenario.payments.doubleSpendRate > 0 ? "payments.doubleSpendRate" : "adversaries"
            var delayModel = false
            if case .delay = scenario.network { delayModel = true }
            let tipLists =
                delayModel && scenario.tipSelection == .uniform && scenario.consensus.coordinator == nil
                && !scenario.devices.contains { $0.behaviour.lazyAge != nil }
            simulation.append(
                _Allocation(
                    component: _ComponentKey(
                        name: "conflict ledger", field: field,
                        detail: "footprints of a Tangle of \(_EstimateText.count(n)) transactions"),
                    elementBytes: 4 + (scenario.consensus.coordinator != nil ? 4 : 0) + (tipLists ? 8 : 0), count: n,
                    reserved: q.reserved, fills: true))
        }

        // Tip selection: the devices' selector and, with MCMC, the coordinator's own.
        simulation += _weights(q, scenario.tipSelection, prefix: "tipSelection")
        if let coordinator = scenario.consensus.coordinator {
            simulation += _weights(q, coordinator.tipSelection, prefix: "consensus.tipSelection")
            simulation.append(
                _Allocation(
                    component: _milestoneKey(q), elementBytes: 4, count: q.milestones + 1, fills: true))
        }

        // Pending events: visibility in flight, a reattachment check per recent transaction
        // of a reattaching class, and the sample, next arrival and next milestone. Lanes
        // and heap grow by doubling and, being rings, end up written in full.
        let checksByClass = scenario.devices.map { deviceClass -> Double in
            guard let after = deviceClass.reattachAfter else { return 0 }
            let rate = Double(deviceClass.count) * deviceClass.meanRate
            return rate * after * (1 + q.reattachments / Swift.max(q.arrivals, 1))
        }
        let reattachChecks = _sum(checksByClass)
        let pending = Swift.min(n, q.inFlight) + Swift.min(n, reattachChecks) + 3
        var eventField = scenario.network.gossip == nil ? "network.delay" : "network.linkLatency"
        if reattachChecks > q.inFlight, let index = checksByClass.indices.max(by: { checksByClass[$0] < checksByClass[$1] }) {
            eventField = "devices[\(index)].reattachAfter"
        }
        simulation.append(
            _Allocation(
                component: _ComponentKey(
                    name: "pending events", field: eventField,
                    detail: "about \(_EstimateText.count(pending)) events pending at a time"),
                elementBytes: Double(MemoryLayout<Event<TangleEvent>>.stride), count: pending, zeroFilled: true))

        // The time series: one row per sample, appended.
        let seriesKey = _ComponentKey(
            name: "time series", field: "metrics.sampleInterval",
            detail: "a sample every \(_EstimateText.number(scenario.metrics.sampleInterval)) s for \(_EstimateText.number(q.end)) s (\(_EstimateText.count(q.samples)) rows)")
        let series = _Allocation(
            component: seriesKey, elementBytes: Double(MemoryLayout<TimeseriesRow>.stride), count: q.samples, fills: true)
        simulation.append(series)

        var phases: [_Phase] = []
        if scenario.network.gossip != nil {
            // The run reserves the Tangle's storage before it draws the network.
            let reserves = simulation.filter { $0.reserved > 0 }.map { reserve -> _Allocation in
                var empty = reserve
                empty.count = 0
                return empty
            }
            let gossip = _gossip(q)
            simulation += gossip.simulation
            phases.append(_Phase(name: "building the network", allocations: gossip.building + reserves))
        }
        phases.append(_Phase(name: "simulating", allocations: simulation))

        // finishWithLatencies: first approvals and propagation times (each reserved for every
        // transaction) and latencies (appended) in one pass over the measured transactions.
        let full = simulation.map(\.settled)
        let statisticsKey = _ComponentKey(
            name: "end-of-run statistics", field: q.transactionsField,
            detail: "the statistics of \(_EstimateText.count(q.measured)) measured transactions")
        // Each statistic keeps at most metrics.exactQuantiles values (then a histogram of
        // about 200 KiB); a forgetting run fills them as it goes.
        let exactLimit = Double(scenario.metrics.exactQuantiles)
        var statistics = [
            _Allocation(
                component: statisticsKey, elementBytes: 8, count: Swift.min(q.judged, exactLimit),
                reserved: Swift.min(n, exactLimit), fills: true),
            _Allocation(
                component: statisticsKey, elementBytes: 8, count: Swift.min(q.measured, exactLimit),
                reserved: Swift.min(n, exactLimit), fills: true),
            // orphan_rate: a bit per transaction kept.
            _Allocation(component: statisticsKey, elementBytes: 1.0 / 8, count: keptIDs, fills: true),
        ]
        let confirming = scenario.consensus != .none
        let latencies = _Allocation(
            component: statisticsKey, elementBytes: 8, count: confirming ? q.judgedPayloads : 0, fills: true)
        if confirming {
            statistics.append(latencies)
            if let gossip = scenario.network.gossip, scenario.consensus.coordinator != nil {
                statistics.append(latencies)  // latencies at the coordinator's node
                statistics.append(
                    _Allocation(
                        component: statisticsKey, elementBytes: 8, count: q.milestones + 1 + Double(gossip.nodes)))
            }
        }
        phases.append(_Phase(name: "end-of-run statistics", allocations: full + statistics))
        if confirming, q.judgedPayloads > 4096 {
            // The LSD radix sort: a buffer as long as the latencies, and 2^16 counters.
            let buffer = _Allocation(
                component: statisticsKey, elementBytes: 8, count: q.judgedPayloads, reserved: q.judgedPayloads, zeroFilled: true)
            let counters = _Allocation(component: statisticsKey, elementBytes: 8, count: 65536, reserved: 65536, zeroFilled: true)
            let sorted = statistics.map(\.settled)
            phases.append(_Phase(name: "sorting latencies", allocations: full + sorted + [buffer, counters]))
        }

        // What the result keeps: the time series, the sorted latencies and, with the
        // transaction log, the Tangle and the confirmation arrays.
        var kept = [series]
        if confirming { kept.append(latencies) }
        if scenario.metrics.transactionLog { kept += retainedWithLog }
        kept = kept.map(\.settled)
        let keptLatencies = latencies.settled

        if use == .run {
            phases += _writing(q, kept: kept, seriesKey: seriesKey)
        }
        if use == .sweepWorker {
            for index in phases.indices {
                for allocation in phases[index].allocations.indices {
                    phases[index].allocations[allocation].keepsFreedBuffers = true
                }
            }
        }
        return (phases, (keptLatencies.residentBytes, keptLatencies.virtualBytes))
    }

    /// A weight rule applied at every gossip node (``NodeWeightConfirmation``,
    /// ``ApprovalWeightConfirmation``): per transaction and node, the cumulative weight (4
    /// bytes) or the approval-weight record (the marked weight and N approver bits: 8 +
    /// 8·⌈N/64⌉ bytes, and 4 for the issuing node per transaction, reserved like the
    /// Tangle), appended for every transaction; the payloads' sums (12 bytes a
    /// transaction, and ⌈N/64⌉ words of per-node marks with reattachment); and the heap of
    /// visibilities waiting to be handled, 16 bytes each: N per transaction issued since the
    /// last sample (the rule runs at samples and reattachment checks) or still in flight.
    static func _perNodeConfirmation(_ q: _RunQuantities) -> [_Allocation] {
        guard let gossip = q.scenario.network.gossip else { return [] }
        let n = q.transactions
        let nodes = Double(gossip.nodes)
        let words = Double((gossip.nodes + 63) / 64)
        let perNode: Double
        let key: _ComponentKey
        switch q.scenario.consensus {
        case .cumulativeWeight:
            perNode = 4
            key = _ComponentKey(
                name: "per-node weights", field: "network.nodes",
                detail: "cumulative weights at \(gossip.nodes) nodes of a Tangle of \(_EstimateText.count(n)) transactions")
        case .approvalWeight:
            perNode = 8 + 8 * words
            key = _ComponentKey(
                name: "approval-weight records", field: "network.nodes",
                detail: "approvers (\(gossip.nodes) bits) and approval weight at \(gossip.nodes) nodes of a Tangle of \(_EstimateText.count(n)) transactions")
        case .none, .coordinator, .confidence:
            return []
        }
        let waiting = Swift.min(n, q.lambda * q.scenario.metrics.sampleInterval + q.inFlight) * nodes
        let approval = q.scenario.consensus.approvalWeight != nil
        var allocations = [
            // Approval-weight records are reserved for the expected transactions; cumulative
            // weights grow from empty.
            _Allocation(component: key, elementBytes: perNode * nodes, count: n, reserved: approval ? q.reserved : 0, fills: true),
            _Allocation(component: key, elementBytes: 8, count: n, fills: true),  // payload sums
            _Allocation(component: key, elementBytes: 4, count: n, fills: true),  // payload node counts
            _Allocation(component: key, elementBytes: Double(MemoryLayout<NodeSighting>.stride), count: waiting),
        ]
        if approval {
            allocations.append(_Allocation(component: key, elementBytes: 4, count: n, reserved: q.reserved, fills: true))  // issuing nodes
        }
        if q.reattachments > 0 {
            allocations.append(_Allocation(component: key, elementBytes: 8 * words, count: n, fills: true))
        }
        return allocations
    }

    /// The component of the coordinator's milestone list (and, under gossip, the milestones'
    /// visibility vectors).
    static func _milestoneKey(_ q: _RunQuantities) -> _ComponentKey {
        let interval = q.scenario.consensus.coordinator?.interval ?? .nan
        let nodes = q.scenario.network.gossip.map { " on \($0.nodes) nodes" } ?? ""
        return _ComponentKey(
            name: "milestone lists", field: "consensus.interval",
            detail: "a milestone every \(_EstimateText.number(interval)) s for \(_EstimateText.number(q.end)) s\(nodes)")
    }

    /// The cumulative weights an MCMC selector keeps (nothing for uniform selection).
    ///
    /// - Window and milestone starts: ``WindowedWeights``'s ring of M transactions, zero-filled
    ///   at once (M²/8 bytes of ancestor sets and log2(M) bit planes), M from
    ///   ``Simulation/windowCapacity(of:start:)``; and a visibility bit per transaction.
    /// - Genesis starts: ``PastConeWeights``: a weight, an eviction entry, a visibility bit and
    ///   a bit for the entries held as G − H per transaction, and the past-cone sets of the
    ///   transactions that can still be chosen: those in flight and the visible tips, the
    ///   tips' at most the cache limit (256 MiB). A set is x/8 bytes for transaction x. A
    ///   nearly unbiased walk (alpha·lambda·h <= 1, weights differ by about lambda·h between
    ///   competing approvers) keeps about 2·lambda·h recent tips, n/8 bytes each; a biased
    ///   one leaves transactions behind as tips for good (half of them at alpha·lambda·h =
    ///   50), so the estimate takes them all: sets of 0 to n/8 bytes, n²/16 in all. With the ``GenesisWalkShortcut`` (MCMC, finite alpha > 0,
    ///   no `exactSteps`), 28 bytes per transaction more, and (without conflicts) sets of w/8
    ///   bytes, w the transactions settling lags behind (see the code).
    static func _weights(_ q: _RunQuantities, _ tipSelection: TipSelectionConfiguration, prefix: String) -> [_Allocation] {
        if case .perParent(let parts) = tipSelection {
            // Each parent's strategy keeps weights of its own.
            return parts.enumerated().flatMap { index, part in _weights(q, part, prefix: "\(prefix).parents[\(index)]") }
        }
        if tipSelection == .heaviestPair {
            // Flags, core epoch, search marks and two tip-set slot columns per transaction
            // (17 bytes), its epochs (the core its cone holds, its joining it) and cone bound
            // (12 bytes), and the exclusive part of every left-behind tip in the wider pool
            // (about 15% of all transactions at lambda·h = 50; a few ids, a dictionary entry
            // and a bucket slot each, about 110 bytes); the zoo's arrivals at 100k
            // transactions peaked 66 bytes per transaction above URTS's run before the
            // epochs and cone bounds were added (12 bytes).
            let key = _ComponentKey(
                name: "heaviest pairs", field: "\(prefix).strategy", detail: "exclusive past cones of \(_EstimateText.count(q.transactions)) transactions")
            return [_Allocation(component: key, elementBytes: 84, count: q.transactions, fills: true)]
        }
        guard let start = tipSelection.walkStart else { return [] }
        let n = q.transactions
        let visibleBits = { (key: _ComponentKey) in _Allocation(component: key, elementBytes: 8, count: (n / 64).rounded(.up), fills: true) }
        let delayField = q.scenario.network.gossip == nil ? "network.delay" : "network.linkLatency"
        switch start {
        case .genesis:
            let key = _ComponentKey(
                name: "past-cone weights", field: "\(prefix).start",
                detail: "walks from the genesis over \(_EstimateText.count(n)) transactions")
            let alpha = tipSelection.largestAlpha
            let recentTips = 2 * q.lambda * q.propagation + 1
            var shortcut: [_Allocation] = []
            // A set is x/8 bytes for transaction x; with the shortcut, w/8 bytes, w the ids
            // from the latest settled transaction on.
            var setIDs = n
            if case .mcmc(let alpha, _, false) = tipSelection, alpha > 0, alpha.isFinite {
                // GenesisWalkShortcut: mass and expected depth (16 bytes), the visible count
                // at visibility (4), the slot columns of its in-flight and tip sets (8).
                let shortcutKey = _ComponentKey(
                    name: "genesis walk shortcut", field: "\(prefix).start", detail: "visit probabilities of \(_EstimateText.count(n)) transactions")
                shortcut = [_Allocation(component: shortcutKey, elementBytes: 28, count: n, fills: true)]
                // Settling lags the tips by a dead branch's drop (alpha·ΔH = ln(1/δ_J), J
                // drops, about one per left-behind tip) or its pruning (pruneExponent),
                // whichever is later, in weight, that is in transactions: mcmc-genesis-1m.json
                // (alpha 0.01, two walks a transaction) finalizes about 6,550 behind; this
                // gives 5,500 plus the in-flight.
                // Walks under conflicts step from the genesis and settle nothing; strongly
                // biased ones (alpha·lambda·h > 1) leave so many side branches that join the
                // heaviest path after their finalization that their sets are built in full
                // (PastConeWeights.defaultMaximumExceptions).
                if !q.scenario.hasConflicts, alpha * q.lambda * q.propagation <= 1 {
                    let drops = Swift.max(1, 0.005 * n)
                    let dropExponent = -Foundation.log(GenesisWalkShortcut.dropBound(Int(drops)))
                    let prune = GenesisWalkShortcut.pruneExponent(walksPerTransaction: q.scenario.walksPerTransaction)
                    setIDs = Swift.min(n, (dropExponent + prune) / alpha + recentTips)
                }
            }
            // A biased walk leaves a few tips behind for good, and each keeps its set until
            // the cache is full: a share p of n tips. Measured p = 0.36% at
            // alpha·lambda·h = 1 (mcmc-genesis-100k.json); the estimate takes 0.5%. Without
            // the shortcut their sets are 0 to n/8 bytes, p·n²/16 in all.
            let averageSet = setIDs < n ? setIDs / 8 : n / 16
            let leftBehindSets = alpha > 0 ? 0.005 * n * averageSet : 0
            let tipSets = alpha * q.lambda * q.propagation <= 1 ? recentTips * setIDs / 8 + leftBehindSets : n * averageSet
            let cache = Double(PastConeWeights.defaultCacheLimitWords) * 8
            let liveSets = Swift.min(cache, tipSets) + q.inFlight * setIDs / 8
            // The settled bits, with the shortcut; the bits of entries held as G − H (settled
            // or complement counted), with or without it.
            let settledBits = shortcut.isEmpty ? [] : [visibleBits(key)]
            return shortcut + settledBits + [
                visibleBits(key),
                _Allocation(component: key, elementBytes: 4, count: n, fills: true),  // weights
                _Allocation(component: key, elementBytes: 4, count: n, fills: true),  // eviction order
                visibleBits(key),
                _Allocation(component: key, elementBytes: liveSets / Swift.max(n, 1), count: n, reserved: n, fills: true),
                // Address space only: the heap's holes left by freed sets, each smaller than
                // every set allocated after it, about as many bytes as the live sets.
                _Allocation(component: key, elementBytes: liveSets / Swift.max(n, 1), count: 0, reserved: n),
            ]
        case .window, .milestone, .backtrack:
            var requested = Simulation.windowCapacity(of: q.scenario, start: start)
            // Backtracking starts from any visible tip, so the ring reaches back to the oldest
            // one, and a tip left behind stays one: even a nearly unbiased walk leaves a few
            // (MCMC alpha 0.01 at lambda = 100/s grew the ring to 2^19 transactions in 1M).
            // The ring is taken to grow to the whole run.
            var grows = false
            if case .backtrack = start {
                requested = Swift.max(requested, Int(Swift.min(n, Double(1 << 26))))
                grows = true
            }
            let ring = WindowedWeights.ringCapacity(atLeast: requested)
            let delay = 4 * q.propagation
            let key: _ComponentKey
            switch start {
            case .window(let w):
                key = _ComponentKey(
                    name: "ancestor bits", field: 2 * w >= delay ? "\(prefix).start.W" : delayField,
                    detail: "a window of \(_EstimateText.number(w)) s at lambda \(_EstimateText.number(q.lambda))/s (a ring of \(ring) transactions)")
            case .backtrack(let weight):
                key = _ComponentKey(
                    name: "ancestor bits",
                    field: "\(prefix).start",
                    detail: "backtracking to weight \(weight) from any visible tip, left-behind ones included: a ring of \(ring) transactions, the whole run")
            default:
                let interval = q.scenario.consensus.coordinator?.interval ?? 0
                let depth = start.milestoneDepth
                key = _ComponentKey(
                    name: "ancestor bits", field: Double(depth + 1) * interval >= delay ? "\(prefix).start.depth" : delayField,
                    detail: "a walk start \(depth) milestones of \(_EstimateText.number(interval)) s back at lambda \(_EstimateText.number(q.lambda))/s (a ring of \(ring) transactions)")
            }
            var allocations = [
                _Allocation(component: key, elementBytes: WindowedWeights.ringBytes(capacity: ring), count: 1, reserved: 1),
                visibleBits(key),
            ]
            // The last doubling builds the new ring while the old one (a quarter of it) lives.
            if grows {
                allocations.append(
                    _Allocation(component: key, elementBytes: WindowedWeights.ringBytes(capacity: ring / 2), count: 1, reserved: 1))
            }
            return allocations
        }
    }

    /// A gossip network's storage: what drawing the topology takes (a transient phase) and
    /// what the run keeps.
    ///
    /// Drawing: the link list (16 bytes a link, appended), one adjacency list per node, and
    /// the compressed rows; a random regular graph adds its stubs and a set of joined pairs.
    /// Kept: the compressed rows (offsets, peers, link ids, link ends), link latencies, the
    /// all-pairs table of shortest paths (N²·8 bytes, with per-link latencies, a constant
    /// processing delay and at most 4,096 nodes), the device attachments, N·8 bytes per
    /// transaction in flight (a pooled visibility vector), 12 bytes per transaction (pool
    /// slot, two marks), N·8 bytes per milestone kept to the end, and N·8 per-node sums.
    static func _gossip(_ q: _RunQuantities) -> (building: [_Allocation], simulation: [_Allocation]) {
        guard let gossip = q.scenario.network.gossip else { return ([], []) }
        let nodes = Double(gossip.nodes)
        let links = q.links
        let topologyKey = _ComponentKey(
            name: "network topology", field: "network.topology",
            detail: "a \(gossip.topology.kindName) network of \(gossip.nodes) nodes (\(_EstimateText.count(links)) links)")
        var kept = [
            _Allocation(component: topologyKey, elementBytes: 4, count: nodes + 1),  // offsets
            _Allocation(component: topologyKey, elementBytes: 8, count: 2 * links),  // peers and link ids
            _Allocation(component: topologyKey, elementBytes: 8, count: links),  // link ends
            _Allocation(component: topologyKey, elementBytes: 8, count: links, reserved: links),  // latencies
            _Allocation(component: topologyKey, elementBytes: 9, count: nodes, reserved: nodes),  // settled, per-node sums
        ]
        if case .edges = gossip.topology {
            // The scenario's own list: an array of two integers per link.
            kept.append(
                _Allocation(
                    component: _ComponentKey(name: "edge list", field: "network.topology.edges", detail: "an edge list of \(_EstimateText.count(links)) links"),
                    elementBytes: 8 + _mallocChunk(32 + 16), count: links, reserved: links))
        }
        var building = kept
        building.append(_Allocation(component: topologyKey, elementBytes: 16, count: links))  // the link list
        // Adjacency: a list per node, (peer, link) pairs of 8 bytes, doubled as appended.
        let degree = 2 * links / Swift.max(nodes, 1)
        building.append(
            _Allocation(
                component: topologyKey, elementBytes: _mallocChunk(32 + 8 * _powerOfTwo(atLeast: Swift.max(1, degree))),
                count: nodes, reserved: nodes))
        switch gossip.topology {
        case .randomRegular:
            building.append(_Allocation(component: topologyKey, elementBytes: 8, count: 2 * links, reserved: 2 * links))  // stubs
            building.append(_Allocation(component: topologyKey, elementBytes: 8.125, count: links / 0.75))  // joined pairs
        case .wattsStrogatz:
            building.append(
                _Allocation(
                    component: topologyKey, elementBytes: _mallocChunk(32 + 8.125 * _powerOfTwo(atLeast: degree / 0.75)),
                    count: nodes, reserved: nodes))
        case .barabasiAlbert:
            building.append(_Allocation(component: topologyKey, elementBytes: 8, count: 2 * links))  // endpoints
        case .fullMesh, .edges:
            break
        }

        var simulation = kept
        if gossip.keepsShortestPathTable {
            let table = _Allocation(
                component: _ComponentKey(
                    name: "shortest-path table", field: "network.nodes",
                    detail: "the shortest paths between \(gossip.nodes) nodes"),
                elementBytes: 8, count: nodes * nodes, reserved: nodes * nodes, zeroFilled: true)
            simulation.append(table)
            building.append(table)
        }
        if gossip.repairsShortestPathTrees {
            // ShortestPathTrees, repaired where messages are lost: every origin's tree (16
            // bytes a node pair) and, up to its limit, each node's peers in order of arrival
            // (4 bytes per origin and directed link).
            let key = _ComponentKey(
                name: "shortest-path trees", field: "network.loss",
                detail: "the shortest-path trees of \(gossip.nodes) nodes")
            var trees = [_Allocation(component: key, elementBytes: 16, count: nodes * nodes, reserved: nodes * nodes, zeroFilled: true)]
            if ShortestPathTrees.keepsSeedOrder(nodes: gossip.nodes, directedLinks: Int(2 * links)) {
                trees.append(
                    _Allocation(component: key, elementBytes: 4, count: nodes * 2 * links, reserved: nodes * 2 * links, zeroFilled: true))
            }
            simulation += trees
            building += trees
        }
        simulation.append(
            _Allocation(
                component: _ComponentKey(name: "device attachments", field: "devices", detail: "\(q.scenario.deviceCount) devices"),
                elementBytes: 4, count: Double(q.scenario.deviceCount), reserved: Double(q.scenario.deviceCount)))
        simulation.append(
            _Allocation(
                component: _ComponentKey(
                    name: "in-flight visibility vectors", field: "network.nodes",
                    detail: "about \(_EstimateText.count(q.inFlight)) transactions in flight on \(gossip.nodes) nodes"),
                elementBytes: 8, count: q.inFlight * nodes))
        simulation.append(
            _Allocation(
                component: _ComponentKey(
                    name: "gossip marks", field: q.transactionsField,
                    detail: "a Tangle of \(_EstimateText.count(q.transactions)) transactions"),
                elementBytes: 12, count: q.transactions, fills: true))
        if let churn = gossip.churn, let duration = q.scenario.duration {
            // Every node's offline periods: two times and a catch-up time each.
            simulation.append(
                _Allocation(
                    component: _ComponentKey(
                        name: "churn schedule", field: "network.churn",
                        detail: "\(gossip.nodes) nodes' offline periods over \(_EstimateText.count(duration)) s"),
                    elementBytes: 24, count: nodes * (1 + duration / (churn.meanOnline + churn.meanOffline)), fills: true))
        }
        if gossip.hasFaults {
            let faultField = gossip.loss > 0 ? "network.loss" : gossip.partitions.isEmpty ? "network.churn" : "network.partitions"
            // Per transaction its two per-node propagation quantiles; per in-flight slot its
            // parents (an array: 32 bytes of header plus 4 a parent), origin, issue and
            // everywhere times.
            simulation.append(
                _Allocation(
                    component: _ComponentKey(
                        name: "per-node propagation quantiles", field: faultField,
                        detail: "a Tangle of \(_EstimateText.count(q.transactions)) transactions"),
                    elementBytes: 16, count: q.transactions, fills: true))
            simulation.append(
                _Allocation(
                    component: _ComponentKey(
                        name: "in-flight parents and times", field: faultField,
                        detail: "about \(_EstimateText.count(q.inFlight)) transactions in flight"),
                    elementBytes: Double(52 + 4 * q.scenario.tangle.parents), count: q.inFlight))
        }
        if q.scenario.consensus.coordinator != nil {
            simulation.append(_Allocation(component: _milestoneKey(q), elementBytes: 8 * nodes + 8, count: q.milestones + 1, fills: true))
        }
        return (building, simulation)
    }

    /// Writing the results of `tanglesim run`: the result's arrays, plus the 1 MiB buffers
    /// that `timeseries.csv` and, with the transaction log, `transactions.csv` are streamed
    /// through.
    static func _writing(_ q: _RunQuantities, kept: [_Allocation], seriesKey: _ComponentKey) -> [_Phase] {
        let scenario = q.scenario
        let csvKey = _ComponentKey(name: "timeseries.csv", field: seriesKey.field, detail: seriesKey.detail)
        // The rows are formatted one at a time into a buffer of about 1 MiB
        // (RunOutput.writeTimeseries).
        var phases = [
            _Phase(
                name: "writing timeseries.csv",
                allocations: kept + [
                    _Allocation(component: csvKey, elementBytes: 1, count: Double(1 << 20 + 1024), reserved: Double(1 << 20 + 1024))
                ])
        ]
        if scenario.metrics.transactionLog {
            let buffer = _Allocation(
                component: _ComponentKey(name: "transactions.csv buffer", field: "metrics.transactionLog", detail: "the transaction log"),
                elementBytes: 1, count: Double(1 << 20 + 256), reserved: Double(1 << 20 + 256))
            phases.append(_Phase(name: "writing transactions.csv", allocations: kept + [buffer]))
        }
        return phases
    }
}

extension WalkStart {
    /// The depth of a milestone start (0 for other starts).
    var milestoneDepth: Int {
        if case .milestone(let depth) = self { return depth }
        return 0
    }
}
