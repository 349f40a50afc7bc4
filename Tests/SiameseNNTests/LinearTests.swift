import Testing
@testable import SiameseCore
@testable import SiameseNN
import SiameseTestSupport

@Suite struct LinearTests {
    @Test func forwardIsXWTransposePlusB() {
        let fc = Linear(3, 2)
        fc.weight.update(Tensor([[1, 2, 3], [0, -1, 1]]))
        fc.bias!.update(Tensor([0.5, -0.5]))
        #expect(fc(Tensor([[1, 1, 1], [2, 0, -1]])).scalars == [6.5, -0.5, -0.5, -1.5])
        #expect(fc(Tensor.ones([4, 5, 3])).shape == [4, 5, 2])
    }

    @Test func initialisationMatchesPyTorchBounds() {
        let fc = GlobalGenerator.withSeed(1) { Linear(100, 50) }
        let bound = 1 / Float(100).squareRoot()
        #expect(fc.weight.value.max().item <= bound && fc.weight.value.min().item >= -bound)
        #expect(fc.weight.value.max().item > 0.9 * bound)
        #expect(fc.bias!.value.max().item <= bound)
        #expect(GlobalGenerator.withSeed(1) { Linear(100, 50) }.weight.value.scalars == fc.weight.value.scalars)
        // A task-scoped seed is independent of the global sequence.
        GlobalGenerator.seed(1)
        #expect(GlobalGenerator.withSeed(2) { Linear(100, 50) }.weight.value.scalars != fc.weight.value.scalars)
    }

    @Test func gradients() {
        let fc = Linear(4, 3)
        #expect(GradientCheck.worstError(Support.random([2, 4], seed: 2), parameters: fc.parameters(), atol: 3e-3, rtol: 3e-2) { fc($0) } <= 1)
    }
}
