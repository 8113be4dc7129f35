import CGSL

/// Exact sample statistics of a list of values.
public enum SampleStatistics {
    /// The exact quantiles of `values` at each probability in `probabilities` (0...1),
    /// interpolated linearly between order statistics: Hyndman and Fan's type 7, R's default
    /// and GSL's `gsl_stats_quantile_from_sorted_data`. Returns NaN for each probability when
    /// `values` is empty. May reorder `values`.
    ///
    /// From 65,536 values the order statistics are looked for by the values' top 16 bits
    /// first (``_radixSelect(ranks:in:)``), among the values of a few buckets.
    ///
    /// Uses selection (Hoare's quickselect with median-of-three pivots) rather than a full
    /// sort: the standard library has no `nth_element`, and sorting 10 million first-approval
    /// times took a fifth of a whole 10-million-transaction run, plus an n/2 merge buffer.
    /// Ranks are selected in increasing order, each among the values above the one before
    /// (selecting a rank leaves every larger value above it): for the 50th, 90th and 99th
    /// percentiles that partitions about 1.6 n values instead of 3 n, and the next order
    /// statistic a fraction needs is looked for only up to the next selected rank.
    ///
    /// - Complexity: expected O(n) in all.
    ///
    /// - Parameter bounds: the smallest and largest value, when known: values that all share
    ///   their top 16 bits (a constant delay's propagation times, say) skip the buckets.
    public static func quantiles(
        selecting values: inout [Double], at probabilities: [Double], bounds: (Double, Double)? = nil
    ) -> [Double] {
        guard !values.isEmpty else { return probabilities.map { _ in .nan } }
        let last = values.count - 1
        let positions = probabilities.map { p in
            precondition((0...1).contains(p), "a quantile's probability is in 0...1")
            return p * Double(last)
        }
        let lowerRanks = positions.map { Int($0.rounded(.down)) }
        let oneBucket = bounds.map { $0.0.bitPattern >> 48 == $0.1.bitPattern >> 48 } ?? false
        if values.count >= radixSelectionMinimum, !oneBucket {
            // The order statistics each quantile interpolates between.
            var ranks = lowerRanks
            for (position, lowerRank) in zip(positions, lowerRanks) where position > Double(lowerRank) && lowerRank < last {
                ranks.append(lowerRank + 1)
            }
            if let statistics = _radixSelect(ranks: ranks, in: values) {
                return zip(positions, lowerRanks).map { position, lowerRank in
                    let lower = statistics[lowerRank]!
                    let fraction = position - Double(lowerRank)
                    guard fraction > 0, lowerRank < last else { return lower }
                    return lower + fraction * (statistics[lowerRank + 1]! - lower)
                }
            }
        }
        let selected = Array(Set(lowerRanks)).sorted()
        return values.withUnsafeMutableBufferPointer { buffer in
            var from = 0
            for rank in selected {
                _ = _select(rank: rank, in: buffer, from: from)
                from = rank + 1
            }
            return zip(positions, lowerRanks).map { position, lowerRank in
                let lower = buffer[lowerRank]
                let fraction = position - Double(lowerRank)
                guard fraction > 0, lowerRank < last else { return lower }
                // Everything above lowerRank is >= lower, and everything above the next
                // selected rank is >= the value there: the next order statistic is the
                // minimum of the values between.
                let bound = selected.first { $0 > lowerRank } ?? last
                let upper = buffer[(lowerRank + 1)...bound].min()!
                return lower + fraction * (upper - lower)
            }
        }
    }

    /// The sample size from which ``quantiles(selecting:at:)`` tries ``_radixSelect(ranks:in:)``.
    public static let radixSelectionMinimum = 1 << 16

    /// The values of the given ranks (in sorted order, from 0) of `values`, found by their
    /// top 16 bits: one pass counts the values per bucket of those bits, a second gathers
    /// the values of the buckets that hold the ranks, and each rank is selected among its
    /// bucket's. Nil — the caller selects among all the values — when some value is
    /// negative (−0 included), infinite or NaN, or when those buckets hold more than a
    /// quarter of the values (values too alike for 16 bits to split them).
    ///
    /// Why: quickselect over a million first-approval times took 12 ms, 5% of
    /// `urts-1m-devices-10.json` (perf), its partitions branching unpredictably at each
    /// value. For non-negative finite doubles the bit pattern orders like the value, so the
    /// buckets are ranges of values, and a latency sample spreads over hundreds of them.
    ///
    /// - Complexity: O(n) plus the selections among the gathered values.
    static func _radixSelect(ranks: [Int], in values: [Double]) -> [Int: Double]? {
        let n = values.count
        var counts = [Int32](repeating: 0, count: 1 << 16)
        let regular = values.withUnsafeBufferPointer { values in
            counts.withUnsafeMutableBufferPointer { counts in
                var largest: UInt64 = 0
                for value in values {
                    let top = value.bitPattern >> 48
                    largest = Swift.max(largest, top)
                    counts[Int(top)] &+= 1
                }
                // Below 0x7FF0: the sign bit clear and the exponent not all ones (finite).
                return largest < 0x7FF0
            }
        }
        guard regular else { return nil }
        // The bucket of each rank and the rank its bucket starts at.
        let wanted = Array(Set(ranks)).sorted()
        var bucketOf: [Int] = []
        var firstRank: [Int: Int] = [:]
        var bucket = 0
        var before = 0
        for rank in wanted {
            while before + Int(counts[bucket]) <= rank {
                before += Int(counts[bucket])
                bucket += 1
            }
            bucketOf.append(bucket)
            firstRank[bucket] = before
        }
        let buckets = Array(firstRank.keys).sorted()
        guard buckets.reduce(0, { $0 + Int(counts[$1]) }) <= n / 4 else { return nil }
        // Gather: the counts of the wanted buckets become their (negative) slots.
        var gathered = buckets.map { bucket in
            var values: [Double] = []
            values.reserveCapacity(Int(counts[bucket]))
            return values
        }
        for (slot, bucket) in buckets.enumerated() { counts[bucket] = Int32(-1 - slot) }
        values.withUnsafeBufferPointer { values in
            counts.withUnsafeBufferPointer { counts in
                for value in values {
                    let mark = counts[Int(value.bitPattern >> 48)]
                    if mark < 0 { gathered[Int(-1 - mark)].append(value) }
                }
            }
        }
        var statistics: [Int: Double] = [:]
        for (slot, bucket) in buckets.enumerated() {
            let start = firstRank[bucket]!
            gathered[slot].withUnsafeMutableBufferPointer { buffer in
                // Ranks in increasing order, each among the values above the one before.
                var from = 0
                for (rank, rankBucket) in zip(wanted, bucketOf) where rankBucket == bucket {
                    statistics[rank] = _select(rank: rank - start, in: buffer, from: from)
                    from = rank - start + 1
                }
            }
        }
        return statistics
    }

