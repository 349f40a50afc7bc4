import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct ElementwiseTests {
    @Test func analyticPolynomialGradient() {
        // y = x² + 5x + 4  ⇒  dy/dx = 2x + 5
        let x = Tensor([3, 1, 4, -2]).requiringGrad()
        let y = x * x + 5 * x + 4
        y.sum().backward()
        #expect(x.grad?.scalars == [11, 7, 13, 1])
        #expect(y.scalars == [28, 10, 40, -2])
    }

    @Test func broadcastingForward() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        let col = Tensor([1, 2], shape: [2, 1])
        #expect((a * col).scalars == [1, 2, 3, 8, 10, 12])
        #expect((col - b).shape == [2, 3])
        #expect((col - b).scalars == [-9, -19, -29, -8, -18, -28])
    }

    /// Random shape pairs that broadcast, including rank differences and size-1 axes on both sides.
    static let broadcastPairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([2, 3, 4], [4]), ([3, 1], [1, 4]), ([2, 1, 3], [4, 1]), ([5], []), ([1], [2, 3]),
    ]

    @Test(arguments: 0..<broadcastPairs.count)
    func binaryGradients(_ caseIndex: Int) {
        let (sa, sb) = Self.broadcastPairs[caseIndex]
        let a = Check.random(sa, seed: UInt64(caseIndex)), b = Check.random(sb, seed: UInt64(caseIndex + 50))
        let bPos = Check.positive(sb, seed: UInt64(caseIndex + 70))
        #expect(GradientCheck.worstError([a, b]) { $0[0] + $0[1] } <= 1)
        #expect(GradientCheck.worstError([a, b]) { $0[0] - $0[1] } <= 1)
        #expect(GradientCheck.worstError([a, b]) { $0[0] * $0[1] } <= 1)
        #expect(GradientCheck.worstError([a, bPos]) { $0[0] / $0[1] } <= 1)
        #expect(GradientCheck.worstError([a, b]) { Tensor.maximum($0[0], $0[1]) } <= 1)
        #expect(GradientCheck.worstError([a, b]) { Tensor.minimum($0[0], $0[1]) } <= 1)
    }

    @Test func scalarOperatorGradients() {
        let x = Check.random([3, 4], seed: 1)
        let p = Check.positive([3, 4], seed: 2)
        #expect(GradientCheck.worstError([x]) { -$0[0] * 3 + 2 } <= 1)
        #expect(GradientCheck.worstError([x]) { 1 - $0[0] / 4 } <= 1)
        #expect(GradientCheck.worstError([p]) { 2 / $0[0] } <= 1)
        #expect(GradientCheck.worstError([p]) { $0[0].pow(1.5) } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].pow(3) } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].square() } <= 1)
    }

    @Test func mathGradients() {
        let x = Check.random([2, 3, 4], seed: 3)
        let p = Check.positive([2, 3, 4], seed: 4)
        #expect(GradientCheck.worstError([x]) { $0[0].exp() } <= 1)
        #expect(GradientCheck.worstError([p]) { $0[0].log() } <= 1)
        #expect(GradientCheck.worstError([p]) { $0[0].sqrt() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].abs() } <= 1)
        // Keep inputs away from the clamp bounds so ε does not straddle a kink.
        let awayFromBounds = x.mapValues { Swift.abs(Swift.abs($0) - 0.5) < 0.05 ? $0 * 1.3 : $0 }
        #expect(GradientCheck.worstError([awayFromBounds]) { $0[0].clamped(min: -0.5, max: 0.5) } <= 1)
    }

    @Test func activationGradients() {
        let x = Check.random([4, 5], seed: 5, low: -3, high: 3)
        #expect(GradientCheck.worstError([x]) { $0[0].relu() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].leakyRelu(slope: 0.1) } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].sigmoid() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].tanh() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].gelu() } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].softplus() } <= 1)
    }

    @Test func activationValues() {
        let x = Tensor([-2, 0, 1.5])
        #expect(x.relu().scalars == [0, 0, 1.5])
        #expect(Check.close(x.sigmoid().scalars, [0.11920292, 0.5, 0.81757448]))
        #expect(Check.close(x.gelu().scalars, [-0.04550026, 0, 1.39978657]))
        #expect(Check.close(x.softplus().scalars, [0.12692801, 0.69314718, 1.70141327]))
        #expect(Check.close(Tensor([100, -100]).softplus().scalars, [100, 0]))
        #expect(Check.close(Tensor([-100, 100]).sigmoid().scalars, [0, 1]))
    }

    @Test func clampPassesGradientOnlyInsideRange() {
        let x = Tensor([-2, 0.2, 3]).requiringGrad()
        x.clamped(min: -1, max: 1).sum().backward()
        #expect(x.grad?.scalars == [0, 1, 0])
    }
}
