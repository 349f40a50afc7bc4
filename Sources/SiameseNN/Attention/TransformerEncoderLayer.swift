import SiameseCore

/// A Transformer encoder layer (self-attention plus a feed-forward block), batch-first, with PyTorch's names:
/// `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`.
///
/// Post-norm (default, as BERT): `x = norm1(x + SA(x))`, `x = norm2(x + FF(x))`.
/// Pre-norm (`normFirst`): `x = x + SA(norm1(x))`, `x = x + FF(norm2(x))`.
public final class TransformerEncoderLayer: Module {
    /// The feed-forward activation.
    public enum Activation: String, Sendable { case relu, gelu }

    public let selfAttention: MultiHeadAttention
    public let linear1: Linear, linear2: Linear
    public let norm1: LayerNorm, norm2: LayerNorm
    let dropout: Dropout, dropout1: Dropout, dropout2: Dropout
    public let activation: Activation
    public let normFirst: Bool

    public init(dModel: Int, numHeads: Int, feedForward: Int = 2048, dropout: Float = 0.1, activation: Activation = .relu,
                layerNormEpsilon: Float = 1e-5, normFirst: Bool = false) {
        selfAttention = MultiHeadAttention(embedDim: dModel, numHeads: numHeads, dropout: dropout)
        linear1 = Linear(dModel, feedForward)
        linear2 = Linear(feedForward, dModel)
        norm1 = LayerNorm([dModel], epsilon: layerNormEpsilon)
        norm2 = LayerNorm([dModel], epsilon: layerNormEpsilon)
        self.dropout = Dropout(dropout); dropout1 = Dropout(dropout); dropout2 = Dropout(dropout)
        self.activation = activation
        self.normFirst = normFirst
        super.init()
    }

    override public func children() -> [(String, Any)] {
        [("self_attn", selfAttention), ("linear1", linear1), ("dropout", dropout), ("linear2", linear2),
         ("norm1", norm1), ("norm2", norm2), ("dropout1", dropout1), ("dropout2", dropout2)]
    }

    private func feedForward(_ x: Tensor) -> Tensor {
        let h = linear1(x)
        return linear2(dropout(activation == .gelu ? h.gelu() : h.relu()))
    }

    /// Encodes `x` (`[batch, time, dModel]`); `keyPaddingMask` is `[batch, time]`, non-zero at padding.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: Tensor? = nil, attentionMask: Tensor? = nil) -> Tensor {
        if normFirst {
            let a = x + dropout1(selfAttention(norm1(x), keyPaddingMask: keyPaddingMask, attentionMask: attentionMask))
            return a + dropout2(feedForward(norm2(a)))
        }
        let a = norm1(x + dropout1(selfAttention(x, keyPaddingMask: keyPaddingMask, attentionMask: attentionMask)))
        return norm2(a + dropout2(feedForward(a)))
    }
}
