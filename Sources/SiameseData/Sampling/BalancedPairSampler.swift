import SiameseCore

/// Draws labelled pairs from a labelled set: a chosen fraction of *same* pairs, the rest *different*.
///
/// Anchors are drawn class-first (a uniformly random class, then a random member), so rare classes are
/// not drowned by common ones. An item is never paired with itself, and classes with a single member
/// never supply a positive pair. The generator is explicit, so the same seed gives the same pairs.
public struct BalancedPairSampler: Sendable {
    /// One pair: two item indices and whether they share a class.
    public struct Pair: Sendable, Equatable {
        public let first: Int, second: Int
        public let same: Bool

        public init(first: Int, second: Int, same: Bool) {
            self.first = first; self.second = second; self.same = same
        }
    }

    public let labels: [Int]
    public let positiveFraction: Double
    /// Whether a positive pair may be an item with itself (off by default).
    public let allowSelfPairs: Bool
    let members: [Int: [Int]]
    let classes: [Int]
    let pairableClasses: [Int]

    /// - Parameters:
    ///   - labels: the class of each item.
    ///   - positiveFraction: the expected fraction of same-class pairs (default ½).
    /// - Throws: ``DataError/empty(path:)`` without items, or ``DataError/corrupt(path:reason:)`` when
    ///   positives or negatives are impossible (no class with two members, or a single class).
    public init(labels: [Int], positiveFraction: Double = 0.5, allowSelfPairs: Bool = false) throws {
        precondition(positiveFraction >= 0 && positiveFraction <= 1, "BalancedPairSampler: positiveFraction must be in [0, 1]")
        guard !labels.isEmpty else { throw DataError.empty(path: "pair sampler") }
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
        self.labels = labels
        self.positiveFraction = positiveFraction
        self.allowSelfPairs = allowSelfPairs
        self.members = members
        classes = members.keys.sorted()
        pairableClasses = classes.filter { allowSelfPairs || members[$0]!.count >= 2 }
        if positiveFraction > 0 && pairableClasses.isEmpty {
            throw DataError.corrupt(path: "pair sampler", reason: "no class has two items, so no positive pair exists")
        }
        if positiveFraction < 1 && classes.count < 2 {
            throw DataError.corrupt(path: "pair sampler", reason: "a single class gives no negative pair")
        }
    }

    /// `count` pairs drawn with `generator`.
    public func pairs(_ count: Int, generator: inout SeededGenerator) -> [Pair] {
        (0..<count).map { _ in
            let wantSame = Double(generator.nextUniform()) < positiveFraction
            if wantSame {
                let c = pairableClasses[generator.nextInt(below: pairableClasses.count)]
                let m = members[c]!
                let i = generator.nextInt(below: m.count)
                if allowSelfPairs { return Pair(first: m[i], second: m[generator.nextInt(below: m.count)], same: true) }
                var j = generator.nextInt(below: m.count - 1)
                if j >= i { j += 1 }
                return Pair(first: m[i], second: m[j], same: true)
            }
            let ci = generator.nextInt(below: classes.count)
            var cj = generator.nextInt(below: classes.count - 1)
            if cj >= ci { cj += 1 }
            let a = members[classes[ci]]!, b = members[classes[cj]]!
            return Pair(first: a[generator.nextInt(below: a.count)], second: b[generator.nextInt(below: b.count)], same: false)
        }
    }
}

extension BalancedPairSampler {
    /// Every unordered pair `(i, j)`, `i < j`, of a batch with its same/different flag (and `(i, i)` when
    /// `includeSelf`), for losses that compare all pairs within a batch.
    public static func allPairs(labels: [Int], includeSelf: Bool = false) -> [Pair] {
        var out: [Pair] = []
        for i in labels.indices {
            for j in (includeSelf ? i : i + 1)..<labels.count { out.append(Pair(first: i, second: j, same: labels[i] == labels[j])) }
        }
        return out
    }
}

/// Random triplets (anchor, positive of the same class, negative of another class) with class-first anchors,
/// never pairing an item with itself. Seeded.
public struct TripletSampler: Sendable {
    public struct Triplet: Sendable, Equatable { public let anchor: Int, positive: Int, negative: Int }
    let pairs: BalancedPairSampler

    public init(labels: [Int]) throws { pairs = try BalancedPairSampler(labels: labels, positiveFraction: 1) }

    public func triplets(_ count: Int, generator: inout SeededGenerator) -> [Triplet] {
        let classes = pairs.classes
        precondition(classes.count >= 2, "TripletSampler: need two classes")
        return pairs.pairs(count, generator: &generator).map { p in
            let own = pairs.labels[p.first]
            var other = classes[generator.nextInt(below: classes.count - 1)]
            if other >= own { other = classes[classes.firstIndex(of: other)! + 1] }
            let m = pairs.members[other]!
            return Triplet(anchor: p.first, positive: p.second, negative: m[generator.nextInt(below: m.count)])
        }
    }
}
