import SiameseCore

/// Circle loss (Sun et al. 2020) with cosine similarity `s`, per anchor:
/// `softplus( log Σ_pos exp(−γ·[1 + m − s]₊·(s − (1 − m))) + log Σ_neg exp(γ·[s + m]₊·(s − m)) )`,
/// where the bracketed weights are not differentiated. Anchors without positives or negatives give 0. Takes reference
/// embeddings (``CrossBatchMemory``): anchors are rows of the batch, the pairs' other ends rows of the reference.
///
/// Defaults: m 0.4, γ 80, ``CosineSimilarity``, ``AvgNonZeroReducer``.
public struct CircleLoss: MetricLoss, ReferenceMetricLoss {
    public let m: Float, gamma: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(m: Float = 0.4, gamma: Float = 80, distance: any Distance = CosineSimilarity(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.m = m; self.gamma = gamma; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let s = distance.matrix(embeddings, reference?.embeddings)
        let cols = reference?.labels.count ?? labels.count
        let (posMask, negMask) = tuples?.pairMasks(rows: labels.count, cols: cols)
            ?? MinedTuples.allPairMasks(labels, reference: reference?.labels)
        let sd = s.detached()
        let posLogits = (1 + m - sd).relu() * (s - (1 - m)) * (-gamma)
        let negLogits = (sd + m).relu() * (s - m) * gamma
        let logits = Tensor.where(posMask, posLogits, Tensor.where(negMask, negLogits, Tensor(scalar: 0)))
        let lsePos = logits.maskedLogSumExp(keep: posMask, addOne: false, axis: 1)
        let lseNeg = logits.maskedLogSumExp(keep: negMask, addOne: false, axis: 1)
        let valid = posMask.sum(axis: 1, keepDims: true).gt(0) * negMask.sum(axis: 1, keepDims: true).gt(0)
        return ["loss": LossTerm(losses: ((lsePos + lseNeg).softplus() * valid).reshaped([-1]), kind: .element)]
    }
}
