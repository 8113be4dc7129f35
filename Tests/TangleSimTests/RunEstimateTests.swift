import Foundation
import Testing

@testable import TangleSim

/// The resource estimate's components against values computed by hand from the storage of
/// each structure, and its refusals under given limits.
@Suite("Run estimates")
struct RunEstimateTests {
    /// A component of `estimate` by name and field.
    func component(_ estimate: RunEstimate, _ name: String, field: String? = nil) -> RunEstimate.Component? {
        estimate.components.first { $0.name == name && (field == nil || $0.field == field) }
    }

    @Test("doubling arrays: capacity, last reallocation and the copy moment")
    func allocationArithmetic() {
        #expect(_powerOfTwo(atLeast: 1) == 1)
        #expect(_powerOfTwo(atLeast: 3) == 4)
        #expect(_powerOfTwo(atLeast: 4) == 4)
        #expect(_powerOfTwo(atLeast: 4.5) == 8)
        #expect(_powerOfTwo(atLeast: 1e300) == Double(sign: .plus, exponent: 997, significand: 1))
        let key = _ComponentKey(name: "a", field: "f", detail: "d")
        // Reserved 100, 250 elements: doubled twice, to 400; the last copy moved 200.
        let grown = _Allocation(component: key, elementBytes: 8, count: 250, reserved: 100, fills: true)
        #expect(grown.capacity == 400 && grown.oldCapacity == 200)
        #expect(grown.residentBytes == 2000)
        #expect(grown.virtualBytes == 3200 + 1600, "and the freed buffers' holes in the heap")
        // Within its reserve: no reallocation.
        let fits = _Allocation(component: key, elementBytes: 8, count: 90, reserved: 100, fills: true)
        #expect(fits.capacity == 100 && fits.oldCapacity == nil)
        // From empty: the power of two, the half below it copied; freed buffers kept only
        // when asked (a sweep worker).
        var empty = _Allocation(component: key, elementBytes: 8, count: 1_000_000, fills: true)
        #expect(empty.capacity == 1_048_576 && empty.oldCapacity == 524_288)
        #expect(empty.residentBytes == 8_000_000)
        empty.keepsFreedBuffers = true
        #expect(empty.residentBytes == 8_000_000 + 524_288 * 8)
        // Arrays filled in one pass grow together: at B's last copy (progress 524,288/count)
        // A holds that share of its elements. With B as long as A the end is the peak; with
        // B shorter, the copy is.
        let a = _Allocation(component: key, elementBytes: 8, count: 1_000_000, reserved: 1_000_000, fills: true)
        let fixed = _Allocation(component: _ComponentKey(name: "b", field: "g", detail: "e"), elementBytes: 1e6, count: 1, reserved: 1)
        let long = _Phase(name: "p", allocations: [fixed, a, _Allocation(component: key, elementBytes: 8, count: 1_000_000, fills: true)])
        #expect(long.residentPeak().bytes == 1e6 + 8e6 + 8e6)
        let short = _Phase(name: "p", allocations: [fixed, a, _Allocation(component: key, elementBytes: 8, count: 600_000, fills: true)])
        #expect(short.residentPeak().bytes == 1e6 + 524_288.0 / 600_000 * 8e6 + 2 * 524_288 * 8)
    }

