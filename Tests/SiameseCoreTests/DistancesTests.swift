import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct DistancesTests {
    let a = Tensor([[0, 0], [3, 4]])
    let b = Tensor([[0, 0], [1, 0], [0, 2]])

    @Test func knownDistances() {
        #expect(Check.close(Tensor.pairwiseDistances(a, b, metric: .l2).scalars, [0, 1, 2, 5, 4.472136, 3.6055512], tolerance: 1e-5))
        #expect(Check.close(Tensor.pairwiseDistances(a, b, metric: .squaredL2).scalars, [0, 1, 4, 25, 20, 13], tolerance: 1e-5))
        #expect(Tensor.pairwiseDistances(a, b, metric: .l1).scalars == [0, 1, 2, 7, 6, 5])
        let c = Tensor([[1, 0], [1, 1]]), d = Tensor([[0, 1], [2, 0]])
        #expect(Check.close(Tensor.pairwiseDistances(c, d, metric: .cosine).scalars, [1, 0, 0.29289323, 0.29289323], tolerance: 1e-5))
        #expect(Check.close(Tensor.cosineSimilarityMatrix(c, d).scalars, [0, 1, 0.70710677, 0.70710677], tolerance: 1e-5))
    }

    @Test(arguments: PairwiseMetric.allCases)
    func gradients(_ metric: PairwiseMetric) {
        // L1 has a kink wherever two coordinates are equal: put x on a grid offset by 0.05 from y's grid.
        let x = Check.random([4, 3], seed: 51).mapValues { ($0 * 10).rounded() / 10 + 0.05 }
        let y = Check.random([5, 3], seed: 52).mapValues { ($0 * 10).rounded() / 10 }
        #expect(GradientCheck.worstError([x, y]) { Tensor.pairwiseDistances($0[0], $0[1], metric: metric) } <= 1)
    }

    @Test func selfDistanceHasFiniteGradient() {
        let x = Check.random([4, 3], seed: 53).requiringGrad()
        Tensor.pairwiseDistances(x, x, metric: .l2).sum().backward()
        let finite = x.grad!.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func normalization() {
        let v = Tensor([[3, 4], [0, 0]])
        #expect(v.l2Normalized().scalars == [0.6, 0.8, 0, 0])
        #expect(v.norm(axis: 1).scalars == [5, 0])
        let x = Check.random([3, 4], seed: 54)
        #expect(GradientCheck.worstError([x]) { $0[0].l2Normalized() } <= 1)
        let zero = Tensor.zeros([1, 3]).requiringGrad()
        zero.l2Normalized().sum().backward()
        let finite = zero.grad!.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}
