import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Runs the built `tanglesim` with an optional environment (the parent's when nil).
///
/// Missing gnuplot or Graphviz is simulated with `PATH` set to an empty folder: tanglesim looks
/// both up on `PATH`, and the binary itself is started by its absolute path.
private func tanglesim(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) throws -> CommandResult {
    try TangleSimBinary.run(arguments, in: directory, environment: environment)
}

/// Parses an SVG file as XML and returns its root element's name and element count (nil when
/// the file is not well-formed XML).
private func svgRoot(_ url: URL) throws -> (root: String, elements: Int)? {
    let data = try Data(contentsOf: url)
    guard !data.isEmpty else { return nil }
    final class Delegate: NSObject, XMLParserDelegate {
        var root: String?
        var elements = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if root == nil { root = name }
            elements += 1
        }
    }
    let parser = XMLParser(data: data)
    let delegate = Delegate()
    parser.delegate = delegate
    parser.shouldResolveExternalEntities = false
    guard parser.parse(), let root = delegate.root else { return nil }
    return (root, delegate.elements)
}

/// Expects `names` in `folder` to be well-formed, non-trivial SVG, each with its gnuplot script.
private func expectSVGs(_ names: [String], in folder: URL, scripts: Bool = true) throws {
    for name in names {
        let svg = folder.appendingPathComponent(name + ".svg")
        let parsed = try svgRoot(svg)
        #expect(parsed?.root == "svg", "\(name).svg is well-formed SVG")
        #expect((parsed?.elements ?? 0) > 10, "\(name).svg draws something")
        if scripts {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + ".gp").path))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + ".dat").path))
        }
    }
}

