import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct ViewsTests {
    let x = Tensor((0..<6).map(Float.init), shape: [2, 3])

    @Test func reshapeAndFlatten() {
        #expect(x.reshaped([3, 2]).shape == [3, 2])
        #expect(x.reshaped([-1]).shape == [6])
        #expect(x.reshaped([3, -1]).shape == [3, 2])
        #expect(x.reshaped([3, 2]).storage === x.storage)
        #expect(Tensor.zeros([2, 3, 4]).flattened().shape == [2, 12])
        #expect(x.unsqueezed(0).shape == [1, 2, 3])
        #expect(x.unsqueezed(-1).shape == [2, 3, 1])
        #expect(x.unsqueezed(1).squeezed().shape == [2, 3])
    }

    @Test func transposeAndPermuteShareStorage() {
        let t = x.transposed()
        #expect(t.shape == [3, 2])
        #expect(t.storage === x.storage)
        #expect(!t.isContiguous)
        #expect(t.scalars == [0, 3, 1, 4, 2, 5])
        let p = Tensor((0..<24).map(Float.init), shape: [2, 3, 4]).permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == 23)
        #expect(p[1, 0, 2] == 9)
        #expect(t.reshaped([6]).scalars == [0, 3, 1, 4, 2, 5])
    }

    @Test func narrowAndExpand() {
        #expect(x.narrowed(axis: 1, start: 1, length: 2).scalars == [1, 2, 4, 5])
        #expect(x.narrowed(axis: 0, start: 1, length: 1).scalars == [3, 4, 5])
        let e = Tensor([1, 2, 3]).expanded(to: [2, 3])
        #expect(e.scalars == [1, 2, 3, 1, 2, 3])
        #expect(e.strides == [0, 1])
    }

    @Test func viewGradients() {
        let r = Check.random([2, 3, 4], seed: 61)
        #expect(GradientCheck.worstError([r]) { $0[0].reshaped([4, 6]) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].permuted([1, 2, 0]) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].transposed(0, 2) * 2 } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].narrowed(axis: 2, start: 1, length: 2) } <= 1)
        let s = Check.random([3, 1], seed: 62)
        #expect(GradientCheck.worstError([s]) { $0[0].expanded(to: [2, 3, 4]) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].transposed().contiguous().reshaped([-1]) } <= 1)
    }
}
