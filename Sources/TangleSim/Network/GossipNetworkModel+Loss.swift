/// Gossip with message loss (``GossipConfiguration/loss`` above 0), and the requests that
/// recover what was lost.
///
/// **Messages.** A message is one transaction over one directed link; each is lost
/// independently with probability `loss` (``MessageLoss``, stream ``StreamID/loss``). A node
/// that receives a transaction by gossip for the first time sends it to every peer, after its
/// processing delay. So a node misses a transaction by gossip only when every copy towards it
/// is lost, and its first copy may come along a slower path than without loss.
///
/// **Requests.** Node v that receives transaction x by gossip at time a, and still does not see
/// a parent p of x at a + `requestDelay`, requests p from the peer w that delivered x. The
/// request takes one latency of the link v–w; w answers once it sees p (at once if it already
/// does), after its processing delay; the answer takes another latency of the link. It
/// carries p and every ancestor of p that v lacks (w has them all: it sees p only once it
/// sees p's past). Where that answer comes before v would otherwise see them, they become
/// visible at v when it arrives. Requests and answers are never lost: they stand for a
/// request the node repeats until it is answered (the repeats are not timed). The issuing
/// node requests nothing (it chose the parents from what it sees). The peer w has received x
/// before v, so its own requests for x's parents are settled first.
///
/// **What is guaranteed.** A transaction received by gossip at a node becomes visible there
/// (its past is fetched by requests). A transaction every copy of which towards v was lost
/// becomes visible at v once a transaction approving it directly or indirectly reaches v by
/// gossip; on a connected topology that happens as long as the Tangle keeps growing, so only
/// the transactions near the end of a run may still be missing at some node (the run's end
/// censors them, as it censors transactions too young to be approved). Until then the
/// transaction is not visible everywhere: its time in `transactions.csv` is empty (infinite)
/// if the run ends first.
///
/// **Conservative times.** An answer lowers the visibility times at v of what it carries; a
/// transaction already in flight that waited at v for one of them keeps its later time (it
/// can be late, never early, and never before its parents). This needs two requests for the
/// same missing transaction from different children, the later one answered first.
///
/// **Partitions and churn** (`GossipNetwork+Faults.swift`) take the same path: their gossip
/// is searched per transaction with the messages they block or drop, and a request waits for
/// a partition to heal, and is not sent, answered or received by a node offline.
///
/// With loss 0 and neither partitions nor churn none of this runs: no stream, no requests,
/// the lossless gossip byte for byte.
struct GossipFaultState {
    let requestDelay: Double
    /// Per node, for the current broadcast: first gossip arrival, the peer it came from, and
    /// whether the node's requests are settled.
    var arrival: ContiguousArray<Double>
    var sender: ContiguousArray<Int32>
    var settled: [Bool]
    /// The nodes that request a parent of the current broadcast.
    var requesting: [Int32] = []
    /// Per pool slot: the parents, issuing node, issue time and time visible everywhere of
    /// the transaction that holds it.
    var slotParents: [[Int32]] = []
    var slotOrigin: ContiguousArray<Int32> = []
    var slotIssue: ContiguousArray<Double> = []
    var slotEverywhere: ContiguousArray<Double> = []
    /// Transactions whose per-node times an answer lowered during the current broadcast.
    var lowered: [Int32] = []
    /// Transactions whose time visible everywhere changed (became finite, or earlier), not
    /// yet handed to the simulation.
    var revised: [(x: Int32, time: Double)] = []
    /// Each milestone's index in the model's milestone lists.
    var milestoneIndex: [Int32: Int] = [:]
    /// Per transaction (by id): the median and 90th percentile over the nodes other than the
    /// issuer's of the time from issue to visibility (NaN until visible everywhere).
    var nodePropagation50: ContiguousArray<Double> = []
    var nodePropagation90: ContiguousArray<Double> = []
    /// Requests sent in the run (for tests: that recovery was needed).
    var requests = 0
    /// With churn: per node, the device transactions held while it is offline, in arrival
    /// order (see `GossipNetworkModel+Churn.swift`).
    var held: [[IssueOrder]] = []
    var _stack: [Int32] = []
    var _chain: [Int] = []
    /// Scratch: the pool offsets of the current broadcast's parents still in flight.
    var _parentBases: [Int] = []
    /// Scratch of the per-node quantiles: N entries each.
    var _times: ContiguousArray<Double>
    var _others: ContiguousArray<Double>

    init(nodes: Int, requestDelay: Double) {
        self.requestDelay = requestDelay
        arrival = ContiguousArray(repeating: .infinity, count: nodes)
        sender = ContiguousArray(repeating: -1, count: nodes)
        settled = Array(repeating: false, count: nodes)
        _times = ContiguousArray(repeating: 0, count: nodes)
        _others = ContiguousArray(repeating: 0, count: nodes)
    }

