import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseModels
import SiameseTestSupport

@Suite struct MatchingLossTests {
    @Test func matchesPyTorchReference() throws {
        let r = try FewShotReference.load()
        for reference in [r.matching, r.matchingScaled] {
            let loss = MatchingLoss(scale: reference.scale!)
            let value = loss(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor, queryClasses: r.queryClasses)
            #expect(abs(Double(value.item) - reference.loss) <= 1e-5 * (1 + abs(reference.loss)))
            let scores = loss.scores(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor)
            #expect(FewShotReference.worst(scores, reference.scores) <= 1e-5)
        }
    }

    @Test func fullContextEmbeddingsMatchPyTorchReference() throws {
        let r = try FewShotReference.load()
        let reference = r.matchingFullContext
        let size = reference.size!
        let loss = MatchingLoss(scale: reference.scale!, fullContext: FullContextEmbedding(size: size, steps: reference.steps!))
        FewShotReference.load(reference.weights!, into: loss)
        let support = r.supportTensor.narrowed(axis: 1, start: 0, length: size).contiguous()
        let query = r.queryTensor.narrowed(axis: 1, start: 0, length: size).contiguous()
        let value = loss(support: support, supportClasses: r.supportClasses, query: query, queryClasses: r.queryClasses)
        #expect(abs(Double(value.item) - reference.loss) <= 1e-5 * (1 + abs(reference.loss)))
        #expect(FewShotReference.worst(loss.scores(support: support, supportClasses: r.supportClasses, query: query), reference.scores) <= 1e-5)
    }

    /// Hand-derived: one query identical to the class-0 support item and orthogonal to the class-1 one; with scale s
    /// the attention is softmax(s, 0), so the loss is log(1 + e^{−s}).
    @Test func handDerivedValue() {
        let loss = MatchingLoss(scale: 3)
        let value = loss(support: Tensor([[1, 0], [0, 1]]), supportClasses: [0, 1], query: Tensor([[2, 0]]), queryClasses: [0])
        #expect(abs(Double(value.item) - log(1 + exp(-3.0))) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 5)
        let support = Tensor.normal([6, 5], generator: &g), query = Tensor.normal([4, 5], generator: &g)
        let loss = MatchingLoss(scale: 4)
        #expect(GradientCheck.worstError([support, query], epsilon: 1e-3) {
            loss(support: $0[0], supportClasses: [0, 1, 2, 0, 1, 2], query: $0[1], queryClasses: [2, 1, 0, 0])
        } <= 1)
    }

    @Test func fullContextGradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 6)
        let support = Tensor.normal([4, 3], generator: &g), query = Tensor.normal([2, 3], generator: &g)
        let loss = GlobalGenerator.withSeed(3) { MatchingLoss(fullContext: FullContextEmbedding(size: 3, steps: 2)) }
        #expect(GradientCheck.worstError([support, query], parameters: loss.parameters(), epsilon: 1e-3) {
            loss(support: $0[0], supportClasses: [0, 1, 0, 1], query: $0[1], queryClasses: [1, 0])
        } <= 1)
    }
}
