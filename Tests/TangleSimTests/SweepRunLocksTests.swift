import Foundation
import Testing

@testable import TangleSim

/// Six runs of a small sweep, and a fresh folder for them (removed by the caller).
private func sixRuns() throws -> (Sweep, SweepFolder) {
    let text = """
        {"name": "locks", "seed": 5, "duration": 20, "devices": [{"count": 10, "rate": 1}],
         "sweep": {"parameters": {"network.delay": [0.5, 1, 2]}, "replications": 2}}
        """
    let sweep = try Sweep(json: JSONValue(parsing: Array(text.utf8), file: "locks.json"), file: "locks.json")
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-locks-\(UUID())").path
    return (sweep, try SweepFolder.open(path, for: sweep))
}

@Suite("Sweeps shared by processes")
struct SweepRunLocksTests {
    @Test("a run locked through one descriptor is refused through another until released")
    func locksConflictAcrossDescriptors() throws {
        let (_, folder) = try sixRuns()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        // Two lock objects are two open file descriptions: as two processes would be.
        let mine = try SweepRunLocks(folder: folder), theirs = try SweepRunLocks(folder: folder)
        #expect(try mine.tryLock(run: 3))
        #expect(try !theirs.tryLock(run: 3))
        #expect(try theirs.tryLock(run: 4), "other runs are free")
        mine.unlock(run: 3)
        #expect(try theirs.tryLock(run: 3))
    }

    @Test("a run another holder records meanwhile is not run again; one it gives up is run here")
    func heldRunsAreAwaited() throws {
        for holderRecords in [true, false] {
            let (sweep, folder) = try sixRuns()
            defer { try? FileManager.default.removeItem(atPath: folder.path) }
            let other = try SweepRunLocks(folder: folder)
            #expect(try other.tryLock(run: 2))
            var waited: [Int] = []
            let tally = try SweepRunner.runAndRecord(
                sweep, runs: Array(0..<6), jobs: 2, into: folder,
                waiting: { count in
                    waited.append(count)
                    // The other holder finishes (or dies) while this process waits.
                    if holderRecords {
                        try? folder.record(SweepRecord(sweep: sweep, run: 2, summary: sweep.simulate(run: 2).summary))
                    }
                    other.unlock(run: 2)
                })
            #expect(waited == [1])
            #expect(tally == SweepRunner.Tally(ranHere: holderRecords ? 5 : 6, ranElsewhere: holderRecords ? 1 : 0))
            #expect(try folder.recordedRuns() == Set(0..<6))
            let tables = try SweepMerge.tables(from: [folder])
            #expect(tables.sweep.rows.count == 6)
        }
    }

    @Test("a run recorded after the caller listed the folder is counted, not run")
    func recordedMeanwhile() throws {
        let (sweep, folder) = try sixRuns()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try folder.record(SweepRecord(sweep: sweep, run: 0, summary: sweep.simulate(run: 0).summary))
        let tally = try SweepRunner.runAndRecord(sweep, runs: Array(0..<6), jobs: 1, into: folder)
        #expect(tally == SweepRunner.Tally(ranHere: 5, ranElsewhere: 1))
    }
}
