/// The arrivals of all of a scenario's device classes: the plain Poisson classes superposed
/// as one ``PoissonArrivals`` on the `arrivals` stream, and each other class (another
/// `arrivals` kind, or a duty cycle) as its own ``ClassArrivals`` on its own stream
/// (``StreamID/classArrivals``), merged by time.
///
/// A scenario whose classes are all plain Poisson draws exactly what ``PoissonArrivals``
/// draws, so its output is byte for byte what it was before per-class processes; it pays one
/// predictable branch per transaction. Otherwise each arrival takes the earliest of the
/// Poisson part's next arrival and each class stream's (ties: the Poisson part, then the
/// lower class index): O(S) for S class streams, independent of the device count.
///
/// The mutable state is `@exclusivity(unchecked)`: a class's stored properties otherwise pay a
/// dynamic exclusivity check (a thread-local access set) on every access: without this,
/// `Benchmarks/Scenarios/urts-1m-mix.json` at 200,000 transactions ran 16% more instructions
/// (867.7 M against 747.5 M, callgrind). Each instance belongs to one run on one
/// thread, and no method holds an access to a property across a call that touches it.
public final class DeviceArrivals: ArrivalProcess {
    @usableFromInline let _poisson: PoissonArrivals?
    /// `_poisson` unretained, for the all-Poisson path: calling through the strong reference
    /// retained and released it around every call (40 instructions a transaction on
    /// `urts-1m-devices-10.json`, callgrind). `_poisson` keeps it alive as long as `self`.
    @usableFromInline let _poissonRef: Unmanaged<PoissonArrivals>?
    @usableFromInline let _onlyPoisson: Bool
    let _streams: [ClassArrivals]
    let _classFirstDevice: [Int32]
    /// The Poisson part's next arrival time (merged mode).
    @exclusivity(unchecked) var _poissonNext = Double.infinity
    /// Each class stream's next arrival, drawn ahead (merged mode).
    @exclusivity(unchecked) var _pending: [ClassArrivals.Arrival] = []
    /// The source of the arrival ``nextArrival(now:)`` chose: −1 the Poisson part, else a
    /// stream index.
    @exclusivity(unchecked) var _chosen = -1
    @usableFromInline @exclusivity(unchecked) var _wanted: Double?

    /// The devices of `scenario` in replication `replication`.
    public init(scenario: Scenario, replication: Int) {
        var first: [Int32] = []
        var next: Int32 = 0
        for deviceClass in scenario.devices {
            first.append(next)
            next += Int32(deviceClass.count)
        }
        _classFirstDevice = first
        let plain = scenario.devices.indices.filter { scenario.devices[$0].isPlainPoisson }
        _onlyPoisson = plain.count == scenario.devices.count
        let rng = RandomStream(seed: scenario.seed, replication: replication, stream: .arrivals)
        if _onlyPoisson {
            _poisson = PoissonArrivals(classes: scenario.devices, rng: rng)
        } else if plain.isEmpty {
            _poisson = nil
        } else {
            _poisson = PoissonArrivals(classes: plain.map { scenario.devices[$0] }, rng: rng, firstDevices: plain.map { first[$0] })
        }
        _poissonRef = _poisson.map { Unmanaged.passUnretained($0) }
        _streams = scenario.devices.indices.filter { !scenario.devices[$0].isPlainPoisson }.map { index in
            let key = StreamID.classArrivalsKey(seed: scenario.seed, replication: replication, deviceClass: index)
            return ClassArrivals(scenario.devices[index], first: first[index], rng: RandomStream(key: key), key: key)
        }
        if !_onlyPoisson {
            if let poisson = _poisson { _poissonNext = poisson.nextInterarrival() }
            _pending = _streams.map { $0.next() }
        }
    }

    /// The next arrival's time: the Poisson part's alone, or the earliest over all sources.
    @inlinable
    public func nextArrival(now: Double) -> Double {
        if _onlyPoisson { return now + _poissonRef.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.nextInterarrival() } }
        return _mergedNext()
    }

    @usableFromInline
    func _mergedNext() -> Double {
        var best = _poissonNext
        _chosen = -1
        for index in _pending.indices where _pending[index].time < best {
            best = _pending[index].time
            _chosen = index
        }
        return best
    }

    /// The device of the arrival ``nextArrival(now:)`` chose; draws that source's next one.
    @inlinable
    public func nextDevice() -> Int32 {
        if _onlyPoisson { return _poissonRef.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.nextDevice() } }
        return _mergedDevice()
    }

    @usableFromInline
    func _mergedDevice() -> Int32 {
        if _chosen < 0 {
            let poisson = _poisson.unsafelyUnwrapped
            _wanted = nil
            let device = poisson.nextDevice()
            _poissonNext += poisson.nextInterarrival()
            return device
        }
        let arrival = _pending[_chosen]
        _wanted = arrival.wanted
        _pending[_chosen] = _streams[_chosen].next()
        return arrival.device
    }

    /// When the current arrival's device wanted to issue; nil for a Poisson arrival (its
    /// arrival time).
    @inlinable public var wanted: Double? { _wanted }

    /// The class of `device` (classes number devices consecutively).
    public func deviceClass(of device: Int32) -> Int {
        classContaining(device, firstDevices: _classFirstDevice)
    }
}