    /// URTS stopping at 10^6 transactions, lambda = 1,000/s, h = 1 s: the Tangle's 40 bytes
    /// and the tip set's 4 bytes per transaction, reserved for exactly count + 1; the
    /// end-of-run arrays: first approvals of the 940,000 judged transactions (60 s censored)
    /// and propagation times of all 10^6.
    @Test("URTS by count: tangle columns, tip set, end-of-run arrays and events by hand")
    func urtsByCount() {
        let scenario = Scenario(name: "u", transactions: 1_000_000, devices: [DeviceClass(count: 10, rate: 100)])
        let estimate = RunEstimate(scenario, use: .inMemory)
        let n = 1_000_001.0
        #expect(estimate.endTime == 1000)
        #expect(estimate.transactions == n)
        #expect(estimate.peakPhase == "end-of-run statistics")
        let tangle = component(estimate, "tangle columns", field: "transactions")
        #expect(tangle?.residentBytes == 40 * n)
        #expect(tangle?.virtualBytes == 40 * n, "reserved exactly: count + 1")
        #expect(component(estimate, "visible tip set")?.residentBytes == 4 * n)
        // First approvals (judged), measured times, and orphan_rate's bit per transaction.
        #expect(component(estimate, "end-of-run statistics")?.residentBytes == Double(8 * 940_000 + 8 * 1_000_000) + n / 8)
        // 1,001 samples of a TimeseriesRow each.
        #expect(component(estimate, "time series")?.residentBytes == 1001 * Double(MemoryLayout<TimeseriesRow>.stride))
        // Issue and visibility of each arrival, and 1,001 samples.
        #expect(estimate.totalEvents == 2_000_000 + 1001)
        #expect(estimate.largestEventCount?.field == "transactions")
        // The seed changes nothing.
        var reseeded = scenario
        reseeded.seed = 99
        let again = RunEstimate(reseeded, use: .inMemory)
        #expect(again.peakResidentBytes == estimate.peakResidentBytes && again.totalEvents == estimate.totalEvents)
    }

    /// A coordinator adds a milestone every 10 s: 100 milestones over the 1,000 s push the
    /// Tangle past its reserve (count + 1), so each column doubles: the address space is
    /// twice the reserve, the resident bytes stay the transactions'.
    @Test("milestones outgrow the reserve: the Tangle's columns double")
    func milestonesOutgrowTheReserve() {
        let scenario = Scenario(
            name: "c", transactions: 1_000_000, devices: [DeviceClass(count: 10, rate: 100)],
            consensus: .coordinator(CoordinatorConfiguration(interval: 10)))
        let estimate = RunEstimate(scenario, use: .inMemory)
        let n = 1_000_101.0
        #expect(estimate.transactions == n)
        let tangle = estimate.virtualComponents.first { $0.name == "tangle columns" }
        #expect(tangle?.residentBytes == 40 * n)
        // 2 × reserve; during the sorting phase no column is copied any more.
        #expect(tangle?.virtualBytes == Double(40 * 2 * 1_000_001))
        #expect(component(estimate, "confirmation state")?.residentBytes == 8 * n)
        #expect(estimate.totalEvents == 2_000_000 + 1001 + 200)
    }

    /// lambda = 100/s, W = 10 s, h = 1 s: the ring is asked for 100·(2·10 + 4·1)·1.25 + 256 =
    /// 3,256 transactions and gets 4,096: 4096²/8 bytes of ancestor sets and 12 planes of
    /// 4,096 bits, plus a visibility bit per transaction (938 words for 60,001).
    @Test("a window start: the ring of ancestor bits by hand, and the coordinator's own")
    func windowRing() {
        let scenario = Scenario(
            name: "w", duration: 600, devices: [DeviceClass(count: 1000, rate: 0.1)],
            tipSelection: .mcmc(alpha: 0.01, start: .window(W: 10)))
        let estimate = RunEstimate(scenario, use: .inMemory)
        #expect(Simulation.windowCapacity(of: scenario, start: .window(W: 10)) == 3256)
        #expect(WindowedWeights.ringCapacity(atLeast: 3256) == 4096)
        let ring = 4096.0 * 4096 / 8 + 12 * 4096 / 8
        #expect(component(estimate, "ancestor bits", field: "tipSelection.start.W")?.residentBytes == ring + 938 * 8)
        // A coordinator walking the same way keeps a ring of its own.
        var coordinated = scenario
        coordinated.consensus = .coordinator(CoordinatorConfiguration(interval: 10, tipSelection: .mcmc(alpha: 0.01, start: .window(W: 10))))
        let both = RunEstimate(coordinated, use: .inMemory)
        #expect(component(both, "ancestor bits", field: "consensus.tipSelection.start.W")?.residentBytes ?? 0 > ring)
    }

