import Testing
import TangleSim

/// A model that records every event it handles and schedules follow-ups from a script.
private struct TraceRecorder: EventHandler {
    var trace: [String] = []
    /// For an event label, the (label, delay) pairs it schedules when handled.
    var followUps: [String: [(String, Double)]] = [:]
    var stopAt: String?

    mutating func handle(_ payload: String, engine: inout Engine<String>) -> EngineControl {
        trace.append("\(engine.now) \(payload)")
        for (label, delay) in followUps[payload, default: []] {
            engine.schedule(label, after: delay)
        }
        return payload == stopAt ? .stop : .proceed
    }
}

@Suite("Engine")
struct EngineTests {
    @Test("events run in (time, scheduling order), follow-ups included")
    func trace() {
        var engine = Engine<String>()
        var model = TraceRecorder()
        model.followUps = ["a": [("a1", 0), ("a2", 1.5)], "c": [("c1", 0)]]
        engine.schedule("c", at: 2)
        engine.schedule("a", at: 1)
        engine.schedule("b", at: 1)  // same time as "a", scheduled later: runs after it
        engine.schedule("d", at: 2.5)
        let reason = engine.run(until: 10, handler: &model)
        #expect(reason == .exhausted)
        #expect(engine.now == 10)
        // "d" was scheduled before "a2" (at set-up, not while handling "a"): it runs first.
        #expect(
            model.trace == [
                "1.0 a", "1.0 b", "1.0 a1", "2.0 c", "2.0 c1", "2.5 d", "2.5 a2",
            ])
        #expect(engine.handledEvents == 7)
    }

    @Test("the time limit is inclusive and leaves later events pending")
    func timeLimit() {
        var engine = Engine<String>()
        var model = TraceRecorder()
        engine.schedule("at-limit", at: 5)
        engine.schedule("after", at: 5.000001)
        #expect(engine.run(until: 5, handler: &model) == .timeLimit)
        #expect(model.trace == ["5.0 at-limit"])
        #expect(engine.queue.count == 1)
    }

    @Test("a handler can stop the run; the clock stays at its event")
    func handlerStop() {
        var engine = Engine<String>()
        var model = TraceRecorder()
        model.stopAt = "b"
        engine.schedule("a", at: 1)
        engine.schedule("b", at: 2)
        engine.schedule("c", at: 3)
        #expect(engine.run(handler: &model) == .handler)
        #expect(engine.now == 2)
        #expect(model.trace == ["1.0 a", "2.0 b"])
    }

    @Test("an empty queue ends the run")
    func exhausted() {
        var engine = Engine<String>()
        var model = TraceRecorder()
        engine.schedule("only", at: 0.5)
        #expect(engine.run(handler: &model) == .exhausted)
        #expect(model.trace == ["0.5 only"])
    }

    /// Schedules 2,000 events, a fraction `monotone` of them at `now + 1` (FIFO lanes) and the
    /// rest out of order with many exact ties, popping as it goes, and checks the pops against
    /// a sorted reference. `make` builds the payload of event `step` (monotone or not).
    static func checkPopOrder<Payload>(
        seed: UInt, monotone: Double, queue: inout EventQueue<Payload>,
        make: (_ step: Int, _ monotone: Bool, RandomStream) -> Payload, step: (Payload) -> Int,
        schedule: (inout EventQueue<Payload>, Payload, Double) -> Void
    ) {
        let rng = RandomStream(gslSeed: seed)
        var reference: [(time: Double, sequence: Int)] = []
        var now = 0.0
        var popped: [Int] = []
        var expected: [Int] = []
        for index in 0..<2_000 {
            let isMonotone = rng.uniform() < monotone
            let time = isMonotone ? now + 1 : now + Double(rng.index(below: 4)) * 0.25
            schedule(&queue, make(index, isMonotone, rng), time)
            reference.append((time, index))
            if rng.uniform() < 0.45, let event = queue.popNext() {
                reference.sort { $0.time < $1.time || ($0.time == $1.time && $0.sequence < $1.sequence) }
                expected.append(reference.removeFirst().sequence)
                popped.append(step(event.payload))
                now = event.time
            }
        }
        while let event = queue.popNext() { popped.append(step(event.payload)) }
        reference.sort { $0.time < $1.time || ($0.time == $1.time && $0.sequence < $1.sequence) }
        expected.append(contentsOf: reference.map(\.sequence))
        #expect(popped == expected)
        #expect(queue.isEmpty)
    }

    @Test("the lanes and the heap pop exactly the order of a sorted reference", arguments: 1...20)
    func queueMatchesReference(seed: UInt) {
        var queue = EventQueue<Int>()
        Self.checkPopOrder(
            seed: seed, monotone: 0.3, queue: &queue, make: { step, _, _ in step }, step: { $0 },
            schedule: { $0.schedule($1, at: $2) })
    }

    /// A payload naming a preferred lane: most events fit theirs, some do not (an earlier
    /// time than the lane's last), and lanes are shared.
    struct LanedEvent: LanePreferring {
        let step: Int
        let preferredLane: Int
    }

    @Test("events with preferred lanes pop exactly the order of a sorted reference", arguments: 1...20)
    func lanedQueueMatchesReference(seed: UInt) {
        var queue = EventQueue<LanedEvent>()
        Self.checkPopOrder(
            seed: seed, monotone: 0.4, queue: &queue,
            make: { step, monotone, rng in
                LanedEvent(step: step, preferredLane: monotone ? 1 : rng.index(below: EventQueue<LanedEvent>.laneCount))
            },
            step: { $0.step }, schedule: { $0.schedule($1, at: $2) })
    }
}
