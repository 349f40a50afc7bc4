import SiameseCore
import SiameseNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Additive angular margin (ArcFace, Deng et al. 2019) and additive cosine margin (CosFace, Wang et al. 2018)
/// softmax losses, with learned class weights `W` (`[embeddingSize, numClasses]`).
///
/// With `θ` the angle between an embedding and its class weight, the target logit is `scale · cos(θ + m)`
/// (ArcFace) or `scale · (cos θ − m)` (CosFace); other logits are `scale · cos θ`; then cross-entropy.
/// Defaults as PML 2.9 `ArcFaceLoss`: margin 28.6° (given in degrees, as PML), scale 64, ``MeanReducer``. The
/// weights are a ``Parameter``: pass ``parameters()`` to the optimizer along with the encoder's.
public final class ArcFaceLoss: Module, MetricLoss {
    /// Which margin is applied to the target class: an angle in degrees (ArcFace, PML's unit; ``angular(radians:)``
    /// converts) or a cosine offset (CosFace).
    public enum Margin: Sendable, Equatable {
        case angular(degrees: Float)
        case cosine(Float)

        /// An angular margin given in radians.
        public static func angular(radians: Float) -> Margin { .angular(degrees: Float(Double(radians) * 180 / Double.pi)) }

        /// The angular margin in radians (`nil` for a cosine margin).
        public var radians: Float? {
            if case let .angular(degrees) = self { return Float(Double(degrees) * Double.pi / 180) }
            return nil
        }
    }

    public let weight: Parameter
    public let margin: Margin
    public let scale: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer
    /// PML's `weight_regularizer` on the class weights (one row per class), added times ``weightRegWeight``.
    public let weightRegularizer: (any Regularizer)?
    public let weightRegWeight: Float

    public init(numClasses: Int, embeddingSize: Int, margin: Margin = .angular(degrees: 28.6), scale: Float = 64,
                reducer: any Reducer = MeanReducer(), weightRegularizer: (any Regularizer)? = nil, weightRegWeight: Float = 1) {
        // PML initialises W with normal(0, 1) … then normalises it in the forward pass.
        weight = Parameter(Initializer.normal([embeddingSize, numClasses]))
        self.margin = margin; self.scale = scale; self.reducer = reducer
        self.weightRegularizer = weightRegularizer; self.weightRegWeight = weightRegWeight
        super.init()
    }

    /// CosFace: `cos θ − m` on the target class (defaults m 0.35, scale 64).
    public static func cosFace(numClasses: Int, embeddingSize: Int, margin: Float = 0.35, scale: Float = 64) -> ArcFaceLoss {
        ArcFaceLoss(numClasses: numClasses, embeddingSize: embeddingSize, margin: .cosine(margin), scale: scale)
    }

    override public func children() -> [(String, Any)] { [("W", weight)] }

    /// `s · cos(θ + m)` of the target cosine `c` and its derivative in `c`: `cos(θ + m) = c̃ cos m − √(1 − c̃²) sin m`
    /// with `c̃` the cosine clamped to `[−1 + 10⁻⁷, 1 − 10⁻⁷]` (no gradient outside), as PML.
    static func angularMargin(_ c: Float, _ m: Float, scale s: Float) -> TargetLogit {
        let lo: Float = -1 + 1e-7, hi: Float = 1 - 1e-7
        let cc = Swift.min(Swift.max(c, lo), hi), sine = (1 - cc * cc).squareRoot()
        let inside = c >= lo && c <= hi
        return TargetLogit(value: s * (cc * cosf(m) - sine * sinf(m)), dc: inside ? s * (cosf(m) + cc / sine * sinf(m)) : 0)
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = weight.shape[1]
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "ArcFaceLoss: labels must be in 0..<\(classes)")
        // One GEMM fused with the normalisations, the margin on the target cosine, the scale and the softmax.
        let s = scale
        let losses: Tensor
        switch margin {
        case .angular:
            let m = margin.radians!
            losses = MarginSoftmaxCrossEntropy.losses(embeddings: embeddings, weights: weight.value, targets: labels, scale: s,
                                                      normalizeEmbeddings: true, normalizeWeights: true) { c, _, _ in
                Self.angularMargin(c, m, scale: s)
            }
        case let .cosine(m):
            losses = MarginSoftmaxCrossEntropy.losses(embeddings: embeddings, weights: weight.value, targets: labels, scale: s,
                                                      normalizeEmbeddings: true, normalizeWeights: true) { c, _, _ in
                TargetLogit(value: s * (c - m), dc: s)
            }
        }
        var out = ["loss": LossTerm(losses: losses, kind: .element)]
        if let weightRegularizer {
            out["weight_reg_loss"] = LossTerm(losses: (weightRegularizer(weight.value.transposed()) * weightRegWeight).reshaped([1]), kind: .alreadyReduced)
        }
        return out
    }
}