    /// Walks from the genesis at alpha·lambda·h = 1 (mcmc-genesis-1m.json's shape): besides
    /// the sets of the ~2·lambda·h recent tips and the in-flight ones, the tips left behind
    /// (taken as 0.5% of n; 0.36% measured at 100k) keep their sets. Stepping from the genesis
    /// (`exactSteps`) a set is id/8 bytes, 0.005·n²/16 in all, up to the 256 MiB cache: at 1M
    /// the cache fills (500 MiB peak measured), at 100k they add 0.005·10^10/16 bytes. With
    /// the shortcut a set covers only the w transactions settling lags behind, w =
    /// (ln(1/δ_J) + P)/alpha + 2·lambda·h + 1 with J = 0.005·n drops and the pruning exponent
    /// P = 15 of two walks a transaction (about 5,500 at 1M, where finalization lagged about
    /// 6,550 behind the tips on average).
    @Test("walks from the genesis count the sets of the tips they leave behind, up to the cache")
    func genesisLeftBehindSets() {
        // The component's bytes, less the weights, eviction order, visibility bits and the
        // bits of entries held as G − H (and settled bits), less the in-flight transactions'
        // sets: the tips' sets.
        func tipSets(_ transactions: Int, exactSteps: Bool) -> (sets: Double, inFlight: Double) {
            var scenario = Scenario(
                name: "g", duration: nil, devices: [DeviceClass(count: 1000, rate: 0.1)],
                tipSelection: .mcmc(alpha: 0.01, start: .genesis, exactSteps: exactSteps))
            scenario.transactions = transactions
            let q = _RunQuantities(scenario)
            let n = q.transactions
            let total = component(RunEstimate(scenario, use: .inMemory), "past-cone weights", field: "tipSelection.start")?.residentBytes ?? 0
            let bits = (n / 64).rounded(.up) * 8 * (exactSteps ? 2 : 3)
            return (total - (4 * n + 4 * n + bits), q.inFlight)
        }
        let cache = Double(PastConeWeights.defaultCacheLimitWords) * 8
        let full = tipSets(1_000_000, exactSteps: true)
        #expect(abs(full.sets - full.inFlight * 1_000_001 / 8 - cache) < 0.001 * cache, "the cache fills")
        let n = 100_001.0
        let expected = (2 * 100 * 1 + 1) * n / 8 + 0.005 * n * n / 16
        let small = tipSets(100_000, exactSteps: true)
        #expect(abs(small.sets - small.inFlight * n / 8 - expected) < 0.001 * expected, "\(small.sets) against \(expected)")
        for transactions in [100_000, 1_000_000] {
            let n = Double(transactions + 1)
            let drops = 0.005 * n
            let w = (-log(1e-9 * 6 / (Double.pi * Double.pi * (drops.rounded(.down) + 1) * (drops.rounded(.down) + 1))) + 15) / 0.01 + 201
            let windowed = tipSets(transactions, exactSteps: false)
            let expected = (201 + 0.005 * n + windowed.inFlight) * w / 8
            #expect(abs(windowed.sets - expected) < 0.001 * expected, "\(transactions): \(windowed.sets) against \(expected)")
            #expect(w > 4_500 && w < 7_000, "about the 6,550 measured behind the tips at 1M")
        }
    }

    /// 100 nodes in a full mesh, constant latency and per-link sampling: all shortest paths
    /// are tabled (100² · 8 bytes, written at once); 4,950 links.
    @Test("gossip: the shortest-path table and the topology")
    func gossipTable() {
        let scenario = Scenario(
            name: "g", duration: 60, devices: [DeviceClass(count: 100, rate: 1)],
            network: .gossip(GossipConfiguration(nodes: 100, topology: .fullMesh, linkLatency: .constant(0.1))))
        let estimate = RunEstimate(scenario, use: .inMemory)
        #expect(component(estimate, "shortest-path table", field: "network.nodes")?.residentBytes == 80_000)
        #expect(_RunQuantities(scenario).links == 4950)
        #expect(_RunQuantities(scenario).propagation == 0.1, "one hop")
        // Above 4,096 nodes no table is kept.
        var large = scenario
        large.network = .gossip(GossipConfiguration(nodes: 5000, topology: .randomRegular(degree: 4), linkLatency: .constant(0.1)))
        #expect(component(RunEstimate(large, use: .inMemory), "shortest-path table") == nil)
    }

