import SiameseCore
import SiameseNN

/// SoftTriple loss (Qian et al. 2019): a softmax loss with `centersPerClass` learned centres per class.
///
/// With `s_{i,c,k}` the similarity of embedding `i` to centre `k` of class `c`, the class similarity is
/// `S_{i,c} = Σ_k softmax_k(s_{i,c,k} / γ) · s_{i,c,k}`, and per embedding
/// `−log softmax_c(λ (S_{i,c} − δ·[c = y_i]))[y_i]`, times the miner's sample weight (a miner only reweighs
/// samples, as in PML).
///
/// Defaults as PML 2.9 `SoftTripleLoss`: `centersPerClass` 10, `la` (λ) 20, `gamma` (γ) 0.1, `margin` (δ) 0.01,
/// ``CosineSimilarity`` (a similarity is required), ``MeanReducer``. The centres `fc` (`[embeddingSize,
/// numClasses · centersPerClass]`, column `c · centersPerClass + k`) start Kaiming-uniform (bound
/// `1/√(numClasses · centersPerClass)`), as in PML; pass ``parameters()`` to the optimizer.
public final class SoftTripleLoss: Module, MetricLoss {
    public let fc: Parameter
    public let numClasses: Int, centersPerClass: Int
    public let la: Float, gamma: Float, margin: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(numClasses: Int, embeddingSize: Int, centersPerClass: Int = 10, la: Float = 20, gamma: Float = 0.1,
                margin: Float = 0.01, distance: any Distance = CosineSimilarity(), reducer: any Reducer = MeanReducer()) {
        precondition(distance.isInverted, "SoftTripleLoss: the distance must be a similarity")
        precondition(centersPerClass >= 1 && numClasses >= 1, "SoftTripleLoss: numClasses and centersPerClass must be ≥ 1")
        let columns = numClasses * centersPerClass
        fc = Parameter(Initializer.kaimingUniformDefault([embeddingSize, columns], fanIn: columns))
        self.numClasses = numClasses; self.centersPerClass = centersPerClass
        self.la = la; self.gamma = gamma; self.margin = margin; self.distance = distance; self.reducer = reducer
        super.init()
    }

    override public func children() -> [(String, Any)] { [("fc", fc)] }

    /// The class similarities `S` (`[n, numClasses]`).
    public func logits(_ embeddings: Tensor) -> Tensor {
        let toCenters = distance.matrix(embeddings, fc.value.transposed()).reshaped([-1, numClasses, centersPerClass])
        let weights = (toCenters * (1 / gamma)).softmax(axis: 2)
        return (weights * toCenters).sum(axis: 2)
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        ClassTargets.check(labels, classes: numClasses, "SoftTripleLoss")
        let target = ClassTargets.oneHot(labels, classes: numClasses)
        let losses = ClassTargets.crossEntropy((logits(embeddings) - target * margin) * la, oneHot: target)
        let weights = MinedTuples.sampleWeights(tuples, count: labels.count)
        return ["loss": LossTerm(losses: losses * weights, kind: .element, anchors: Array(labels.indices))]
    }
}
