/// The events a run hands the engine, by kind.
///
/// Every transaction (arrival, milestone, reattachment) is issued by one event and becomes
/// visible by another; a sample is one event; a device class that reattaches checks each of
/// its transactions once (the check that finds it confirmed included).
extension RunEstimate {
    /// The most events a run may have: 10^12, about a day of the engine at its fastest
    /// (10^7 events per second). A run beyond it is refused before it starts.
    ///
    /// With this limit and every interval at least 1 µs, simulated time always advances: a
    /// periodic event every I seconds (samples, milestones, reattachment checks) counts
    /// end / I events, so I >= end · 10^-12, while a Double near `end` is spaced end · 2^-52
    /// (about end · 2.2·10^-16) apart. Each interval is then at least 4,500 times the clock's
    /// resolution at the end time, `now + I > now` at every step, and rounding shifts an
    /// event by at most 1/9,000 of its interval; Poisson gaps (arrivals, Poisson milestones)
    /// have means no shorter, so the run reaches its stop condition after the expected
    /// number of events, never looping at a fixed time.
    public static let maximumEvents = 1e12

    static func _events(_ q: _RunQuantities) -> [EventCount] {
        let scenario = q.scenario
        var counts = [
            EventCount(
                name: "issue and visibility of arrivals", field: q.stopField,
                detail: "\(_EstimateText.count(q.arrivals)) arrivals at lambda \(_EstimateText.number(q.lambda))/s",
                events: 2 * q.arrivals),
            EventCount(
                name: "samples", field: "metrics.sampleInterval",
                detail: "a sample every \(_EstimateText.number(scenario.metrics.sampleInterval)) s for \(_EstimateText.number(q.end)) s",
                events: q.samples),
        ]
        if let coordinator = scenario.consensus.coordinator {
            counts.append(
                EventCount(
                    name: "milestones", field: "consensus.interval",
                    detail: "a milestone every \(_EstimateText.number(coordinator.interval)) s for \(_EstimateText.number(q.end)) s",
                    events: 2 * q.milestones))
        }
        for (index, deviceClass) in scenario.devices.enumerated() {
            guard let after = deviceClass.reattachAfter else { continue }
            let reattachments = q.reattachmentsByClass[index]
            let arrivals = q.arrivals * Double(deviceClass.count) * deviceClass.meanRate / q.lambda
            counts.append(
                EventCount(
                    name: "reattachments", field: "devices[\(index)].reattachAfter",
                    detail: "reattaching after \(_EstimateText.number(after)) s with about \(_EstimateText.approximate(q.confirmationLatency)) s to confirmation",
                    events: arrivals + 3 * reattachments))
        }
        for (index, adversary) in scenario.adversaries.enumerated() {
            counts.append(
                EventCount(
                    name: "adversary transactions", field: "adversaries[\(index)].rate",
                    detail: "\(_EstimateText.count(q.adversaryTransactions[index])) transactions at \(_EstimateText.number(adversary.rate))/s",
                    events: 2 * q.adversaryTransactions[index]))
        }
        return counts
    }
}
