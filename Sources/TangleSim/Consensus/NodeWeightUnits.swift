/// Node weights as integers, and the threshold as the least integer sum that reaches it, so
/// that approval weight is summed exactly: whether a set of nodes reaches the threshold never
/// depends on the order their weights were added in (floating-point sums do: 0.1 + 0.2 + 0.3
/// is not 0.3 + 0.2 + 0.1).
///
/// Weight w becomes w·2^k rounded to an integer, one k for every node: the largest that keeps
/// every unit below 2^53/N, so that the total of N nodes stays below 2^53 and every sum of
/// units is an exact `Double`. Scaling by a power of two is exact, so integer weights (up to
/// 2^52/N) and any weight near the largest keep their exact ratios; a weight far below the
/// largest is rounded by at most 2^-53·N of the largest (2^-43 at 1,000 nodes) — a weight
/// below that counts as 0.
///
/// A set of nodes holding S units reaches the threshold when S / total — exact operands, one
/// correctly rounded division — is at least the threshold: the threshold as written, so 67
/// of 100 equal nodes reach 0.67. (The `Double` nearest 0.67 is a little above 0.67, so the
/// comparison S ≥ 0.67·total that the multiverse simulator makes asks for 68 of them.) The
/// quotient grows with S, so ``required``, the least S that reaches it, decides every
/// comparison.
struct NodeWeightUnits: Sendable, Equatable {
    /// Each node's weight in units.
    let units: ContiguousArray<UInt64>
    /// The sum of ``units``.
    let total: UInt64
    /// The least sum of units whose share of ``total`` reaches the threshold.
    let required: UInt64

    /// - Parameters:
    ///   - weights: each node's weight, finite and non-negative, the largest positive (Zipf
    ///     weights of a large exponent underflow to 0).
    ///   - threshold: the share of the total that confirms, in (0, 1].
    /// - Complexity: O(N + 62): a binary search for ``required``.
    init(weights: [Double], threshold: Double) {
        precondition(
            weights.allSatisfy { $0 >= 0 && $0.isFinite } && (weights.max() ?? 0) > 0, "finite weights, the largest positive")
        precondition(threshold > 0 && threshold <= 1, "a threshold in (0, 1]")
        let countBits = Int.bitWidth - (weights.count - 1).leadingZeroBitCount  // ⌈log2 N⌉
        let largest = weights.max()!
        // largest < 2^(exponent + 1), so largest·2^k < 2^(53 − countBits).
        let k = 53 - countBits - (Int(largest.exponent) + 1)
        units = ContiguousArray(weights.map { UInt64(Double(sign: .plus, exponent: k, significand: $0).rounded()) })
        let total = units.reduce(0, +)
        self.total = total
        // The whole total reaches any threshold <= 1.
        var low: UInt64 = 1
        var high = total
        while low < high {
            let middle = low + (high - low) / 2
            if Double(middle) / Double(total) >= threshold { high = middle } else { low = middle + 1 }
        }
        required = low
    }
}
