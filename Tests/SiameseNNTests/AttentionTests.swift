import Testing
@testable import SiameseCore
@testable import SiameseNN
import SiameseTestSupport

@Suite struct AttentionTests {
    /// Identity projections and zero biases, so the layer computes plain scaled dot-product attention.
    static func identityAttention(_ e: Int, heads: Int) -> MultiHeadAttention {
        let mha = MultiHeadAttention(embedDim: e, numHeads: heads)
        mha.inProjWeight.update(Tensor.concatenate([Tensor.eye(e), Tensor.eye(e), Tensor.eye(e)], axis: 0))
        mha.outProj.weight.update(Tensor.eye(e))
        return mha
    }

    @Test func singleHeadIsScaledDotProductAttention() {
        let mha = Self.identityAttention(2, heads: 1)
        let q = Tensor([1, 0], shape: [1, 1, 2]), k = Tensor([1, 0, 0, 1], shape: [1, 2, 2])
        let v = Tensor([10, 0, 0, 10], shape: [1, 2, 2])
        let (out, w) = mha(query: q, key: k, value: v)
        let a = Float(1 / 2.0.squareRoot())
        let e0 = a.exp(), e1 = Float(1)
        let p0 = e0 / (e0 + e1)
        #expect(Support.close(w.scalars, [p0, 1 - p0]))
        #expect(Support.close(out.scalars, [10 * p0, 10 * (1 - p0)]))
        #expect(mha.namedParameters().map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
    }

    @Test func paddedKeysGetNoWeight() {
        let mha = MultiHeadAttention(embedDim: 4, numHeads: 2)
        let x = Support.random([2, 3, 4], seed: 1)
        let mask = Tensor([[0, 0, 1], [0, 0, 0]])
        let (_, w) = mha(query: x, key: x, value: x, keyPaddingMask: mask)
        let padded = w.narrowed(axis: 0, start: 0, length: 1).narrowed(axis: 3, start: 2, length: 1)
        #expect(padded.scalars.allSatisfy { $0 < 1e-6 })
        #expect(Support.close(w.sum(axis: -1).scalars, [Float](repeating: 1, count: 12)))
    }

    @Test func gradients() {
        let mha = MultiHeadAttention(embedDim: 4, numHeads: 2)
        #expect(GradientCheck.worstError(Support.random([1, 3, 4], seed: 2), parameters: mha.parameters(), atol: 3e-3, rtol: 3e-2) { mha($0) } <= 1)
        for normFirst in [false, true] {
            let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 6, dropout: 0, activation: .gelu, normFirst: normFirst)
            let x = Support.random([2, 3, 4], seed: 3)
            #expect(layer(x).shape == [2, 3, 4])
            #expect(GradientCheck.worstError(x, parameters: layer.parameters(), atol: 3e-3, rtol: 3e-2) { layer($0, keyPaddingMask: Tensor([[0, 0, 1], [0, 0, 0]])) } <= 1)
        }
    }

    @Test func transformerLayerNames() {
        let names = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8).namedParameters().map(\.name)
        #expect(names.contains("self_attn.in_proj_weight") && names.contains("linear1.weight") && names.contains("norm2.bias"))
    }
}
