import Testing
import TangleSim

@Suite("Tangle storage")
struct TangleTests {
    @Test("parents and approvers are recorded both ways; the first approver is the earliest")
    func edges() {
        var tangle = Tangle(parents: 2)
        let a = tangle.append(issueTime: 1, visibleTime: 2, issuer: .device(7), parents: [0])
        let b = tangle.append(issueTime: 2, visibleTime: 3, issuer: .device(8), parents: [0, a])
        let c = tangle.append(issueTime: 3, visibleTime: 4, issuer: .device(9), parents: [a, b])
        let d = tangle.append(issueTime: 4, visibleTime: 5, issuer: .device(9), parents: [a])
        #expect(tangle.count == 5)
        #expect(Array(tangle.parents(of: 0)).isEmpty)
        #expect(Array(tangle.parents(of: a)) == [0])
        #expect(Array(tangle.parents(of: c)) == [a, b])
        #expect(tangle.firstApprover(of: 0) == a)
        #expect(tangle.firstApprover(of: a) == b)
        #expect(tangle.firstApprover(of: d) == nil)
        #expect(Set(tangle.approvers(of: a)) == [b, c, d])
        #expect(Array(tangle.approvers(of: a)).first == b)
        #expect(Array(tangle.approvers(of: 0)).sorted() == [a, b])
        #expect(tangle.issuer(of: c) == .device(9) && tangle.issuer(of: 0) == .genesis)
        #expect(tangle.visibleTime[Int(b)] == 3)
        var visited: [Int32] = []
        tangle.forEachParent(of: c) { visited.append($0) }
        #expect(visited == [a, b])
    }

    @Test("edge slots divide by k exactly, at the ends of the slot range and in between", arguments: 1...8)
    func edgeSlotDivisor(k: Int) {
        let divisor = EdgeSlotDivisor(k)
        var slots: [Int32] = Array(0..<4096) + Array((Int32.max - 4096)...Int32.max)
        // Around every multiple of k near powers of two, where a rounded multiplier errs first.
        for shift in 3..<31 {
            let multiple = (Int32(1) << shift) / Int32(k) * Int32(k)
            slots += Array((multiple - 2 * Int32(k))...(multiple + 2 * Int32(k)))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 { slots.append(Int32.random(in: 0...Int32.max, using: &generator)) }
        var wrong: [Int32] = []
        for slot in slots where slot >= 0 && divisor.transaction(ofSlot: slot) != slot / Int32(k) { wrong.append(slot) }
        #expect(wrong.isEmpty, "k = \(k): \(wrong.prefix(5))")
    }

    @Test("random tangles: approver lists are exactly the inverse of parent lists", arguments: 1...10)
    func inverse(seed: UInt) {
        let rng = RandomStream(gslSeed: seed)
        let k = 1 + rng.index(below: 8)
        var tangle = Tangle(parents: k)
        var expected: [[Int32]] = [[]]
        for x in 1..<500 {
            var parents: [Int32] = []
            for _ in 0..<(1 + rng.index(below: k)) {
                let parent = Int32(rng.index(below: x))
                if !parents.contains(parent) { parents.append(parent) }
            }
            tangle.append(issueTime: Double(x), visibleTime: Double(x) + 1, issuer: .device(0), parents: parents)
            expected.append([])
            for parent in parents { expected[Int(parent)].append(Int32(x)) }
            #expect(Array(tangle.parents(of: Int32(x))) == parents)
        }
        for x in 0..<500 {
            #expect(Array(tangle.approvers(of: Int32(x))).sorted() == expected[x])
            #expect(tangle.firstApprover(of: Int32(x)) == expected[x].first)
        }
    }
}

@Suite("Tip set")
struct TipSetTests {
    @Test("insert, remove and membership agree with a reference set", arguments: 1...10)
    func matchesReference(seed: UInt) {
        let rng = RandomStream(gslSeed: seed)
        var tips = TipSet()
        var reference = Set<Int32>()
        for _ in 0..<5_000 {
            let x = Int32(rng.index(below: 300))
            if rng.uniform() < 0.55 {
                #expect(tips.insert(x) == reference.insert(x).inserted)
            } else {
                #expect(tips.remove(x) == (reference.remove(x) != nil))
            }
            #expect(tips.count == reference.count)
        }
        #expect(Set(tips.members) == reference)
        for x in Int32(0)..<400 { #expect(tips.contains(x) == reference.contains(x)) }
        for position in 0..<tips.count { #expect(reference.contains(tips[position])) }
    }
}
