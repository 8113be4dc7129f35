/// Classes of transactions by footprint, so that a uniform pick consistent with the parents
/// chosen so far can be drawn without rejecting pick after pick.
///
/// Why: under URTS no conflict settles (docs/model.md), so with accidental double spends the
/// honest Tangle splits into factions that never merge, and a second pick is consistent with
/// the first with probability about 0.3% (lambda = 1,000/s, one conflict a second): the
/// rejection rule of the model then draws about 86 picks a transaction, and 75% of them
/// reach its limit of 100 and approve one parent. Here the rule's outcome is drawn exactly
/// instead, once a few plain draws have failed: the consistent tips are gathered from the
/// classes consistent with the first parent's, the number of further rejections is drawn
/// from its geometric law (capped by the rule's limit), and a success is uniform over the
/// consistent tips — the same distribution as drawing pick after pick.
///
/// Representation: transactions sharing a footprint set share a class. Each live set keeps
/// the live sets consistent with it (its *partners*) and the transactions that carried it.
/// A new set's partners follow from its parents' (the union of consistent sets is
/// consistent with exactly the sets consistent with each of them, and with its own member):
/// an intersection of the parents' partner lists, never a scan of every set, except for a
/// set with no non-empty parent set (a new conflict's first members; an attacker's restored
/// footprint). Freed set ids are reused with a new generation; list entries of an old
/// generation, and carriers since released or moved to another set, are dropped when read
/// or when the list has doubled since it was last compacted.
///
/// Under the delay model every issuer's view is the global tip set, so each set also keeps
/// its members of that set in a linked list (``trackGlobalTips(_:)``): the number of
/// consistent tips is then a sum over the consistent sets, O(1) each, and a pick walks one
/// set's list. Under gossip (a view per node) the carriers are gathered and checked instead.
///
/// - Complexity: a new set costs O(its parents' partners) and O(its partners) appends. With
///   the global tip set kept: a tip joining or leaving it O(1); a pick resolved from the
///   classes O(k · the consistent sets) plus the length of one set's list (every live set
///   when no parent carries a non-empty set). Otherwise: a transaction one append, and a
///   resolved pick O(the carriers of the consistent classes).
extension ConflictLedger {
    mutating func _appendClass() {
        _setGeneration.append(0)
        _setTipHead.append(-1)
        _setTipCount.append(0)
        _setCount.append(0)
        _setCountStamp.append(0)
        _partners.appendSet()
        _setCarriers.append([])
        _setCarriersCompacted.append(0)
    }

    /// Set `set` is freed: its lists go, and its id's next use is a new generation.
    mutating func _freeClass(_ set: Int32) {
        precondition(_setTipCount[Int(set)] == 0, "a set some tip carries stays referenced")
        _setGeneration[Int(set)] &+= 1
        _partners.free(set)
        _setCarriers[Int(set)] = []
        _setCarriersCompacted[Int(set)] = 0
    }

