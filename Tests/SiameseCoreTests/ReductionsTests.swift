import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct ReductionsTests {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])

    @Test func sumsAlongAxes() {
        #expect(x.sum().item == 276)
        let columnSums: [Float] = (0..<12).map { (i: Int) -> Float in Float(i * 2 + 12) }
        #expect(x.sum(axis: 0).scalars == columnSums)
        #expect(x.sum(axis: -1).scalars == [6, 22, 38, 54, 70, 86])
        #expect(x.sum(axes: [0, 2], keepDims: true).shape == [1, 3, 1])
        #expect(x.sum(axes: [0, 2]).scalars == [60, 92, 124])
        #expect(x.mean(axis: 1).scalars == [4, 5, 6, 7, 16, 17, 18, 19])
    }

    @Test func extremaAndVariance() {
        #expect(x.max(axis: 2).scalars == [3, 7, 11, 15, 19, 23])
        #expect(x.min(axes: [0, 1]).scalars == [0, 1, 2, 3])
        let v = Tensor([1, 2, 3, 4])
        #expect(v.variance().item == 1.25)
        #expect(Check.close([v.variance(correction: 1).item], [1.6666666]))
        let big = Tensor([1000, 1000])
        #expect(Check.close([big.logSumExp().item], [1000.6931472]))
    }

    @Test func reductionGradients() {
        let r = Check.random([3, 4, 5], seed: 11)
        #expect(GradientCheck.worstError([r]) { $0[0].sum(axes: [0, 2]) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].mean(axis: 1, keepDims: true) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].max(axis: 2) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].min(axes: [0, 1]) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].logSumExp(axis: 1) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].variance(axes: [2], correction: 1) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].sum() } <= 1)
    }

    @Test func maxTiesShareTheGradient() {
        let t = Tensor([1, 3, 3]).requiringGrad()
        t.max().backward()
        #expect(t.grad?.scalars == [0, 0.5, 0.5])
    }

    @Test func largeParallelReductionMatchesSerialSum() {
        var g = SeededGenerator(seed: 3)
        let big = Tensor.uniform([300, 1000], generator: &g)
        let rows = big.sum(axis: 1).scalars
        let values = big.scalars
        for i in [0, 137, 299] {
            let expected = values[(i * 1000)..<((i + 1) * 1000)].reduce(0, +)
            #expect(Swift.abs(rows[i] - expected) < 1e-2)
        }
    }
}
