import SiameseCore

/// Multi-head scaled dot-product attention over batch-first sequences, with PyTorch's weight names
/// (`in_proj_weight` `[3E, E]`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`).
///
/// Per head: `softmax(Q·Kᵀ / √d + mask) · V`, with `d = embedDim / numHeads`.
public final class MultiHeadAttention: Module {
    public let embedDim: Int
    public let numHeads: Int
    public let inProjWeight: Parameter
    public let inProjBias: Parameter?
    public let outProj: Linear
    let dropout: Dropout

    public init(embedDim: Int, numHeads: Int, bias: Bool = true, dropout: Float = 0) {
        precondition(embedDim % numHeads == 0, "MultiHeadAttention: embedDim \(embedDim) is not divisible by numHeads \(numHeads)")
        self.embedDim = embedDim
        self.numHeads = numHeads
        inProjWeight = Parameter(Initializer.xavierUniform([3 * embedDim, embedDim], fanIn: embedDim, fanOut: 3 * embedDim))
        inProjBias = bias ? Parameter(Tensor.zeros([3 * embedDim])) : nil
        outProj = Linear(embedDim, embedDim, bias: bias)
        if let b = outProj.bias { b.update(Tensor.zeros([embedDim])) }
        self.dropout = Dropout(dropout)
        super.init()
    }

    override public func children() -> [(String, Any)] {
        [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias as Any), ("out_proj", outProj)]
    }

    private func project(_ x: Tensor, part: Int) -> Tensor {
        let w = inProjWeight.value.narrowed(axis: 0, start: part * embedDim, length: embedDim)
        var y = matmul(x, w.transposed())
        if let b = inProjBias?.value.narrowed(axis: 0, start: part * embedDim, length: embedDim) { y = y + b }
        let (batch, time) = (x.shape[0], x.shape[1])
        return y.reshaped([batch, time, numHeads, embedDim / numHeads]).permuted([0, 2, 1, 3])
    }

    /// Attends from `query` (`[batch, Tq, E]`) to `key`/`value` (`[batch, Tk, E]`).
    ///
    /// - Parameters:
    ///   - keyPaddingMask: `[batch, Tk]`, non-zero where a key is padding and must be ignored.
    ///   - attentionMask: `[Tq, Tk]` added to the scores (use a large negative number to block a pair).
    /// - Returns: the output `[batch, Tq, E]` and the attention weights `[batch, heads, Tq, Tk]`.
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil,
                               attentionMask: Tensor? = nil) -> (output: Tensor, weights: Tensor) {
        precondition(query.rank == 3 && query.shape[2] == embedDim && key.shape == value.shape && key.shape[2] == embedDim
                     && key.shape[0] == query.shape[0],
                     "MultiHeadAttention: expected [batch, T, \(embedDim)] inputs, got \(query.shape), \(key.shape), \(value.shape)")
        let (batch, tq, tk) = (query.shape[0], query.shape[1], key.shape[1])
        let q = project(query, part: 0), k = project(key, part: 1), v = project(value, part: 2)
        var scores = matmul(q, k.transposed()) * (1 / Float(embedDim / numHeads).squareRoot())
        if let attentionMask {
            precondition(attentionMask.shape == [tq, tk], "MultiHeadAttention: attentionMask must be [\(tq), \(tk)], got \(attentionMask.shape)")
            scores = scores + attentionMask
        }
        if let keyPaddingMask {
            precondition(keyPaddingMask.shape == [batch, tk], "MultiHeadAttention: keyPaddingMask must be [\(batch), \(tk)], got \(keyPaddingMask.shape)")
            let blocked = keyPaddingMask.ne(Tensor(scalar: 0)).reshaped([batch, 1, 1, tk]) * Float(-1e9)
            scores = scores + blocked
        }
        let weights = dropout(scores.softmax(axis: -1))
        let context = matmul(weights, v).permuted([0, 2, 1, 3]).reshaped([batch, tq, embedDim])
        return (outProj(context), weights)
    }

    /// Self-attention: `query = key = value = x`.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: Tensor? = nil, attentionMask: Tensor? = nil) -> Tensor {
        callAsFunction(query: x, key: x, value: x, keyPaddingMask: keyPaddingMask, attentionMask: attentionMask).output
    }
}
