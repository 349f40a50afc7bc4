import SiameseCore
import SiameseNN

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
/// following PyTorch's `torch.optim.SGD`:
///
/// `g ← g + λ·p`; `b ← μ·b + (1 − τ)·g` (b = g on the first step); `g ← g + μ·b` (Nesterov) or `g ← b`;
/// `p ← p − lr·g`.
public final class SGD: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    public private(set) var stepCount = 0
    private let slots = SlotStore()

    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float, momentum: Float = 0,
                dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum; self.dampening = dampening; self.weightDecay = weightDecay; self.nesterov = nesterov
    }

    public func step() {
        stepCount += 1
        for (name, p) in parameters where !p.isFrozen {
            guard var g = p.gradientValues else { continue }
            p.withMutableValues { w in
                if weightDecay != 0 { for i in 0..<g.count { g[i] += weightDecay * w[i] } }
                if momentum != 0 {
                    let key = "\(name).momentum_buffer"
                    var b: [Float]
                    if slots.has(key) {
                        b = slots.get(key, count: g.count)
                        for i in 0..<g.count { b[i] = momentum * b[i] + (1 - dampening) * g[i] }
                    } else {
                        b = g
                    }
                    slots.set(key, b)
                    if nesterov { for i in 0..<g.count { g[i] += momentum * b[i] } } else { g = b }
                }
                for i in 0..<g.count { w[i] -= learningRate * g[i] }
            }
        }
    }

    public func stateTensors() -> [String: Tensor] {
        slots.export(shapes: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.parameter.shape) }))
    }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int) throws {
        try slots.load(tensors, shapes: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.parameter.shape) }))
        self.stepCount = stepCount
    }
}
