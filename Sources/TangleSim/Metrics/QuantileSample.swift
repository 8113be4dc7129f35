import Histogram

/// The values of one statistic (first-approval times, propagation times), for its mean and
/// quantiles: kept one by one, and the quantiles exact, while there are at most `exactLimit`
/// of them (`metrics.exactQuantiles`); beyond, recorded in an HdrHistogram with 3
/// significant digits, so that a run of any length keeps a statistic in fixed memory
/// (about 200 KiB).
///
/// The mean is exact either way (a plain sum in the order of the values, as
/// ``SampleStatistics/mean(_:)`` sums them), and so are the minimum and maximum (the
/// quantiles at 0 and 1). Another quantile p from the histogram is the top of the bucket
/// holding the value of rank ⌈p·n⌉ (of n, from 1), so within 2^-10 of it (relative; 1 ns
/// below 1 µs); type 7 interpolates between the ranks ⌊p·(n−1)⌋+1 and the next, which
/// differ from ⌈p·n⌉ by at most one.
///
/// Values are non-negative seconds. The histogram counts nanoseconds up to 10^7 s (115
/// days); a larger value is counted at 10^7 s (the maximum stays exact).
struct QuantileSample {
    /// The values, in the order they came, while exact.
    private(set) var values: [Double] = []
    /// How many values there are.
    private(set) var count = 0
    private var _sum = 0.0
    private var _minimum = Double.infinity
    private var _maximum = -Double.infinity
    /// How many values are kept one by one at most.
    let exactLimit: Int
    /// Whether the values are kept one by one: a flag, so that appending never touches the
    /// optional histogram (testing it for nil copies it, a few percent of a URTS run).
    private(set) var isExact = true
    private var _histogram: Histogram<UInt64>?

    /// The histogram's range, in nanoseconds.
    static let highestTrackable: UInt64 = 10_000_000 * 1_000_000_000

    init(exactLimit: Int) {
        precondition(exactLimit >= 0, "a limit is a count")
        self.exactLimit = exactLimit
    }

    /// What the manifest says of the quantiles.
    var method: String { isExact ? "exact" : "hdrhistogram, 3 significant digits" }

    /// Reserves room for `count` values, or for the limit when that is smaller.
    mutating func reserveCapacity(_ count: Int) {
        values.reserveCapacity(Swift.min(count, exactLimit))
    }

    @inline(__always)
    mutating func append(_ value: Double) {
        count &+= 1
        _sum += value
        _minimum = Swift.min(_minimum, value)
        _maximum = Swift.max(_maximum, value)
        if isExact, values.count < exactLimit {
            values.append(value)
        } else {
            _record(value)
        }
    }

    /// Records `value` in the histogram, moving the exact values there first.
    private mutating func _record(_ value: Double) {
        if isExact {
            isExact = false
            var histogram = Histogram<UInt64>(highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
            for kept in values { _ = histogram.record(Self._nanoseconds(kept)) }
            values = []
            _histogram = histogram
        }
        _ = _histogram!.record(Self._nanoseconds(value))
    }

    static func _nanoseconds(_ seconds: Double) -> UInt64 {
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds > 0 else { return 0 }
        return nanoseconds >= Double(highestTrackable) ? highestTrackable : UInt64(nanoseconds)
    }

    /// The mean of the values (NaN when there are none).
    var mean: Double { count > 0 ? _sum / Double(count) : .nan }

    /// The quantiles at `probabilities` (0...1): type 7 while exact (reorders the values),
    /// from the histogram beyond the limit (see the type's comment). NaN when empty.
    mutating func quantiles(at probabilities: [Double]) -> [Double] {
        guard !isExact, let histogram = _histogram else {
            return SampleStatistics.quantiles(selecting: &values, at: probabilities, bounds: (_minimum, _maximum))
        }
        return probabilities.map { p in
            precondition((0...1).contains(p), "a quantile's probability is in 0...1")
            if p == 0 { return _minimum }
            if p == 1 { return _maximum }
            let value = Double(histogram.valueAtPercentile(p * 100)) / 1e9
            return Swift.min(Swift.max(value, _minimum), _maximum)
        }
    }

    /// Frees the values (after the summary is taken; ``method`` still says how it was).
    mutating func removeAll() {
        values = []
        _histogram = nil
    }
}
