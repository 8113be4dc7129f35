/// When a workload is refused before anything runs.
///
/// In order: a comparison of more than ``SweepPlan/maximumRuns`` runs (variants ×
/// replications, named at `replications`); for each run, more than
/// ``RunEstimate/maximumEvents`` events (named at the field of the largest kind of event);
/// more transactions than a Tangle's 32-bit ids can number; a comparison's kept results
/// (every run's summary and latencies) beyond the limits on their own, named at
/// `replications`; more memory than the limits allow for the run alone (with the process
/// and a comparison's kept results), named at the field of the largest component. Then,
/// with several runs at once, the whole sweep or comparison.
///
/// Resident bytes are compared with the limits on resident memory (physical memory, the
/// cgroup), address space with `ulimit -v` and `ulimit -d`; when several are exceeded, the
/// message names the one exceeded the most.
extension WorkloadEstimate {
    /// The error refusing this workload under `limits`, or nil when it may run.
    public func refusal(limits: [MemoryLimit]) -> ScenarioError? {
        if let kept, kept.runs > SweepPlan.maximumRuns {
            return ScenarioError(
                file: file, path: "replications",
                message: "\(kept.description) are \(kept.runs) runs; a comparison has at most \(SweepPlan.maximumRuns)")
        }
        for run in runs {
            let estimate = run.estimate
            if estimate.totalEvents > RunEstimate.maximumEvents, let largest = estimate.largestEventCount {
                return failure(
                    run, field: largest.field,
                    "\(largest.detail) means about \(_EstimateText.count(largest.events)) events "
                        + "(the run about \(_EstimateText.count(estimate.totalEvents)) in all); "
                        + "runs are limited to \(_EstimateText.number(RunEstimate.maximumEvents)) events")
            }
            if estimate.transactions > Double(Int32.max) {
                return failure(
                    run, field: estimate.transactionsField,
                    "a Tangle of \(_EstimateText.count(estimate.transactions)) transactions is more than the "
                        + "\(Int32.max) a Tangle can number (its ids are 32-bit)")
            }
            // Edge slots (id · k + j) are 32-bit too.
            let k = Double(estimate.scenario.parentSlots)
            if estimate.transactions * k > Double(Int32.max) {
                return failure(
                    run, field: estimate.transactionsField,
                    "a Tangle of \(_EstimateText.count(estimate.transactions)) transactions with \(Int(k)) parent slots each "
                        + "has more edge slots than the \(Int32.max) a Tangle can number (32-bit); at most "
                        + "\(_EstimateText.count((Double(Int32.max) / k).rounded(.down))) transactions with \(Int(k)) slots")
            }
        }
        if let kept, let peak = keptPeak(workers: 1),
            let (limit, resident) = Self.exceeded(resident: peak.resident, virtual: peak.virtual, limits: limits)
        {
            let space = resident ? "" : " of address space"
            return ScenarioError(
                file: file, path: "replications",
                message: "\(kept.description) keep about \(_EstimateText.bytes(resident ? kept.residentBytes : kept.virtualBytes))"
                    + " of results until the end (each run's summary and sorted latencies; with the process about "
                    + "\(_EstimateText.bytes(resident ? peak.resident : peak.virtual))\(space) in all); \(limit.description)")
        }
        for run in runs {
            let peak = peak(of: run)
            guard let (limit, resident) = Self.exceeded(resident: peak.resident, virtual: peak.virtual, limits: limits) else {
                continue
            }
            let estimate = run.estimate
            let component = resident ? estimate.largestComponent : estimate.largestVirtualComponent
            let space = resident ? "" : " of address space"
            let total = resident ? peak.resident : peak.virtual
            guard let component else { continue }
            let bytes = resident ? component.residentBytes : component.virtualBytes
            return failure(
                run, field: component.field,
                "\(component.detail) needs about \(_EstimateText.bytes(bytes)) of \(component.name) "
                    + "(the run about \(_EstimateText.bytes(total))\(space) in all); \(limit.description)")
        }
        guard jobs > 1 else { return nil }
        let all = peak(workers: jobs)
        guard let (limit, resident) = Self.exceeded(resident: all.resident, virtual: all.virtual, limits: limits) else {
            return nil
        }
        let fitting = (1..<jobs).last { workers in
            let peak = peak(workers: workers)
            return Self.exceeded(resident: peak.resident, virtual: peak.virtual, limits: limits) == nil
        } ?? 1
        let largest = runs.max { $0.estimate.peakResidentBytes < $1.estimate.peakResidentBytes }!
        let each = resident ? largest.estimate.peakResidentBytes : largest.estimate.peakVirtualBytes
        let space = resident ? "" : " of address space"
        return ScenarioError(
            file: file, path: "",
            message: "\(jobs) runs at once (\(jobsFlag) \(jobs)) need about \(_EstimateText.bytes(resident ? all.resident : all.virtual))\(space) "
                + "in all, the largest about \(_EstimateText.bytes(each))"
                + (largest.context.map { " (\($0))" } ?? "")
                + "; \(limit.description): use \(jobsFlag) \(fitting)")
    }

    /// The refusal under this process's limits (``MemoryLimit/current()``).
    public func refusal() -> ScenarioError? {
        refusal(limits: MemoryLimit.current())
    }

    /// The limit exceeded the most, and whether it bounds resident memory; nil when none is.
    static func exceeded(resident: Double, virtual: Double, limits: [MemoryLimit]) -> (MemoryLimit, Bool)? {
        var worst: (limit: MemoryLimit, ratio: Double)?
        for limit in limits {
            let bytes = limit.boundsResidentMemory ? resident : virtual
            let ratio = bytes.isNaN ? .infinity : bytes / limit.bytes
            guard ratio > 1 else { continue }
            if worst == nil || ratio > worst!.ratio { worst = (limit, ratio) }
        }
        return worst.map { ($0.limit, $0.limit.boundsResidentMemory) }
    }

    /// An error at `field` with the run's context appended, as sweep errors have it.
    func failure(_ run: Run, field: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, path: field, message: message + (run.context.map { " (\($0))" } ?? ""))
    }
}

extension WorkloadEstimate.Kept: CustomStringConvertible {
    /// `8 variants × 4 replications`.
    public var description: String {
        "\(variants) variant\(variants == 1 ? "" : "s") × \(replications) replication\(replications == 1 ? "" : "s")"
    }
}
