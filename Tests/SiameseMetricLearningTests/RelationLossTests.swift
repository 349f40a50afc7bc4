import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseModels
import SiameseTestSupport

@Suite struct RelationLossTests {
    @Test func matchesPyTorchReference() throws {
        let r = try FewShotReference.load()
        let reference = r.relation
        let loss = RelationLoss(relation: RelationModule(channels: reference.channels!, side: reference.side!, hidden: reference.hidden!))
        FewShotReference.load(reference.weights!, into: loss)
        // Training mode: batch-norm on the batch's statistics, as in the reference.
        let value = loss(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor, queryClasses: r.queryClasses)
        #expect(abs(Double(value.item) - reference.loss) <= 1e-5 * (1 + abs(reference.loss)))
        let scores = loss.scores(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor)
        #expect(FewShotReference.worst(scores, reference.scores) <= 1e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 8)
        // Two channels of 2×2 maps.
        let support = Tensor.normal([4, 8], generator: &g), query = Tensor.normal([3, 8], generator: &g)
        let loss = GlobalGenerator.withSeed(4) { RelationLoss(relation: RelationModule(channels: 2, side: 2, hidden: 4)) }
        #expect(GradientCheck.worstError([support, query], parameters: loss.parameters(), epsilon: 1e-3) {
            loss(support: $0[0], supportClasses: [0, 1, 0, 1], query: $0[1], queryClasses: [1, 0, 1])
        } <= 1)
    }

    @Test func registryReadsTheMapShapeFromTheEmbeddingSize() throws {
        let made = try EpisodicLosses.registry.make(ComponentSpec(name: "relation", parameters: ["channels": 4]),
                                                    context: RegistryContext(embeddingSize: 36))
        let relation = try #require(made as? RelationLoss).relation
        #expect(relation.channels == 4 && relation.side == 3)
        #expect(throws: RegistryError.self) {
            try EpisodicLosses.registry.make("relation", context: RegistryContext(embeddingSize: 100))
        }
    }
}
