import Foundation

/// What one run of a scenario will cost, estimated from the scenario alone before it runs:
/// the events the engine will handle and the run's peak memory, each broken into named
/// components attributed to the scenario field responsible.
///
/// The model follows the code's own storage, structure by structure (see
/// `RunEstimate+Memory.swift`): the Tangle's columns with the reserve policy of
/// ``Simulation/expectedTransactions(of:)``, the visible tip set, the confirmation tracker,
/// the tip selector's weights (``WindowedWeights``'s ring of M²/8 ancestor bits,
/// ``PastConeWeights``'s live past-cone sets), the event queue, the time-series rows, the
/// gossip network (topology, shortest-path table, per-transaction visibility vectors,
/// milestone vectors), the arrays of the end-of-run statistics, and the output written
/// after the run. Arrays that grow by appending are charged the capacity they double to, and
/// the moment of their last reallocation, when old and new buffers are both alive, is one of
/// the candidates for the peak. The process itself (the Swift runtime and this program) is
/// added by ``WorkloadEstimate``.
///
/// Counts are expectations: arrivals lambda·min(duration, transactions/lambda), milestones
/// end/interval, samples end/sampleInterval + 1; reattachments are an upper value (see
/// `RunEstimate+Quantities.swift`). Calibrated against the measured peak resident set of every
/// benchmark scenario (README, "Memory estimates"): within 30% on each, with no constant
/// fitted to a scenario.
public struct RunEstimate: Sendable {
    /// What the command does with the run besides simulating it.
    public enum Use: Sendable, Equatable {
        /// `tanglesim run`: `timeseries.csv` (built in memory) and, with the transaction
        /// log, `transactions.csv` are written after the run.
        case run
        /// A run whose result stays in memory and writes no file of its own: a comparison's
        /// variant, `draw`, the checks of `check`.
        case inMemory
        /// A run of `tanglesim sweep` on a worker thread: summary only, and glibc keeps the
        /// memory it frees for the next run (see `_Allocation.keepsFreedBuffers`).
        case sweepWorker
    }

    /// A part of the run's memory, attributed to the scenario field responsible.
    public struct Component: Sendable, Equatable {
        /// What the bytes are, written after "of": `tangle columns`, `ancestor bits`.
        public var name: String
        /// The field responsible, as a path like `tipSelection.start.W`; empty for the process.
        public var field: String
        /// The setting that makes the bytes, as the subject of "needs about …": `a window of
        /// 10 s at lambda 100/s (a ring of 4096 transactions)`.
        public var detail: String
        /// Resident bytes at the run's peak.
        public var residentBytes: Double
        /// Virtual bytes (address space) at the run's peak of address space.
        public var virtualBytes: Double
    }

    /// Events of one kind the engine will handle.
    public struct EventCount: Sendable, Equatable {
        /// What the events are: `issue and visibility of arrivals`, `samples`.
        public var name: String
        /// The field responsible.
        public var field: String
        /// The setting that makes them: `a sample every 1 s for 600 s`.
        public var detail: String
        public var events: Double
    }

    /// The scenario estimated.
    public let scenario: Scenario
    public let use: Use
    /// The expected end of the run, in simulated seconds: min(duration, transactions/lambda).
    public let endTime: Double
    /// Transactions in the Tangle at the end (genesis, arrivals, milestones, reattachments).
    public let transactions: Double
    /// The field that makes most of the Tangle's transactions.
    public let transactionsField: String
    /// Events by kind, largest first, and their total.
    public let events: [EventCount]
    public let totalEvents: Double
    /// The run's peak resident bytes (without the process's own), what the run is doing
    /// then, and the components at that moment, largest first.
    public let peakResidentBytes: Double
    public let peakPhase: String
    public let components: [Component]
    /// The run's peak of address space (without the process's own), and the components then,
    /// largest first.
    public let peakVirtualBytes: Double
    public let virtualComponents: [Component]
    /// The bytes of the sorted confirmation latencies the result holds after the run (0
    /// without a confirmation rule): what a comparison keeps of each run beside its summary
    /// (``Comparison/Run``).
    public let latencyResidentBytes: Double
    public let latencyVirtualBytes: Double

    /// Estimates one run of `scenario` (its `transactionLog` and `sampleInterval` as given).
    ///
    /// - Complexity: O(1), except O(links) for an explicit gossip edge list.
    public init(_ scenario: Scenario, use: Use) {
        let quantities = _RunQuantities(scenario)
        self.scenario = scenario
        self.use = use
        endTime = quantities.end
        transactions = quantities.transactions
        transactionsField = quantities.transactionsField

        let counts = Self._events(quantities).filter { $0.events > 0 }.sorted { $0.events > $1.events }
        events = counts
        totalEvents = _sum(counts.map(\.events))

        let memory = Self._phases(quantities, use: use)
        let resident = memory.phases.map { ($0, $0.residentPeak()) }
        let peak = resident.max { $0.1.bytes < $1.1.bytes }!
        let virtual = memory.phases.map { ($0, $0.virtualPeak()) }.max { $0.1.bytes < $1.1.bytes }!
        peakResidentBytes = peak.1.bytes
        peakPhase = peak.0.name
        peakVirtualBytes = virtual.1.bytes
        // Largest first; equal sizes in the order the run allocates them (the devices'
        // selector before the coordinator's).
        func ordered(_ phase: _Phase, by bytes: (_ComponentKey) -> Double) -> [Component] {
            phase.componentOrder.enumerated().sorted { a, b in
                bytes(a.element) != bytes(b.element) ? bytes(a.element) > bytes(b.element) : a.offset < b.offset
            }.map { _, key in
                Component(
                    name: key.name, field: key.field, detail: key.detail, residentBytes: peak.1.shares[key] ?? 0,
                    virtualBytes: virtual.1.shares[key] ?? 0)
            }
        }
        components = ordered(peak.0) { peak.1.shares[$0] ?? 0 }
        virtualComponents = ordered(virtual.0) { virtual.1.shares[$0] ?? 0 }
        latencyResidentBytes = memory.latencies.residentBytes
        latencyVirtualBytes = memory.latencies.virtualBytes
    }

    /// The component with the most resident bytes at the peak.
    public var largestComponent: Component? { components.first }

    /// The component with the most virtual bytes at the peak of address space.
    public var largestVirtualComponent: Component? { virtualComponents.first }

    /// The event kind with the most events.
    public var largestEventCount: EventCount? { events.first }
}
