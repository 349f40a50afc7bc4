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
        let mask = ClassTargets.oneHot(labels, classes: numClasses)
        let cos = cosine(embeddings)
        let target = (cos * mask).sum(axis: 1)
        let m = marginRadians
        let c = target.clamped(min: -1 + 1e-7, max: 1 - 1e-7)
        let shifted = c * cosf(m) - (1 - c.square()).sqrt() * sinf(m)
        let limit = Float.pi - m
        let inRange = Tensor(target.scalars.map { acosf(Swift.min(Swift.max($0, -1), 1)) <= limit ? 1 : 0 }, shape: [labels.count])
        let modified = Tensor.where(inRange, shifted, target - m * sinf(m))
        let logits = (cos + mask * (modified - target).unsqueezed(1)) * scale
        let weights = MinedTuples.sampleWeights(tuples, count: labels.count)
        return ["loss": LossTerm(losses: ClassTargets.crossEntropy(logits, oneHot: mask) * weights, kind: .element,
                                 anchors: Array(labels.indices))]
    }
}