private func write(_ text: String, _ folder: URL, _ name: String) throws {
    try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

@Suite("Figures and pictures from the command line")
struct FigureCLITests {
    @Test("plot a run folder: tips over time, latency distribution, weight growth, as parseable SVG")
    func plotRun() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"""
            {"name": "small", "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 1}],
             "consensus": {"kind": "coordinator", "interval": 5},
             "metrics": {"orphanTimeout": 20, "transactionLog": true}}
            """#, folder, "small.json")
        let ran = try tanglesim(["run", "small.json", "--out", "small"], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        let plotted = try tanglesim(["plot", "small"], in: folder)
        #expect(plotted.status == 0, "\(plotted.stderr)")
        #expect(plotted.stdout.hasPrefix("wrote small/figures/{small-tips.svg,small-latency-cdf.svg,small-weight-growth.svg}"))
        let figures = folder.appendingPathComponent("small/figures")
        try expectSVGs(["small-tips", "small-latency-cdf", "small-weight-growth"], in: figures)
        let script = try String(contentsOf: figures.appendingPathComponent("small-tips.gp"), encoding: .utf8)
        #expect(script.contains("theory 2·lambda·h = 40"), "the theory line under uniform selection")

        let png = try tanglesim(["plot", "small/timeseries.csv", "--format", "png", "--out", "png"], in: folder)
        #expect(png.status == 0, "\(png.stderr)")
        let bytes = try Data(contentsOf: folder.appendingPathComponent("png/small-tips.png"))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG file")
    }

    @Test("plot a sweep: metrics against the parameter, confidence intervals and the theory line")
    func plotSweep() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"""
            {"name": "tiny-sweep", "duration": 100, "warmup": 10, "devices": [{"count": 10, "rate": 2}],
             "metrics": {"orphanTimeout": 10},
             "sweep": {"parameters": {"network.delay": [0.25, 0.5, 1.0]}, "replications": 3}}
            """#, folder, "sweep.json")
        #expect(try tanglesim(["sweep", "sweep.json", "--out", "tiny-sweep"], in: folder).status == 0)
        let plotted = try tanglesim(["plot", "tiny-sweep", "--out", "figures"], in: folder)
        #expect(plotted.status == 0, "\(plotted.stderr)")
        let figures = folder.appendingPathComponent("figures")
        try expectSVGs(["tiny-sweep-mean-tips", "tiny-sweep-first-approval-mean"], in: figures)
        let script = try String(contentsOf: figures.appendingPathComponent("tiny-sweep-mean-tips.gp"), encoding: .utf8)
        #expect(script.contains("with yerrorbars") && script.contains("theory 2·lambda·h"))
        #expect(script.contains("set xlabel 'lambda·h (transactions issued during one delay h)'"))
        let data = try String(contentsOf: figures.appendingPathComponent("tiny-sweep-mean-tips.dat"), encoding: .utf8)
        #expect(data.contains("\n10 20\n"), "theory point at lambda·h = 10: \(data)")

        // aggregate.csv alone is enough for the points (without theory).
        try FileManager.default.removeItem(at: folder.appendingPathComponent("tiny-sweep/sweep.csv"))
        let aggregate = try tanglesim(["plot", "tiny-sweep/aggregate.csv", "--out", "aggregate"], in: folder)
        #expect(aggregate.status == 0, "\(aggregate.stderr)")
        try expectSVGs(["tiny-sweep-mean-tips"], in: folder.appendingPathComponent("aggregate"))
    }

    @Test("plot a comparison: strategies side by side and their latency distributions; error bars with replications")
    func plotCompare() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"""
            {"name": "cmp", "duration": 120, "warmup": 10, "devices": [{"count": 20, "rate": 1}],
             "consensus": {"kind": "coordinator", "interval": 10},
             "variants": [{"label": "URTS"}, {"label": "MCMC", "tipSelection": {"strategy": "mcmc", "alpha": 0.1}}]}
            """#, folder, "cmp.json")
        #expect(try tanglesim(["compare", "cmp.json", "--out", "cmp"], in: folder).status == 0)
        let plotted = try tanglesim(["plot", "cmp"], in: folder)
        #expect(plotted.status == 0, "\(plotted.stderr)")
        try expectSVGs(["cmp-compare", "cmp-compare-latency-cdf"], in: folder.appendingPathComponent("cmp/figures"))
        let plain = try String(contentsOf: folder.appendingPathComponent("cmp/figures/cmp-compare.gp"), encoding: .utf8)
        #expect(!plain.contains("boxerrorbars"), "one replication: bars without error bars")

        // Several replications: error bars of the 95% confidence intervals.
        #expect(try tanglesim(["compare", "cmp.json", "--replications", "3", "--out", "cmp3"], in: folder).status == 0)
        let intervals = try tanglesim(["plot", "cmp3"], in: folder)
        #expect(intervals.status == 0, "\(intervals.stderr)")
        let figures = folder.appendingPathComponent("cmp3/figures")
        try expectSVGs(["cmp3-compare", "cmp3-compare-latency-cdf"], in: figures)
        let script = try String(contentsOf: figures.appendingPathComponent("cmp3-compare.gp"), encoding: .utf8)
        #expect(script.contains("with boxerrorbars") && script.contains("mean ± 95% CI of 3 replications"))
        #expect(script.contains(#"set xtics nomirror scale 0.5 norotate center ("URTS" 0, "MCMC" 1)"#), "two short labels stay horizontal")
    }

    @Test(
        "plot fails clearly on missing or malformed input: exit 1, the file and the problem named",
        arguments: [
            (["nowhere"], nil, "error: nowhere: no such file or folder"),
            (["empty"], nil, "error: empty: no results to plot: expected one of timeseries.csv, latency.csv, sweep.csv, aggregate.csv, compare.csv, compare-latency.csv, compare-classes.csv, transactions.csv"),
            (["empty/timeseries.csv"], nil, "error: empty/timeseries.csv: no such file or folder"),
            (["bad"], "time,transactions,visible_tips\n0,0,1\n", "error: bad/timeseries.csv: missing column tips (header: time,transactions,visible_tips)"),
            (["bad"], "time,tips\n0,1\n1,2,3\n", "error: bad/timeseries.csv: line 3 has 3 fields, the header has 2"),
            (["bad"], "time,tips\n0,many\n", "error: bad/timeseries.csv: line 2, column tips: expected a number, got \"many\""),
        ] as [([String], String?, String)])
    func plotBadInput(arguments: [String], timeseries: String?, message: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        if let timeseries {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("bad"), withIntermediateDirectories: true)
            try write(timeseries, folder.appendingPathComponent("bad"), "timeseries.csv")
        }
        let result = try tanglesim(["plot"] + arguments, in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == message + "\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad/figures").path), "nothing written")
    }

    @Test("plot without gnuplot on PATH: exit 1, how to install it, nothing written")
    func plotWithoutGnuplot() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(#"{"name": "r", "duration": 30, "devices": [{"count": 5, "rate": 1}]}"#, folder, "r.json")
        #expect(try tanglesim(["run", "r.json", "--out", "r"], in: folder).status == 0)
        let emptyPath = folder.appendingPathComponent("no-tools")
        try FileManager.default.createDirectory(at: emptyPath, withIntermediateDirectories: true)
        let result = try tanglesim(["plot", "r"], in: folder, environment: ["PATH": emptyPath.path])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "error: gnuplot not found on PATH: install it (Debian: apt-get install gnuplot-nox, or scripts/install-dependencies.sh) and run tanglesim plot again\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("r/figures").path))
    }

    @Test("draw: a Graphviz graph left to right by time, rendered as parseable SVG; the .dot alone without dot")
    func draw() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"""
            {"name": "pic", "duration": 5, "devices": [{"count": 5, "rate": 1}],
             "tipSelection": {"strategy": "mcmc", "alpha": 1, "start": {"kind": "genesis"}},
             "consensus": {"kind": "coordinator", "interval": 4}, "metrics": {"orphanTimeout": 3}}
            """#, folder, "pic.json")
        let drawn = try tanglesim(["draw", "pic.json", "--transactions", "60", "--out", "pic"], in: folder)
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(drawn.stdout == "wrote pic/{pic-tangle.dot,pic-tangle.svg}\n")
        try expectSVGs(["pic-tangle"], in: folder.appendingPathComponent("pic"), scripts: false)
        let dot = try String(contentsOf: folder.appendingPathComponent("pic/pic-tangle.dot"), encoding: .utf8)
        #expect(dot.contains("rankdir=LR") && dot.contains("legend [") && dot.contains("rank=same"))
        let milestones = dot.components(separatedBy: "shape=box").count - 1
        #expect(dot.contains(#"label="pic: the first 60 transactions issued by devices, with the genesis and \#(milestones) milestones, at t = "#))
        for state in ["genesis", "milestone", "confirmed", "left behind", "tip", "approved"] {
            #expect(dot.contains(">\(state) ("), "legend entry \(state)")
        }

        let emptyPath = folder.appendingPathComponent("no-tools")
        try FileManager.default.createDirectory(at: emptyPath, withIntermediateDirectories: true)
        let bare = try tanglesim(["draw", "pic.json", "--transactions", "60", "--out", "bare"], in: folder, environment: ["PATH": emptyPath.path])
        #expect(bare.status == 0)
        #expect(bare.stdout == "wrote bare/pic-tangle.dot\n")
        #expect(bare.stderr.hasPrefix("note: Graphviz's dot not found on PATH, so no SVG: install it (Debian: apt-get install graphviz"))
        #expect(try Data(contentsOf: folder.appendingPathComponent("bare/pic-tangle.dot")) == Data(dot.utf8), "the same graph")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bare/pic-tangle.svg").path))

        let bad = try tanglesim(["draw", "pic.json", "--transactions", "0"], in: folder)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--transactions must be from 1 to 5000"))
    }

    @Test("check: a missing scenarios folder or paper scenario is exit 2")
    func checkInputs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try tanglesim(["check", "--quick"], in: folder)
        #expect(missing.status == 2)
        #expect(
            missing.stderr
                == "error: cannot find the paper scenarios folder Scenarios/papers: run tanglesim check from the repository root, or pass --scenarios DIR\n")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("papers"), withIntermediateDirectories: true)
        let empty = try tanglesim(["check", "--quick", "--scenarios", "papers"], in: folder)
        #expect(empty.status == 2)
        #expect(empty.stderr.hasSuffix("error: papers/urts-tips.json: cannot read the file: No such file or directory\n"))
    }

    @Test("draw beyond 500 transactions: TangleSim places the nodes, neato -n2 draws them")
    func drawLarge() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = TangleSimBinary.repositoryRoot.appendingPathComponent("Scenarios/papers/tangle-picture.json").path
        let drawn = try tanglesim(["draw", scenario, "--transactions", "800", "--out", "big"], in: folder)
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(drawn.stdout == "wrote big/{tangle-picture-tangle.dot,tangle-picture-tangle.svg}\n")
        let dot = try String(contentsOf: folder.appendingPathComponent("big/tangle-picture-tangle.dot"), encoding: .utf8)
        #expect(dot.contains("// Render: neato -n2 -Tsvg THIS.dot -o THIS.svg\n"))
        #expect(!dot.contains("rank=same"))
        #expect(dot.components(separatedBy: "!\"").count - 1 > 800, "every transaction pinned")
        try expectSVGs(["tangle-picture-tangle"], in: folder.appendingPathComponent("big"), scripts: false)
    }

    @Test("draw: Graphviz killed by a signal, or past --timeout, is said so; nothing written; no dot removes an old SVG")
    func drawToolFailures() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(#"{"name": "pic", "duration": 5, "devices": [{"count": 5, "rate": 1}], "metrics": {"orphanTimeout": 1}}"#, folder, "pic.json")
        let tools = folder.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        func fakeDot(_ body: String) throws {
            try write("#!/bin/sh\n" + body + "\n", tools, "dot")
            chmod(tools.appendingPathComponent("dot").path, 0o755)
        }
        let environment = ["PATH": tools.path]
        try fakeDot("kill -TERM $$")
        let killed = try tanglesim(["draw", "pic.json", "--transactions", "10", "--out", "out"], in: folder, environment: environment)
        #expect(killed.status == 1)
        #expect(killed.stderr == "error: dot failed to draw out/pic-tangle.svg: killed by signal 15 (SIGTERM)\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), "nothing written")

        try fakeDot("exec /bin/sleep 600")
        let slow = try tanglesim(
            ["draw", "pic.json", "--transactions", "10", "--out", "out", "--timeout", "0.5"], in: folder, environment: environment)
        #expect(slow.status == 1)
        #expect(slow.stderr == "error: dot failed to draw out/pic-tangle.svg: still running after 0.5 s (--timeout), so killed\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), "nothing written")

        #expect(try tanglesim(["draw", "pic.json", "--transactions", "10", "--out", "out"], in: folder).status == 0)
        let out = folder.appendingPathComponent("out")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["pic-tangle.dot", "pic-tangle.svg"])
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let bare = try tanglesim(["draw", "pic.json", "--transactions", "10", "--out", "out"], in: folder, environment: ["PATH": empty.path])
        #expect(bare.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["pic-tangle.dot"], "the old SVG is not this .dot's picture")
    }

    @Test("plot: a failing gnuplot leaves the earlier figures as they were; a new plot removes the ones it replaces")
    func plotReplacesItsFigures() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(#"{"name": "r", "duration": 30, "devices": [{"count": 5, "rate": 1}]}"#, folder, "r.json")
        #expect(try tanglesim(["run", "r.json", "--out", "r"], in: folder).status == 0)
        #expect(try tanglesim(["plot", "r"], in: folder).status == 0)
        let figures = folder.appendingPathComponent("r/figures")
        func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted() }
        #expect(try names() == ["r-tips.dat", "r-tips.gp", "r-tips.svg"])
        let svg = try Data(contentsOf: figures.appendingPathComponent("r-tips.svg"))

        let tools = folder.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        try write("#!/bin/sh\necho 'line 1: bad script' >&2\nexit 3\n", tools, "gnuplot")
        chmod(tools.appendingPathComponent("gnuplot").path, 0o755)
        let failed = try tanglesim(["plot", "r", "--format", "png"], in: folder, environment: ["PATH": tools.path])
        #expect(failed.status == 1)
        #expect(failed.stderr == "error: gnuplot failed to draw r/figures/r-tips.png: exit status 3: line 1: bad script\n")
        #expect(try names() == ["r-tips.dat", "r-tips.gp", "r-tips.svg"])
        #expect(try Data(contentsOf: figures.appendingPathComponent("r-tips.svg")) == svg)

        let png = try tanglesim(["plot", "r", "--format", "png"], in: folder)
        #expect(png.status == 0, "\(png.stderr)")
        #expect(try names() == ["r-tips.dat", "r-tips.gp", "r-tips.png"], "the SVG of the earlier plot is gone")
    }
}
