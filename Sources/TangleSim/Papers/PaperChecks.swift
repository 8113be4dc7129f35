import Foundation

/// The checks of `tanglesim check`: the paper scenarios of `Scenarios/papers/` run, and each
/// result with a closed-form expectation compared with it.
///
/// Tolerances come from the replications, never from a fixed percentage: a mean is given
/// its standard error over independent replications, a slope its weighted least-squares
/// standard error, and the half-width is Student's t quantile times that error. Each check is
/// made at significance ``significance`` (0.1%), so a correct simulator fails one of the
/// thirty statistical checks with probability at most about 3.0% (Bonferroni; the
/// coordinator attack and duty-cycle checks are exact and cannot fail by chance). Seeds are the
/// scenarios' own, so a given version of the code always prints the same table.
///
/// The simulations run on ``jobs`` threads; nothing here prints or writes files.
public struct PaperChecks: Sendable {
    /// The significance level of each check (two-sided for equalities, one-sided for bounds
    /// and orderings).
    public static let significance = 0.001

    /// The scenario files the checks read, in the order they run.
    public static let files = [
        tipsFile, weightFile, alphaFile, coordinatorFile, tipInflationFile, doubleSpendFile, coordinatorAttackFile,
        parasiteChainFile, splittingFile, lazyDevicesFile, workFile, arrivalsFile,
    ]
    /// Uniform selection over a sweep of lambda·h (tips, first approval, Little's law).
    public static let tipsFile = "urts-tips.json"
    /// Uniform selection, one run with a transaction log (cumulative weight growth).
    public static let weightFile = "urts-weight-growth.json"
    /// The weighted walk from the genesis over a sweep of alpha.
    public static let alphaFile = "mcmc-alpha.json"
    /// A coordinator over a sweep of milestone intervals and loads.
    public static let coordinatorFile = "coordinator-latency.json"

    /// Tip inflation below and above lambda·(k − 1).
    public static let tipInflationFile = "attacks-tip-inflation.json"
    /// The large-weight double spend without a coordinator, over strategies and attacker rates.
    public static let doubleSpendFile = "attacks-double-spend.json"
    /// The same attack against a coordinator.
    public static let coordinatorAttackFile = "attacks-coordinator.json"
    /// A parasite chain against URTS and weighted walks from the genesis.
    public static let parasiteChainFile = "attacks-parasite-chain.json"
    /// The splitting attack against weighted walks, over attacker rates.
    public static let splittingFile = "attacks-splitting.json"
    /// A lazy device class beside an honest one, under URTS and walks over a sweep of alpha.
    public static let lazyDevicesFile = "lazy-devices.json"
    /// Uniform selection with a constant work time swept (tips with proof of work).
    public static let workFile = "urts-work.json"

    /// The folder holding the paper scenarios (`Scenarios/papers`).
    public var folder: String
    public var mode: PaperCheckMode
    /// Worker threads for the simulations.
    public var jobs: Int

    public init(folder: String, mode: PaperCheckMode, jobs: Int) {
        self.folder = folder
        self.mode = mode
        self.jobs = max(1, jobs)
    }

    /// Runs every check, in the order of ``files``.
    ///
    /// - Parameter progress: called with a short line before each scenario runs.
    /// - Throws: ``ScenarioError`` when a paper scenario is missing, invalid, or no longer the
    ///   setting its theory needs (for example not uniform selection).
    public func run(progress: (String) -> Void = { _ in }) throws -> [PaperCheck] {
        var checks: [PaperCheck] = []
        checks += try tipsChecks(progress)
        checks += try weightChecks(progress)
        checks += try alphaChecks(progress)
        checks += try coordinatorChecks(progress)
        checks += try tipInflationChecks(progress)
        checks += try doubleSpendChecks(progress)
        checks += try coordinatorAttackChecks(progress)
        checks += try parasiteChainChecks(progress)
        checks += try splittingChecks(progress)
        checks += try lazyDeviceChecks(progress)
        checks += try workChecks(progress)
        checks += try arrivalChecks(progress)
        return checks
    }

    // MARK: - Uniform selection: tips, first approval, Little's law (Popov, section 3)

