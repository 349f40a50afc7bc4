import Testing
@testable import SiameseCore

@Suite struct NormalizationTests {
    @Test func batchNormStatistics() {
        let x = Tensor([[1, 10], [3, 20], [5, 30]])
        let (y, mean, variance) = x.batchNorm(epsilon: 0)
        #expect(mean.scalars == [3, 20])
        #expect(Check.close(variance.scalars, [8 / 3.0, 200 / 3.0]))
        let col0 = [-1.2247449, 0, 1.2247449] as [Float]
        #expect(Check.close([y[0, 0], y[1, 0], y[2, 0]], col0, tolerance: 1e-5))
        #expect(Check.close([y[0, 1], y[1, 1], y[2, 1]], col0, tolerance: 1e-5))
    }

    @Test func inferenceModeUsesGivenStatistics() {
        let x = Tensor([[2, 4]])
        let y = x.batchNorm(mean: Tensor([1, 2]), variance: Tensor([4, 1]), gamma: Tensor([2, 1]), beta: Tensor([0, 1]), epsilon: 0)
        #expect(y.scalars == [1, 3])
    }

    @Test func layerNormZeroMeanUnitVariance() {
        let x = Check.random([4, 8], seed: 41)
        let y = x.layerNorm(epsilon: 0)
        for row in 0..<4 {
            let r = y.narrowed(axis: 0, start: row, length: 1)
            #expect(Swift.abs(r.mean().item) < 1e-5)
            #expect(Swift.abs(r.variance().item - 1) < 1e-4)
        }
    }

    @Test func gradients() {
        let x2 = Check.random([5, 3], seed: 42), x4 = Check.random([2, 3, 3, 2], seed: 43)
        let g = Check.positive([3], seed: 44), b = Check.random([3], seed: 45)
        #expect(Check.gradientError([x2, g, b]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).output } <= 1)
        #expect(Check.gradientError([x4, g, b]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).output } <= 1)
        let ln = Check.random([3, 6], seed: 46), lg = Check.positive([6], seed: 47), lb = Check.random([6], seed: 48)
        #expect(Check.gradientError([ln, lg, lb]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) } <= 1)
    }

    @Test func dropoutIsSeededAndScaled() {
        let x = Tensor.ones([1000])
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a = x.dropout(0.25, generator: &g1), b = x.dropout(0.25, generator: &g2)
        #expect(a.scalars == b.scalars)
        #expect(Set(a.scalars).isSubset(of: [0, 4 / 3.0]))
        let dropped = a.scalars.filter { $0 == 0 }.count
        #expect(dropped > 200 && dropped < 300)
        var g3 = SeededGenerator(seed: 5)
        #expect(x.dropout(0.25, training: false, generator: &g3).scalars == x.scalars)
        var g4 = SeededGenerator(seed: 6)
        let input = Check.random([20], seed: 49)
        let leaf = input.requiringGrad()
        let y = leaf.dropout(0.5, generator: &g4)
        y.sum().backward()
        #expect(leaf.grad!.scalars == y.scalars.enumerated().map { $0.element == 0 ? 0 : 2 })
    }
}
