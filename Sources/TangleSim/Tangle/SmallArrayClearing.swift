extension Array where Element: BitwiseCopyable {
    /// Empties a short array (a transaction's parents) and keeps its storage.
    ///
    /// `removeAll(keepingCapacity: true)` goes through the generic `replaceSubrange`: about 80
    /// instructions a call, 1.4% of `urts-1m-double-spends.json` (callgrind), where popping
    /// two parents costs a few. O(count): only for arrays of a few elements.
    @inlinable @inline(__always)
    mutating func removeAllOfFew() {
        while !isEmpty { removeLast() }
    }
}
