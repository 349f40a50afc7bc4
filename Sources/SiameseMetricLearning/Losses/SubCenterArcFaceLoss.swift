import SiameseCore
import SiameseNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sub-center ArcFace (Deng et al. 2020): ArcFace with `subCenters` learned centres per class, each class scored by
/// its closest centre.
///
/// With `cos θ_{i,c} = max_k cos(x_i, W_{c,k})`, the target logit is `scale · cos(θ + m)` while `θ ≤ π − m` and
/// `scale · (cos θ − m · sin m)` beyond (keeping it decreasing); other logits are `scale · cos θ`; then
/// cross-entropy, times the miner's sample weight (a miner only reweighs samples, as in PML).
///
/// Defaults as PML 2.9 `SubCenterArcFaceLoss`: margin 28.6° (`margin` in degrees, as PML; ``marginRadians`` holds it in
/// radians), scale 64, 3 sub-centres, ``CosineSimilarity``, ``MeanReducer``. `W` is `[embeddingSize, numClasses · subCenters]`
/// (column `c · subCenters + k`) and starts standard normal. PML's `get_outliers` is not provided.
public final class SubCenterArcFaceLoss: Module, MetricLoss {
    public let weight: Parameter
    public let numClasses: Int, subCenters: Int
    /// The angular margin in degrees (PML's unit).
    public let margin: Float
    public let scale: Float
    /// ``margin`` in radians.
    public var marginRadians: Float { Float(Double(margin) * Double.pi / 180) }
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer

    public init(numClasses: Int, embeddingSize: Int, margin: Float = 28.6, scale: Float = 64,
                subCenters: Int = 3, reducer: any Reducer = MeanReducer()) {
        precondition(subCenters >= 1 && numClasses >= 1, "SubCenterArcFaceLoss: numClasses and subCenters must be ≥ 1")
        weight = Parameter(Initializer.normal([embeddingSize, numClasses * subCenters]))
        self.numClasses = numClasses; self.subCenters = subCenters
        self.margin = margin; self.scale = scale; self.reducer = reducer
        super.init()
    }

    override public func children() -> [(String, Any)] { [("W", weight)] }

    /// The cosine of each embedding to each class's closest sub-centre (`[n, numClasses]`).
    public func cosine(_ embeddings: Tensor) -> Tensor {
        distance.matrix(embeddings, weight.value.transposed()).reshaped([-1, numClasses, subCenters]).max(axis: 2)
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        ClassTargets.check(labels, classes: numClasses, "SubCenterArcFaceLoss")
        // One GEMM over every sub-centre, fused with the normalisations, the closest sub-centre, the margin and the softmax.
        let m = marginRadians, s = scale, limit = Float.pi - m
        let losses = MarginSoftmaxCrossEntropy.losses(embeddings: embeddings, weights: weight.value, subCenters: subCenters,
                                                      targets: labels, scale: s, normalizeEmbeddings: true, normalizeWeights: true) { c, _, _ in
            // cos(θ + m) while θ ≤ π − m, else cos θ − m·sin m (the range test carries no gradient).
            acosf(Swift.min(Swift.max(c, -1), 1)) <= limit ? ArcFaceLoss.angularMargin(c, m, scale: s)
                : TargetLogit(value: s * (c - m * sinf(m)), dc: s)
        }
        let weights = MinedTuples.sampleWeights(tuples, count: labels.count)
        return ["loss": LossTerm(losses: losses * weights, kind: .element,
                                 anchors: Array(labels.indices))]
    }
}
