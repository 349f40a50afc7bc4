import SiameseCore

/// A multi-layer, optionally bidirectional LSTM over batch-first sequences, with PyTorch's gates and weight names.
///
/// Per step, with gates in PyTorch's order (input, forget, cell, output):
/// `i = σ(·), f = σ(·), g = tanh(·), o = σ(·)` of `x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`;
/// `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`.
/// ```swift
/// let lstm = LSTM(inputSize: 32, hiddenSize: 64, bidirectional: true)
/// let (out, h, c) = lstm(tokens, lengths: [7, 5, 9])   // out: [3, 9, 128]
/// ```
public final class LSTM: RecurrentLayer {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, bidirectional: Bool = false) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   bidirectional: bidirectional, gateCount: 4)
    }

    override var stateCount: Int { 2 }

    override func cellStep(xProj: Tensor, state: [Tensor], whh: Tensor, bhh: Tensor?) -> [Tensor] {
        var gates = xProj + matmul(state[0], whh.transposed())
        if let bhh { gates = gates + bhh }
        let parts = gates.split(sizes: [Int](repeating: hiddenSize, count: 4), axis: 1)
        let i = parts[0].sigmoid(), f = parts[1].sigmoid(), g = parts[2].tanh(), o = parts[3].sigmoid()
        let c = f * state[1] + i * g
        return [o * c.tanh(), c]
    }

    /// Runs the LSTM; see ``RecurrentLayer`` for `lengths` and the shapes.
    /// - Returns: outputs `[batch, time, directions · hidden]`, final `h` and final `c`, each `[layers · directions, batch, hidden]`.
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, initialState: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, h: Tensor, c: Tensor) {
        let (out, finals) = run(x, lengths: lengths, initialState: initialState.map { [$0.h, $0.c] })
        return (out, finals[0], finals[1])
    }
}
