import Foundation
import Testing

@testable import TangleSim

/// A fresh temporary folder, removed by the caller.
private func scratchFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tanglesim-output-\(UUID())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func entries(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

/// The pid of a process that has ended (a finished `/bin/true`).
private func deadPid() throws -> pid_t {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

@Suite("Temporary files and atomic writes")
struct OutputTests {
    @Test("a temporary's name carries the host and pid, and parses back; other names do not parse")
    func temporaryNames() {
        let path = TemporaryFiles.path(in: "out", for: "transactions.csv")
        let name = String(path.dropFirst("out/".count))
        #expect(name.hasPrefix(".transactions.csv.\(TemporaryFiles.host).\(getpid())."))
        #expect(name.hasSuffix(".tmp"))
        #expect(TemporaryFiles.writer(ofTemporary: name)?.host == TemporaryFiles.host)
        #expect(TemporaryFiles.writer(ofTemporary: name)?.pid == getpid())
        #expect(TemporaryFiles.writer(ofTemporary: ".run-000001.csv.node_cluster.42.7.tmp")! == ("node_cluster", 42))
        #expect(TemporaryFiles.path(in: "out", for: "x") != TemporaryFiles.path(in: "out", for: "x"), "unique")
        for other in [".locks", "summary.csv", ".x.tmp", ".run-1.csv.123.tmp", ".a.host.pid.1.tmp", ".a.host.12.x.tmp"] {
            #expect(TemporaryFiles.writer(ofTemporary: other) == nil, "\(other)")
        }
        #expect(!TemporaryFiles.host.contains("."), "dots in the host name are replaced")
    }

    @Test("removeStale removes only dead processes' temporaries of this host")
    func removeStale() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = TemporaryFiles.host
        let dead = try deadPid()
        let names = [
            ".summary.csv.\(host).\(dead).1.tmp",  // dead here: removed
            ".staging.\(host).\(dead).2.tmp",  // a dead process's staging folder: removed
            ".summary.csv.\(host).\(getppid()).1.tmp",  // a live process here: kept
            ".summary.csv.other-host.\(dead).1.tmp",  // another host's: kept
            ".summary.csv.\(getpid()).tmp",  // an older name without host: kept
            "summary.csv", ".locks",
        ]
        for name in names { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("x".utf8)) }
        try FileManager.default.removeItem(atPath: folder + "/" + names[1])
        try FileManager.default.createDirectory(atPath: folder + "/" + names[1] + "/inner", withIntermediateDirectories: true)
        // This process's own pid on a temporary it did not register: a dead process's whose
        // pid was reused by this one.
        _ = FileManager.default.createFile(atPath: folder + "/.x.\(host).\(getpid()).1.tmp", contents: nil)
        let mine = try TemporaryFiles.createFile(TemporaryFiles.path(in: folder, for: "mine"), finalPath: folder + "/mine")
        close(mine)
        TemporaryFiles.removeStale(in: folder)
        let left = entries(folder)
        #expect(Set(left) == Set(names[2...]).union(left.filter { $0.hasPrefix(".mine.") }))
        #expect(left.filter { $0.hasPrefix(".mine.") }.count == 1, "this process's registered temporary is kept")
        for path in left where path.hasPrefix(".mine.") { TemporaryFiles.remove(folder + "/" + path) }
    }

    @Test("timeseries.csv streamed through its buffer is the table's text byte for byte, past several flushes")
    func streamedTimeseries() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var rows: [TimeseriesRow] = []
        // 60,000 rows of 40 to 70 bytes: at least two flushes of the 1 MiB buffer and a rest.
        for index in 0..<60_000 {
            var row = TimeseriesRow(
                time: Double(index) * 0.1, transactions: index * 37, tips: index % 211, visibleTips: index % 199,
                leftBehind: index / 100, confirmed: index % 3 == 0 ? nil : index, unconfirmedPending: index % 3 == 0 ? nil : index % 17)
            if index % 5 == 0 {
                row.nodeTipsMin = index % 13
                row.nodeTipsMean = Double(index % 29) / 7
                row.nodeTipsMax = index % 31
            }
            rows.append(row)
        }
        let files = try AtomicFileSet(folder: folder, owning: ["timeseries.csv"])
        try files.stage("timeseries.csv") { try RunOutput.writeTimeseries(rows, to: $0) }
        try files.commit()
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/timeseries.csv"))
        #expect(written.count > 2 << 20)
        // The same bytes as the whole table built in memory.
        #expect(written == Data(CSVTable(header: TimeseriesRow.csvHeader, rows: rows.map(\.csvFields)).csvText.utf8))
    }

    @Test("a committed set renames every file, removes the owned files it did not write, and nothing else")
    func commit() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["latency.csv", "notes.txt", "summary.csv"] {
            _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("old".utf8))
        }
        let files = try AtomicFileSet(folder: folder, owning: ["summary.csv", "latency.csv", "timeseries.csv"])
        try files.stage("summary.csv", contents: "new")
        try files.stage("timeseries.csv") { try $0.write([UInt8]("t".utf8)) }
        #expect(entries(folder).contains { $0.hasPrefix(".staging.") })
        try files.commit()
        #expect(entries(folder) == ["notes.txt", "summary.csv", "timeseries.csv"])
        #expect(try String(contentsOfFile: folder + "/summary.csv", encoding: .utf8) == "new")
    }

    @Test("a set that fails or is dropped leaves the folder as it was, and removes the folders it created")
    func discard() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/summary.csv", contents: Data("old".utf8))
        do {
            let files = try AtomicFileSet(folder: folder, owning: ["summary.csv", "latency.csv"])
            try files.stage("summary.csv", contents: "new")
            try files.stage("latency.csv") { _ in throw OutputError("cannot write \(folder)/latency.csv: test") }
            Issue.record("the failing stage throws")
        } catch let error as OutputError {
            #expect(error.message == "cannot write \(folder)/latency.csv: test")
        }
        #expect(entries(folder) == ["summary.csv"])
        #expect(try String(contentsOfFile: folder + "/summary.csv", encoding: .utf8) == "old")

        do {
            let files = try AtomicFileSet(folder: folder + "/a/b", owning: [])
            try files.stage("x.csv", contents: "x")
        }
        #expect(entries(folder) == ["summary.csv"], "a/b created, then removed with the dropped set")
    }

    @Test("a folder in the way of a final name, or a file in the way of the folder, is an error naming it")
    func inTheWay() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/summary.csv", withIntermediateDirectories: true)
        let files = try AtomicFileSet(folder: folder)
        try files.stage("summary.csv", contents: "x")
        #expect(throws: OutputError("cannot write \(folder)/summary.csv: a folder of that name is in the way")) { try files.commit() }
        files.discard()
        #expect(entries(folder) == ["summary.csv"])
        _ = FileManager.default.createFile(atPath: folder + "/file", contents: nil)
        #expect(throws: OutputError("cannot create the folder \(folder)/file/sub: \(folder)/file is a file, not a folder")) {
            _ = try AtomicFileSet(folder: folder + "/file/sub")
        }
        #expect(throws: OutputError("cannot create a folder with an empty path")) { _ = try AtomicFileSet(folder: "") }
    }
}
