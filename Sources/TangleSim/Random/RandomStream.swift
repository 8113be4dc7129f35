import CGSL

/// One component's own random number generator: a GSL `taus2` generator seeded from
/// (master seed, replication, stream id).
///
/// Every component that draws random numbers (arrivals, delays, tip selection, ...) owns one
/// stream, so adding draws in one component never shifts the numbers another one sees, and any
/// replication of any sweep point can be rerun on its own (the scheme of ns-3's `RngStream`).
///
/// `taus2` (L'Ecuyer's maximally equidistributed Tausworthe generator, period 2^88) is GSL's
/// fastest generator of good quality: 4-7 ns a draw here. GSL seeds it from 32 bits, so the
/// 64-bit derived seed is folded to 32 bits; two streams collide with probability about
/// 2^-32 per pair.
///
/// A stream is a reference type because it owns a C allocation; it is not thread-safe and is
/// never shared between runs.
public final class RandomStream {
    @usableFromInline
    internal let _rng: UnsafeMutablePointer<gsl_rng>

    /// The 32-bit seed handed to `gsl_rng_set`, recorded for diagnostics.
    public let gslSeed: UInt

    /// Creates the stream `stream` of replication `replication` of a run seeded with `seed`.
    public convenience init(seed: UInt64, replication: Int, stream: StreamID) {
        self.init(gslSeed: StreamID.derivedSeed(seed: seed, replication: replication, stream: stream))
    }

    /// Creates a stream from a raw GSL seed (0 is replaced by 1, as GSL does for `taus2`).
    public init(gslSeed: UInt) {
        guard let rng = gsl_rng_alloc(cgsl_rng_taus2()) else {
            preconditionFailure("gsl_rng_alloc failed: out of memory")
        }
        _rng = rng
        self.gslSeed = gslSeed
        gsl_rng_set(rng, gslSeed)
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
    /// Gossip topology generation and random device attachment.
    case topology = 5
    /// Gossip link latencies (per link or per message).
    case links = 6
    /// Gossip processing delays at nodes.
    case processing = 7

    /// The GSL seed of stream `stream` of replication `replication` under master seed `seed`:
    /// SplitMix64's finaliser applied in turn to the seed, the replication and the stream id,
    /// folded to 32 bits.
    public static func derivedSeed(seed: UInt64, replication: Int, stream: StreamID) -> UInt {
        let mixed = splitMix(splitMix(splitMix(seed) ^ UInt64(truncatingIfNeeded: replication)) ^ stream.rawValue)
        return UInt((mixed >> 32) ^ (mixed & 0xFFFF_FFFF))
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
