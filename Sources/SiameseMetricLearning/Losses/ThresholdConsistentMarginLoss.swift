import SiameseCore

/// The threshold-consistent margin loss (TCM, Zhang et al. 2023): pulls positive pairs above one cosine margin and
/// pushes negative pairs below another, averaging only over the pairs on the wrong side.
///
/// With cosine similarities `s` over the positive and negative pairs (all, or the mined ones):
/// `λ⁺ · mean_{s ≤ m⁺}(m⁺ − s) + λ⁻ · mean_{s ≥ m⁻}(s − m⁻)` (a mean over no pair is 0). The value is already
/// reduced, so there is no reducer to choose.
///
/// Defaults as PML 2.9 `ThresholdConsistentMarginLoss`: `lambdaPlus` 1, `lambdaMinus` 1, `marginPlus` 0.9,
/// `marginMinus` 0.5, ``CosineSimilarity`` (the only distance PML accepts).
public struct ThresholdConsistentMarginLoss: MetricLoss {
    public let lambdaPlus: Float, lambdaMinus: Float, marginPlus: Float, marginMinus: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer = MeanReducer()

    public init(lambdaPlus: Float = 1, lambdaMinus: Float = 1, marginPlus: Float = 0.9, marginMinus: Float = 0.5) {
        self.lambdaPlus = lambdaPlus; self.lambdaMinus = lambdaMinus
        self.marginPlus = marginPlus; self.marginMinus = marginMinus
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels)).asPairs
        let mat = distance.matrix(embeddings)
        var total = embeddings.sum() * 0
        if !a1.isEmpty {
            let pos = mat.entries(rows: a1, cols: p)
            let below = pos.detached().le(Tensor(scalar: marginPlus))
            let count = below.sum().item
            if count > 0 { total = total + ((marginPlus - pos) * below).sum() * (lambdaPlus / count) }
        }
        if !a2.isEmpty {
            let neg = mat.entries(rows: a2, cols: n)
            let above = neg.detached().ge(Tensor(scalar: marginMinus))
            let count = above.sum().item
            if count > 0 { total = total + ((neg - marginMinus) * above).sum() * (lambdaMinus / count) }
        }
        return ["loss": LossTerm(losses: total.reshaped([1]), kind: .element)]
    }
}
