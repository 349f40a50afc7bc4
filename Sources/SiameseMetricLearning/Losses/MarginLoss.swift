import SiameseCore

/// Margin loss (Wu et al. 2017) in PML's form (`MarginLoss`): over triplets `(a, p, n)`, with a fixed boundary β,
/// `[α + d(a,p) − β]₊ + [α + β − d(a,n)]₊` per triplet (signs flip for a similarity), summed and divided by the
/// number of non-zero pair terms (PML's `DivisorReducer`).
///
/// `form: .pairs` keeps SiameseKit's earlier pair form: every positive pair gives `[α + d − β]₊`, every negative
/// pair `[α + β − d]₊`, and each set is reduced on its own (``AvgNonZeroReducer`` by default; the two are added).
/// Its values differ from PML's.
///
/// Defaults: α (`margin`) 0.2, β 1.2, triplets (all, or `tripletsPerAnchor` random ones per anchor; see
/// ``TripletMarginLoss``), ``LpDistance``, ``DivisorReducer`` (triplets) / ``AvgNonZeroReducer`` (pairs).
/// PML's learned β (`learn_beta`, `nu`) is not supported. Takes reference embeddings (``CrossBatchMemory``): anchors
/// are batch rows, positives and negatives reference rows.
public struct MarginLoss: MetricLoss, ReferenceMetricLoss {
    /// Triplets with one divisor (PML) or the two pair sets reduced apart (SiameseKit's earlier form).
    public enum Form: String, Sendable { case triplets, pairs }

    public let margin: Float, beta: Float
    public let form: Form
    public let tripletsPerAnchor: Int?
    public let distance: any Distance
    public let reducer: any Reducer

    public init(margin: Float = 0.2, beta: Float = 1.2, form: Form = .triplets, tripletsPerAnchor: Int? = nil,
                distance: any Distance = LpDistance(), reducer: (any Reducer)? = nil) {
        self.margin = margin; self.beta = beta; self.form = form; self.tripletsPerAnchor = tripletsPerAnchor
        self.distance = distance
        self.reducer = reducer ?? (form == .triplets ? DivisorReducer() : AvgNonZeroReducer())
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let mat = distance.matrix(embeddings, reference?.embeddings)
        let b = Tensor(scalar: beta)
        switch form {
        case .pairs:
            let (a1, p, a2, n) = (tuples ?? .allPairs(labels, reference: reference?.labels)).asPairs
            let pos = (distance.margin(mat.entries(rows: a1, cols: p), b) + margin).relu()
            let neg = (distance.margin(b, mat.entries(rows: a2, cols: n)) + margin).relu()
            return ["neg_loss": LossTerm(losses: neg, kind: .negativePair, anchors: a2),
                    "pos_loss": LossTerm(losses: pos, kind: .positivePair, anchors: a1)]
        case .triplets:
            let (a, p, n) = (tuples ?? .triplets(labels, perAnchor: tripletsPerAnchor, reference: reference?.labels)).asTriplets
            guard !a.isEmpty else { return [:] }
            let pos = (distance.margin(mat.entries(rows: a, cols: p), b) + margin).relu()
            let neg = (distance.margin(b, mat.entries(rows: a, cols: n)) + margin).relu()
            let nonZero = (pos.detached().gt(0).sum() + neg.detached().gt(0).sum()).item
            return ["margin_loss": LossTerm(losses: pos + neg, kind: .triplet, anchors: a, divisor: nonZero)]
        }
    }
}