    /// An empty state, to swap with the model's while a broadcast works on it (a swap moves
    /// the arrays; taking the state out of the optional would copy it: a retain and a release
    /// of each array per transaction).
    init() {
        requestDelay = 0
        arrival = []
        sender = []
        settled = []
        _times = []
        _others = []
    }
}

extension GossipNetworkModel {
    /// ``broadcast(_:parents:from:at:stream:)`` with message loss: gossip arrivals with lost
    /// messages, then each node's requests, then visibility (the later of the arrival and the
    /// parents' visibility, as without loss).
    ///
    /// - Complexity: O(E log N) for the gossip, O(N·k) for the parents, plus O(degree + the
    ///   fetched transactions) per request and O(N) per transaction whose time visible
    ///   everywhere an answer changed.
    @inline(never)
    mutating func _broadcastWithLoss(_ x: Int32, parents: [Int32], from origin: Int, at now: Double) -> Double {
        // The state leaves `self` for the broadcast (swapped with an empty one, not copied),
        // so its arrays are mutated in place.
        var state = GossipFaultState()
        swap(&state, &faults!)
        defer { swap(&state, &faults!) }
        while slot.count <= Int(x) { slot.append(-1) }
        let n = nodes
        let own: Int
        if let free = freeSlots.popLast() {
            own = Int(free)
        } else {
            own = pool.count / n
            pool.append(contentsOf: repeatElement(0, count: n))
            state.slotParents.append([])
            state.slotOrigin.append(0)
            state.slotIssue.append(0)
            state.slotEverywhere.append(0)
        }
        slot[Int(x)] = Int32(own)
        state.slotParents[own].removeAll(keepingCapacity: true)
        state.slotParents[own].append(contentsOf: parents)
        state.slotOrigin[own] = Int32(origin)
        state.slotIssue[own] = now
        state.arrival.withUnsafeMutableBufferPointer { arrival in
            state.sender.withUnsafeMutableBufferPointer { sender in
                network.lossyArrivals(from: origin, at: now, into: arrival, sender: sender)
            }
        }
        // Pass 1: each node's visibility from what it has; the nodes that would request a
        // parent (rare) are listed. A request changes times only at the requesting node, and
        // reads the parent's time at the peer: only a requesting peer must go first. Parents
        // visible everywhere already are left out.
        state.requesting.removeAll(keepingCapacity: true)
        state._parentBases.removeAll(keepingCapacity: true)
        for parent in parents {
            let parentSlot = Int(slot[Int(parent)])
            if parentSlot >= 0 { state._parentBases.append(parentSlot * n) }
        }
        let requestDelay = state.requestDelay
        let base = own * n
        pool.withUnsafeMutableBufferPointer { pool in
            state.arrival.withUnsafeBufferPointer { arrival in
                // The later of the arrival and the parents' visibility, node by node, as
                // without loss (branch-free loops the compiler vectorizes)...
                for v in 0..<n { pool[base + v] = arrival[v] }
                for parentBase in state._parentBases {
                    for v in 0..<n where pool[parentBase + v] > pool[base + v] { pool[base + v] = pool[parentBase + v] }
                }
                // ...then the nodes whose parents come after their request time: their time
                // is set again by their requests (``_settleRequests``).
                state.sender.withUnsafeBufferPointer { sender in
                    for v in 0..<n where arrival[v] < .infinity && pool[base + v] > arrival[v] + requestDelay {
                        if v != origin, sender[v] >= 0 { state.requesting.append(Int32(v)) }
                    }
                }
            }
        }
        if !state.requesting.isEmpty {
            for v in state.requesting { state.settled[Int(v)] = false }
            for v in state.requesting where !state.settled[Int(v)] {
                // Settle the requesting peers that delivered x to v first.
                state._chain.removeAll(keepingCapacity: true)
                var u = Int(v)
                while true {
                    state._chain.append(u)
                    state.settled[u] = true
                    let from = Int(state.sender[u])
                    guard from >= 0, !state.settled[from], state.requesting.contains(Int32(from)) else { break }
                    u = from
                }
                while let u = state._chain.popLast() {
                    _settleRequests(slot: own, parents: parents, at: u, origin: origin, &state)
                }
            }
        }
        let everywhere = _latestVisibility(slotBase: base, notBefore: now)
        state.slotEverywhere[own] = everywhere
        for a in state.lowered { _reviseEverywhere(of: a, &state) }
        state.lowered.removeAll(keepingCapacity: true)
        _enterInFlight(x)
        return everywhere
    }

