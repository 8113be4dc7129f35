import CGSL
import Foundation

/// One component's own random number generator: a GSL `taus2` generator seeded from
/// (master seed, replication, stream id).
///
/// Every component that draws random numbers (arrivals, delays, tip selection, ...) owns one
/// stream, so adding draws in one component never shifts the numbers another one sees, and any
/// replication of any sweep point can be rerun on its own (the scheme of ns-3's `RngStream`).
///
/// `taus2` (L'Ecuyer's maximally equidistributed Tausworthe generator, period 2^88) is GSL's
/// fastest generator of good quality: 4-7 ns a draw here. Its state is three 32-bit words;
/// GSL's own seeding (`gsl_rng_set`) fills them from one 32-bit seed, so two streams of the
/// same kind in different runs would coincide with probability about n²/2³³ among n runs (one
/// pair expected at 10⁵ runs). A stream made from (seed, replication, stream id) instead
/// fills the three words from its whole 64-bit derivation (``StreamID/derivedKey(seed:replication:stream:)``),
/// so two streams coincide only when their 64-bit keys do: about n²/2⁶⁵, 3·10⁻¹⁰ at 10⁵ runs.
///
/// A stream is a reference type because it owns a C allocation; it is not thread-safe and is
/// never shared between runs.
public final class RandomStream {
    @usableFromInline
    internal let _rng: UnsafeMutablePointer<gsl_rng>

    /// Creates the stream `stream` of replication `replication` of a run seeded with `seed`:
    /// taus2's three state words come from the stream's 64-bit key (see the type's comment).
    public convenience init(seed: UInt64, replication: Int, stream: StreamID) {
        self.init(key: StreamID.derivedKey(seed: seed, replication: replication, stream: stream))
    }

    /// Creates a stream whose taus2 state is filled from the 64-bit `key`.
    ///
    /// The words are (high half of key, low half of key, high half of SplitMix64(key)), each
    /// remixed with SplitMix64 until it meets taus2's requirements (s1 > 1, s2 > 7, s3 > 15;
    /// smaller words make a component degenerate), then the generator is warmed up by six
    /// draws, as `gsl_rng_set` does.
    public init(key: UInt64) {
        _rng = Self._allocate()
        var words = [key >> 32, key & 0xFFFF_FFFF, StreamID.splitMix(key) >> 32]
        for (index, minimum) in [UInt64(2), 8, 16].enumerated() {
            var remix = key &+ UInt64(index)
            while words[index] < minimum {
                remix = StreamID.splitMix(remix)
                words[index] = remix & 0xFFFF_FFFF
            }
        }
        // GSL's taus2 state (taus.c): struct { unsigned long int s1, s2, s3; }.
        let state = gsl_rng_state(_rng)!.assumingMemoryBound(to: UInt.self)
        for index in 0..<3 { state[index] = UInt(words[index]) }
        for _ in 0..<6 { _ = gsl_rng_get(_rng) }
    }

    /// Creates a stream seeded by GSL's own `gsl_rng_set` from a 32-bit seed (0 is replaced by
    /// 1, as GSL does for `taus2`). For tests that need a generator without a scenario.
    public init(gslSeed: UInt) {
        _rng = Self._allocate()
        gsl_rng_set(_rng, gslSeed)
    }

    private static func _allocate() -> UnsafeMutablePointer<gsl_rng> {
        guard let rng = gsl_rng_alloc(cgsl_rng_taus2()) else {
            preconditionFailure("gsl_rng_alloc failed: out of memory")
        }
        precondition(gsl_rng_size(rng) == 3 * MemoryLayout<UInt>.size, "taus2's state is three unsigned longs")
        return rng
    }

    deinit {
        gsl_rng_free(_rng)
    }

    /// A uniform double in [0, 1).
    @inlinable @inline(__always)
    public func uniform() -> Double {
        gsl_rng_uniform(_rng)
    }

    /// A uniform double in (0, 1).
    @inlinable @inline(__always)
    public func uniformPositive() -> Double {
        gsl_rng_uniform_pos(_rng)
    }

    /// A uniform integer in 0..<n.
    ///
    /// - Precondition: 0 < n <= 2^32 (GSL aborts otherwise).
    @inlinable @inline(__always)
    public func index(below n: Int) -> Int {
        precondition(n > 0 && n <= 1 << 32, "index(below:) needs 0 < n <= 2^32")
        return Int(gsl_rng_uniform_int(_rng, UInt(n)))
    }

    /// An exponential variate with the given mean (GSL takes the mean, not the rate).
    @inlinable @inline(__always)
    public func exponential(mean: Double) -> Double {
        gsl_ran_exponential(_rng, mean)
    }

