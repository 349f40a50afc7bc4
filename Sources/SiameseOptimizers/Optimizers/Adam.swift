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
/// Adam adds `λ·p` to the gradient; AdamW instead multiplies `p` by `1 − lr·λ` before the update. Parameters named
/// in ``decayExempt`` get no weight decay (PyTorch's parameter group with `weight_decay=0`, which Hugging Face and
/// sentence-transformers use for biases and LayerNorm weights).
public class Adam: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// Names (as in ``parameters``) of parameters without weight decay; empty by default.
    public var decayExempt: Set<String> = []
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
        let step = learningRate / c1, c2Root = c2.squareRoot()
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
        for (name, p) in parameters where !p.isFrozen {
            guard let grad = p.grad else { continue }
            let weightDecay = decayExempt.contains(name) ? 0 : weightDecay
            let coupledDecay = decoupled ? 0 : weightDecay
            if decoupled && weightDecay != 0 {
                let shrink = 1 - learningRate * weightDecay
                p.withMutableValues { w in for i in 0..<w.count { w[i] *= shrink } }
            }
            // In place over raw buffers: copying the moments in and out of the slot store each step, and
            // bounds-checked indexing, made this loop cost more than the fully connected layers' products.
            grad.withUnsafeBufferPointer { g in
                slots.update("\(name).exp_avg", "\(name).exp_avg_sq", count: g.count) { m, v in
                    p.withMutableValues { w in
                        let (pg, pm, pv, pw) = (g.baseAddress!, m.baseAddress!, v.baseAddress!, w.baseAddress!)
                        for i in 0..<g.count {
                            let gi = pg[i] + coupledDecay * pw[i]
                            let mi = beta1 * pm[i] + (1 - beta1) * gi
                            let vi = beta2 * pv[i] + (1 - beta2) * gi * gi
                            pm[i] = mi
                            pv[i] = vi
                            pw[i] -= step * mi / (vi.squareRoot() / c2Root + epsilon)
                        }
                    }
                }
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

/// Adam with decoupled weight decay (default λ = 0.01), as PyTorch's `AdamW`.
public final class AdamW: Adam {
    public override init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3, beta1: Float = 0.9,
                         beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
