import CGSL

/// When a fleet's devices want to issue, and which device: the arrival process of a
/// ``DeviceFleet``.
///
/// A new arrival process (bursty, periodic, duty-cycled devices) conforms to this protocol
/// and draws only from its own stream; the simulation's driver never sees it.
public protocol ArrivalProcess {
    /// The time of the next arrival (seconds, ≥ `now`), `now` being the current arrival's
    /// time (0 before the first).
    mutating func nextArrival(now: Double) -> Double

    /// The device issuing the current arrival, 0..<devices (devices are numbered across the
    /// scenario's classes, in class order).
    mutating func nextDevice() -> Int32

    /// The class of `device`, an index into the scenario's `devices`.
    func deviceClass(of device: Int32) -> Int

    /// When the device of the current arrival wanted to issue (seconds): its arrival time,
    /// or earlier when a duty cycle or jitter held it back. Nil: the arrival time.
    var wanted: Double? { get }
}

extension ArrivalProcess {
    public var wanted: Double? { nil }
}

/// The class of `device` when classes number their devices consecutively and
/// `firstDevices[c]` is class c's first device: the last c with `firstDevices[c] <= device`.
///
/// - Complexity: O(log classes), a binary search.
@inlinable
public func classContaining<First: RandomAccessCollection>(_ device: Int32, firstDevices: First) -> Int
where First.Element == Int32, First.Index == Int {
    var low = 0, high = firstDevices.count - 1
    while low < high {
        let middle = (low + high + 1) / 2
        if firstDevices[middle] <= device { low = middle } else { high = middle - 1 }
    }
    return low
}

/// The superposition of every device's Poisson process: one Poisson process of rate lambda
/// whose each arrival is issued by a device chosen with probability rate / lambda.
///
/// This is exact (superposition and thinning of Poisson processes), and its cost per
/// transaction does not depend on the number of devices: the class is chosen by Walker's
/// alias method (GSL's `gsl_ran_discrete`, O(1)) over classes weighted by count·rate, then
/// the device uniformly within its class. Per-device events would instead keep one pending
/// event per device in the queue, O(log devices) a transaction.
///
/// Devices are numbered 0..<devices across classes, in class order. Draws come from the
/// arrivals stream only: two draws a transaction (inter-arrival time, device).
public final class PoissonArrivals: ArrivalProcess {
    /// The total arrival rate, in transactions per second.
    public let lambda: Double
    @usableFromInline let _meanInterarrival: Double
    @usableFromInline let _classFirstDevice: ContiguousArray<Int32>
    @usableFromInline let _classCount: ContiguousArray<Int32>
    @usableFromInline let _alias: OpaquePointer?
    @usableFromInline let _rng: RandomStream

    /// Creates the process for `classes`, drawing from `rng`.
    ///
    /// - Parameter firstDevices: the number of each class's first device (default: classes
    ///   numbered consecutively from 0), for a process over some of a scenario's classes.
    public init(classes: [DeviceClass], rng: RandomStream, firstDevices: [Int32]? = nil) {
        precondition(!classes.isEmpty, "at least one device class")
        var first = ContiguousArray<Int32>()
        var counts = ContiguousArray<Int32>()
        var next: Int32 = 0
        for deviceClass in classes {
            first.append(next)
            counts.append(Int32(deviceClass.count))
            next += Int32(deviceClass.count)
        }
        if let firstDevices {
            precondition(firstDevices.count == classes.count, "a first device per class")
            first = ContiguousArray(firstDevices)
        }
        _classFirstDevice = first
        _classCount = counts
        lambda = classes.reduce(0) { $0 + Double($1.count) * $1.rate }
        _meanInterarrival = 1 / lambda
        _rng = rng
        if classes.count > 1 {
            let weights = classes.map { Double($0.count) * $0.rate }
            _alias = OpaquePointer(gsl_ran_discrete_preproc(weights.count, weights))
        } else {
            _alias = nil
        }
    }

    deinit {
        if let alias = _alias {
            gsl_ran_discrete_free(UnsafeMutablePointer<gsl_ran_discrete_t>(alias))
        }
    }

    /// The time to the next arrival: exponential with mean 1 / lambda.
    @inlinable
    public func nextInterarrival() -> Double {
        _rng.exponential(mean: _meanInterarrival)
    }

    /// The next arrival: `now` plus ``nextInterarrival()``.
    @inlinable
    public func nextArrival(now: Double) -> Double {
        now + nextInterarrival()
    }

    /// The class of `device` (classes number devices consecutively).
    public func deviceClass(of device: Int32) -> Int {
        classContaining(device, firstDevices: _classFirstDevice)
    }

    /// The device issuing the current arrival.
    @inlinable
    public func nextDevice() -> Int32 {
        var deviceClass = 0
        if let alias = _alias {
            deviceClass = gsl_ran_discrete(_rng.gslGenerator, UnsafeMutablePointer<gsl_ran_discrete_t>(alias))
        }
        let count = Int(_classCount[deviceClass])
        let offset = count == 1 ? 0 : _rng.index(below: count)
        return _classFirstDevice[deviceClass] + Int32(truncatingIfNeeded: offset)
    }
}