    /// The number of failures before the first success of independent trials that each
    /// succeed with probability `success` (GSL's geometric sampler counts the trials, this
    /// one less), capped at `cap`: only whether it reaches `cap` matters above it.
    @inlinable
    public func failuresBeforeSuccess(_ success: Double, cap: Int) -> Int {
        if success >= 1 { return 0 }
        if success <= 0 { return cap }
        // Inversion, as gsl_ran_geometric does, without its unsigned-int result overflowing.
        return failuresBeforeSuccess(logFailure: log1p(-success), cap: cap)
    }

    /// ``failuresBeforeSuccess(_:cap:)`` given log1p(−success) (negative: 0 < success < 1)
    /// instead of the success probability, with the same draws and result.
    @inlinable @inline(__always)
    public func failuresBeforeSuccess(logFailure: Double, cap: Int) -> Int {
        // Positive (the uniform is below 1, so its logarithm is negative, as `logFailure`):
        // truncation is the floor, and the floor reaches the integer `cap` exactly when the
        // quotient does — no call of libm's floor (the baseline x86-64 target has no roundsd).
        let failures = log(uniformPositive()) / logFailure
        return failures >= Double(cap) ? cap : Int(failures)
    }

    /// The underlying generator, for GSL samplers that take a `gsl_rng *`.
    @inlinable
    public var gslGenerator: UnsafeMutablePointer<gsl_rng> { _rng }
}

/// The fixed identifiers of the random streams. Raw values are part of the reproducibility
/// contract: never renumber a case, only add new ones.
public enum StreamID: UInt64, Sendable, CaseIterable {
    /// Inter-arrival times and the issuing device of each transaction.
    case arrivals = 1
    /// Per-transaction network delays.
    case delays = 2
    /// Tip selection of ordinary transactions.
    case tipSelection = 3
    /// The coordinator: milestone gaps, delays and tip selection.
    case coordinator = 4
    /// Gossip topology generation.
    case topology = 5
    /// Gossip link latencies (per link or per message).
    case links = 6
    /// Gossip processing delays at nodes.
    case processing = 7
    /// Random attachment of devices to gossip nodes.
    case attachment = 8
    /// Payments: whether a device's new payload double spends.
    case payments = 9
    /// Adversaries: each adversary's streams are derived from this one and its index
    /// (``adversaryKey(seed:replication:adversary:delays:)``).
    case adversaries = 10
    /// Confirmation confidence: the walks of each confidence round.
    case confidence = 11
    /// Walk analyses (`walks.csv`).
    case walkAnalysis = 12
    /// Device work times (proof of work): one draw per transaction of a class with `work`.
    case work = 13
    /// Per-class arrival processes: each device class that is not plain Poisson (another
    /// `arrivals` kind, or a `dutyCycle`) draws from its own stream derived from this one and
    /// the class's index (``classArrivalsKey(seed:replication:deviceClass:)``). Plain Poisson
    /// classes keep drawing from ``arrivals``.
    case classArrivals = 16
    /// Gossip message loss: which messages are lost (``MessageLoss``). Numbered 20, apart
    /// from the run of ids above, which other features extend.
    case loss = 20
    /// Gossip partitions: the sides of each partition (``PartitionSchedule``).
    case partitions = 21
    /// Gossip churn: every node's offline periods, drawn before the run
    /// (``ChurnSchedule``).
    case churn = 22

    /// The 64-bit key of stream `stream` of replication `replication` under master seed
    /// `seed`: SplitMix64's finaliser applied in turn to the seed, the replication and the
    /// stream id. Distinct (seed, replication, stream) triples give distinct keys except with
    /// probability about 2⁻⁶⁴ per pair.
    public static func derivedKey(seed: UInt64, replication: Int, stream: StreamID) -> UInt64 {
        splitMix(splitMix(splitMix(seed) ^ UInt64(truncatingIfNeeded: replication)) ^ stream.rawValue)
    }

    /// The key of adversary `adversary`'s stream: its arrivals and choices, or (`delays`)
    /// the delays of its transactions.
    public static func adversaryKey(seed: UInt64, replication: Int, adversary: Int, delays: Bool) -> UInt64 {
        let base = derivedKey(seed: seed, replication: replication, stream: .adversaries)
        return splitMix(base ^ (UInt64(truncatingIfNeeded: adversary) << 1 | (delays ? 1 : 0)))
    }

    /// The key of device class `deviceClass`'s arrival stream (a class that is not plain
    /// Poisson): its inter-arrival times, jitter, state changes and device choices.
    public static func classArrivalsKey(seed: UInt64, replication: Int, deviceClass: Int) -> UInt64 {
        let base = derivedKey(seed: seed, replication: replication, stream: .classArrivals)
        return splitMix(base ^ UInt64(truncatingIfNeeded: deviceClass))
    }

    /// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
    @usableFromInline
    static func splitMix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