    /// With loss, every origin's tree is kept instead (100² · 16 bytes) and each node's peers
    /// in order of arrival per origin (100 · 2 · 4,950 slots of 4 bytes): counted as built, so
    /// the estimate is what GossipNetwork allocates.
    @Test("gossip with loss: the shortest-path trees and their seed order")
    func gossipTrees() throws {
        let configuration = GossipConfiguration(
            nodes: 100, topology: .fullMesh, linkLatency: .lognormal(mu: -3, sigma: 0.5), processingDelay: .constant(0.01),
            loss: 0.05)
        let scenario = Scenario(
            name: "g", duration: 60, devices: [DeviceClass(count: 100, rate: 1)], network: .gossip(configuration))
        let network = try GossipNetwork(configuration, seed: 1, replication: 0)
        let trees = try #require(network._trees)
        let built = trees.entries.count * MemoryLayout<ShortestPathTrees.Entry>.stride
            + (trees.seedOrder?.count ?? 0) * MemoryLayout<Int32>.stride
        #expect(built == 100 * 100 * 16 + 100 * 2 * 4950 * 4)
        let estimate = RunEstimate(scenario, use: .inMemory)
        #expect(component(estimate, "shortest-path trees", field: "network.loss")?.residentBytes == Double(built))
        #expect(component(estimate, "shortest-path table") == nil, "the table is kept without faults only")
    }

    /// Reattaching after r seconds makes about L/r more transactions per payload, L the
    /// expected confirmation latency: with a coordinator every 10 s and h = 1 s at lambda =
    /// 10/s, L = 10/2 + 2 + (1/0.352)·ln(20).
    @Test("reattachment: the latency model and its events")
    func reattachment() {
        let scenario = Scenario(
            name: "r", duration: 1000, devices: [DeviceClass(count: 10, rate: 1, reattachAfter: 30)],
            consensus: .coordinator(CoordinatorConfiguration(interval: 10)))
        let q = _RunQuantities(scenario)
        let latency = 5 + 2 + Foundation.log(20) / 0.352
        #expect(abs(q.confirmationLatency - latency) < 1e-9)
        #expect(abs(q.reattachments - 10_000 * latency / 30) < 1e-6)
        let estimate = RunEstimate(scenario, use: .inMemory)
        let events = estimate.events.first { $0.name == "reattachments" }
        #expect(events?.field == "devices[0].reattachAfter")
        #expect(abs((events?.events ?? 0) - (10_000 + 3 * q.reattachments)) < 1e-6)
    }