    /// Sorts non-negative values ascending, in O(n), with an LSD radix sort on their bit
    /// patterns (for non-negative IEEE doubles the bit pattern orders like the value).
    ///
    /// Written here because the standard library's comparison sort of 10 million latencies
    /// took an eighth of a 10-million-transaction run; this takes four counting passes of
    /// 16 bits (skipping a pass when every value shares the digit) and one n-element buffer.
    ///
    /// - Precondition: no value is negative or NaN.
    public static func sortNonNegative(_ values: inout [Double]) {
        let n = values.count
        guard n > 1 << 12 else {
            values.sort()
            return
        }
        var buffer = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        values.withUnsafeMutableBufferPointer { doubles in
            doubles.withMemoryRebound(to: UInt64.self) { keys in
                buffer.withUnsafeMutableBufferPointer { spare in
                    precondition(keys.allSatisfy { $0 >> 63 == 0 && Double(bitPattern: $0).isFinite }, "non-negative, finite values only")
                    var source = keys, target = spare
                    var inBuffer = false
                    for shift in stride(from: UInt64(0), to: 64, by: 16) {
                        for digit in counts.indices { counts[digit] = 0 }
                        for key in source { counts[Int((key >> shift) & 0xFFFF)] += 1 }
                        if counts.contains(n) { continue }  // every key has this digit: nothing moves
                        var offset = 0
                        for digit in counts.indices {
                            let count = counts[digit]
                            counts[digit] = offset
                            offset += count
                        }
                        for key in source {
                            let digit = Int((key >> shift) & 0xFFFF)
                            target[counts[digit]] = key
                            counts[digit] += 1
                        }
                        swap(&source, &target)
                        inBuffer.toggle()
                    }
                    if inBuffer {
                        for index in 0..<n { keys[index] = spare[index] }
                    }
                }
            }
        }
    }

    /// The exact type-7 quantiles of `sorted`, which is sorted ascending (NaN when empty).
    ///
    /// - Complexity: O(1) per probability.
    public static func quantiles(ofSorted sorted: [Double], at probabilities: [Double]) -> [Double] {
        guard !sorted.isEmpty else { return probabilities.map { _ in .nan } }
        return sorted.withUnsafeBufferPointer { buffer in
            probabilities.map { p in
                precondition((0...1).contains(p), "a quantile's probability is in 0...1")
                return gsl_stats_quantile_from_sorted_data(buffer.baseAddress, 1, buffer.count, p)
            }
        }
    }

    /// Rearranges `buffer[from...]` so that `buffer[rank]` holds the value of that rank in
    /// sorted order, no larger value before it (from `from`) and no smaller one after it, and
    /// returns it. Values before `from` stay where they are: selecting among the values above
    /// an earlier selected rank gives the rank in the whole buffer.
    static func _select(rank: Int, in buffer: UnsafeMutableBufferPointer<Double>, from: Int = 0) -> Double {
        precondition(from <= rank && rank < buffer.count, "a rank within the range selected from")
        var low = from
        var high = buffer.count - 1
        while high > low {
            // Median of three as pivot, then Hoare partition.
            let middle = low + (high - low) / 2
            if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
            let pivot = buffer[middle]
            var i = low
            var j = high
            while i <= j {
                while buffer[i] < pivot { i += 1 }
                while pivot < buffer[j] { j -= 1 }
                if i <= j {
                    buffer.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                break  // j < rank < i: buffer[rank] equals the pivot and is in place.
            }
        }
        return buffer[rank]
    }

    /// The arithmetic mean of `values`, summed in order, or NaN when empty.
    ///
    /// A plain sum: GSL's `gsl_stats_mean` divides once per element (a running mean) and took
    /// 3% of a 10-million-transaction run; for the positive, similar values averaged here the
    /// plain sum's relative error stays near n·2^-53.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }
}
