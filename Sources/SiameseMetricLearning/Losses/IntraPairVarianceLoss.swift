import SiameseCore

/// The intra-pair variance loss (Yu & Tao 2019): penalises pairs that stray from their set's mean similarity.
///
/// With a similarity `s` and the means `μ⁺`, `μ⁻` over the positive and negative pairs (all, or the mined ones):
/// per positive pair `[(1 − ε⁺) μ⁺ − s]₊²`, per negative pair `[s − (1 + ε⁻) μ⁻]₊²`; with a distance the two
/// directions swap (`[d − (1 + ε⁺) μ⁺]₊²` and `[(1 − ε⁻) μ⁻ − d]₊²`). Each set is reduced on its own and the two
/// results are added.
///
/// Defaults as PML 2.9 `IntraPairVarianceLoss`: `posEps` 0.01, `negEps` 0.01, ``CosineSimilarity``,
/// ``MeanReducer``. Takes reference embeddings (``CrossBatchMemory``): the pairs join a batch row to a reference row.
public struct IntraPairVarianceLoss: MetricLoss, ReferenceMetricLoss {
    public let posEps: Float, negEps: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(posEps: Float = 0.01, negEps: Float = 0.01, distance: any Distance = CosineSimilarity(),
                reducer: any Reducer = MeanReducer()) {
        self.posEps = posEps; self.negEps = negEps; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels, reference: reference?.labels)).asPairs
        guard a1.count > 1 || a2.count > 1 else { return [:] }
        let mat = distance.matrix(embeddings, reference?.embeddings)
        var out: [String: LossTerm] = [:]
        if !a1.isEmpty {
            let pos = mat.entries(rows: a1, cols: p)
            let v = Self.variance(pos, eps: posEps, increase: distance.isInverted)
            out["pos_loss"] = LossTerm(losses: v.relu().square(), kind: .positivePair, anchors: a1)
        }
        if !a2.isEmpty {
            let neg = mat.entries(rows: a2, cols: n)
            let v = Self.variance(neg, eps: negEps, increase: !distance.isInverted)
            out["neg_loss"] = LossTerm(losses: v.relu().square(), kind: .negativePair, anchors: a2)
        }
        return out
    }

    /// `(1 − ε) μ − x` when larger values are wanted, else `x − (1 + ε) μ`.
    static func variance(_ pairs: Tensor, eps: Float, increase: Bool) -> Tensor {
        let mean = pairs.mean()
        return increase ? mean * (1 - eps) - pairs : pairs - mean * (1 + eps)
    }
}
