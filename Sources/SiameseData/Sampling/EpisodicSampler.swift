import SiameseCore

/// N-way K-shot episodes for few-shot training and evaluation: `ways` classes, `shots` support items and
/// `queries` query items per class, all distinct. Seeded.
public struct EpisodicSampler: Sendable {
    /// One episode: support and query item indices with their episode-local class (0..<ways).
    public struct Episode: Sendable, Equatable {
        public let support: [Int], supportClasses: [Int]
        public let query: [Int], queryClasses: [Int]

        public init(support: [Int], supportClasses: [Int], query: [Int], queryClasses: [Int]) {
            self.support = support; self.supportClasses = supportClasses; self.query = query; self.queryClasses = queryClasses
        }
    }

    public let ways: Int, shots: Int, queries: Int
    let members: [Int: [Int]]
    let eligible: [Int]

    public init(labels: [Int], ways: Int, shots: Int, queries: Int = 1) {
        precondition(ways >= 2 && shots >= 1 && queries >= 1, "EpisodicSampler: need ways ≥ 2, shots ≥ 1, queries ≥ 1")
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
        eligible = members.keys.sorted().filter { members[$0]!.count >= shots + queries }
        precondition(eligible.count >= ways, "EpisodicSampler: only \(eligible.count) classes have \(shots + queries) items; \(ways) needed")
        self.members = members
        self.ways = ways; self.shots = shots; self.queries = queries
    }

    public func episode(generator: inout SeededGenerator) -> Episode {
        var classes = eligible
        classes.shuffle(using: &generator)
        var support: [Int] = [], supportClasses: [Int] = [], query: [Int] = [], queryClasses: [Int] = []
        for (k, c) in classes.prefix(ways).enumerated() {
            var items = members[c]!
            items.shuffle(using: &generator)
            support += items.prefix(shots); supportClasses += Array(repeating: k, count: shots)
            query += items.dropFirst(shots).prefix(queries); queryClasses += Array(repeating: k, count: queries)
        }
        return Episode(support: support, supportClasses: supportClasses, query: query, queryClasses: queryClasses)
    }
}

/// A fixed set of triplets drawn once (for reproducible validation): anchor, positive of the same class,
/// negative of another class. Seeded.
public struct FixedSetOfTriplets: Sendable {
    public let triplets: [(anchor: Int, positive: Int, negative: Int)]

    public init(labels: [Int], count: Int, generator: inout SeededGenerator) {
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
        let pairable = members.keys.sorted().filter { members[$0]!.count >= 2 }
        let classes = members.keys.sorted()
        precondition(!pairable.isEmpty && classes.count >= 2, "FixedSetOfTriplets: need a class with two items and a second class")
        triplets = (0..<count).map { _ in
            let c = pairable[generator.nextInt(below: pairable.count)]
            let m = members[c]!
            let i = generator.nextInt(below: m.count)
            var j = generator.nextInt(below: m.count - 1)
            if j >= i { j += 1 }
            var other = classes[generator.nextInt(below: classes.count - 1)]
            if other >= c { other = classes[classes.firstIndex(of: other)! + 1] }
            let negatives = members[other]!
            return (m[i], m[j], negatives[generator.nextInt(below: negatives.count)])
        }
    }
}
