import SiameseCore

/// Supervised contrastive loss (Khosla et al. 2020). Per anchor `i` with positives `P(i)`:
/// `−1/|P(i)| · Σ_{p∈P(i)} log( exp(s_ip/τ) / Σ_{j≠i} exp(s_ij/τ) )`.
///
/// Defaults: τ 0.1, ``CosineSimilarity``, ``AvgNonZeroReducer``.
public struct SupConLoss: MetricLoss, ReferenceMetricLoss {
    public let temperature: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(temperature: Float = 0.1, distance: any Distance = CosineSimilarity(), reducer: any Reducer = AvgNonZeroReducer()) {
        self.temperature = temperature; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let cols = reference?.labels.count ?? labels.count
        let (posMask, negMask) = tuples?.pairMasks(rows: labels.count, cols: cols) ?? MinedTuples.allPairMasks(labels, reference: reference?.labels)
        guard posMask.sum().item > 0, negMask.sum().item > 0 else { return [:] }
        var mat = distance.matrix(embeddings, reference?.embeddings)
        if !distance.isInverted { mat = -mat }
        mat = mat * (1 / temperature)
        mat = mat - mat.max(axis: 1, keepDims: true).detached()
        let denominator = mat.maskedLogSumExp(keep: posMask + negMask, addOne: false, axis: 1)
        let logProb = mat - denominator
        let meanLogProbPos = (posMask * logProb).sum(axis: 1) / (posMask.sum(axis: 1) + Float.leastNormalMagnitude)
        return ["loss": LossTerm(losses: -meanLogProbPos, kind: .element)]
    }
}
