import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseMetricLearning

@Suite struct MinerAndSamplerTests {
    // 1-D points, unnormalised L2: class 0 at 0 and 1, class 1 at 0.5 and 3.
    let x = Tensor([[0], [1], [0.5], [3]])
    let labels = [0, 0, 1, 1]
    let l2 = LpDistance(normalizeEmbeddings: false)

    @Test func pairMarginMiner() {
        let mined = PairMarginMiner(posMargin: 0.9, negMargin: 1, distance: l2)(x, labels: labels)
        let (a1, p, a2, n) = mined.asPairs
        // Positives farther than 0.9: (0,1) d 1 and (2,3) d 2.5, both orders. Negatives closer than 1: (0,2), (1,2).
        #expect(Set(zip(a1, p).map { [$0, $1] }) == [[0, 1], [1, 0], [2, 3], [3, 2]])
        #expect(Set(zip(a2, n).map { [$0, $1] }) == [[0, 2], [2, 0], [1, 2], [2, 1]])
    }

    @Test func tripletMinerKinds() {
        let all = TripletMarginMiner(margin: 0.1, kind: .all, distance: l2)(x, labels: labels)
        let hard = TripletMarginMiner(margin: 0.1, kind: .hard, distance: l2)(x, labels: labels)
        let easy = TripletMarginMiner(margin: 0.1, kind: .easy, distance: l2)(x, labels: labels)
        #expect(all.asTriplets.a.count + easy.asTriplets.a.count == MinedTuples.allTriplets(labels).asTriplets.a.count)
        // (0,1,2): an 0.5 − ap 1 < 0 → hard.
        #expect(MinerAndSamplerTests.triplets(hard).contains([0, 1, 2]))
    }

    static func triplets(_ t: MinedTuples) -> Set<[Int]> {
        let (a, p, n) = t.asTriplets
        return Set(a.indices.map { [a[$0], p[$0], n[$0]] })
    }

    @Test func multiSimilarityMinerKeepsInformativePairs() {
        let cos = CosineSimilarity()
        let e = Tensor([[1, 0], [0.8, 0.6], [0.6, 0.8], [0, 1]])
        let mined = MultiSimilarityMiner(epsilon: 0.1, distance: cos)(e, labels: [0, 0, 1, 1])
        let (_, _, a2, n) = mined.asPairs
        // Anchor 1: positive sim 0.8 (with 0); negative 2 has sim 0.96 > 0.8 − 0.1 → kept.
        #expect(zip(a2, n).contains { $0 == 1 && $1 == 2 })
        // Anchor 0: positive sim 0.8; negative 3 has sim 0 < 0.7 → not kept.
        #expect(!zip(a2, n).contains { $0 == 0 && $1 == 3 })
    }

    @Test func distanceWeightedMinerIsSeededAndValid() {
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let e = LossCheck.embeddings(dim: 8)
        let a = DistanceWeightedMiner()(e, labels: LossCheck.labels, generator: &g1)
        let b = DistanceWeightedMiner()(e, labels: LossCheck.labels, generator: &g2)
        #expect(a == b)
        let (anchor, pos, neg) = a.asTriplets
        #expect(!anchor.isEmpty)
        #expect(anchor.indices.allSatisfy { LossCheck.labels[anchor[$0]] == LossCheck.labels[pos[$0]] && LossCheck.labels[anchor[$0]] != LossCheck.labels[neg[$0]] })
    }

    @Test func everyLossAcceptsMinedTuples() {
        let e = LossCheck.embeddings()
        let mined = TripletMarginMiner(margin: 0.5)(e, labels: LossCheck.labels)
        let pairs = PairMarginMiner()(e, labels: LossCheck.labels)
        let losses: [any MetricLoss] = [ContrastiveLoss(), TripletMarginLoss(), MultiSimilarityLoss(), CircleLoss(), NTXentLoss(),
                                        SupConLoss(), MarginLoss(), NPairsLoss(), QuadrupletLoss(), AngularLoss(), LiftedStructureLoss()]
        for loss in losses {
            for tuples in [mined, pairs] {
                let v = loss(e, labels: LossCheck.labels, tuples: tuples).item
                #expect(v.isFinite, "\(type(of: loss)) gave \(v)")
            }
        }
    }

    @Test func mPerClassSamplerCoversEveryClass() {
        let labels = (0..<10).flatMap { c in Array(repeating: c, count: c == 9 ? 2 : 6) }
        let sampler = MPerClassSampler(labels: labels, classesPerBatch: 4, samplesPerClass: 3)
        var g = SeededGenerator(seed: 1)
        let epoch = sampler.epoch(generator: &g)
        #expect(epoch.count == 3 && sampler.batchesPerEpoch == 3)
        #expect(Set(epoch.flatMap { $0 }.map { labels[$0] }) == Set(0..<10))
        for batch in epoch {
            #expect(batch.count == 12)
            let byClass = Dictionary(grouping: batch, by: { labels[$0] })
            #expect(byClass.count == 4 && byClass.values.allSatisfy { $0.count == 3 })
        }
    }

    @Test func episodesAreDistinctAndLabelled() {
        let labels = (0..<6).flatMap { Array(repeating: $0, count: 5) }
        var g = SeededGenerator(seed: 2)
        let e = EpisodicSampler(labels: labels, ways: 5, shots: 1, queries: 2).episode(generator: &g)
        #expect(e.support.count == 5 && e.query.count == 10)
        #expect(Set(e.support + e.query).count == 15)
        for (i, k) in zip(e.query, e.queryClasses) {
            let supportOfClass = e.support[e.supportClasses.firstIndex(of: k)!]
            #expect(labels[i] == labels[supportOfClass])
        }
        var g2 = SeededGenerator(seed: 4)
        let fixed = FixedSetOfTriplets(labels: labels, count: 50, generator: &g2)
        #expect(fixed.triplets.allSatisfy { labels[$0.anchor] == labels[$0.positive] && $0.anchor != $0.positive && labels[$0.negative] != labels[$0.anchor] })
    }

    @Test func chunkedLpDistanceMatchesDirectSum() {
        var g = SeededGenerator(seed: 8)
        let q = Tensor.normal([100, 1000], generator: &g), r = Tensor.normal([50, 1000], generator: &g)
        let d = LpDistance(p: 3, normalizeEmbeddings: false)
        #expect(100 * 50 * 1000 > LpDistance.chunkElements)
        let m = d.matrix(q, r)
        let qs = q.scalars, rs = r.scalars
        for (i, j) in [(0, 0), (57, 13), (99, 49)] {
            var s: Double = 0
            for k in 0..<1000 { s += Foundation.pow(Swift.abs(Double(qs[i * 1000 + k] - rs[j * 1000 + k])), 3) }
            #expect(Swift.abs(Double(m[i, j]) - Foundation.pow(s, 1.0 / 3)) < 1e-2)
        }
    }
}
