import Testing
@testable import SiameseCore
@testable import SiameseData

@Suite struct BalancedPairSamplerTests {
    // Class 0 is common (90 items), classes 1–3 rare (5 items each), class 4 a singleton.
    let labels = Array(repeating: 0, count: 90) + (1...3).flatMap { Array(repeating: $0, count: 5) } + [4]

    @Test func balanceAndClassCoverageAreStatisticallyRight() throws {
        let sampler = try BalancedPairSampler(labels: labels, positiveFraction: 0.3)
        var g = SeededGenerator(seed: 1)
        let pairs = sampler.pairs(20_000, generator: &g)
        let positives = pairs.filter(\.same).count
        // Binomial(20000, 0.3): σ ≈ 65, so ±4σ ≈ 260.
        #expect(Swift.abs(positives - 6000) < 260)
        #expect(pairs.allSatisfy { $0.first != $0.second })
        #expect(pairs.allSatisfy { $0.same == (labels[$0.first] == labels[$0.second]) })
        // Class-first anchors: each of the 4 pairable classes gives about a quarter of the positives.
        for c in 0...3 {
            let n = pairs.filter { $0.same && labels[$0.first] == c }.count
            #expect(Swift.abs(Double(n) / Double(positives) - 0.25) < 0.03)
        }
        #expect(!pairs.contains { $0.same && labels[$0.first] == 4 })
    }

    @Test func sameSeedSamePairs() throws {
        let sampler = try BalancedPairSampler(labels: labels)
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        #expect(sampler.pairs(100, generator: &g1) == sampler.pairs(100, generator: &g2))
    }

    @Test func impossibleRequestsAreRejected() {
        #expect(throws: DataError.empty(path: "pair sampler")) { try BalancedPairSampler(labels: []) }
        #expect(throws: DataError.self) { try BalancedPairSampler(labels: [0, 1, 2]) }
        #expect(throws: DataError.self) { try BalancedPairSampler(labels: [3, 3, 3]) }
        #expect((try? BalancedPairSampler(labels: [3, 3, 3], positiveFraction: 1)) != nil)
    }
}

@Suite struct PairAndTripletGenerationTests {
    let labels = [0, 0, 0, 1, 1, 2]

    @Test func selfPairsOnlyWhenAsked() throws {
        var g = SeededGenerator(seed: 2)
        let strict = try BalancedPairSampler(labels: labels, positiveFraction: 1).pairs(500, generator: &g)
        #expect(strict.allSatisfy { $0.first != $0.second })
        let loose = try BalancedPairSampler(labels: labels, positiveFraction: 1, allowSelfPairs: true).pairs(500, generator: &g)
        #expect(loose.contains { $0.first == $0.second })
        #expect(loose.contains { labels[$0.first] == 2 })  // the singleton class can now form (self) positives
    }

    @Test func allPairsWithinABatch() {
        let pairs = BalancedPairSampler.allPairs(labels: labels)
        #expect(pairs.count == 15 && pairs.filter(\.same).count == 4)
        #expect(BalancedPairSampler.allPairs(labels: labels, includeSelf: true).count == 21)
    }

    @Test func tripletsAreValidAndSeeded() throws {
        let sampler = try TripletSampler(labels: labels)
        var g1 = SeededGenerator(seed: 4), g2 = SeededGenerator(seed: 4)
        let t = sampler.triplets(300, generator: &g1)
        #expect(t == sampler.triplets(300, generator: &g2))
        #expect(t.allSatisfy { labels[$0.anchor] == labels[$0.positive] && $0.anchor != $0.positive && labels[$0.negative] != labels[$0.anchor] })
        #expect(Set(t.map { labels[$0.negative] }) == [0, 1, 2])
    }
}
