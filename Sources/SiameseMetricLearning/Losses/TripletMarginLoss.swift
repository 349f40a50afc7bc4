import SiameseCore

/// Triplet margin loss (PML's `TripletMarginLoss`): per triplet `max(0, d(a, p) − d(a, n) + margin)` (with a
/// similarity the difference flips).
///
/// - `smoothLoss` (PML's `smooth_loss`): `log(1 + exp(d(a, p) − d(a, n) + margin))` instead of the hinge.
/// - `softMargin` (SiameseKit's own, Hermans et al. 2017): `log(1 + exp(d(a, p) − d(a, n)))`, no margin; it
///   wins over `smoothLoss`.
/// - `tripletsPerAnchor` (PML's `triplets_per_anchor`): without a miner, `nil` (PML's `"all"`) takes every
///   triplet of the batch; `k` draws, for every anchor of a class with at least two samples, `k` random positives
///   and `k` random negatives from ``GlobalGenerator`` (PML's `get_random_triplet_indices`).
///
/// Defaults: margin 0.05, all triplets, ``LpDistance``, ``AvgNonZeroReducer``.
public struct TripletMarginLoss: MetricLoss, ReferenceMetricLoss {
    public let margin: Float
    public let softMargin: Bool
    public let smoothLoss: Bool
    public let tripletsPerAnchor: Int?
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.05, smoothLoss: Bool = false, softMargin: Bool = false, tripletsPerAnchor: Int? = nil,
                distance: any Distance = LpDistance(), reducer: any Reducer = AvgNonZeroReducer()) {
        precondition(tripletsPerAnchor.map { $0 > 0 } ?? true, "TripletMarginLoss: tripletsPerAnchor must be > 0")
        self.margin = margin; self.smoothLoss = smoothLoss; self.softMargin = softMargin
        self.tripletsPerAnchor = tripletsPerAnchor; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let (a, p, n) = (tuples ?? .triplets(labels, perAnchor: tripletsPerAnchor, reference: reference?.labels)).asTriplets
        guard !a.isEmpty else { return [:] }
        let mat = distance.matrix(embeddings, reference?.embeddings)
        let violation = distance.margin(mat.entries(rows: a, cols: p), mat.entries(rows: a, cols: n))
        let losses = softMargin ? violation.softplus() : smoothLoss ? (violation + margin).softplus() : (violation + margin).relu()
        return ["loss": LossTerm(losses: losses, kind: .triplet, anchors: a)]
    }
}
