import SiameseCore
import SiameseNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Large-margin softmax (L-Softmax, Liu et al. 2016) with learned class weights `W` (`[embeddingSize, numClasses]`).
///
/// With `θ` the angle between an embedding and its class weight, the target logit uses
/// `ψ(θ) = (−1)ᵏ cos(mθ) − 2k` for `θ ∈ [kπ/m, (k+1)π/m]`, where `cos(mθ) = Σₙ (−1)ⁿ C(m, 2n) cos^{m−2n}θ (1 − cos²θ)ⁿ`
/// (`k` carries no gradient); other logits use `cos θ`. Every logit is multiplied by `‖W_c‖ · ‖x‖ · scale`, then
/// cross-entropy, times the miner's sample weight (a miner only reweighs samples, as in PML).
///
/// Defaults as PML 2.9 `LargeMarginSoftmaxLoss`: margin `m` 4 (an integer), scale 1, ``CosineSimilarity`` (the only
/// distance PML accepts), ``MeanReducer``; `W` starts standard normal. ``SphereFaceLoss`` differs only in the
/// logit magnitudes. Pass ``parameters()`` to the optimizer.
public class LargeMarginSoftmaxLoss: Module, MetricLoss {
    public let weight: Parameter
    public let margin: Int
    public let scale: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer

    public init(numClasses: Int, embeddingSize: Int, margin: Int = 4, scale: Float = 1, reducer: any Reducer = MeanReducer()) {
        precondition(margin >= 1, "\(Self.self): margin must be an integer ≥ 1")
        weight = Parameter(Initializer.normal([embeddingSize, numClasses]))
        self.margin = margin; self.scale = scale; self.reducer = reducer
        super.init()
    }

    override public func children() -> [(String, Any)] { [("W", weight)] }

    /// `cos(mθ) = Σₙ coefficients[n] · c^{m−2n} (1 − c²)ⁿ` and its derivative in `c = cos θ`, with `coefficients[n]`
    /// `= (−1)ⁿ C(m, 2n)`.
    static func multipleAngleCosine(_ c: Float, _ m: Int, _ coefficients: [Float]) -> (value: Float, slope: Float) {
        let sine2 = 1 - c * c
        var value: Float = 0, slope: Float = 0
        for (n, coefficient) in coefficients.enumerated() {
            let p = m - 2 * n
            let cp = power(c, p), sn = power(sine2, n)
            value += coefficient * cp * sn
            // d/dc [c^p (1 − c²)ⁿ] = p c^{p−1} (1 − c²)ⁿ − 2n c^{p+1} (1 − c²)^{n−1}.
            if p > 0 { slope += coefficient * Float(p) * power(c, p - 1) * sn }
            if n > 0 { slope -= coefficient * Float(2 * n) * power(c, p + 1) * power(sine2, n - 1) }
        }
        return (value, slope)
    }

    private static func power(_ x: Float, _ k: Int) -> Float {
        var r: Float = 1
        for _ in 0..<k { r *= x }
        return r
    }

    /// Whether the logits are multiplied by the class weights' norms (L-Softmax) or not (``SphereFaceLoss``).
    var usesWeightNorms: Bool { true }

    private func binomial(_ n: Int, _ k: Int) -> Float {
        var r = 1.0
        for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
        return Float(r)
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = weight.shape[1]
        ClassTargets.check(labels, classes: classes, "\(Self.self)")
        // Off-target logits s·cos·‖x‖·‖W_c‖ are s·x·W_c: one GEMM fused with the target's margin and the softmax.
        let s = scale, m = margin, step = Float.pi / Float(margin), weightNorms = usesWeightNorms
        let coefficients = (0...(margin / 2)).map { n in (n % 2 == 0 ? 1 : -1) * binomial(margin, 2 * n) }
        let losses = MarginSoftmaxCrossEntropy.losses(embeddings: embeddings, weights: weight.value, targets: labels, scale: s,
                                                      normalizeEmbeddings: false, normalizeWeights: !weightNorms) { c, a, b in
            // ψ(θ) = (−1)ᵏ cos(mθ) − 2k, k = ⌊θ / (π/m)⌋ (a constant), times s·‖x‖ (·‖W_t‖).
            let k = floorf(acosf(Swift.min(Swift.max(c, -1), 1)) / step)
            let sign: Float = Int(k) % 2 == 0 ? 1 : -1
            let (value, slope) = Self.multipleAngleCosine(c, m, coefficients)
            let psi = sign * value - 2 * k, dpsi = sign * slope
            let magnitude = s * a * (weightNorms ? b : 1)
            return TargetLogit(value: magnitude * psi, dc: magnitude * dpsi, da: s * (weightNorms ? b : 1) * psi,
                               db: weightNorms ? s * a * psi : 0)
        }
        let weights = MinedTuples.sampleWeights(tuples, count: labels.count)
        return ["loss": LossTerm(losses: losses * weights, kind: .element,
                                 anchors: Array(labels.indices))]
    }
}