    @inline(__always)
    func _packed(_ set: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: set)) | UInt64(_setGeneration[Int(set)]) << 32
    }

    /// The set of a packed partner entry, or −1 when that set has been freed since.
    @inline(__always)
    func _unpacked(_ entry: UInt64) -> Int32 {
        let set = Int32(bitPattern: UInt32(truncatingIfNeeded: entry))
        return _setGeneration[Int(set)] == UInt32(truncatingIfNeeded: entry >> 32) ? set : -1
    }

    /// Records that `x` carries `set` (0 included).
    mutating func _carry(_ x: Int32, _ set: Int32) {
        guard set >= 0 else { return }
        _setCarriers[Int(set)].append(x)
        let count = _setCarriers[Int(set)].count
        if count > 2 * Int(_setCarriersCompacted[Int(set)]) + 64 { _compactCarriers(set) }
    }

    /// Drops the carriers of `set` that no longer carry it (released, or moved to a bigger
    /// set by a new conflict).
    mutating func _compactCarriers(_ set: Int32) {
        let footprint = self.footprint
        _setCarriers[Int(set)].removeAll { footprint[Int($0)] != set }
        _setCarriersCompacted[Int(set)] = Int32(_setCarriers[Int(set)].count)
    }

    /// Whether sets `a` and `b` (both consistent themselves) hold no two members of one
    /// conflict.
    mutating func _setsConsistent(_ a: Int32, _ b: Int32) -> Bool {
        if a == 0 || b == 0 || a == b { return true }
        _pairStampValue &+= 1
        if _pairStampValue == 0 {
            for index in _pairStamp.indices { _pairStamp[index] = 0 }
            _pairStampValue = 1
        }
        for member in _sets[Int(a)] {
            let conflict = Int(memberConflict[Int(member)])
            _pairStamp[conflict] = _pairStampValue
            _pairMember[conflict] = member
        }
        for member in _sets[Int(b)] {
            let conflict = Int(memberConflict[Int(member)])
            if _pairStamp[conflict] == _pairStampValue, _pairMember[conflict] != member { return false }
        }
        return true
    }

    /// Whether tips `a` and `b` may both join the parents chosen so far: each is accepted
    /// (``accepts(_:)``) and their footprints hold no two members of one conflict.
    ///
    /// - Complexity: O(1) when either footprint is empty, O(sum of their sizes) otherwise.
    public mutating func acceptsPair(_ a: Int32, _ b: Int32) -> Bool {
        accepts(a) && accepts(b) && _setsConsistent(footprint[Int(a)], footprint[Int(b)])
    }

    /// Whether `set` holds a rival of `member`.
    func _holdsRival(of member: Int32, _ set: Int32) -> Bool {
        let conflict = memberConflict[Int(member)]
        for other in _sets[Int(set)] where other != member && memberConflict[Int(other)] == conflict { return true }
        return false
    }

    /// Finds the partners of the new set `set`, the union of `parentSets` and `ownMember`
    /// (the empty set's entries ignored), and adds `set` to theirs.
    mutating func _findPartners(of set: Int32, parentSets: [Int32], ownMember: Int32?) {
        guard _setConsistent[Int(set)] else { return }  // consistent with nothing
        var parents = parentSets.filter { $0 > 0 }
        parents.sort()
        parents.removeAll(where: { $0 == set })
        _partnerScratch.removeAll(keepingCapacity: true)
        if parents.isEmpty {
            // No non-empty parent: every live set, each checked.
            for other in _sets.indices where other > 0 && other != Int(set) && _setReferences[other] > 0 {
                let candidate = Int32(other)
                if _setConsistent[other], _setsConsistent(set, candidate) { _partnerScratch.append(_packed(candidate)) }
            }
        } else {
            // Sets consistent with every parent set (or a parent itself: a parent is a
            // subset of `set`), then with the own member.
            // A set's count of the parents it is consistent with (or is), valid at the
            // current stamp; the first parent's list gives the candidates.
            _countStamp &+= 1
            if _countStamp == 0 {
                for index in _setCountStamp.indices { _setCountStamp[index] = 0 }
                _countStamp = 1
            }
            let stamp = _countStamp
            var touched = _countTouched
            _countTouched = []
            touched.removeAll(keepingCapacity: true)
            // Through buffers: one uniqueness check per column, not one per entry.
            let generation = _setGeneration
            _setCountStamp.withUnsafeMutableBufferPointer { stamps in
                _setCount.withUnsafeMutableBufferPointer { counts in
                    @inline(__always)
                    func count(_ other: Int32, _ index: Int) {
                        guard other > 0, other != set else { return }
                        if index == 0 {
                            guard stamps[Int(other)] != stamp else { return }
                            stamps[Int(other)] = stamp
                            counts[Int(other)] = 1
                            touched.append(other)
                        } else if stamps[Int(other)] == stamp, counts[Int(other)] == Int32(index) {
                            counts[Int(other)] += 1
                        }
                    }
                    generation.withUnsafeBufferPointer { generation in
                        for (index, parent) in parents.enumerated() {
                            count(parent, index)
                            _partners.withList(of: parent) { entries in
                                for entry in entries where PartnerLists.isLive(entry, generation: generation) {
                                    // A freed set's entry (an older generation) counts for nothing.
                                    count(Int32(bitPattern: UInt32(truncatingIfNeeded: entry)), index)
                                }
                            }
                        }
                    }
                }
            }
            _countTouched = touched
            for other in _countTouched where _setCount[Int(other)] == Int32(parents.count) {
                if let ownMember, _holdsRival(of: ownMember, other) { continue }
                _partnerScratch.append(_packed(other))
            }
            _partnerScratch.sort()
        }
        _partners.setList(of: set, to: _partnerScratch)
        let own = _packed(set)
        _partners.append(own, toEach: _partnerScratch)
    }

    /// The tips of `view` the current choice accepts that are not in `parents`, into
    /// ``candidates``: the carriers of the sets consistent with the first parent's (every
    /// set when no parent carries a non-empty set), each checked as ``accepts(_:)`` does;
    /// where the global tip set is kept by set, `view` must be that set, and its lists are
    /// read instead.
    ///
    /// - Complexity: O(carriers of the candidate sets), or O(the tips offered) from the lists.
    public mutating func consistentTips<View: TangleView>(of view: View, excluding parents: [Int32]) {
        candidates.removeAll(keepingCapacity: true)
        if tracksGlobalTips {
            // `view` is the global tip set: read the lists of the sets that offer tips.
            var offered = ContiguousArray<Int32>()
            _ = _forEachOfferingSet(excluding: parents) { set, _ in
                offered.append(set)
                return false
            }
            for set in offered {
                var x = _setTipHead[Int(set)]
                while x >= 0 {
                    if !parents.contains(x) { candidates.append(x) }
                    x = _tipLinks[Int(x)].next
                }
            }
            return
        }
        var base: Int32 = 0
        for parent in parents where footprint[Int(parent)] > 0 {
            base = footprint[Int(parent)]
            break
        }
        // With one parent chosen and nothing else, its set's partners are exactly the sets
        // the choice accepts (no decision binds anyone where classes are kept).
        let check = parents.count > 1 || _choiceHasMore
        let footprint = self.footprint
        func gather(_ set: Int32) {
            if set > 0, check ? !_accepts(set: set) : !_setConsistent[Int(set)] { return }
            // Read and compact in one pass: carriers that no longer carry the set go.
            var kept = 0
            _setCarriers[Int(set)].withUnsafeMutableBufferPointer { carriers in
                for index in carriers.indices {
                    let x = carriers[index]
                    guard footprint[Int(x)] == set else { continue }
                    carriers[kept] = x
                    kept += 1
                    if view.isTip(x), !parents.contains(x) { candidates.append(x) }
                }
            }
            _setCarriers[Int(set)].removeLast(_setCarriers[Int(set)].count - kept)
            _setCarriersCompacted[Int(set)] = Int32(kept)
        }
        gather(0)
        if base > 0 {
            gather(base)
            var index = 0
            while index < _partners.count(of: base) {
                let other = _unpacked(_partners.entry(at: index, of: base))
                if other < 0 {
                    _partners.swapRemove(at: index, of: base)
                    continue
                }
                gather(other)
                index += 1
            }
        } else {
            for set in _sets.indices where set > 0 && _setReferences[set] > 0 { gather(Int32(set)) }
        }
    }

    // MARK: - The global tip set by set

    /// Keeps, from now on, the members of the global tip set `tips` per footprint set: the
    /// caller reports every change of that set (``tipDidAppear(_:)``, ``tipDidLeave(_:)``),
    /// and every view it passes to ``UniformTipSelector/selectConsistentParents(_:tangle:view:ledger:into:rng:)``
    /// is that set.
    public mutating func trackGlobalTips(_ tips: TipSet) {
        precondition(samplesByClass, "only the classes keep tips by set")
        tracksGlobalTips = true
        _tipLinks = ContiguousArray(repeating: .unlinked, count: footprint.count)
        _tipLinks.reserveCapacity(footprint.capacity)
        for tip in tips.members { tipDidAppear(tip) }
    }

    /// `x` joined the global tip set.
    public mutating func tipDidAppear(_ x: Int32) {
        guard tracksGlobalTips else { return }
        let set = footprint[Int(x)]
        precondition(set >= 0 && !_isTrackedTip(x), "a tip joins once, with its footprint")
        _linkTip(x, into: set)
        trackedTipCount += 1
    }

    /// `x` became visible at every node under the delay model: it joined the global tip set
    /// `tips` (when `joined`), and its parents leave it. A parent leaving the global tip set
    /// can never be chosen again, except a milestone, which the next milestone approves as
    /// the previous one — and any transaction, when lazy devices approve old ones: so a
    /// parent's footprint is released only when `releasing` and it is neither a milestone nor
    /// the genesis.
    ///
    /// One call on the ledger rather than one per change: each access through the
    /// simulation's optional ledger checked it was there. Not a closure over the simulation's
    /// Tangle: a closure reading it while the ledger mutated made the compiler copy the whole
    /// Tangle (a retain and release of each column) at every visibility, a fifth of
    /// `urts-1m-double-spends.json`'s time.
    ///
    /// Where the global tip set is kept by set, the lists, counts, footprints and references
    /// are written through one buffer each for the whole call: a call per change checked
    /// each column's uniqueness at each write, thirteen checks a transaction instead of five.
    /// (Sets left unreferenced are freed after.)
    public mutating func didBecomeVisible(_ x: Int32, joined: Bool, tangle: Tangle, tips: inout TipSet, releasing: Bool) {
        guard tracksGlobalTips else {
            // Not `parents(of:)`, which retained and released the Tangle's column of slots.
            tangle.forEachParent(of: x) { parent in
                guard tips.remove(parent) else { return }
                if releasing, parent != 0, !tangle.isMilestone(parent) { release(parent) }
            }
            return
        }
        var tracked = 0
        // Sets no transaction references any more, freed once the buffers are closed.
        var unreferenced: [Int32] = []
        // Nested buffers, one per column; the body is `_visible(...)` below.
        _tipLinks.withUnsafeMutableBufferPointer { links in
            _setTipHead.withUnsafeMutableBufferPointer { heads in
                _setTipCount.withUnsafeMutableBufferPointer { counts in
                    footprint.withUnsafeMutableBufferPointer { footprint in
                        _setReferences.withUnsafeMutableBufferPointer { references in
                            Self._visible(
                                x, joined: joined, tangle: tangle, tips: &tips, releasing: releasing, links: links,
                                heads: heads, counts: counts, footprint: footprint, references: references,
                                tracked: &tracked, unreferenced: &unreferenced)
                        }
                    }
                }
            }
        }
        trackedTipCount += tracked
        for set in unreferenced { _freeSet(set) }
    }

    /// The body of ``didBecomeVisible(_:joined:tangle:tips:releasing:)`` with the global tip
    /// set kept by set, on the columns' buffers: `x` joins its set's list (when `joined`),
    /// each parent leaving the tip set leaves its set's list, and its footprint is released
    /// (when `releasing`, as ``release(_:)`` does) — a set whose references reach 0 is
    /// appended to `unreferenced`, for the caller to free.
    @inline(__always)
    static func _visible(
        _ x: Int32, joined: Bool, tangle: Tangle, tips: inout TipSet, releasing: Bool,
        links: UnsafeMutableBufferPointer<TipLink>, heads: UnsafeMutableBufferPointer<Int32>,
        counts: UnsafeMutableBufferPointer<Int32>, footprint: UnsafeMutableBufferPointer<Int32>,
        references: UnsafeMutableBufferPointer<Int32>, tracked: inout Int, unreferenced: inout [Int32]
    ) {
        if joined {
            let set = footprint[Int(x)]
            precondition(set >= 0 && links[Int(x)].previous == -2, "a tip joins once, with its footprint")
            _link(x, into: set, links: links, heads: heads, counts: counts)
            tracked += 1
        }
        tangle.forEachParent(of: x) { parent in
            guard tips.remove(parent) else { return }
            let set = Int(footprint[Int(parent)])
            if links[Int(parent)].previous != -2 {
                _unlink(parent, from: Int32(set), links: links, heads: heads, counts: counts)
                tracked -= 1
            }
            guard releasing, parent != 0, !tangle.isMilestone(parent) else { return }
            footprint[Int(parent)] = -1
            guard set > 0 else { return }
            references[set] -= 1
            if references[set] == 0 { unreferenced.append(Int32(set)) }
        }
    }

    /// `x` left the global tip set.
    public mutating func tipDidLeave(_ x: Int32) {
        guard tracksGlobalTips, _isTrackedTip(x) else { return }
        _unlinkTip(x, from: footprint[Int(x)])
        trackedTipCount -= 1
    }

    @inline(__always)
    func _isTrackedTip(_ x: Int32) -> Bool { _tipLinks[Int(x)].previous != -2 }

    // The links, heads and counts are written through buffers, each checked once: a write per
    // field through the column checked its uniqueness each time (link and unlink were 2.5% of
    // `urts-1m-double-spends.json`'s instructions).

    mutating func _linkTip(_ x: Int32, into set: Int32) {
        precondition(Int(x) < _tipLinks.count, "links of recorded transactions")
        _tipLinks.withUnsafeMutableBufferPointer { links in
            _setTipHead.withUnsafeMutableBufferPointer { heads in
                _setTipCount.withUnsafeMutableBufferPointer { counts in
                    Self._link(x, into: set, links: links, heads: heads, counts: counts)
                }
            }
        }
    }

    mutating func _unlinkTip(_ x: Int32, from set: Int32) {
        precondition(Int(x) < _tipLinks.count, "links of recorded transactions")
        _tipLinks.withUnsafeMutableBufferPointer { links in
            _setTipHead.withUnsafeMutableBufferPointer { heads in
                _setTipCount.withUnsafeMutableBufferPointer { counts in
                    Self._unlink(x, from: set, links: links, heads: heads, counts: counts)
                }
            }
        }
    }

    /// Puts `x` at the head of set `set`'s list of tips, on the columns' buffers: the one
    /// body of ``_linkTip(_:into:)`` and of the visibility work, which holds the buffers for
    /// a whole call.
    @inline(__always)
    static func _link(
        _ x: Int32, into set: Int32, links: UnsafeMutableBufferPointer<TipLink>, heads: UnsafeMutableBufferPointer<Int32>,
        counts: UnsafeMutableBufferPointer<Int32>
    ) {
        let head = heads[Int(set)]
        precondition(Int(head) < links.count, "links of recorded transactions")
        links[Int(x)] = TipLink(next: head, previous: -1)
        if head >= 0 { links[Int(head)].previous = x }
        heads[Int(set)] = x
        counts[Int(set)] += 1
    }

    /// Takes `x` (a member) out of set `set`'s list of tips, on the columns' buffers (the one
    /// body of ``_unlinkTip(_:from:)`` and of the visibility work).
    @inline(__always)
    static func _unlink(
        _ x: Int32, from set: Int32, links: UnsafeMutableBufferPointer<TipLink>, heads: UnsafeMutableBufferPointer<Int32>,
        counts: UnsafeMutableBufferPointer<Int32>
    ) {
        let link = links[Int(x)]
        precondition(Int(link.previous) < links.count && Int(link.next) < links.count, "links of recorded transactions")
        if link.previous >= 0 { links[Int(link.previous)].next = link.next } else { heads[Int(set)] = link.next }
        if link.next >= 0 { links[Int(link.next)].previous = link.previous }
        links[Int(x)] = .unlinked
        counts[Int(set)] -= 1
    }

    /// The plain draws a pick makes before it is resolved from the classes: none where the
    /// global tip set is kept by set and a parent chosen so far carries a non-empty set —
    /// counting the consistent tips then costs O(k) per consistent set, less than a few
    /// draws that are likely rejected — and ``UniformTipSelector/plainDrawsBeforeClasses``
    /// otherwise (the first pick, and picks beside parents downstream of no conflict, are
    /// rarely rejected; resolving them would walk every live set).
    @inline(__always)
    public func plainDrawsBeforeClasses(after parents: [Int32]) -> Int {
        if tracksGlobalTips, parents.contains(where: { footprint[Int($0)] > 0 }) { return 0 }
        return UniformTipSelector.plainDrawsBeforeClasses
    }

    /// The number of members of the global tip set the current choice accepts that are not
    /// in `parents` — the tips ``consistentTips(of:excluding:)`` would gather from that set.
    ///
    /// - Complexity: O(k) per consistent set with tips: those consistent with the first
    ///   parent's set, or every live set when no parent carries a non-empty set.
    public mutating func countConsistentTips(excluding parents: [Int32]) -> Int {
        precondition(tracksGlobalTips, "tips are kept by set")
        if let (base, before) = _offeredBesideOneParent(parents) {
            let pass = _partners.tips(of: base, generation: _setGeneration, tips: _setTipCount)
            if pass.stale { _dropFreedPartners(of: base) }
            return before + pass.before
        }
        var total = 0
        let stale = _forEachOfferingSet(excluding: parents) { _, count in
            total += count
            return false
        }
        if stale { _dropFreedPartners(of: _baseSet(of: parents)) }
        return total
    }

    /// Where one parent is chosen and nothing else, and it carries a non-empty set: that set
    /// (the *base*), whose partners are exactly the sets the choice accepts besides the empty
    /// set and itself (as in ``_forEachOfferingSet(excluding:_:)``), and the tips those two
    /// offer. Nil otherwise.
    @inline(__always)
    func _offeredBesideOneParent(_ parents: [Int32]) -> (base: Int32, tips: Int)? {
        guard parents.count == 1, !_choiceHasMore else { return nil }
        let parent = parents[0]
        let base = footprint[Int(parent)]
        guard base > 0 else { return nil }
        var tips = Int(_setTipCount[0])
        if _setConsistent[Int(base)] {
            tips += Int(_setTipCount[Int(base)])
            if _isTrackedTip(parent) { tips -= 1 }
        }
        return (base, tips)
    }

    /// The tip at `index` (below ``countConsistentTips(excluding:)``, with nothing changed
    /// since) among the tips it counted, in a fixed order: set by set, each set's list from
    /// its head.
    public mutating func consistentTip(at index: Int, excluding parents: [Int32]) -> Int32 {
        var remaining = index
        var found: Int32 = -1
        if let (base, before) = _offeredBesideOneParent(parents) {
            // The order of ``countConsistentTips(excluding:)``: the empty set, the base set,
            // then its live partners in the order of its list.
            let empty = Int(_setTipCount[0])
            if remaining < empty { return _tip(at: remaining, of: 0, excluding: parents) }
            if remaining < before { return _tip(at: remaining - empty, of: base, excluding: parents) }
            let pass = _partners.tips(of: base, generation: _setGeneration, tips: _setTipCount, holding: remaining - before)
            precondition(pass.set >= 0, "an index below the count of consistent tips")
            return _tip(at: remaining - before - pass.before, of: pass.set, excluding: parents)
        }
        _ = _forEachOfferingSet(excluding: parents) { set, count in
            if remaining >= count {
                remaining -= count
                return false
            }
            found = set
            return true
        }
        precondition(found >= 0, "an index below the count of consistent tips")
        return _tip(at: remaining, of: found, excluding: parents)
    }

    /// The tip at `index` of set `set`'s list, those in `parents` skipped.
    ///
    /// `mutating` only so that it reads the ledger in place (see ``_forEachOfferingSet(excluding:_:)``).
    mutating func _tip(at index: Int, of set: Int32, excluding parents: [Int32]) -> Int32 {
        var remaining = index
        var x = _setTipHead[Int(set)]
        while x >= 0 {
            if !parents.contains(x) {
                if remaining == 0 { return x }
                remaining -= 1
            }
            x = _tipLinks[Int(x)].next
        }
        preconditionFailure("a set's list holds its count of tips")
    }

    /// The first non-empty set among the parents' (0: none).
    @inline(__always)
    func _baseSet(of parents: [Int32]) -> Int32 {
        for parent in parents where footprint[Int(parent)] > 0 { return footprint[Int(parent)] }
        return 0
    }

    /// Calls `body` with each set the current choice accepts that holds members of the
    /// global tip set not in `parents`, and their number, in a fixed order, until it returns
    /// true; returns whether the base set's partner list holds entries of freed sets.
    ///
    /// One parent and nothing else chosen accept exactly the base set's partners, as in
    /// ``consistentTips(of:excluding:)``; otherwise each set is checked.
    ///
    /// `mutating` only so that it reads the ledger in place: a non-mutating call on a ledger
    /// held `inout` copied the whole struct (a memcpy and a retain per column) every time.
    @inline(__always)
    mutating func _forEachOfferingSet(excluding parents: [Int32], _ body: (Int32, Int) -> Bool) -> Bool {
        let check = parents.count > 1 || _choiceHasMore
        @inline(__always)
        func offered(_ set: Int32) -> Int {
            var count = Int(_setTipCount[Int(set)])
            guard count > 0 else { return 0 }
            if set > 0, check ? !_accepts(set: set) : !_setConsistent[Int(set)] { return 0 }
            for parent in parents where footprint[Int(parent)] == set && _isTrackedTip(parent) { count -= 1 }
            return count
        }
        let empty = offered(0)
        if empty > 0, body(0, empty) { return false }
        let base = _baseSet(of: parents)
        if base > 0 {
            let own = offered(base)
            if own > 0, body(base, own) { return false }
            var stale = false
            for index in 0..<_partners.count(of: base) {
                let other = _unpacked(_partners.entry(at: index, of: base))
                if other < 0 {
                    stale = true
                    continue
                }
                let count = offered(other)
                if count > 0, body(other, count) { return stale }
            }
            return stale
        }
        for set in _sets.indices where set > 0 && _setReferences[set] > 0 {
            let count = offered(Int32(set))
            if count > 0, body(Int32(set), count) { return false }
        }
        return false
    }

    // MARK: - Unions met before

    /// The entries of the union cache (a power of two).
    static let _unionCacheSize = 2048

    /// The set id of the union of sets `a` and `b` (distinct, non-empty, live) if the cache
    /// holds it and it is still live, else nil.
    ///
    /// Why: a transaction approving tips of two partner sets makes their union, and under URTS
    /// with accidental double spends the same pairs meet again and again (some 69,000 unions
    /// a million transactions, 7,600 of them new sets): merging, sorting and hashing two
    /// lists of members each time was most of ``didIssue(_:parents:ownMember:payload:now:isMilestone:)``'s
    /// cost. Sets never change once interned, and a freed id's next use has a new generation,
    /// so an entry whose three generations match is the union.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    func _cachedUnion(_ a: Int32, _ b: Int32) -> Int32? {
        guard !_unionCache.isEmpty else { return nil }
        let (low, high) = a < b ? (a, b) : (b, a)
        let first = _packed(low), second = _packed(high)
        let entry = _unionCache[Self._unionSlot(first, second)]
        guard entry.first == first, entry.second == second else { return nil }
        let union = _unpacked(entry.union)
        return union > 0 ? union : nil
    }

    /// Records that the union of sets `a` and `b` is set `union`.
    mutating func _cacheUnion(_ a: Int32, _ b: Int32, _ union: Int32) {
        if _unionCache.isEmpty {
            _unionCache = ContiguousArray(repeating: UnionCacheEntry(first: 0, second: 0, union: 0), count: Self._unionCacheSize)
        }
        let (low, high) = a < b ? (a, b) : (b, a)
        let first = _packed(low), second = _packed(high)
        _unionCache[Self._unionSlot(first, second)] = UnionCacheEntry(first: first, second: second, union: _packed(union))
    }

    @inline(__always)
    static func _unionSlot(_ first: UInt64, _ second: UInt64) -> Int {
        let mixed = (first &* 0x9E37_79B9_7F4A_7C15) ^ (second &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> 53) & (_unionCacheSize - 1)
    }

    /// Drops the entries of freed sets from the partner list of `set`, in place.
    mutating func _dropFreedPartners(of set: Int32) {
        let generation = _setGeneration
        _partners.withMutableList(of: set) { entries in
            generation.withUnsafeBufferPointer { generation in
                var kept = 0
                for index in entries.indices {
                    let entry = entries[index]
                    guard PartnerLists.isLive(entry, generation: generation) else { continue }
                    entries[kept] = entry
                    kept += 1
                }
                return kept
            }
        }
    }
}

/// An entry of the union cache: two sets and their union, each as id | generation << 32
/// (all 0: empty, never matched — set 0 is never cached).
struct UnionCacheEntry {
    var first: UInt64
    var second: UInt64
    var union: UInt64
}

/// A transaction's links in its set's list of members of the global tip set.
struct TipLink {
    /// The next member (−1: none).
    var next: Int32
    /// The previous member (−1: none; −2: not a member).
    var previous: Int32

    static let unlinked = TipLink(next: -1, previous: -2)
}
