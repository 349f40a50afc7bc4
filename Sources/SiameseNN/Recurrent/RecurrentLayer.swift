import SiameseCore

/// Shared machinery of ``LSTM`` and ``GRU``: PyTorch-named weights per layer and direction,
/// batch-first sequences, optional per-sequence lengths, and bidirectional stacking.
public class RecurrentLayer: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    public let bidirectional: Bool
    let gateCount: Int
    /// Parameters keyed by their PyTorch names (`weight_ih_l0`, `bias_hh_l1_reverse`, …), in creation order.
    let weights: [(String, Parameter)]
    private let lookup: [String: Parameter]

    init(inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, bidirectional: Bool, gateCount: Int) {
        precondition(inputSize > 0 && hiddenSize > 0 && numLayers > 0, "\(Self.self): sizes must be positive")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        self.gateCount = gateCount
        let bound = 1 / Float(hiddenSize).squareRoot()
        var list: [(String, Parameter)] = []
        for layer in 0..<numLayers {
            for suffix in bidirectional ? ["", "_reverse"] : [""] {
                let input = layer == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
                list.append(("weight_ih_l\(layer)\(suffix)", Parameter(Initializer.uniform([gateCount * hiddenSize, input], bound: bound))))
                list.append(("weight_hh_l\(layer)\(suffix)", Parameter(Initializer.uniform([gateCount * hiddenSize, hiddenSize], bound: bound))))
                if bias {
                    list.append(("bias_ih_l\(layer)\(suffix)", Parameter(Initializer.uniform([gateCount * hiddenSize], bound: bound))))
                    list.append(("bias_hh_l\(layer)\(suffix)", Parameter(Initializer.uniform([gateCount * hiddenSize], bound: bound))))
                }
            }
        }
        weights = list
        lookup = Dictionary(uniqueKeysWithValues: list)
        super.init()
    }

    override public func children() -> [(String, Any)] { weights.map { ($0.0, $0.1 as Any) } }

    func parameter(_ name: String) -> Tensor? { lookup[name]?.value }

    /// One time step of the cell: `(input projection + recurrent projection, previous state) → new state`.
    /// `xProj` already holds `x·W_ihᵀ + b_ih`; the state is `[h]` (GRU) or `[h, c]` (LSTM).
    func cellStep(xProj: Tensor, state: [Tensor], whh: Tensor, bhh: Tensor?) -> [Tensor] {
        fatalError("\(Self.self) must override cellStep")
    }

    /// Number of state tensors carried between steps (2 for LSTM, 1 for GRU).
    var stateCount: Int { 1 }

    /// Runs all layers and directions over `x` (`[batch, time, inputSize]`).
    ///
    /// - Parameters:
    ///   - lengths: valid steps of each sequence; later steps are padding: they do not update the state and
    ///     their outputs are zero. Reverse directions read each sequence backwards from its own last valid step.
    ///   - initialState: per state kind, `[numLayers · directions, batch, hiddenSize]`; zeros by default.
    /// - Returns: outputs `[batch, time, directions · hiddenSize]` and final states, each `[numLayers · directions, batch, hiddenSize]`.
    func run(_ x: Tensor, lengths: [Int]?, initialState: [Tensor]?) -> (output: Tensor, finalStates: [Tensor]) {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "\(Self.self): input must be [batch, time, \(inputSize)], got \(x.shape)")
        let (batch, time) = (x.shape[0], x.shape[1])
        let lens = lengths ?? [Int](repeating: time, count: batch)
        precondition(lens.count == batch && lens.allSatisfy { $0 >= 0 && $0 <= time },
                     "\(Self.self): lengths \(lens) do not fit batch \(batch) and time \(time)")
        let directions = bidirectional ? 2 : 1
        // masks[t] is [batch, 1]: 1 while step t is inside the sequence.
        let masks = (0..<time).map { t in Tensor(lens.map { t < $0 ? 1 : 0 }, shape: [batch, 1]) }
        let reverseIndex = Self.reversalIndex(lengths: lens, time: time)
        var layerInput = x
        var finals = [[Tensor]](repeating: [], count: stateCount)
        for layer in 0..<numLayers {
            var directionOutputs: [Tensor] = []
            for d in 0..<directions {
                let suffix = d == 0 ? "" : "_reverse"
                let input = d == 0 ? layerInput : Self.reverse(layerInput, reverseIndex)
                let wih = parameter("weight_ih_l\(layer)\(suffix)")!, whh = parameter("weight_hh_l\(layer)\(suffix)")!
                var proj = matmul(input, wih.transposed())
                if let b = parameter("bias_ih_l\(layer)\(suffix)") { proj = proj + b }
                var state = (0..<stateCount).map { k in
                    initialState.map { $0[k].narrowed(axis: 0, start: layer * directions + d, length: 1).reshaped([batch, hiddenSize]) }
                        ?? Tensor.zeros([batch, hiddenSize])
                }
                var outputs: [Tensor] = []
                for t in 0..<time {
                    let step = proj.narrowed(axis: 1, start: t, length: 1).reshaped([batch, gateCount * hiddenSize])
                    let next = cellStep(xProj: step, state: state, whh: whh, bhh: parameter("bias_hh_l\(layer)\(suffix)"))
                    let m = masks[t]
                    state = zip(next, state).map { new, old in Tensor.where(m, new, old) }
                    outputs.append(next[0] * m)
                }
                var out = Tensor.stack(outputs, axis: 1)
                if d == 1 { out = Self.reverse(out, reverseIndex) }
                directionOutputs.append(out)
                for k in 0..<stateCount { finals[k].append(state[k]) }
            }
            layerInput = directions == 1 ? directionOutputs[0] : Tensor.concatenate(directionOutputs, axis: 2)
        }
        return (layerInput, finals.map { Tensor.stack($0, axis: 0) })
    }

    /// For each sequence, step `t < length` maps to `length − 1 − t`; padding steps stay in place.
    static func reversalIndex(lengths: [Int], time: Int) -> [[Int]] {
        lengths.map { len in (0..<time).map { t in t < len ? len - 1 - t : t } }
    }

    /// Reorders the time axis of `[batch, time, features]` per sequence (an involution).
    static func reverse(_ x: Tensor, _ index: [[Int]]) -> Tensor {
        let (batch, time, features) = (x.shape[0], x.shape[1], x.shape[2])
        var flat: [Int] = []
        flat.reserveCapacity(batch * time * features)
        for b in 0..<batch { for t in 0..<time { flat.append(contentsOf: repeatElement(index[b][t], count: features)) } }
        return x.gather(axis: 1, IntTensor(flat, shape: [batch, time, features]))
    }
}
