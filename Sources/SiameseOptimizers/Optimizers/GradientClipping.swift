import SiameseCore
import SiameseNN

/// Gradient clipping, applied between `backward()` and `step()`.
public enum GradientClipping {
    /// Scales all gradients together so their global L2 norm is at most `maxNorm`, as `clip_grad_norm_`.
    ///
    /// - Returns: the global norm before clipping.
    @discardableResult
    public static func clipByNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        let grads = parameters.compactMap(\.grad)
        let total = grads.reduce(Float(0)) { acc, g in acc + g.scalars.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        let scale = maxNorm / (total + 1e-6)
        if scale < 1 {
            for p in parameters { if let g = p.grad { p.setGrad(g * scale) } }
        }
        return total
    }

    /// Limits every gradient element to `[-maxValue, maxValue]`, as `clip_grad_value_`.
    public static func clipByValue(_ parameters: [Parameter], maxValue: Float) {
        for p in parameters { if let g = p.grad { p.setGrad(g.clamped(min: -maxValue, max: maxValue)) } }
    }
}