    /// Node v's requests for the parents of the transaction in slot `own` (the peer that
    /// delivered it to v settled already), then its visibility at v.
    mutating func _settleRequests(slot own: Int, parents: [Int32], at v: Int, origin: Int, _ state: inout GossipFaultState) {
        let n = nodes
        let arrived = state.arrival[v]
        var visible = arrived
        if arrived.isFinite {
            let asksAt = arrived + state.requestDelay
            for parent in parents {
                let parentSlot = Int(slot[Int(parent)])
                guard parentSlot >= 0 else { continue }  // visible everywhere already
                var seen = pool[parentSlot * n + v]
                if v != origin, seen > asksAt, state.sender[v] >= 0 {
                    state.requests += 1
                    let peer = Int(state.sender[v])
                    let link = network.link(between: v, and: peer)
                    let answered: Double
                    if network.hasTimedFaults {
                        answered = _timedAnswer(at: v, from: peer, link: link, asking: asksAt, seenAtPeer: pool[parentSlot * n + peer])
                    } else {
                        let reachesPeer = asksAt + network.latency(link: link)
                        answered =
                            Swift.max(reachesPeer, pool[parentSlot * n + peer]) + network.processingDelay()
                            + network.latency(link: link)
                    }
                    if answered < seen {
                        _fetch(parent, at: v, arriving: answered, &state)
                        seen = answered
                    }
                }
                visible = Swift.max(visible, seen)
            }
        }
        pool[own * n + v] = visible
    }

    /// An answer reaching v at `time` with `x` and its ancestors v lacks: lowers their times
    /// at v (and milestones' copies) to `time`.
    ///
    /// - Complexity: O(k) per transaction lowered.
    mutating func _fetch(_ x: Int32, at v: Int, arriving time: Double, _ state: inout GossipFaultState) {
        let n = nodes
        state._stack.removeAll(keepingCapacity: true)
        state._stack.append(x)
        while let a = state._stack.popLast() {
            let own = Int(slot[Int(a)])
            guard own >= 0, pool[own * n + v] > time else { continue }
            pool[own * n + v] = time
            state.lowered.append(a)
            if let j = state.milestoneIndex[a] {
                milestoneVisibility[j * n + v] = Swift.min(milestoneVisibility[j * n + v], time)
            }
            state._stack.append(contentsOf: state.slotParents[own])
        }
    }

    /// Records a new, earlier time visible everywhere for `x` after an answer lowered its
    /// times, for the simulation to reschedule.
    mutating func _reviseEverywhere(of x: Int32, _ state: inout GossipFaultState) {
        let own = Int(slot[Int(x)])
        guard own >= 0 else { return }
        let base = own * nodes
        let everywhere = _latestVisibility(slotBase: base, notBefore: state.slotIssue[own])
        guard everywhere < state.slotEverywhere[own] else { return }
        state.slotEverywhere[own] = everywhere
        state.revised.append((x, everywhere))
    }
}

extension GossipNetworkModel {
    public var hasRevisedVisibility: Bool { faults.map { !$0.revised.isEmpty } ?? false }

    public mutating func takeRevisedVisibility() -> [(x: Int32, time: Double)] {
        guard faults != nil else { return [] }
        let revised = faults!.revised
        faults!.revised.removeAll()
        return revised
    }

    /// `messages_lost` (0 without loss) and, with faults, `node_propagation_p50` and
    /// `node_propagation_p90`: means over the measured transactions visible everywhere by
    /// `end`; with churn, `node_offline_fraction` over [`warmup`, `end`).
    public mutating func summarizeFaults(into summary: inout RunSummary, tangle: Tangle, warmup: Double, end: Double) {
        summary[.messagesLost] = .integer(network.messagesLost)
        if let churn = network.churnSchedule { summary[.nodeOfflineFraction] = .real(churn.offlineFraction(from: warmup, to: end)) }
        guard faults != nil else { return }
        var sum50 = 0.0, sum90 = 0.0, count = 0
        for index in 1..<tangle.count {
            let x = Int32(truncatingIfNeeded: index)
            guard tangle.isDeviceTransaction(x), tangle.issueTime[index] >= warmup, tangle.visibleTime[index] <= end else {
                continue
            }
            var p50 = index < faults!.nodePropagation50.count ? faults!.nodePropagation50[index] : .nan
            var p90 = index < faults!.nodePropagation90.count ? faults!.nodePropagation90[index] : .nan
            if p50.isNaN, slot.count > index, slot[index] >= 0 {
                var state = GossipFaultState()
                swap(&state, &faults!)
                (p50, p90) = _nodePropagation(slot: Int(slot[index]), &state)
                swap(&state, &faults!)
            }
            guard !p50.isNaN else { continue }
            sum50 += p50
            sum90 += p90
            count += 1
        }
        summary[.nodePropagationP50] = .real(count > 0 ? sum50 / Double(count) : .nan)
        summary[.nodePropagationP90] = .real(count > 0 ? sum90 / Double(count) : .nan)
    }
}