    func tipsChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.tipsFile, quickReplications: 5)
        for point in sweep.points { try requirePopovSetting(point.scenario, file: sweep.file) }
        progress("\(sweep.file): \(sweep.runCount) runs (uniform selection, lambda·h swept)")
        let runs = try summaries(of: sweep)
        let r = sweep.replications
        let x = runs.map { $0[0].lambda * $0[0].delayMean }
        let tips = runs.map { CheckStatistics.meanAndStandardError($0.map(\.meanTips)) }
        let t = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: r - 1)
        let basis = "WLS over \(runs.count) points × \(r) runs; t(\(Self.level(two: true)), \(r - 1))·SE"
        var checks: [PaperCheck] = []

        let fit = CheckStatistics.weightedSlope(x: x, y: tips.map(\.mean), standardErrors: tips.map(\.standardError))
        checks.append(
            PaperCheck(
                name: "URTS: d(mean tips)/d(lambda·h) [Popov §3: L0 = 2·lambda·h]",
                measured: Self.fixed(fit.slope, 4) + " (offset " + Self.fixed(fit.intercept, 2) + ")", expected: "2", tolerance: "±" + Self.fixed(t * fit.standardError, 4),
                basis: basis, passed: abs(fit.slope - 2) <= t * fit.standardError))

        // First approval: lambda·E[first approval] = mean tips (Little), so E = 2h + O(1)/lambda and
        // its slope in h at a fixed lambda is 2.
        let lambdas = Set(runs.map { $0[0].lambda })
        let delays = runs.map { $0[0].delayMean }
        if lambdas.count == 1 && Set(delays).count >= 2 {
            let approval = runs.map { CheckStatistics.meanAndStandardError($0.map(\.firstApprovalMean)) }
            let slope = CheckStatistics.weightedSlope(
                x: delays, y: approval.map(\.mean), standardErrors: approval.map(\.standardError))
            checks.append(
                PaperCheck(
                    name: "URTS: d(mean first approval)/dh at fixed lambda [Popov §3: 2h]",
                    measured: Self.fixed(slope.slope, 4), expected: "2", tolerance: "±" + Self.fixed(t * slope.standardError, 4),
                    basis: basis, passed: abs(slope.slope - 2) <= t * slope.standardError))
        }

        // Little's law, run by run: lambda·E[first approval] / mean tips = 1. Over a finite window
        // the two averages differ by the transactions straddling its two ends: at most about
        // 2·E[first approval] / (window length), relative.
        let all = runs.flatMap { $0 }
        let ratios = all.map { $0.lambda * $0.firstApprovalMean / $0.meanTips }
        let little = CheckStatistics.meanAndStandardError(ratios)
        let edge = all.map { 2 * $0.firstApprovalMean / ($0.duration - $0.warmup) }.max() ?? .nan
        let tLittle = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: all.count - 1)
        let tolerance = tLittle * little.standardError + edge
        checks.append(
            PaperCheck(
                name: "URTS: lambda·E[first approval] / mean tips [Little's law]",
                measured: Self.fixed(little.mean, 4), expected: "1", tolerance: "±" + Self.fixed(tolerance, 4),
                basis: "t(\(Self.level(two: true)), \(all.count - 1))·SE over \(all.count) runs + window edges 2·E/T",
                passed: abs(little.mean - 1) <= tolerance))
        return checks
    }

    // MARK: - Cumulative weight (Popov, section 3)

    func weightChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let path = folder + "/" + Self.weightFile
        var scenario = try Scenario.load(path: path)
        try requirePopovSetting(scenario, file: path)
        scenario.metrics.transactionLog = true
        let replications = mode == .quick ? 6 : 20
        progress("\(path): \(replications) replications with a transaction log (cumulative weight)")
        let lambda = scenario.lambda
        guard case .delay(let delay) = scenario.network else { return [] }
        let h = delay.mean
        let adaptation = WeightGrowthCurve.adaptationPeriod(lambda: lambda, delay: h)
        let fitRange = (2 * adaptation)...(4 * adaptation)
        let ages = Self.ages(upTo: fitRange.upperBound, step: h / 4)
        guard let duration = scenario.duration, duration - ages.last! - scenario.warmup >= 10 * h else {
            throw ScenarioError(
                file: path, path: "duration",
                message: "the cumulative-weight check needs a duration of at least warmup + \(Self.fixed(fitRange.upperBound + 10 * h, 0)) s")
        }
        let issued = scenario.warmup...(duration - ages.last!)
        let logged = scenario
        if let refusal = WorkloadEstimate.replications(logged, file: path, count: replications, jobs: jobs).refusal() { throw refusal }
        let slopes = WorkerPool.map(0..<replications, jobs: jobs) { replication -> Double in
            let result = Simulation.run(logged, replication: replication)
            return WeightGrowthCurve(tangle: result.tangle!, ages: ages, issued: issued).slope(over: fitRange)
        }
        let measured = CheckStatistics.meanAndStandardError(slopes)
        let t = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: replications - 1)
        return [
            PaperCheck(
                name: "URTS: dH/d(age) after the adaptation period [Popov §3: lambda]",
                measured: Self.fixed(measured.mean, 3) + "/s", expected: Self.fixed(lambda, 3) + "/s",
                tolerance: "±" + Self.fixed(t * measured.standardError, 3),
                basis: "ages \(Self.fixed(fitRange.lowerBound, 1))-\(Self.fixed(fitRange.upperBound, 1)) s (2-4× Popov's adaptation period); t(\(Self.level(two: true)), \(replications - 1))·SE",
                passed: abs(measured.mean - lambda) <= t * measured.standardError)
        ]
    }

    // MARK: - The weighted walk (Popov, section 4.1)

    /// Replications are sized for power, not speed: the smallest step, mean tips from alpha
    /// 0.001 to 0.01, is about 6 tips against per-run standard deviations of about 1.7 and
    /// 3.7 (measured over 30 runs), so Welch's t is about 6/(4.1/√n). At n = 8 (the earlier
    /// quick mode) it expects t ≈ 4.2 against a critical 4.1 at 0.001: a coin flip. n = 16
    /// (quick) expects 5.9 against 3.5 (power about 0.97); n = 24 (the scenario's) 7.2 against
    /// 3.4 (above 0.999).
    func alphaChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.alphaFile, quickReplications: 16)
        try requireEveryPoint(
            of: sweep, path: "tipSelection", "the check compares weighted random walks: expected the mcmc strategy in every point"
        ) { $0.tipSelection.strategyName == "mcmc" }
        progress("\(sweep.file): \(sweep.runCount) runs (weighted random walk, alpha swept)")
        let runs = try summaries(of: sweep).sorted { $0[0].alpha < $1.first!.alpha }
        guard Set(runs.map { $0[0].alpha }).count == runs.count, runs.count >= 2 else {
            throw ScenarioError(file: sweep.file, path: "sweep", message: "the check needs at least two points, each with its own alpha")
        }
        let alphas = runs.map { Self.compact($0[0].alpha) }.joined(separator: " → ")
        return [
            increasing(
                "MCMC from genesis: left-behind rate rises with alpha (\(alphas)) [§4.1]", runs.map { $0.map(\.leftBehindRate) },
                format: { Self.fixed($0 * 100, 2) + "%" }),
            increasing(
                "MCMC from genesis: mean tips rise with alpha (\(alphas)) [§4.1]", runs.map { $0.map(\.meanTips) },
                format: { Self.fixed($0, 1) }),
        ]
    }

    // MARK: - Coordinator milestones

    /// The quick mode keeps the scenario's 5 replications: with 3, Welch's one-sided
    /// critical t at 0.001 is about 7 (2 to 4 degrees of freedom), and the smallest step
    /// (5 to 10 s at the lowest load) passed only at p = 8.5e-4.
    func coordinatorChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.coordinatorFile, quickReplications: 5)
        try requireEveryPoint(
            of: sweep, path: "consensus", "the check's bound needs periodic coordinator milestones and a constant delay in every point"
        ) { scenario in
            guard let coordinator = scenario.consensus.coordinator, coordinator.schedule == .periodic,
                case .delay(.constant) = scenario.network
            else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (coordinator, interval and load swept)")
        let runs = try summaries(of: sweep)
        let r = sweep.replications
        let tOne = CheckStatistics.t(1 - Self.significance, degreesOfFreedom: r - 1)
        var checks: [PaperCheck] = []
        // A milestone can reference x only once x is visible (t_x + h); with milestones every I
        // seconds at a phase independent of x, the first such milestone comes I/2 later on
        // average, and it confirms x when it becomes visible, h after that.
        let intervals = Set(runs.map { $0[0].milestoneInterval }).sorted()
        let lambdas = Set(runs.map { $0[0].lambda }).sorted()
        for interval in intervals {
            let group = runs.filter { $0[0].milestoneInterval == interval }
            let h = group[0][0].delayMean
            let bound = interval / 2 + 2 * h
            let lowest = group.map { point -> Double in
                let latency = CheckStatistics.meanAndStandardError(point.map(\.latencyMean))
                return latency.mean - tOne * latency.standardError
            }.min()!
            checks.append(
                PaperCheck(
                    name: "coordinator: mean latency > I/2 + 2h at I = \(Self.compact(interval)) s, \(group.count) loads",
                    measured: Self.fixed(lowest, 2) + " s", expected: "> " + Self.fixed(bound, 2) + " s",
                    tolerance: "lower bound", basis: "lowest mean − t(\(Self.level(two: false)), \(r - 1))·SE over the loads",
                    passed: lowest > bound))
        }
        if intervals.count >= 2 {
            for lambda in lambdas {
                let group = runs.filter { $0[0].lambda == lambda }.sorted { $0[0].milestoneInterval < $1[0].milestoneInterval }
                checks.append(
                    increasing(
                        "coordinator: latency rises with the interval at lambda = \(Self.compact(lambda))/s",
                        group.map { $0.map(\.latencyMean) }, format: { Self.fixed($0, 2) + " s" }))
            }
        }
        return checks
    }

    // MARK: - Attacks (Popov, section 4)

    /// Tip inflation against URTS: each tip is chosen by an honest transaction at rate
    /// k·lambda/L and stays a visible tip until h after that, while tips arrive at lambda + r
    /// (honest and attacker); Little's law gives L = (lambda + r)·(L/(k·lambda) + h), so
    /// L = k·lambda·h·(lambda + r)/(lambda·(k − 1) − r), finite only below r = lambda·(k − 1)
    /// (it is 2·lambda·h at r = 0, Popov's L0). Above it, each honest transaction removes k
    /// tips and adds one while the attacker adds r a second: the tips grow by at least
    /// r − lambda·(k − 1) a second, so their average over [warmup, end] is at least that
    /// growth times (warmup + end)/2. `mean_tips` counts from issue: by Little's law the
    /// same L.
    func tipInflationChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.tipInflationFile, quickReplications: 5)
        try requireEveryPoint(
            of: sweep, path: "adversaries",
            "the check's formula needs uniform selection with distinct picks, a constant delay, no consensus rule and one tipInflation adversary on the genesis from time 0"
        ) { scenario in
            guard scenario.tipSelection == .uniform, case .delay(.constant) = scenario.network, scenario.consensus == .none,
                scenario.adversaries.count == 1, case .tipInflation(.genesis) = scenario.adversaries[0].attack,
                scenario.adversaries[0].start == 0, scenario.tangle.repeatedPicks == .distinct
            else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (tip inflation, attacker rate swept)")
        let runs = try summaries(of: sweep)
        let r = sweep.replications
        let tTwo = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: r - 1)
        let tOne = CheckStatistics.t(1 - Self.significance, degreesOfFreedom: r - 1)
        var checks: [PaperCheck] = []
        for (point, summaries) in zip(sweep.points, runs) {
            let scenario = point.scenario
            let lambda = scenario.lambda
            let k = Double(scenario.tangle.parents)
            let rate = scenario.adversaries[0].rate
            guard case .delay(.constant(let h)) = scenario.network else { continue }
            let threshold = lambda * (k - 1)
            let tips = CheckStatistics.meanAndStandardError(summaries.map(\.meanTips))
            if rate < threshold {
                let expected = k * lambda * h * (lambda + rate) / (threshold - rate)
                checks.append(
                    PaperCheck(
                        name: "tip inflation at r = \(Self.compact(rate))/s < lambda·(k−1): stationary tips [§4, res-sim-tangle]",
                        measured: Self.fixed(tips.mean, 1), expected: Self.fixed(expected, 1),
                        tolerance: "±" + Self.fixed(tTwo * tips.standardError, 1),
                        basis: "k·lambda·h·(lambda+r)/(lambda(k−1)−r); t(\(Self.level(two: true)), \(r - 1))·SE",
                        passed: abs(tips.mean - expected) <= tTwo * tips.standardError))
            } else {
                let bound = (rate - threshold) * (scenario.warmup + summaries[0].duration) / 2
                let lowest = tips.mean - tOne * tips.standardError
                checks.append(
                    PaperCheck(
                        name: "tip inflation at r = \(Self.compact(rate))/s > lambda·(k−1): tips grow by r − lambda·(k−1) a second",
                        measured: Self.fixed(lowest, 1), expected: "> " + Self.fixed(bound, 1), tolerance: "lower bound",
                        basis: "mean − t(\(Self.level(two: false)), \(r - 1))·SE against (r − lambda(k−1))·(warmup + end)/2",
                        passed: lowest > bound))
            }
        }
        return checks
    }

    /// The large-weight double spend against walks from the genesis, no coordinator: the
    /// attacker at the highest swept rate (above lambda) against the one at the lowest, over
    /// every point with walks of alpha ≥ 0.1 pooled. Success counts are compared by Fisher's
    /// exact test (one-sided), and the slow attacker's success probability is bounded by its
    /// one-sided Clopper–Pearson bound.
    func doubleSpendChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.doubleSpendFile, quickReplications: 14)
        try requireEveryPoint(of: sweep, path: "adversaries", "the check needs one doubleSpend adversary and no consensus rule") {
            scenario in
            guard scenario.adversaries.count == 1, case .doubleSpend = scenario.adversaries[0].attack, scenario.consensus == .none
            else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (double spend, strategy and attacker rate swept)")
        let runs = try summaries(of: sweep)
        let walks = zip(sweep.points, runs).filter { point, _ in
            if case .mcmc(let alpha, .genesis, _) = point.scenario.tipSelection { return alpha >= 0.1 }
            return false
        }
        let rates = walks.map { $0.0.scenario.adversaries[0].rate }
        guard let slowest = rates.min(), let fastest = rates.max(), slowest < fastest else {
            throw ScenarioError(
                file: sweep.file, path: "sweep", message: "the check needs walks from the genesis (alpha ≥ 0.1) at two or more attacker rates")
        }
        func successes(at rate: Double) -> (successes: Int, runs: Int) {
            let group = walks.filter { $0.0.scenario.adversaries[0].rate == rate }.flatMap(\.1)
            return (group.map(\.attackSuccesses).reduce(0, +), group.count)
        }
        let fast = successes(at: fastest), slow = successes(at: slowest)
        let lambda = walks[0].0.scenario.lambda
        let p = CheckStatistics.fisherGreater(fast, slow)
        let upper = CheckStatistics.binomialUpperBound(successes: slow.successes, trials: slow.runs, significance: Self.significance)
        return [
            PaperCheck(
                name: "double spend vs walks from genesis (alpha ≥ 0.1): r = \(Self.compact(fastest / lambda))·lambda beats \(Self.compact(slowest / lambda))·lambda [§4.1]",
                measured: "\(fast.successes)/\(fast.runs) vs \(slow.successes)/\(slow.runs)", expected: "more successes",
                tolerance: "p < \(Self.compact(Self.significance))", basis: "one-sided Fisher exact test; p = \(String(format: "%.1e", p))",
                passed: p < Self.significance),
            PaperCheck(
                name: "double spend vs walks from genesis (alpha ≥ 0.1): r = \(Self.compact(slowest / lambda))·lambda rarely succeeds",
                measured: "\(slow.successes)/\(slow.runs) (≤ " + Self.fixed(upper, 3) + ")", expected: "< 0.5",
                tolerance: "upper bound", basis: "one-sided Clopper–Pearson bound at \(Self.level(two: false))",
                passed: upper < 0.5),
        ]
    }

    /// The large-weight double spend against a coordinator whose milestones the merchant
    /// waits for: a milestone decides the conflict for P before P′ is ever seen, so no attack
    /// succeeds and no conflict is confirmed twice — in every run, not on average.
    func coordinatorAttackChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.coordinatorAttackFile, quickReplications: 3)
        try requireEveryPoint(
            of: sweep, path: "adversaries",
            "the check needs a coordinator and one doubleSpend adversary whose merchant waits for confirmation (no acceptWeight)"
        ) { scenario in
            guard scenario.consensus.coordinator != nil, scenario.adversaries.count == 1,
                case .doubleSpend(nil, _, _) = scenario.adversaries[0].attack
            else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (double spend against a coordinator)")
        let all = try summaries(of: sweep).flatMap { $0 }
        let successes = all.map(\.attackSuccesses).reduce(0, +)
        let doubles = all.map(\.doubleConfirmations).reduce(0, +)
        return [
            PaperCheck(
                name: "double spend vs coordinator: never succeeds, never a double confirmation [§4.1]",
                measured: "\(successes) successes, \(doubles) double confirmations", expected: "0, 0", tolerance: "none",
                basis: "every one of \(all.count) runs", passed: successes == 0 && doubles == 0)
        ]
    }

    /// The parasite chain (Popov, section 4.2): a chain built in secret from P′ and released
    /// with `tips` extra tips on its head, its links approving only old main-tangle
    /// transactions. Under URTS its tips are tips like any other, so honest transactions
    /// approve them and (consistent parents) build on P′'s side, which the uniform first pick
    /// keeps alive for good: the conflict stays unsettled. A walk with alpha ≥ 0.5 from the
    /// genesis compares, at each old transaction the chain approves, the main tangle's
    /// weight (about lambda·(depth + the chain's age)) with the chain's (about rate·age +
    /// tips): it (almost) never enters the chain, so P's side is the only one honest
    /// transactions join, and the conflict settles for P — as long as P itself is approved,
    /// which the scenario ensures by a small lambda·h (few concurrent tips, so walks leave
    /// few transactions behind).
    ///
    /// Three checks: honest approvals in the 60 s after the release, URTS against walks
    /// (one-sided Welch t); URTS runs unsettled, and walk runs settled for P, each with a
    /// one-sided Clopper–Pearson lower bound above 1/2 (more often than not). With every run
    /// as expected, r runs give the bound 0.001^(1/r), above 1/2 from r = 10: the quick mode's
    /// 12 per point give 0.56 for URTS and keep the walks' 24 runs above 1/2 with up to 4
    /// not settled for P (20/24: 0.508); the scenario's 20 per point allow 2 of 20 URTS runs
    /// and 9 of 40 walk runs otherwise. A trial (another seed, lambda·h = 2) had 20 of 20
    /// URTS runs unsettled and 40 of 40 walk runs settled for P.
    func parasiteChainChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.parasiteChainFile, quickReplications: 12)
        try requireEveryPoint(
            of: sweep, path: "adversaries",
            "the check needs URTS or walks from the genesis with alpha ≥ 0.5, no consensus rule, and one parasiteChain adversary with tips"
        ) { scenario in
            var strategy = scenario.tipSelection == .uniform
            if case .mcmc(let alpha, .genesis, _) = scenario.tipSelection, alpha >= 0.5 { strategy = true }
            guard strategy, scenario.consensus == .none, scenario.adversaries.count == 1,
                case .parasiteChain(_, _, let tips) = scenario.adversaries[0].attack, tips > 0
            else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (parasite chain, URTS and walks)")
        let runs = try results(of: sweep) { result -> (approvals: Double, settled: Bool, forP: Bool) in
            let attack = result.attacks[0]
            let settled = attack.settled == true
            return (Double(attack.honestApprovalsAfterRelease), settled, settled && attack.success == false)
        }
        let points = zip(sweep.points, runs)
        let uniform = points.filter { $0.0.scenario.tipSelection == .uniform }.flatMap(\.1)
        let walks = points.filter { $0.0.scenario.tipSelection != .uniform }.flatMap(\.1)
        guard !uniform.isEmpty, !walks.isEmpty else {
            throw ScenarioError(file: sweep.file, path: "sweep", message: "the check needs points with URTS and points with walks")
        }
        let alphas = Set(sweep.points.map(\.scenario.tipSelection.alpha).filter { !$0.isNaN }).sorted().map(Self.compact)
        let walkLabel = "walks from genesis (alpha " + alphas.joined(separator: ", ") + ")"
        let approvals = CheckStatistics.welchGreater(walks.map(\.approvals), uniform.map(\.approvals))
        let unsettled = uniform.filter { !$0.settled }.count
        let unsettledBound = CheckStatistics.binomialLowerBound(
            successes: unsettled, trials: uniform.count, significance: Self.significance)
        let forP = walks.filter(\.forP).count
        let forPBound = CheckStatistics.binomialLowerBound(successes: forP, trials: walks.count, significance: Self.significance)
        let mean = { (values: [Double]) in Self.fixed(CheckStatistics.meanAndStandardError(values).mean, 1) }
        return [
            PaperCheck(
                name: "parasite chain: honest approvals 60 s after release, URTS > \(walkLabel) [§4.2]",
                measured: mean(uniform.map(\.approvals)) + " vs " + mean(walks.map(\.approvals)), expected: "more under URTS",
                tolerance: "p < \(Self.compact(Self.significance))",
                basis: "one-sided Welch t, \(uniform.count) and \(walks.count) runs; p = \(String(format: "%.1e", approvals.p))",
                passed: approvals.p < Self.significance),
            PaperCheck(
                name: "parasite chain under URTS: the conflict stays unsettled (both sides keep growing)",
                measured: "\(unsettled)/\(uniform.count) (≥ " + Self.fixed(unsettledBound, 3) + ")", expected: "> 0.5",
                tolerance: "lower bound", basis: "one-sided Clopper–Pearson bound at \(Self.level(two: false))",
                passed: unsettledBound > 0.5),
            PaperCheck(
                name: "parasite chain vs \(walkLabel): settled for P",
                measured: "\(forP)/\(walks.count) (≥ " + Self.fixed(forPBound, 3) + ")", expected: "> 0.5",
                tolerance: "lower bound", basis: "one-sided Clopper–Pearson bound at \(Self.level(two: false))",
                passed: forPBound > 0.5),
        ]
    }

    /// The splitting attack (Popov, section 4.3) against weighted walks: the attacker adds its
    /// transactions to the lighter of the two sides. Walks pull honest transactions towards
    /// the heavier side at a rate of about lambda·tanh(alpha·D/2) for a weight difference D, so
    /// an attacker well below lambda cannot hold the sides together and the conflict settles
    /// at the honest pace, while one at lambda holds them far longer: the settle time (settle
    /// time − start) grows with its rate. The scenario contrasts lambda/4 with lambda (as the
    /// double-spend check contrasts a slow and a fast attacker); with more rates, each
    /// consecutive pair is tested.
    ///
    /// Censoring: a run whose conflict is still unsettled at the end has no settle time, only
    /// the knowledge that it exceeds c = duration − orphanTimeout − start (honest transactions
    /// joined a losing side after c), while a settled run's time is at most c. Dropping
    /// unsettled runs would bias the faster attacker's times down, and treating c as their
    /// time would bias a t-test; but min(settle time, c) is exactly what every run tells, and
    /// with one c for every point two equal settle-time distributions give equal distributions
    /// of min(·, c). So consecutive rates are compared by the exact one-sided Mann–Whitney test
    /// on min(settle time, c) (midranks, the exact permutation distribution given the ties),
    /// valid for the null hypothesis of no change and powerful against "stochastically
    /// larger". All unsettled at two consecutive rates is a tie: no evidence of growth, and
    /// the check fails.
    ///
    /// Replications: with complete separation the exact test's p is 1/C(2n, n), below 0.001
    /// only from n = 7 (n = 6 gives 1.1e-3). The quick mode's 10 per rate pass with up to 10 of
    /// the 100 pairs out of order, the scenario's 20 with up to 88 of 400; a trial of 10 runs
    /// per rate (another seed) had 1 of 100 out of order.
    func splittingChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.splittingFile, quickReplications: 10)
        var censoring: Set<Double> = []
        for point in sweep.points {
            let scenario = point.scenario
            guard case .mcmc = scenario.tipSelection, scenario.consensus == .none, scenario.adversaries.count == 1,
                case .splitting = scenario.adversaries[0].attack, let duration = scenario.duration
            else {
                throw ScenarioError(
                    file: sweep.file, path: "adversaries",
                    message: "the check needs weighted walks, no consensus rule, a duration and one splitting adversary")
            }
            censoring.insert(duration - scenario.metrics.orphanTimeout - scenario.adversaries[0].start)
        }
        let rates = sweep.points.map { $0.scenario.adversaries[0].rate }
        guard censoring.count == 1, let c = censoring.first, c > 0, Set(rates).count == rates.count, rates.count >= 2 else {
            throw ScenarioError(
                file: sweep.file, path: "sweep",
                message: "the check needs two or more attacker rates, each at its own point, with one duration, orphanTimeout and start")
        }
        progress("\(sweep.file): \(sweep.runCount) runs (splitting attack, attacker rate swept)")
        let runs = try results(of: sweep) { result -> Double in
            let attack = result.attacks[0]
            return attack.settled == true ? Swift.min(attack.settleTime - attack.start, c) : c
        }
        let groups = zip(rates, runs).sorted { $0.0 < $1.0 }.map(\.1)
        let tests = zip(groups, groups.dropFirst()).map { CheckStatistics.mannWhitneyGreater($0, $1) }
        let worst = tests.map(\.p).max() ?? .nan
        let lambda = sweep.points[0].scenario.lambda
        let described = groups.map { times -> String in
            let sorted = times.sorted()
            let median = (sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2
            let unsettled = times.filter { $0 >= c }.count
            return (median >= c ? "≥ " : "") + Self.fixed(median, 1) + " s (\(unsettled) unsettled)"
        }
        return [
            PaperCheck(
                name: "splitting: settle time rises with the attacker's rate ("
                    + rates.sorted().map { Self.compact($0 / lambda) + "·lambda" }.joined(separator: " → ") + ") [§4.3]",
                measured: described.joined(separator: " < "), expected: "increasing",
                tolerance: "each step p < \(Self.compact(Self.significance))",
                basis: "exact one-sided Mann–Whitney on min(settle time, \(Self.fixed(c, 0)) s), \(sweep.replications) runs each; largest p = \(String(format: "%.1e", worst))",
                passed: tests.allSatisfy { $0.p < Self.significance })
        ]
    }

    /// Lazy devices (the model's "Adversaries"): a lazy class approves a fixed pair of
    /// transactions about `lazyAge` seconds old. A walk from the genesis reaches that pair
    /// and steps to a lazy approver (weight about 1) rather than to the main tangle (weight
    /// about lambda·lazyAge) with a probability that falls like exp(−alpha·lambda·lazyAge),
    /// so the lazy class's left-behind rate rises with alpha. The scenario's alphas put
    /// alpha·lambda·lazyAge at 2, 6 and 20, where it rises from about 0.4 to about 0.98
    /// (beyond, it stays about 1; below, it is flat: a trial at alpha 0.001, 0.003 and 0.01
    /// gave about 0.5, 0.46 and 0.42). Under
    /// URTS a lazy transaction is a tip like any other: it is left behind no more than an
    /// honest one.
    ///
    /// Two checks: the lazy class's left-behind rate rises with alpha (one-sided Welch t at
    /// each step, as the walk checks); under URTS, the paired one-sided Student t of (lazy −
    /// honest left-behind rate) per run finds no excess (p ≥ 0.001: a correct simulator fails
    /// it with probability at most 0.001).
    ///
    /// Replications: in a trial of 3 runs per point the smallest step (alpha 0.01 to 0.03)
    /// was about 0.2 against per-run standard deviations of about 0.08, so Welch's t is
    /// about 0.2/(0.08·√(2/n)): at n = 10 (quick) about 5.6 against a critical 3.6 (18
    /// degrees of freedom, power about 0.97), at n = 20 (the scenario's) 7.9 against 3.3.
    func lazyDeviceChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.lazyDevicesFile, quickReplications: 10)
        try requireEveryPoint(
            of: sweep, path: "devices",
            "the check needs an honest device class, then a lazy one, no adversaries, and URTS or walks from the genesis"
        ) { scenario in
            var strategy = scenario.tipSelection == .uniform
            if case .mcmc(_, .genesis, _) = scenario.tipSelection { strategy = true }
            return strategy && scenario.adversaries.isEmpty && scenario.devices.count == 2
                && scenario.devices[0].behaviour == .honest && scenario.devices[1].behaviour.lazyAge != nil
        }
        progress("\(sweep.file): \(sweep.runCount) runs (lazy devices, URTS and walks over alpha)")
        let runs = try results(of: sweep) { result -> (honest: Double, lazy: Double) in
            (result.classes[0].leftBehindRate, result.classes[1].leftBehindRate)
        }
        let points = zip(sweep.points, runs)
        let walks = points.filter { $0.0.scenario.tipSelection != .uniform }.sorted {
            $0.0.scenario.tipSelection.alpha < $1.0.scenario.tipSelection.alpha
        }
        let uniform = points.filter { $0.0.scenario.tipSelection == .uniform }.flatMap(\.1)
        let alphas = walks.map { $0.0.scenario.tipSelection.alpha }
        guard Set(alphas).count == alphas.count, alphas.count >= 2, uniform.count >= 2 else {
            throw ScenarioError(
                file: sweep.file, path: "sweep", message: "the check needs URTS and two or more walk points, each with its own alpha")
        }
        let excess = CheckStatistics.studentGreater(uniform.map { $0.lazy - $0.honest }, than: 0)
        let percent = { (values: [Double]) in Self.fixed(CheckStatistics.meanAndStandardError(values).mean * 100, 2) + "%" }
        return [
            increasing(
                "lazy devices: the lazy class's left-behind rate rises with alpha ("
                    + alphas.map(Self.compact).joined(separator: " → ") + "), walks from genesis",
                walks.map { $0.1.map(\.lazy) }, format: { Self.fixed($0 * 100, 2) + "%" }),
            PaperCheck(
                name: "lazy devices under URTS: left behind no more than honest ones",
                measured: percent(uniform.map(\.lazy)) + " vs " + percent(uniform.map(\.honest)), expected: "no excess",
                tolerance: "p ≥ \(Self.compact(Self.significance))",
                basis: "one-sided paired t of lazy − honest, \(uniform.count) runs; p = \(String(format: "%.2g", excess.p))",
                passed: excess.p >= Self.significance),
        ]
    }

    // MARK: - Work time (proof of work) under uniform selection

    /// With a constant work time w and a constant delay h, a transaction's parents are chosen
    /// w + h before it becomes visible, so they stay visible tips that much longer: Popov's
    /// L0 = 2·lambda·h (section 3) becomes 2·lambda·(w + h) for the visible tip count (a
    /// visible tip lives V/(2·lambda) until first chosen, then w + h; Little's law gives
    /// V = lambda·(V/(2·lambda) + w + h)). Checked as the tips check is: the WLS slope of the
    /// mean visible tips in lambda·(w + h) over the swept w is 2, within t(1 − 0.001/2, r − 1)
    /// times its standard error.
    func workChecks(_ progress: (String) -> Void) throws -> [PaperCheck] {
        let sweep = try loadSweep(Self.workFile, quickReplications: 5)
        for point in sweep.points { try requirePopovSetting(point.scenario, file: sweep.file) }
        try requireEveryPoint(
            of: sweep, path: "devices", "the check needs one device class with a constant work time"
        ) { scenario in
            guard scenario.devices.count == 1, case .constant = scenario.devices[0].work else { return false }
            return true
        }
        progress("\(sweep.file): \(sweep.runCount) runs (uniform selection, constant work time swept)")
        let runs = try summaries(of: sweep)
        let r = sweep.replications
        let x = zip(sweep.points, runs).map { point, summaries -> Double in
            guard case .constant(let w) = point.scenario.devices[0].work else { return .nan }
            return summaries[0].lambda * (w + summaries[0].delayMean)
        }
        let tips = runs.map { CheckStatistics.meanAndStandardError($0.map(\.meanVisibleTips)) }
        let t = CheckStatistics.t(1 - Self.significance / 2, degreesOfFreedom: r - 1)
        let fit = CheckStatistics.weightedSlope(x: x, y: tips.map(\.mean), standardErrors: tips.map(\.standardError))
        return [
            PaperCheck(
                name: "URTS with work w: d(mean visible tips)/d(lambda·(w + h)) [Popov §3 with h → w + h]",
                measured: Self.fixed(fit.slope, 4) + " (offset " + Self.fixed(fit.intercept, 2) + ")", expected: "2",
                tolerance: "±" + Self.fixed(t * fit.standardError, 4),
                basis: "WLS over \(runs.count) points × \(r) runs; t(\(Self.level(two: true)), \(r - 1))·SE",
                passed: abs(fit.slope - 2) <= t * fit.standardError)
        ]
    }

    // MARK: - Helpers

    /// A check that the means of `groups` increase from each group to the next: one-sided
    /// Welch tests, each at ``significance``.
    func increasing(_ name: String, _ groups: [[Double]], format: (Double) -> String) -> PaperCheck {
        let means = groups.map { CheckStatistics.meanAndStandardError($0).mean }
        let tests = zip(groups, groups.dropFirst()).map { CheckStatistics.welchGreater($0, $1) }
        let worst = tests.map(\.p).max() ?? .nan
        return PaperCheck(
            name: name, measured: means.map(format).joined(separator: " < "), expected: "increasing",
            tolerance: "each step p < \(Self.compact(Self.significance))",
            basis: "one-sided Welch t, \(groups[0].count) runs each; largest p = \(String(format: "%.1e", worst))",
            passed: tests.allSatisfy { $0.p < Self.significance })
    }

    /// Loads a paper sweep; in quick mode with at most `quickReplications` replications.
    func loadSweep(_ name: String, quickReplications: Int) throws -> Sweep {
        let path = folder + "/" + name
        var json = try JSONValue(parsing: Scenario._readFile(path), file: path)
        var sweep = try Sweep(json: json, file: path)
        if mode == .quick && sweep.replications > quickReplications {
            try? FieldPath("sweep.replications")!.apply(.integer(Int64(quickReplications)), to: &json)
            sweep = try Sweep(json: json, file: path)
        }
        guard sweep.replications >= 2 else {
            throw ScenarioError(file: path, path: "sweep.replications", message: "the checks need at least 2 replications per point")
        }
        if let refusal = WorkloadEstimate.sweep(sweep, jobs: jobs, use: .inMemory).refusal() { throw refusal }
        return sweep
    }

    /// Runs every run of `sweep` and returns the summaries grouped by point, in replication order.
    func summaries(of sweep: Sweep) throws -> [[RunSummary]] {
        try results(of: sweep) { $0.summary }
    }

    /// Runs every run of `sweep` and returns what `extract` takes from each result, grouped
    /// by point, in replication order (the results themselves are dropped as runs finish).
    func results<Value: Sendable>(of sweep: Sweep, _ extract: @escaping @Sendable (RunResult) -> Value) throws -> [[Value]] {
        let collected = _Collected<Value>(count: sweep.runCount)
        try SweepRunner.run(sweep, runs: Array(0..<sweep.runCount), jobs: jobs) { completion in
            collected.set(completion.run, extract(completion.result))
        }
        let all = collected.values
        return stride(from: 0, to: all.count, by: sweep.replications).map { Array(all[$0..<($0 + sweep.replications)]) }
    }

    /// Throws unless `scenario` is the setting of Popov's section 3 formulas: uniform
    /// selection, k = 2, a constant delay, no confirmation rule.
    /// Throws a ``ScenarioError`` at `path` with `message` unless every point of `sweep` has
    /// the setting the check's theory needs.
    func requireEveryPoint(
        of sweep: Sweep, path: String, _ message: String, _ hasSetting: (Scenario) -> Bool
    ) throws {
        for point in sweep.points where !hasSetting(point.scenario) {
            throw ScenarioError(file: sweep.file, path: path, message: message)
        }
    }

    func requirePopovSetting(_ scenario: Scenario, file: String) throws {
        guard scenario.tipSelection == .uniform else {
            throw ScenarioError(file: file, path: "tipSelection", message: "the check's formulas (Popov, section 3) need uniform selection")
        }
        guard scenario.tangle.parents == 2 else {
            throw ScenarioError(file: file, path: "tangle.parents", message: "the check's formulas (Popov, section 3) need k = 2")
        }
        guard case .delay(.constant(let h)) = scenario.network, h > 0 else {
            throw ScenarioError(file: file, path: "network.delay", message: "the check's formulas (Popov, section 3) need a constant positive delay")
        }
    }

    static func ages(upTo last: Double, step: Double) -> [Double] {
        (0...Int((last / step).rounded(.up))).map { Double($0) * step }
    }

    static func level(two: Bool) -> String {
        compact(two ? 1 - significance / 2 : 1 - significance)
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isNaN ? "n/a" : String(format: "%.\(digits)f", value)
    }

    /// A number in its shortest form: 10 for 10.0, 0.001 for 0.001.
    static func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : value.description
    }
}

/// Values filled in by worker threads, one per run, behind a lock.
private final class _Collected<Value: Sendable>: @unchecked Sendable {
    private let _lock = NSLock()
    private var _values: [Value?]

    init(count: Int) { _values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { _lock.withLock { _values[index] = value } }

    var values: [Value] { _lock.withLock { _values.map { $0! } } }
}
