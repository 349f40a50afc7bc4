import PropertyBased
import Testing
import SiameseCore
@testable import SiameseData

/// The samplers' invariants on generated label sets: batch composition, pair labels, episode structure.
@Suite struct SamplerPropertyTests {
    /// Labels for 2...12 classes of 1...6 items each, shuffled by the seed.
    static let labels = zip(Gen.int(in: 1...6).array(of: 2...12), Gen.uint64(in: 0...UInt64.max)).map { (sizes: [Int], seed: UInt64) -> [Int] in
        var g = SeededGenerator(seed: seed)
        var labels = sizes.enumerated().flatMap { Array(repeating: $0.offset * 7, count: $0.element) }
        labels.shuffle(using: &g)
        return labels
    }

    @Test func mPerClassBatchesHoldPClassesOfKItems() async {
        await propertyCheck(input: Self.labels, Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.uint64(in: 0...UInt64.max)) { labels, p, k, seed in
            let classes = Set(labels)
            guard classes.count >= p else { return }
            let sampler = MPerClassSampler(labels: labels, classesPerBatch: p, samplesPerClass: k)
            var g = SeededGenerator(seed: seed)
            let batches = sampler.epoch(generator: &g)
            #expect(batches.count == (classes.count + p - 1) / p)
            var seen = Set<Int>()
            for batch in batches {
                #expect(batch.count == p * k)
                #expect(batch.allSatisfy { labels.indices.contains($0) })
                let groups = stride(from: 0, to: batch.count, by: k).map { Array(batch[$0..<$0 + k]) }
                let groupClasses = groups.map { Set($0.map { labels[$0] }) }
                #expect(groupClasses.allSatisfy { $0.count == 1 })
                #expect(Set(groupClasses.map { $0.first! }).count == p)
                for group in groups where labels.filter({ $0 == labels[group[0]] }).count >= k {
                    #expect(Set(group).count == k)  // without replacement when the class has K items
                }
                seen.formUnion(batch.map { labels[$0] })
            }
            #expect(seen == classes)
        }
    }

    @Test func pairsAreLabelledByTheirClasses() async {
        await propertyCheck(input: Self.labels, Gen.double(in: 0...1), Gen.bool, Gen.uint64(in: 0...UInt64.max)) { labels, fraction, selfPairs, seed in
            guard let sampler = try? BalancedPairSampler(labels: labels, positiveFraction: fraction, allowSelfPairs: selfPairs) else { return }
            var g = SeededGenerator(seed: seed)
            let pairs = sampler.pairs(64, generator: &g)
            #expect(pairs.count == 64)
            for pair in pairs {
                #expect(pair.same == (labels[pair.first] == labels[pair.second]))
                if !selfPairs { #expect(pair.first != pair.second) }
            }
            if fraction == 0 { #expect(pairs.allSatisfy { !$0.same }) }
            if fraction == 1 { #expect(pairs.allSatisfy { $0.same }) }
            var again = SeededGenerator(seed: seed)
            #expect(sampler.pairs(64, generator: &again) == pairs)
        }
    }

    @Test func allPairsListsEveryUnorderedPairOnce() async {
        await propertyCheck(input: Gen.int(in: 0...3).array(of: 0...12), Gen.bool) { labels, includeSelf in
            let pairs = BalancedPairSampler.allPairs(labels: labels, includeSelf: includeSelf)
            let n = labels.count
            #expect(pairs.count == n * (n - 1) / 2 + (includeSelf ? n : 0))
            #expect(Set(pairs.map { [$0.first, $0.second] }).count == pairs.count)
            #expect(pairs.allSatisfy { $0.first <= $0.second && $0.same == (labels[$0.first] == labels[$0.second]) })
        }
    }

    @Test func episodesHoldWaysClassesWithDisjointSupportAndQuery() async {
        await propertyCheck(input: Self.labels, Gen.int(in: 2...4), Gen.int(in: 1...3), Gen.int(in: 1...2), Gen.uint64(in: 0...UInt64.max)) { labels, ways, shots, queries, seed in
            let counts = Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +)
            guard counts.values.filter({ $0 >= shots + queries }).count >= ways else { return }
            let sampler = EpisodicSampler(labels: labels, ways: ways, shots: shots, queries: queries)
            var g = SeededGenerator(seed: seed)
            let episode = sampler.episode(generator: &g)
            #expect(episode.support.count == ways * shots && episode.query.count == ways * queries)
            #expect(Set(episode.support).isDisjoint(with: episode.query))
            #expect(Set(episode.support + episode.query).count == ways * (shots + queries))
            // Episode class k is one real class, the same for its support and query items, different for each k.
            var real: [Int: Int] = [:]
            for (item, k) in zip(episode.support + episode.query, episode.supportClasses + episode.queryClasses) {
                #expect(real[k, default: labels[item]] == labels[item])
                real[k] = labels[item]
            }
            #expect(Set(real.values).count == ways && Set(real.keys) == Set(0..<ways))
        }
    }
}
