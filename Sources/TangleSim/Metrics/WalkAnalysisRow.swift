import Foundation

/// One row of `walks.csv` (`metrics.walkAnalysis`): where many walks from one start end.
///
/// Popov ("The Tangle", section 4.1) and the walk analyses of res-sim-tangle look at the
/// exit distribution of the walk: how concentrated it is decides how many tips are
/// approved and how many left behind. Each analysis draws one start by the strategy's start
/// rule and makes `walks` walks from it over what every issuer sees at that moment.
public struct WalkAnalysisRow: Sendable, Equatable {
    /// When the analysis was made, in seconds.
    public var time: Double
    /// The start every walk left from.
    public var start: Int32
    /// Walks made.
    public var walks: Int
    /// The visible tips at that moment.
    public var visibleTips: Int
    /// How many distinct tips the walks ended at.
    public var distinctExits: Int
    /// The Shannon entropy of the exits' empirical distribution, in bits.
    public var entropyBits: Double
    /// The share of the walks ending at the most frequent exit.
    public var topExitShare: Double
    /// Mean steps per walk.
    public var meanSteps: Double

    /// The row of `walks` walks from `start` whose ends are counted in `exits`.
    public init(time: Double, start: Int32, walks: Int, steps: Int, visibleTips: Int, exits: [Int32: Int]) {
        self.time = time
        self.start = start
        self.walks = walks
        self.visibleTips = visibleTips
        distinctExits = exits.count
        // Summed in id order, so that the bits do not depend on the dictionary's order.
        var entropy = 0.0
        var top = 0
        for (_, count) in exits.sorted(by: { $0.key < $1.key }) {
            let p = Double(count) / Double(walks)
            entropy -= p * Foundation.log2(p)
            top = Swift.max(top, count)
        }
        entropyBits = entropy == 0 ? 0 : entropy
        topExitShare = Double(top) / Double(walks)
        meanSteps = Double(steps) / Double(walks)
    }

    public static let csvHeader = [
        "time", "start", "walks", "visible_tips", "distinct_exits", "entropy_bits", "top_exit_share", "mean_steps",
    ]

    public var csvFields: [CSVValue] {
        [
            .real(time), .integer(Int(start)), .integer(walks), .integer(visibleTips), .integer(distinctExits),
            .real(entropyBits), .real(topExitShare), .real(meanSteps),
        ]
    }
}
