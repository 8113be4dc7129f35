import Foundation

/// One array (or a group of arrays that grow together) during one phase of a run, as the
/// estimate models it.
///
/// Swift arrays grow by doubling: appending to a full array allocates twice the capacity,
/// copies the elements and frees the old buffer. So an array of `count` elements that started
/// from `reserved` (or from empty) has a capacity of `reserved · 2^j` (or `2^j`), the
/// smallest such at least `count`. What the estimate counts:
///
/// - **Resident** bytes are the pages written: `count` elements (the whole capacity for a
///   buffer zero-filled when allocated, like `ContiguousArray(repeating: 0, count:)`);
///   reserved but unwritten capacity costs address space only.
/// - **Virtual** bytes are the whole capacity.
/// - While the last reallocation copies, the old buffer and the new one are both alive: the
///   old capacity's bytes count twice, once more than at the end (``copyElementBytes`` for a
///   group of columns that reallocate one after another: the largest column).
struct _Allocation: Sendable {
    /// The component the bytes belong to.
    var component: _ComponentKey
    /// Bytes per element.
    var elementBytes: Double
    /// Elements at the end of the phase.
    var count: Double
    /// Capacity reserved before the first element (0: grows from empty).
    var reserved: Double = 0
    /// Whether the array fills during the phase, in step with the phase's progress (the
    /// loop over transactions); false when it is full from the phase's start.
    var fills: Bool = false
    /// Whether the whole capacity is written when allocated.
    var zeroFilled = false
    /// Bytes per element copied at the last reallocation, when less than ``elementBytes``
    /// (a group of columns, copied one at a time).
    var copyElementBytes: Double?
    /// Whether the array may still reallocate in this phase (false once an earlier phase
    /// filled it).
    var reallocates = true
    /// Whether the buffers it freed while doubling stay resident: in a sweep, glibc keeps
    /// freed memory for the next run and serves blocks below 32 MiB from its heap
    /// (`SweepCommand.keepFreedMemoryForTheNextRun`), so the smaller buffers of a doubling
    /// array (about its old capacity in all) stay resident beside it.
    var keepsFreedBuffers = false

    /// The array as a later phase sees it: full, no longer growing.
    var settled: _Allocation {
        var done = self
        done.fills = false
        done.reallocates = false
        return done
    }

    /// The capacity at the end of the phase.
    var capacity: Double {
        guard count > 0 else { return reserved }
        if reserved >= count { return reserved }
        let base = Swift.max(reserved, 1)
        return base * _powerOfTwo(atLeast: count / base)
    }

    /// The capacity before the last reallocation, or nil when the array never reallocated.
    var oldCapacity: Double? {
        let capacity = capacity
        guard reallocates, count > Swift.max(reserved, 1), capacity >= 2 else { return nil }
        return capacity / 2
    }

    /// Resident bytes at the end of the phase.
    var residentBytes: Double { (zeroFilled ? capacity : count) * elementBytes + freedBytes }

    /// Bytes of freed buffers kept resident (``keepsFreedBuffers``).
    var freedBytes: Double { keepsFreedBuffers ? heapHoleBytes : 0 }

    /// Virtual bytes at the end of the phase: the capacity and, below 32 MiB, the buffers
    /// freed while doubling, an upper value of the address space the heap keeps for them
    /// (glibc serves blocks below its mmap threshold, which rises to 32 MiB as mapped blocks
    /// are freed, from a heap whose holes a larger block cannot reuse).
    var virtualBytes: Double { capacity * elementBytes + heapHoleBytes }

    /// The doubling chain's freed buffers (about the old capacity) of an array small enough to
    /// live in the heap.
    private var heapHoleBytes: Double {
        guard capacity * elementBytes < Double(32 << 20), count > Swift.max(reserved, 1) else { return 0 }
        return capacity / 2 * elementBytes
    }

    /// The extra bytes alive while the last reallocation copies: the old buffer.
    var copyBytes: Double { (oldCapacity ?? 0) * (copyElementBytes ?? elementBytes) }
}

