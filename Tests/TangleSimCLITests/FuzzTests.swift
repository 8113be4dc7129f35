import Foundation
import TangleSim
import Testing

/// Hostile input: mutants of every shipped scenario, each through `validate` and `run` (and
/// `compare` or `sweep` where the original has variants or a sweep) under a 4 GiB memory limit
/// (`ulimit -v`) and a time limit.
///
/// Every process must end with exit status 0, 1 or 2 — never a trap, an abort, a signal or a
/// hang —, say something (a report on success, `error: ...` otherwise), leave no temporary
/// file, write nothing outside its `--out` folder, and leave no file under a final name when
/// it fails. The mutants are drawn from a fixed seed, so a failure names a mutant that can be
/// reproduced: its text is in the failure message.
@Suite("Fuzzing the command line with mutated scenarios", .serialized)
struct FuzzTests {
    /// How many mutants one test run makes (the issue asks for at least 300 per CI run).
    static let mutantCount = 330
    /// Wall-clock seconds a single command may take before it counts as a hang. Generous: a
    /// valid mutant can be a slow run (every transaction left in flight by a long delay makes
    /// each issue cost the whole in-flight set, about a minute for the smart city), and CI
    /// machines are shared.
    static let timeLimit = 300.0
    /// `ulimit -v` for every command, in KiB: 4 GiB.
    static let memoryLimitKiB = 4 << 20

    @Test("mutants of the shipped scenarios never trap, abort, hang or leave partial files")
    func mutants() throws {
        let originals = try Self.shippedScenarios()
        #expect(originals.count >= 10, "expected the shipped scenarios, found \(originals.count)")
        var generator = SplitMix(seed: 20_261_129)
        let mutants = (0..<Self.mutantCount).map { index in
            Mutant.make(from: originals[index % originals.count], others: originals, using: &generator)
        }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }

