import SiameseCore

/// Triplet margin loss: per triplet `max(0, d(a, p) − d(a, n) + margin)` (with a similarity the difference
/// flips); with `softMargin`, `log(1 + exp(d(a, p) − d(a, n)))` instead.
///
/// Defaults: margin 0.05, all triplets of the batch unless a miner supplies them, ``LpDistance``,
/// ``AvgNonZeroReducer``.
public struct TripletMarginLoss: MetricLoss {
    public let margin: Float
    public let softMargin: Bool
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.05, softMargin: Bool = false, distance: any Distance = LpDistance(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.margin = margin; self.softMargin = softMargin; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .allTriplets(labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings)
        let violation = distance.margin(mat.entries(rows: a, cols: p), mat.entries(rows: a, cols: n))
        let losses = softMargin ? violation.softplus() : (violation + margin).relu()
        return ["loss": LossTerm(losses: losses, kind: .triplet, anchors: a)]
    }
}
