import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct IndexingTests {
    let table = Tensor((0..<12).map(Float.init), shape: [4, 3])

    @Test func indexSelectAndEmbedding() {
        #expect(table.indexSelect(axis: 0, [2, 0, 2]).scalars == [6, 7, 8, 0, 1, 2, 6, 7, 8])
        #expect(table.indexSelect(axis: 1, [2]).scalars == [2, 5, 8, 11])
        let e = table.embedding(IntTensor([1, 3, 0, 0], shape: [2, 2]))
        #expect(e.shape == [2, 2, 3])
        #expect(e.scalars == [3, 4, 5, 9, 10, 11, 0, 1, 2, 0, 1, 2])
    }

    @Test func repeatedIndicesAccumulateGradient() {
        let w = table.requiringGrad()
        w.embedding(IntTensor([1, 1, 2])).sum().backward()
        #expect(w.grad!.scalars == [0, 0, 0, 2, 2, 2, 1, 1, 1, 0, 0, 0])
    }

    @Test func gatherAndScatterAdd() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        let g = x.gather(axis: 1, IntTensor([2, 0, 1, 1], shape: [2, 2]))
        #expect(g.scalars == [3, 1, 5, 5])
        let s = Tensor.zeros([2, 3]).scatterAdd(axis: 1, IntTensor([0, 0, 2, 1], shape: [2, 2]), Tensor([[1, 2], [3, 4]]))
        #expect(s.scalars == [3, 0, 0, 0, 4, 3])
    }

    @Test func gradients() {
        let x = Check.random([3, 4], seed: 81)
        #expect(GradientCheck.worstError([x]) { $0[0].indexSelect(axis: 0, [2, 2, 0]) } <= 1)
        #expect(GradientCheck.worstError([x]) { $0[0].gather(axis: 1, IntTensor([3, 0, 1, 1, 2, 2], shape: [3, 2])) } <= 1)
        let src = Check.random([3, 2], seed: 82)
        #expect(GradientCheck.worstError([x, src]) { $0[0].scatterAdd(axis: 1, IntTensor([0, 0, 3, 1, 2, 2], shape: [3, 2]), $0[1]) } <= 1)
        #expect(GradientCheck.worstError([x, src]) { $0[0].indexAdd(axis: 1, [3, 3], $0[1]) } <= 1)
    }

    @Test func comparisonsAndWhere() {
        let a = Tensor([1, 5, 3]), b = Tensor([2, 5, 1])
        #expect(a.lt(b).scalars == [1, 0, 0])
        #expect(a.eq(b).scalars == [0, 1, 0])
        #expect(a.ge(b).scalars == [0, 1, 1])
        #expect(a.gt(2).scalars == [0, 1, 1])
        let w = Tensor.where(a.gt(b), Tensor([.infinity, .infinity, 7]), Tensor([0, 0, .nan]))
        #expect(w.scalars[0] == 0 && w.scalars[2] == 7)
        let x = Check.random([3], seed: 83), y = Check.random([2, 3], seed: 84)
        #expect(GradientCheck.worstError([x, y]) { Tensor.where(Tensor([1, 0, 1]), $0[0], $0[1]) } <= 1)
        #expect(IntTensor([1, 2, 1]).equalityMatrix().scalars == [1, 0, 1, 0, 1, 0, 1, 0, 1])
    }
}
