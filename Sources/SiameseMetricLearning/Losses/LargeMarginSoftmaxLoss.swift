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

    /// `cos(mθ)` from `cos θ` by the multiple-angle formula.
    func cosineWithMargin(_ c: Tensor) -> Tensor {
        let sine2 = 1 - c.square()
        var total = Tensor.zeros(c.shape)
        for n in 0...(margin / 2) {
            let sign: Float = n % 2 == 0 ? 1 : -1
            let term = c.integerPower(margin - 2 * n) * sine2.integerPower(n) * (sign * binomial(margin, 2 * n))
            total = total + term
        }
        return total
    }

    private func binomial(_ n: Int, _ k: Int) -> Float {
        var r = 1.0
        for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
        return Float(r)
    }

    /// What the (margin-adjusted) cosines are multiplied by before the softmax: `‖W_c‖ · ‖x_i‖` (`[n, classes]`).
    func magnitudes(_ embeddings: Tensor) -> Tensor {
        embeddings.norm(axis: 1, keepDims: true) * weight.value.norm(axis: 0, keepDims: true)
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = weight.shape[1]
        ClassTargets.check(labels, classes: classes, "\(Self.self)")
        let mask = ClassTargets.oneHot(labels, classes: classes)
        let cosine = distance.matrix(embeddings, weight.value.transposed())
        let target = (cosine * mask).sum(axis: 1)
        // k = ⌊θ / (π/m)⌋, a constant.
        let step = Float.pi / Float(margin)
        let k = target.scalars.map { floorf(acosf(Swift.min(Swift.max($0, -1), 1)) / step) }
        let signs = Tensor(k.map { Int($0) % 2 == 0 ? 1 : -1 }, shape: [labels.count])
        let modified = cosineWithMargin(target) * signs - Tensor(k.map { 2 * $0 }, shape: [labels.count])
        let logits = (cosine + mask * (modified - target).unsqueezed(1)) * magnitudes(embeddings) * scale
        let weights = MinedTuples.sampleWeights(tuples, count: labels.count)
        return ["loss": LossTerm(losses: ClassTargets.crossEntropy(logits, oneHot: mask) * weights, kind: .element,
                                 anchors: Array(labels.indices))]
    }
}