/// 2^ceil(log2(x)) for x >= 1 (1 below), computed without a loop so that astronomical counts
/// (a window of 1e300 seconds) cost nothing to estimate.
func _powerOfTwo(atLeast x: Double) -> Double {
    guard x > 1 else { return 1 }
    guard x.isFinite else { return .infinity }
    let exponent = (x.nextDown).exponent + 1  // the power of two above x, or x itself if exact
    let power = Double(sign: .plus, exponent: exponent, significand: 1)
    return power / 2 >= x ? power / 2 : power
}

/// glibc's chunk size for a `malloc(bytes)`: the request plus an 8-byte header, rounded up
/// to 16 bytes, at least 32. Small arrays (a time-series row's CSV fields) cost this each.
func _mallocChunk(_ bytes: Double) -> Double {
    Swift.max(32, ((bytes + 8 + 15) / 16).rounded(.down) * 16)
}

/// A named part of the memory the estimate attributes to one scenario field.
struct _ComponentKey: Sendable, Hashable {
    /// What the bytes are, written after "of": `tangle columns`, `ancestor bits`.
    var name: String
    /// The scenario field responsible, as a field path (`tipSelection.start.W`); empty for
    /// the process itself.
    var field: String
    /// The scenario's setting that makes the bytes, a subject for "needs about …":
    /// `a window of 10 s at lambda 100/s (a ring of 4096 transactions)`.
    var detail: String
}

/// A stretch of the run during which a set of allocations is alive together.
struct _Phase: Sendable {
    /// What the run does then: `simulating`, `end-of-run statistics`.
    var name: String
    var allocations: [_Allocation]

    /// The components, each once, in the order their first allocation was made: the order
    /// among components of equal size.
    var componentOrder: [_ComponentKey] {
        var seen = Set<_ComponentKey>()
        return allocations.map(\.component).filter { seen.insert($0).inserted }
    }

    /// The resident bytes at the phase's peak and each component's share of them.
    ///
    /// The candidates are the end of the phase and the moment of each filling array's last
    /// reallocation: at progress f = old capacity / count, every filling array holds f of its
    /// elements and the reallocating one holds its old buffer twice.
    func residentPeak() -> (bytes: Double, shares: [_ComponentKey: Double]) {
        func shares(at progress: Double, copying index: Int?) -> [_ComponentKey: Double] {
            var result: [_ComponentKey: Double] = [:]
            for (i, allocation) in allocations.enumerated() {
                var bytes = allocation.fills ? progress * allocation.residentBytes : allocation.residentBytes
                if i == index { bytes += allocation.copyBytes }
                result[allocation.component, default: 0] += bytes
            }
            return result
        }
        var best = shares(at: 1, copying: nil)
        var bestBytes = _sum(best.values)
        for (index, allocation) in allocations.enumerated() {
            guard let old = allocation.oldCapacity, allocation.count > 0 else { continue }
            let progress = allocation.fills ? Swift.min(1, old / allocation.count) : 1
            let candidate = shares(at: progress, copying: index)
            let bytes = _sum(candidate.values)
            if bytes > bestBytes {
                best = candidate
                bestBytes = bytes
            }
        }
        return (bestBytes, best)
    }

    /// The virtual bytes at the phase's peak: every capacity at the end, plus the largest old
    /// buffer alive during a reallocation; and each component's share.
    func virtualPeak() -> (bytes: Double, shares: [_ComponentKey: Double]) {
        var shares: [_ComponentKey: Double] = [:]
        for allocation in allocations { shares[allocation.component, default: 0] += allocation.virtualBytes }
        if let copying = allocations.max(by: { $0.copyBytes < $1.copyBytes }), copying.copyBytes > 0 {
            shares[copying.component, default: 0] += copying.copyBytes
        }
        return (_sum(shares.values), shares)
    }
}

/// The sum of byte counts, with NaN (an impossible product such as 0 × infinity) counted as
/// infinity so that it can never pass a limit.
func _sum(_ values: some Sequence<Double>) -> Double {
    var total = 0.0
    for value in values { total += value.isNaN ? .infinity : value }
    return total
}