        let tally = Tally()
        DispatchQueue.concurrentPerform(iterations: mutants.count) { index in
            tally.add(Self.exercise(mutants[index], index: index, in: root))
        }
        let (exits, failures) = tally.contents
        let counts = exits.keys.sorted().map { command in
            "\(command): " + exits[command]!.keys.sorted().map { "exit \($0) × \(exits[command]![$0]!)" }.joined(separator: ", ")
        }
        print("fuzz: \(mutants.count) mutants; " + counts.joined(separator: "; "))
        #expect(failures.isEmpty, "\(failures.count) problems:\n\(failures.prefix(60).joined(separator: "\n"))")
        #expect(mutants.count >= 300)
    }

    /// Exit statuses by command and every broken rule, gathered from concurrent mutants.
    final class Tally: @unchecked Sendable {
        private let _lock = NSLock()
        private var _exits: [String: [Int32: Int]] = [:]
        private var _failures: [String] = []

        func add(_ outcome: Outcome) {
            _lock.withLock {
                for (command, status) in outcome.exits { _exits[command, default: [:]][status, default: 0] += 1 }
                _failures += outcome.failures
            }
        }

        var contents: (exits: [String: [Int32: Int]], failures: [String]) { _lock.withLock { (_exits, _failures) } }
    }

    /// What one mutant did: each command's exit status, and every broken rule.
    struct Outcome {
        var exits: [(String, Int32)] = []
        var failures: [String] = []
    }

    /// Runs the commands on `mutant` in a folder of its own under `root` and checks the rules.
    static func exercise(_ mutant: Mutant, index: Int, in root: URL) -> Outcome {
        var outcome = Outcome()
        let folder = root.appendingPathComponent("mutant-\(index)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(mutant.text.utf8).write(to: folder.appendingPathComponent("m.json"))
        } catch {
            outcome.failures.append("mutant \(index): cannot set up: \(error)")
            return outcome
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        var commands: [(name: String, arguments: [String])] = [
            ("validate", ["validate", "m.json"]), ("run", ["run", "m.json", "--out", "out-run"]),
        ]
        if mutant.original.hasVariants { commands.append(("compare", ["compare", "m.json", "--out", "out-compare"])) }
        if mutant.original.isSmallSweep { commands.append(("sweep", ["sweep", "m.json", "--jobs", "1", "--out", "out-sweep"])) }

        for (name, arguments) in commands {
            let describe = "mutant \(index) (\(mutant.recipe)), `tanglesim \(arguments.joined(separator: " "))`"
            let before = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
            let result: LimitedResult
            do {
                result = try Self.runLimited(arguments, in: folder)
            } catch {
                outcome.failures.append("\(describe): cannot start: \(error)")
                continue
            }
            outcome.exits.append((name, result.signal.map { 128 + $0 } ?? result.status))
            let firstLines = result.stderr.split(separator: "\n").prefix(2).joined(separator: " | ")
            let context = "\(describe): status \(result.status), signal \(result.signal.map(String.init) ?? "-"), "
                + "stderr: \(firstLines.prefix(300))"
            if result.timedOut {
                outcome.failures.append("hung (killed after \(timeLimit) s): \(context)")
                continue
            }
            if result.signal != nil {
                outcome.failures.append("killed by a signal: \(context)")
                continue
            }
            guard [0, 1, 2].contains(result.status) else {
                outcome.failures.append("exit status \(result.status) is not 0, 1 or 2: \(context)")
                continue
            }
            if result.status == 0 {
                if result.stdout.isEmpty { outcome.failures.append("succeeded silently: \(context)") }
            } else if !result.stderr.hasPrefix("error: ") && !result.stderr.contains("\nerror: ") {
                outcome.failures.append("failed without an error message: \(context)")
            }
            // Nothing outside --out: the mutant's folder holds only what it held plus --out.
            let after = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
            let out = arguments.last!
            let added = Set(after).subtracting(before).subtracting([out])
            if !added.isEmpty || !Set(before).isSubset(of: Set(after)) {
                outcome.failures.append("wrote outside --out (before \(before), after \(after)): \(context)")
            }
            if name != "validate" {
                outcome.failures += checkOutputFolder(folder.appendingPathComponent(out), status: result.status)
                    .map { "\($0): \(context)" }
            }
        }
        return outcome
    }

    /// The rules for what a command left in its output folder: no temporary files; after a
    /// failure no result file at all; after a success every CSV well formed.
    static func checkOutputFolder(_ out: URL, status: Int32) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: out.path) else { return [] }
        var problems: [String] = []
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(name) }
        }
        let temporaries = files.filter { ($0 as NSString).lastPathComponent.hasPrefix(".") }
        if !temporaries.isEmpty { problems.append("left temporary files \(temporaries)") }
        let results = files.filter { !($0 as NSString).lastPathComponent.hasPrefix(".") }
        if status != 0 {
            // A sweep that failed part-way keeps its durable records by design (sweep.json and
            // runs/run-N.csv, each complete); no final table may appear.
            let finals = results.filter { !$0.hasPrefix("runs/") && $0 != "sweep.json" }
            if !finals.isEmpty { problems.append("failed but left result files \(finals)") }
            return problems
        }
        for name in results where name.hasSuffix(".csv") {
            guard let text = try? String(contentsOf: out.appendingPathComponent(name), encoding: .utf8) else {
                problems.append("\(name) is unreadable")
                continue
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 2, lines.last == "" else {
                problems.append("\(name) is not a complete CSV (no header, or no final newline)")
                continue
            }
            // Fields as RFC 4180 reads them: a quoted label may hold commas.
            guard let rows = CSVTable.parseFields(text), let width = rows.first?.count else {
                problems.append("\(name) is not valid CSV (an unclosed quote)")
                continue
            }
            if let row = rows.first(where: { $0.count != width }) {
                problems.append("\(name) has a row of another width than its header: \(row.joined(separator: " | ").prefix(200))")
            }
        }
        return problems
    }

    /// What a limited command did.
    struct LimitedResult {
        var status: Int32
        var signal: Int32?
        var timedOut: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs `tanglesim arguments` in `folder` under `ulimit -v` and the time limit.
    static func runLimited(_ arguments: [String], in folder: URL) throws -> LimitedResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let binary = TangleSimBinary.productsDirectory.appendingPathComponent("tanglesim").path
        process.arguments = ["-c", "ulimit -v \(memoryLimitKiB) && exec \"$0\" \"$@\"", binary] + arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Read both pipes off this thread so a chatty process cannot block on a full pipe.
        let stdout = PipeReader(out), stderr = PipeReader(err)
        var timedOut = false
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        let result = LimitedResult(
            status: process.terminationStatus, signal: signal, timedOut: timedOut,
            stdout: stdout.text, stderr: stderr.text)
        // Closed here, not when Foundation lets go of the process: hundreds of commands left
        // their pipes open (1,500 descriptors), and with that many Foundation's Process.run
        // over-reads /proc/self/fd's directory entries and can crash the test process
        // (swift-corelibs-foundation pull request 5472).
        for pipe in [out, err] {
            try? pipe.fileHandleForReading.close()
            try? pipe.fileHandleForWriting.close()
        }
        return result
    }

    /// Reads a pipe to its end on a background thread.
    final class PipeReader: @unchecked Sendable {
        private var _data = Data()
        private let _done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            DispatchQueue.global().async {
                self._data = pipe.fileHandleForReading.readDataToEndOfFile()
                self._done.signal()
            }
        }

        /// Everything read, once the writer closed the pipe.
        var text: String {
            _done.wait()
            _done.signal()
            return String(decoding: _data, as: UTF8.self)
        }
    }

    /// Every scenario under `Scenarios/`, parsed.
    static func shippedScenarios() throws -> [Original] {
        let folder = TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios")
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var originals: [Original] = []
        while let name = enumerator.nextObject() as? String {
            guard name.hasSuffix(".json") else { continue }
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            originals.append(Original(name: name, json: try JSONValue(parsing: data, file: name)))
        }
        return originals.sorted { $0.name < $1.name }
    }
}

