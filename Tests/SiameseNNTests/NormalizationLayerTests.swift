import Testing
@testable import SiameseCore
@testable import SiameseNN
import SiameseTestSupport

@Suite struct NormalizationLayerTests {
    @Test func batchNormTracksRunningStatisticsLikePyTorch() {
        let bn = BatchNorm1d(2)
        let x = Tensor([[1, 10], [3, 20], [5, 30]])
        _ = bn(x)
        // running_mean = 0.9·0 + 0.1·[3, 20]; running_var = 0.9·1 + 0.1·unbiased var [4, 100].
        #expect(Support.close(bn.runningMean.value.scalars, [0.3, 2.0]))
        #expect(Support.close(bn.runningVar.value.scalars, [1.3, 10.9]))
        #expect(bn.numBatchesTracked.value.item == 1)
        bn.eval()
        let y = bn(Tensor([[0.3, 2.0]]))
        #expect(Support.close(y.scalars, [0, 0], tolerance: 1e-6))
    }

    @Test func batchNorm2dGradients() {
        let bn = BatchNorm2d(2)
        bn.weight!.update(Tensor([1.5, 0.5]))
        #expect(GradientCheck.worstError(Support.random([3, 2, 2, 2], seed: 5), parameters: bn.parameters(), atol: 3e-3, rtol: 3e-2) { bn($0) } <= 1)
    }

    @Test func layerNormLayer() {
        let ln = LayerNorm(4)
        ln.weight!.update(Tensor([1, 2, 1, 1]))
        ln.bias!.update(Tensor([0, 0, 1, 0]))
        let y = ln(Tensor([[1, 2, 3, 4]]))
        #expect(Support.close(y.scalars, [-1.3416355, -0.8944237, 1.4472118, 1.3416355], tolerance: 1e-5))
        #expect(GradientCheck.worstError(Support.random([2, 4], seed: 6), parameters: ln.parameters(), atol: 3e-3, rtol: 3e-2) { ln($0) } <= 1)
    }

    @Test func dropoutOnlyInTraining() {
        let d = Dropout(0.5, seed: 3)
        let x = Tensor.ones([100])
        #expect(d(x).scalars.contains(0))
        d.eval()
        #expect(d(x).scalars == x.scalars)
    }

    @Test func embeddingLookup() {
        let e = Embedding(5, 3)
        let ids = IntTensor([4, 0, 4], shape: [3])
        let rows = e(ids)
        #expect(rows.shape == [3, 3])
        #expect(rows.narrowed(axis: 0, start: 0, length: 1).scalars == e.weight.value.narrowed(axis: 0, start: 4, length: 1).scalars)
        rows.sum().backward()
        #expect(e.weight.grad!.scalars == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2])
    }
}
