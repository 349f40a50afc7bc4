import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseModels
import SiameseTestSupport

@Suite struct KochPairLossTests {
    @Test func matchesPyTorchReference() throws {
        let r = try FewShotReference.load()
        let loss = KochPairLoss(features: r.support[0].count)
        FewShotReference.load(r.koch.weights!, into: loss)
        let value = loss(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor, queryClasses: r.queryClasses)
        #expect(abs(Double(value.item) - r.koch.loss) <= 1e-5 * (1 + abs(r.koch.loss)))
        let scores = loss.scores(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor)
        #expect(FewShotReference.worst(scores, r.koch.scores) <= 1e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 9)
        let a = Tensor.normal([5, 4], generator: &g), b = Tensor.normal([5, 4], generator: &g)
        let loss = GlobalGenerator.withSeed(5) { KochPairLoss(features: 4) }
        let targets = Tensor([1, 0, 0, 1, 0])
        #expect(GradientCheck.worstError([a, b], parameters: loss.parameters(), epsilon: 1e-3) {
            loss($0[0], $0[1], targets: targets)
        } <= 1)
    }
}