/// A shipped scenario to mutate.
struct Original {
    var name: String
    var json: JSONValue

    var hasVariants: Bool { json.objectMember("variants") != nil }
    /// Sweeps small enough to run whole in the fuzz test.
    var isSmallSweep: Bool { name == "sweep-example.json" }
}

/// A mutated scenario: its text and how it was made.
struct Mutant {
    var original: Original
    var text: String
    var recipe: String

    /// Values that break ranges and types: zero, negative, tiny, subnormal, huge, past
    /// Int64, and strings that look like numbers.
    static let extremes: [String] = [
        "0", "-1", "1e-300", "5e-324", "1e300", "9223372036854775808", "9e18", "1e18", "-0.0", "0.5",
        "2147483648", "100000", "\"NaN\"", "\"Infinity\"", "\"-inf\"", "\"1e300\"",
    ]
    /// Values of other types.
    static let otherTypes: [String] = ["null", "true", "\"x\"", "[]", "{}", "[1, 2]", "{\"kind\": \"x\"}", "1"]

    /// One to three mutations of `original`, or a truncation, drawn from `generator`.
    static func make(from original: Original, others: [Original], using generator: inout SplitMix) -> Mutant {
        var json = original.json
        var steps: [String] = []
        var raws: [String] = []
        let kind = generator.next(below: 10)
        if kind == 0 {
            let text = json.prettyPrinted
            let cut = generator.next(below: max(1, text.utf8.count))
            let truncated = String(decoding: Array(text.utf8)[..<cut], as: UTF8.self)
            return Mutant(original: original, text: truncated, recipe: "\(original.name) truncated at byte \(cut)")
        }
        for _ in 0..<(1 + generator.next(below: 3)) {
            let paths = json.allPaths()
            guard !paths.isEmpty else { break }
            let path = paths[generator.next(below: paths.count)]
            switch generator.next(below: 4) {
            case 0:
                json.remove(at: path)
                steps.append("delete \(path.text)")
            case 1:
                let raw = otherTypes[generator.next(below: otherTypes.count)]
                json.set(.string("@@RAW\(raws.count)@@"), at: path)
                raws.append(raw)
                steps.append("\(path.text) = \(raw)")
            case 2:
                let numbers = paths.filter { json.value(at: $0)?.numberValue != nil }
                let target = numbers.isEmpty ? path : numbers[generator.next(below: numbers.count)]
                let raw = extremes[generator.next(below: extremes.count)]
                json.set(.string("@@RAW\(raws.count)@@"), at: target)
                raws.append(raw)
                steps.append("\(target.text) = \(raw)")
            default:
                let donor = others[generator.next(below: others.count)]
                guard case .object(let object) = donor.json, !object.isEmpty else { continue }
                let key = object.keys[generator.next(below: object.count)]
                json.set(object[key]!, at: [.key(key)])
                steps.append("\(key) from \(donor.name)")
            }
        }
        // Walks from the genesis cost O(n) a transaction, and on a gossip network each step
        // also counts the in-flight transactions (README, "MCMC in detail"): given to a
        // gossip scenario of many thousand transactions, they make a valid run of many
        // minutes, not a hang. Such a mutant keeps its combination and runs 60 s of it.
        if json.value(at: [.key("network"), .key("model")]) == .string("gossip"),
            json.value(at: [.key("tipSelection"), .key("start"), .key("kind")]) == .string("genesis"),
            let duration = json.value(at: [.key("duration")])?.numberValue, duration > 60
        {
            json.set(.number(60), at: [.key("duration")])
            steps.append("duration = 60 (walks from the genesis on gossip)")
        }
        var text = json.prettyPrinted
        for (index, raw) in raws.enumerated() {
            text = text.replacingOccurrences(of: "\"@@RAW\(index)@@\"", with: raw)
        }
        return Mutant(original: original, text: text, recipe: "\(original.name): " + steps.joined(separator: "; "))
    }
}

