import Foundation
import Testing

@testable import TangleSim

/// `orphan_rate` (issue 13): recomputed by brute force from the transaction log.
@Suite("Orphanage")
struct OrphanageTests {
    @Test("orphan_rate equals a brute-force count over the log (forward search), and counts every transaction never approved", arguments: [0.0, 0.5, 3.0])
    func orphanRateFromTheLog(alpha: Double) throws {
        var scenario = Scenario(
            name: "orphans", seed: 5, duration: 60, devices: [DeviceClass(count: 20, rate: 1)], network: .delay(.constant(1)))
        scenario.warmup = 5
        scenario.metrics.orphanTimeout = 8
        scenario.metrics.transactionLog = true
        scenario.tipSelection = alpha == 0 ? .uniform : .mcmc(alpha: alpha, start: .genesis)
        let result = Simulation.run(scenario)
        let tangle = try #require(result.tangle)
        let end = result.summary.number(.duration)
        // Forward, along approvers: does x's future cone reach a transaction issued in the
        // final orphanTimeout seconds? (The metric sweeps backward along parents.)
        func reachesRecent(_ x: Int32) -> Bool {
            var seen: Set<Int32> = [x]
            var stack = [x]
            while let node = stack.popLast() {
                if tangle.issueTime[Int(node)] > end - 8 { return true }
                tangle.forEachApprover(of: node) { if seen.insert($0).inserted { stack.append($0) } }
            }
            return false
        }
        var judged = 0, orphaned = 0, neverApproved = 0
        for x in Int32(1)..<Int32(tangle.count) where tangle.isDeviceTransaction(x) {
            let issue = tangle.issueTime[Int(x)]
            guard issue >= 5, issue <= end - 8 else { continue }
            judged += 1
            if !reachesRecent(x) { orphaned += 1 }
            if !tangle.isApproved(x) { neverApproved += 1 }
        }
        #expect(judged > 800 && judged == result.summary.integer(.measuredTransactions) - result.summary.integer(.censored))
        let rate = result.summary.number(.orphanRate)
        #expect(rate == Double(orphaned) / Double(judged), "\(orphaned) of \(judged)")
        // Never approved implies orphaned; left behind (no approver within orphanTimeout) does
        // not: a late approval can still lead to the front.
        #expect(orphaned >= neverApproved)
        if alpha == 3 { #expect(orphaned > 0, "a biased walk abandons branches") }
    }
}
