import SiameseCore
import SiameseNN

/// Normalised softmax loss (Zhai & Wu 2018): cross-entropy over similarities to L2-normalised class weights.
///
/// With `W` (`[embeddingSize, numClasses]`) normalised column by column: `logits = sim(x, W) / T` (negated for a
/// distance), per embedding `−log softmax(logits)[y]`, times the miner's sample weight (a miner only reweighs
/// samples, as in PML).
///
/// Defaults as PML 2.9 `NormalizedSoftmaxLoss`: temperature `T` 0.05, ``DotProductSimilarity`` (on normalised
/// embeddings), ``MeanReducer``; `W` starts standard normal. Pass ``parameters()`` to the optimizer.
public final class NormalizedSoftmaxLoss: Module, MetricLoss {
    public let weight: Parameter
    public let temperature: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(numClasses: Int, embeddingSize: Int, temperature: Float = 0.05,
                distance: any Distance = DotProductSimilarity(), reducer: any Reducer = MeanReducer()) {
        precondition(temperature > 0, "NormalizedSoftmaxLoss: temperature must be > 0")
        weight = Parameter(Initializer.normal([embeddingSize, numClasses]))
        self.temperature = temperature; self.distance = distance; self.reducer = reducer
        super.init()
    }

    override public func children() -> [(String, Any)] { [("W", weight)] }

    /// `sim(x, W/‖W‖) / T` (`[n, numClasses]`).
    public func logits(_ embeddings: Tensor) -> Tensor {
        let normalized = weight.value.l2Normalized(axis: 0)
        let logits = distance.matrix(embeddings, normalized.transposed()) * (1 / temperature)
        return distance.isInverted ? logits : -logits
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = weight.shape[1]
        ClassTargets.check(labels, classes: classes, "NormalizedSoftmaxLoss")
        var losses: Tensor
        if distance is DotProductSimilarity || distance is CosineSimilarity {
            // The similarity is a plain product: one GEMM fused with the normalisations, 1/T and the softmax.
            let s = 1 / temperature, normalized = distance.normalizeEmbeddings
            losses = MarginSoftmaxCrossEntropy.losses(embeddings: embeddings, weights: weight.value, targets: labels, scale: s,
                                                      normalizeEmbeddings: normalized, normalizeWeights: true) { c, a, _ in
                normalized ? TargetLogit(value: s * c, dc: s) : TargetLogit(value: s * c * a, dc: s * a, da: s * c)
            }
        } else {
            losses = SoftmaxCrossEntropy.losses(logits(embeddings), targets: labels)
        }
        if tuples != nil { losses = losses * MinedTuples.sampleWeights(tuples, count: labels.count) }
        return ["loss": LossTerm(losses: losses, kind: .element, anchors: Array(labels.indices))]
    }
}
