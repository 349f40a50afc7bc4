import SiameseCore

/// A multi-layer, optionally bidirectional GRU over batch-first sequences, with PyTorch's gates and weight names.
///
/// Per step, gates in PyTorch's order (reset, update, new):
/// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r ⊙ h_n)`, `h' = (1 − z) ⊙ n + z ⊙ h`,
/// where `x_* = x·W_i*ᵀ + b_i*` and `h_* = h·W_h*ᵀ + b_h*`.
public final class GRU: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, bidirectional: Bool = false) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   bidirectional: bidirectional, gateCount: 3)
    }

    override func cellStep(xProj: Tensor, state: [Tensor], whh: Tensor, bhh: Tensor?) -> [Tensor] {
        var hp = matmul(state[0], whh.transposed())
        if let bhh { hp = hp + bhh }
        let sizes = [hiddenSize, hiddenSize, hiddenSize]
        let xs = xProj.split(sizes: sizes, axis: 1), hs = hp.split(sizes: sizes, axis: 1)
        let r = (xs[0] + hs[0]).sigmoid(), z = (xs[1] + hs[1]).sigmoid()
        let n = (xs[2] + r * hs[2]).tanh()
        return [(1 - z) * n + z * state[0]]
    }

    /// Runs the GRU; see ``RecurrentLayer`` for `lengths` and the shapes.
    /// - Returns: outputs `[batch, time, directions · hidden]` and the final `h`, `[layers · directions, batch, hidden]`.
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, initialState: Tensor? = nil) -> (output: Tensor, h: Tensor) {
        let (out, finals) = run(x, lengths: lengths, initialState: initialState.map { [$0] })
        return (out, finals[0])
    }
}
