import SiameseCore
import SiameseNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba), and AdamW (Loshchilov & Hutter) when `decoupledWeightDecay` is set, following PyTorch:
///
/// `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`, `p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)`.
/// Adam adds `λ·p` to the gradient; AdamW instead multiplies `p` by `1 − lr·λ` before the update.
public class Adam: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    let decoupled: Bool
    public private(set) var stepCount = 0
    private let slots = SlotStore()

    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        decoupled = false
    }

    init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float, beta1: Float, beta2: Float,
         epsilon: Float, weightDecay: Float, decoupled: Bool) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func step() {
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
        for (name, p) in parameters where !p.isFrozen {
            guard let gradient = p.gradientValues else { continue }
            var m = slots.get("\(name).exp_avg", count: gradient.count)
            var v = slots.get("\(name).exp_avg_sq", count: gradient.count)
            p.withMutableValues { w in
                if decoupled && weightDecay != 0 { for i in 0..<w.count { w[i] *= 1 - learningRate * weightDecay } }
                let step = learningRate / c1
                let c2Root = c2.squareRoot()
                for i in 0..<w.count {
                    var g = gradient[i]
                    if !decoupled && weightDecay != 0 { g += weightDecay * w[i] }
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    w[i] -= step * m[i] / (v[i].squareRoot() / c2Root + epsilon)
                }
            }
            slots.set("\(name).exp_avg", m)
            slots.set("\(name).exp_avg_sq", v)
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

/// Adam with decoupled weight decay (default λ = 0.01), as PyTorch's `AdamW`.
public final class AdamW: Adam {
    public override init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3, beta1: Float = 0.9,
                         beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
