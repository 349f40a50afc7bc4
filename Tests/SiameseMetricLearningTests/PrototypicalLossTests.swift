import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseMetricLearning
import SiameseTestSupport

@Suite struct PrototypicalLossTests {
    /// Hand-derived: two classes with prototypes at 0 and 2 on a line, one query at 0.5 of class 0.
    /// Squared distances 0.25 and 2.25, so p(0) = 1 / (1 + e^{−2}) and the loss is log(1 + e^{−2}).
    @Test func handDerivedValue() {
        let support = Tensor([[-1], [1], [2], [2]])       // class 0 mean 0, class 1 mean 2
        let query = Tensor([[0.5]])
        let loss = PrototypicalLoss()(support: support, supportClasses: [0, 0, 1, 1], query: query, queryClasses: [0])
        #expect(abs(Double(loss.item) - log(1 + exp(-2.0))) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 11)
        let support = Tensor.uniform([6, 4], generator: &g), query = Tensor.uniform([4, 4], generator: &g)
        let loss = PrototypicalLoss()
        #expect(GradientCheck.worstError([support, query], epsilon: 1e-3) {
            loss(support: $0[0], supportClasses: [0, 1, 2, 0, 1, 2], query: $0[1], queryClasses: [2, 1, 0, 0])
        } <= 1)
    }
}

@Suite struct PrototypicalReferenceTests {
    @Test func matchesPyTorchReference() throws {
        let r = try FewShotReference.load()
        let loss = PrototypicalLoss()
        let value = loss(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor, queryClasses: r.queryClasses)
        #expect(abs(Double(value.item) - r.prototypical.loss) <= 1e-5 * (1 + abs(r.prototypical.loss)))
        #expect(FewShotReference.worst(loss.scores(support: r.supportTensor, supportClasses: r.supportClasses, query: r.queryTensor),
                                       r.prototypical.scores) <= 1e-5)
    }
}
