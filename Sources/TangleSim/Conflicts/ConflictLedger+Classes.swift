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
/// - Complexity: a new set costs O(its parents' partners) and O(its partners) appends; a
///   transaction one append. A draw costs O(the carriers of the consistent classes), paid
///   only after ``UniformTipSelector/plainDrawsBeforeClasses`` rejections in a row.
extension ConflictLedger {
    mutating func _appendClass() {
        _setGeneration.append(0)
        _setCount.append(0)
        _setCountStamp.append(0)
        _setPartners.append([])
        _setCarriers.append([])
        _setCarriersCompacted.append(0)
    }

    /// Set `set` is freed: its lists go, and its id's next use is a new generation.
    mutating func _freeClass(_ set: Int32) {
        _setGeneration[Int(set)] &+= 1
        _setPartners[Int(set)] = []
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
            func count(_ other: Int32, _ index: Int) {
                guard other > 0, other != set else { return }
                if index == 0 {
                    guard _setCountStamp[Int(other)] != stamp else { return }
                    _setCountStamp[Int(other)] = stamp
                    _setCount[Int(other)] = 1
                    _countTouched.append(other)
                } else if _setCountStamp[Int(other)] == stamp, _setCount[Int(other)] == Int32(index) {
                    _setCount[Int(other)] += 1
                }
            }
            _countTouched.removeAll(keepingCapacity: true)
            for (index, parent) in parents.enumerated() {
                count(parent, index)
                for entry in _setPartners[Int(parent)] { count(_unpacked(entry), index) }
            }
            for other in _countTouched where _setCount[Int(other)] == Int32(parents.count) {
                if let ownMember, _holdsRival(of: ownMember, other) { continue }
                _partnerScratch.append(_packed(other))
            }
            _partnerScratch.sort()
        }
        _setPartners[Int(set)] = _partnerScratch
        let own = _packed(set)
        for entry in _partnerScratch { _setPartners[Int(UInt32(truncatingIfNeeded: entry))].append(own) }
    }

    /// The tips of `view` the current choice accepts that are not in `parents`, into
    /// ``candidates``: the carriers of the sets consistent with the first parent's (every
    /// set when no parent carries a non-empty set), each checked as ``accepts(_:)`` does.
    ///
    /// - Complexity: O(carriers of the candidate sets).
    public mutating func consistentTips<View: TangleView>(of view: View, excluding parents: [Int32]) {
        candidates.removeAll(keepingCapacity: true)
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
            if set > 0, check, !_accepts(set: set) { return }
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
            while index < _setPartners[Int(base)].count {
                let other = _unpacked(_setPartners[Int(base)][index])
                if other < 0 {
                    _setPartners[Int(base)].swapAt(index, _setPartners[Int(base)].count - 1)
                    _setPartners[Int(base)].removeLast()
                    continue
                }
                gather(other)
                index += 1
            }
        } else {
            for set in _sets.indices where set > 0 && _setReferences[set] > 0 { gather(Int32(set)) }
        }
    }
}
