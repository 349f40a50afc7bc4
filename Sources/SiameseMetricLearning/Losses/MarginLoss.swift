import SiameseCore

/// Margin loss (Wu et al. 2017): per pair `[α + y·(d − β)]₊` with `y = +1` for a positive and `−1` for a
/// negative pair; the boundary β is fixed here. Defaults: α 0.2, β 1.2, ``LpDistance``, ``AvgNonZeroReducer``.
public struct MarginLoss: MetricLoss {
    public let margin: Float, beta: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.2, beta: Float = 1.2, distance: any Distance = LpDistance(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.margin = margin; self.beta = beta; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels)).asPairs
        let mat = distance.matrix(embeddings)
        let b = Tensor(scalar: beta)
        let pos = (distance.margin(mat.entries(rows: a1, cols: p), b) + margin).relu()
        let neg = (distance.margin(b, mat.entries(rows: a2, cols: n)) + margin).relu()
        return ["neg_loss": LossTerm(losses: neg, kind: .negativePair, anchors: a2), "pos_loss": LossTerm(losses: pos, kind: .positivePair, anchors: a1)]
    }
}
