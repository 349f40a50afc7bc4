import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
@testable import SiameseNN

/// A whole metric-learning step must not depend on what freed buffers held before: pooled buffers come
/// back with old contents, so a kernel that reads memory it did not write would change the result.
@Suite(.serialized) struct StaleBufferTests {
    static func step(_ network: SiameseNetwork<ConvNetEncoder>, loss: String) -> [Float] {
        network.zeroGrad()
        var g = SeededGenerator(seed: 13)
        let x = Tensor.normal([24, 1, 16, 16], generator: &g)
        let labels = (0..<24).map { $0 % 6 }
        let e = network.embed(x)
        let l: Tensor
        switch loss {
        case "triplet": l = TripletMarginLoss(margin: 0.2)(e, labels: labels, tuples: BatchHardMiner()(e, labels: labels))
        case "contrastive":
            let (a, b) = network(x.narrowed(axis: 0, start: 0, length: 12), x.narrowed(axis: 0, start: 12, length: 12))
            l = PairContrastiveLoss(margin: 1)(a, b, same: Tensor((0..<12).map { Float($0 % 2) }))
        default: l = MultiSimilarityLoss()(e, labels: labels, tuples: MultiSimilarityMiner()(e, labels: labels))
        }
        l.backward()
        return l.scalars + network.trainableParameters().flatMap { $0.parameter.grad?.scalars ?? [] }
    }

    @Test(arguments: ["multi-similarity", "triplet", "contrastive"])
    func stepIgnoresStaleBufferContents(loss: String) {
        // One network for both runs: other suites may reseed the global generator in parallel.
        let network = SiameseNetwork(encoder: ConvNetEncoder(width: 8, blocks: 3), normalizeEmbeddings: true)
        BufferPool.shared.drain()
        let clean = Self.step(network, loss: loss)
        #expect(BufferPool.shared.fillCachedBuffers(with: .nan) > 5)
        let poisoned = Self.step(network, loss: loss)
        #expect(clean == poisoned)
        #expect(clean.allSatisfy { $0.isFinite })
    }
}
