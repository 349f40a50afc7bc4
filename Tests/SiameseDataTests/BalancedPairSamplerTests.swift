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