/// One step into a JSON document.
enum JSONStep: Equatable {
    case key(String)
    case index(Int)
}

extension Array where Element == JSONStep {
    var text: String {
        map { step in
            switch step {
            case .key(let key): "." + key
            case .index(let index): "[\(index)]"
            }
        }.joined()
    }
}

extension JSONValue {
    func objectMember(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The path of every value in the document, the root excluded.
    func allPaths(prefix: [JSONStep] = []) -> [[JSONStep]] {
        switch self {
        case .object(let object):
            return object.members.flatMap { member in
                [prefix + [.key(member.key)]] + member.value.allPaths(prefix: prefix + [.key(member.key)])
            }
        case .array(let values):
            return values.indices.flatMap { index in
                [prefix + [.index(index)]] + values[index].allPaths(prefix: prefix + [.index(index)])
            }
        default:
            return []
        }
    }

    func value(at path: [JSONStep]) -> JSONValue? {
        guard let step = path.first else { return self }
        switch (self, step) {
        case (.object(let object), .key(let key)): return object[key]?.value(at: Array(path.dropFirst()))
        case (.array(let values), .index(let index)) where values.indices.contains(index):
            return values[index].value(at: Array(path.dropFirst()))
        default: return nil
        }
    }

    /// Sets the value at `path` (creating an object member, not array elements).
    mutating func set(_ new: JSONValue, at path: [JSONStep]) {
        guard let step = path.first else {
            self = new
            return
        }
        switch (self, step) {
        case (.object(var object), .key(let key)):
            var child = object[key] ?? .null
            child.set(new, at: Array(path.dropFirst()))
            object[key] = child
            self = .object(object)
        case (.array(var values), .index(let index)) where values.indices.contains(index):
            values[index].set(new, at: Array(path.dropFirst()))
            self = .array(values)
        default:
            break
        }
    }

    /// Removes the value at `path`: an object member, or an array element.
    mutating func remove(at path: [JSONStep]) {
        guard let step = path.first else { return }
        let rest = Array(path.dropFirst())
        switch (self, step) {
        case (.object(var object), .key(let key)):
            if rest.isEmpty {
                object[key] = nil
            } else if var child = object[key] {
                child.remove(at: rest)
                object[key] = child
            }
            self = .object(object)
        case (.array(var values), .index(let index)) where values.indices.contains(index):
            if rest.isEmpty { values.remove(at: index) } else { values[index].remove(at: rest) }
            self = .array(values)
        default:
            break
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small repeatable generator for the mutants.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound (bound > 0).
    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
