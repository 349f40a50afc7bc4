import SiameseCore

/// Multi-similarity loss (Wang et al. 2019). Per anchor, with similarity `S`:
/// `1/α · log(1 + Σ_pos exp(−α(S − base))) + 1/β · log(1 + Σ_neg exp(β(S − base)))`.
///
/// Defaults: α 2, β 50, base 0.5, ``CosineSimilarity``, ``MeanReducer`` over anchors.
public struct MultiSimilarityLoss: MetricLoss, ReferenceMetricLoss {
    public let alpha: Float, beta: Float, base: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(alpha: Float = 2, beta: Float = 50, base: Float = 0.5, distance: any Distance = CosineSimilarity(),
                reducer: any Reducer = MeanReducer()) {
        self.alpha = alpha; self.beta = beta; self.base = base; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let mat = distance.matrix(embeddings, reference?.embeddings)
        let cols = reference?.labels.count ?? labels.count
        let (posMask, negMask) = tuples?.pairMasks(rows: labels.count, cols: cols) ?? MinedTuples.allPairMasks(labels, reference: reference?.labels)
        let b = Tensor(scalar: base)
        let pos = (distance.margin(mat, b) * alpha).maskedLogSumExp(keep: posMask, addOne: true, axis: 1) * (1 / alpha)
        let neg = (distance.margin(b, mat) * beta).maskedLogSumExp(keep: negMask, addOne: true, axis: 1) * (1 / beta)
        return ["loss": LossTerm(losses: (pos + neg).reshaped([-1]), kind: .element)]
    }
}
