import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct JoinTests {
    @Test func concatenateAndStack() {
        let a = Tensor([[1, 2]]), b = Tensor([[3, 4], [5, 6]])
        #expect(Tensor.concatenate([a, b]).scalars == [1, 2, 3, 4, 5, 6])
        #expect(Tensor.concatenate([b, b], axis: 1).scalars == [3, 4, 3, 4, 5, 6, 5, 6])
        let s = Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1)
        #expect(s.shape == [2, 2])
        #expect(s.scalars == [1, 3, 2, 4])
        let parts = Tensor.arange(0, 5).split(sizes: [2, 3])
        #expect(parts.map(\.scalars) == [[0, 1], [2, 3, 4]])
    }

    @Test func gradients() {
        let a = Check.random([2, 3], seed: 71), b = Check.random([2, 2], seed: 72), c = Check.random([2, 3], seed: 73)
        #expect(GradientCheck.worstError([a, b]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) } <= 1)
        #expect(GradientCheck.worstError([a, c]) { Tensor.stack([$0[0], $0[1]], axis: 0) } <= 1)
        #expect(GradientCheck.worstError([a]) { Tensor.concatenate($0[0].split(sizes: [1, 2], axis: 1).reversed(), axis: 1) } <= 1)
    }
}