    @Test("refusals: events, then memory, named at the field responsible, with the limit's source")
    func refusals() {
        let machine = [MemoryLimit(source: .physicalMemory, bytes: 24 * 1024 * 1024 * 1024)]
        // A window of 1e300 s: the ring is capped at 2^26 transactions, 2^49 bytes of bits.
        let window = Scenario(
            name: "w", duration: 600, devices: [DeviceClass(count: 1000, rate: 0.1)],
            tipSelection: .mcmc(alpha: 0.01, start: .window(W: 1e300)))
        #expect(
            WorkloadEstimate.single(window, file: "w.json").refusal(limits: machine)?.description
                == "w.json: tipSelection.start.W: a window of 1e+300 s at lambda 100/s (a ring of 67108864 transactions) needs about 5.2e+05 GiB of ancestor bits (the run about 5.2e+05 GiB in all); this machine has 24.0 GiB of memory")
        // The same under ulimit -v 1 GiB: the address space is what is exceeded the most.
        let ulimit = machine + [MemoryLimit(source: .addressSpace, bytes: Double(1 << 30))]
        #expect(
            WorkloadEstimate.single(window, file: "w.json").refusal(limits: ulimit)?.message.hasSuffix(
                "(the run about 5.3e+05 GiB of address space in all); this process may use 1.0 GiB of address space (ulimit -v)") == true)
        // A duration of 1e18 s at lambda 1,000/s: events.
        let long = Scenario(name: "d", duration: 1e18, devices: [DeviceClass(count: 1000, rate: 1)])
        #expect(
            WorkloadEstimate.single(long, file: "d.json").refusal(limits: machine)?.description
                == "d.json: duration: 1e+21 arrivals at lambda 1000/s means about 2e+21 events (the run about 2e+21 in all); runs are limited to 1e+12 events")
        // Within the limits: nil.
        let small = Scenario(name: "s", duration: 60, devices: [DeviceClass(count: 10, rate: 1)])
        #expect(WorkloadEstimate.single(small, file: "s.json").refusal(limits: machine) == nil)
        #expect(WorkloadEstimate.single(small, file: "s.json").refusal(limits: []) == nil)
    }

    @Test("a Tangle holds at most Int32.max transactions")
    func tangleIds() {
        // 3·10^9 transactions, 6·10^9 events: under the event limit, beyond 32-bit ids.
        let scenario = Scenario(name: "t", transactions: 3_000_000_000, devices: [DeviceClass(count: 1, rate: 1e7)])
        #expect(
            WorkloadEstimate.single(scenario, file: "t.json").refusal(limits: [])?.description
                == "t.json: transactions: a Tangle of 3000000001 transactions is more than the 2147483647 a Tangle can number (its ids are 32-bit)")
        // Within 32-bit ids, but not within 32-bit edge slots (id · k + j) at k = 2; fine at k = 1.
        var edges = Scenario(name: "e", transactions: 1_500_000_000, devices: [DeviceClass(count: 1, rate: 1e7)])
        #expect(
            WorkloadEstimate.single(edges, file: "e.json").refusal(limits: [])?.description
                == "e.json: transactions: a Tangle of 1500000001 transactions with 2 parent slots each has more edge slots than the 2147483647 a Tangle can number (32-bit); at most 1073741823 transactions with 2 slots")
        edges.tangle.parents = 1
        #expect(WorkloadEstimate.single(edges, file: "e.json").refusal(limits: []) == nil)
    }

    @Test("compare keeps every run's summary and latencies beside its runs at once; a sweep adds its runs at once and names the point")
    func workloads() throws {
        var scenario = Scenario(name: "c", duration: 600, devices: [DeviceClass(count: 100, rate: 1)])
        scenario.variants = [
            ScenarioVariant(label: "a"), ScenarioVariant(label: "b", consensus: .coordinator(CoordinatorConfiguration(interval: 10))),
        ]
        scenario.replications = 3
        let comparison = WorkloadEstimate.comparison(scenario, file: "c.json", jobs: 4)
        #expect(comparison.runs.map(\.label) == [#"variant "a""#, #"variant "b""#])
        #expect(comparison.runs.map(\.count) == [3, 3])
        #expect(comparison.jobs == 4 && comparison.usesWorkers)
        let a = comparison.runs[0].estimate, b = comparison.runs[1].estimate
        #expect(a.latencyResidentBytes == 0, "no latencies without a confirmation rule")
        #expect(b.latencyResidentBytes > 0)
        let kept = try #require(comparison.kept)
        #expect(abs(kept.residentBytes - (6 * WorkloadEstimate.keptSummaryBytes + 3 * b.latencyResidentBytes)) <= 1e-9 * kept.residentBytes)
        #expect(
            abs(kept.writingResidentBytes - (2 * 3 * b.latencyResidentBytes + Double(8 << 16))) <= 1e-9 * kept.writingResidentBytes,
            "pooling b's latencies")
        // Four runs at once: the three of the larger variant and one of the other, beside the
        // kept results and the pooling of latencies.
        let larger = max(a.peakResidentBytes, b.peakResidentBytes), smaller = min(a.peakResidentBytes, b.peakResidentBytes)
        let expectedPeak = WorkloadEstimate.processResidentBytes + kept.residentBytes + kept.writingResidentBytes + 3 * larger + smaller
        #expect(abs(comparison.peak.resident - expectedPeak) <= 1e-9 * expectedPeak)
        // A limit the kept results alone exceed is named at replications.
        let keptLimit = [MemoryLimit(source: .physicalMemory, bytes: WorkloadEstimate.processResidentBytes + kept.residentBytes / 2)]
        let keptError = try #require(comparison.refusal(limits: keptLimit))
        #expect(keptError.path == "replications")
        #expect(keptError.message.hasPrefix("2 variants × 3 replications keep about "))
        // More runs than a comparison may have.
        scenario.replications = Scenario.maximumReplications
        #expect(
            WorkloadEstimate.comparison(scenario, file: "c.json", jobs: 1).refusal(limits: [])?.description
                == "c.json: replications: 2 variants × 10000000 replications are 20000000 runs; a comparison has at most 10000000")

        let json = try JSONValue(
            parsing: Array(#"{"duration": 600, "devices": [{"count": 100, "rate": 1}], "sweep": {"parameters": {"devices[0].rate": [1, 1000]}, "replications": 3}}"#.utf8),
            file: "s.json")
        let sweep = try Sweep(json: json, file: "s.json")
        let workload = WorkloadEstimate.sweep(sweep, jobs: 4)
        #expect(workload.jobs == 4)
        let big = workload.runs[1].estimate, small = workload.runs[0].estimate
        // Four runs at once: the three replications of point 1, then one of point 0.
        let expected = WorkloadEstimate.processResidentBytes + 3 * big.peakResidentBytes + small.peakResidentBytes
        #expect(workload.peak.resident == expected)
        // A limit that one run of point 1 exceeds names the point and its values.
        let tight = [MemoryLimit(source: .physicalMemory, bytes: WorkloadEstimate.processResidentBytes + big.peakResidentBytes / 2)]
        let error = workload.refusal(limits: tight)
        #expect(error?.path == big.largestComponent?.field)
        #expect(error?.message.hasSuffix("(in sweep point 1: devices[0].rate = 1000)") == true)
        // A limit that two runs of point 1 fit but four do not: use --jobs 2.
        let two = [MemoryLimit(source: .physicalMemory, bytes: WorkloadEstimate.processResidentBytes + 2.5 * big.peakResidentBytes)]
        let jobsError = workload.refusal(limits: two)
        #expect(jobsError?.path == "")
        #expect(jobsError?.message.hasPrefix("4 runs at once (--jobs 4) need about ") == true)
        #expect(jobsError?.message.hasSuffix("(in sweep point 1: devices[0].rate = 1000); this machine has \(_EstimateText.bytes(two[0].bytes)) of memory: use --jobs 2") == true)
    }

    @Test("the limit exceeded the most is named; resident memory against RAM and cgroups, address space against ulimits")
    func exceededLimit() throws {
        let limits = [
            MemoryLimit(source: .physicalMemory, bytes: 16e9), MemoryLimit(source: .cgroup("/sys/fs/cgroup/x/memory.max"), bytes: 8e9),
            MemoryLimit(source: .addressSpace, bytes: 4e9),
        ]
        #expect(WorkloadEstimate.exceeded(resident: 1e9, virtual: 3e9, limits: limits) == nil)
        #expect(try #require(WorkloadEstimate.exceeded(resident: 1e9, virtual: 5e9, limits: limits)).0.source == .addressSpace)
        #expect(try #require(WorkloadEstimate.exceeded(resident: 10e9, virtual: 5e9, limits: limits)).0.source == .cgroup("/sys/fs/cgroup/x/memory.max"))
        #expect(MemoryLimit.current().contains { $0.source == .physicalMemory })
        #expect(_EstimateText.bytes(24 * 1024 * 1024 * 1024) == "24.0 GiB")
        #expect(_EstimateText.bytes(512 * 1024) == "512.0 KiB")
        #expect(_EstimateText.count(1.8e19) == "1.8e+19")
        #expect(_EstimateText.count(30016.4) == "30016")
    }
}
