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
public final class DeviceArrivals: ArrivalProcess {
    @usableFromInline let _poisson: PoissonArrivals?
    @usableFromInline let _onlyPoisson: Bool
    let _streams: [ClassArrivals]
    let _classFirstDevice: [Int32]
    /// The Poisson part's next arrival time (merged mode).
    var _poissonNext = Double.infinity
    /// Each class stream's next arrival, drawn ahead (merged mode).
    var _pending: [ClassArrivals.Arrival] = []
    /// The source of the arrival ``nextArrival(now:)`` chose: −1 the Poisson part, else a
    /// stream index.
    var _chosen = -1
    @usableFromInline var _wanted: Double?

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
        if _onlyPoisson { return now + _poisson.unsafelyUnwrapped.nextInterarrival() }
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
        if _onlyPoisson { return _poisson.unsafelyUnwrapped.nextDevice() }
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
