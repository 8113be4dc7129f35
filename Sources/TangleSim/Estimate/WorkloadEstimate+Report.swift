/// The estimate as `tanglesim validate` prints it.
extension WorkloadEstimate {
    /// Lines describing the workload: events and peak memory, the largest components of the
    /// run (one run) or one line per variant or point (several), and the limits in force.
    ///
    ///     estimate for run: about 90703 events; peak memory about 25.3 MiB (78.0 MiB of address space) during end-of-run statistics
    ///       22.9 MiB  the process: the Swift runtime and tanglesim
    ///        1.2 MiB  tangle columns (duration: a Tangle of 30037 transactions (2 parent slots))
    ///     limits: this machine has 23.4 GiB of memory
    public func report(command: String, limits: [MemoryLimit], components shown: Int = 6) -> String {
        let total = peak
        var text = "estimate for \(command)"
        if usesWorkers {
            text += " with \(jobsFlag) \(jobs) (\(jobs) run\(jobs == 1 ? "" : "s") at once)"
        }
        text += ": about \(_EstimateText.count(mostEvents)) events\(runs.count > 1 ? " in the largest run" : ""); "
            + "peak memory about \(_EstimateText.bytes(total.resident)) (\(_EstimateText.bytes(total.virtual)) of address space)"
        if runs.count == 1, runs[0].count == 1 || !usesWorkers {
            let estimate = runs[0].estimate
            text += " during \(estimate.peakPhase)\n"
            text += line(Self.processResidentBytes, "the process: the Swift runtime and tanglesim")
            for component in estimate.components.prefix(shown) where component.residentBytes >= 1 {
                text += line(component.residentBytes, "\(component.name) (\(component.field): \(component.detail))")
            }
        } else {
            text += "\n"
            for run in runs {
                let estimate = run.estimate
                var description = "\(run.label): about \(_EstimateText.count(estimate.totalEvents)) events, "
                    + "\(_EstimateText.bytes(estimate.peakResidentBytes)) per run"
                if let largest = estimate.largestComponent {
                    description += ", the most \(largest.name) (\(largest.field)) \(_EstimateText.bytes(largest.residentBytes))"
                }
                if kept != nil, run.count > 1 {
                    description += ", \(run.count) runs"
                }
                text += "  " + description + "\n"
            }
        }
        if let kept {
            text += "  results kept until the end (\(kept)): \(_EstimateText.bytes(kept.residentBytes))"
                + (kept.writingResidentBytes > 0
                    ? ", and \(_EstimateText.bytes(kept.writingResidentBytes)) to pool a variant's latencies" : "")
                + "\n"
        }
        let limitText = limits.map(\.description).joined(separator: "; ")
        text += "  limits: " + (limitText.isEmpty ? "none found" : limitText) + "\n"
        return text
    }

    private func line(_ bytes: Double, _ what: String) -> String {
        let amount = _EstimateText.bytes(bytes)
        return "  " + String(repeating: " ", count: Swift.max(0, 10 - amount.count)) + amount + "  " + what + "\n"
    }
}
