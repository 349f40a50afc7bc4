import SiameseCore

/// The generalised lifted structure loss (Hermans et al. 2017, "In Defense of the Triplet Loss", p. 4), per anchor `i`:
///
/// `[ log Σ_{p ∈ P(i)} exp(d(i, p) − posMargin) + log Σ_{n ∈ N(i)} exp(negMargin − d(i, n)) ]₊`
///
/// over the anchor's positive and negative pairs (all of them, or the mined ones); with a similarity the two
/// differences flip sign. An anchor without positives (or without negatives) contributes 0 for that sum.
///
/// Defaults as PML 2.9 `GeneralizedLiftedStructureLoss`: `negMargin` 1, `posMargin` 0, ``LpDistance`` (L2 on
/// normalised embeddings), ``MeanReducer`` over anchors. Takes reference embeddings (``CrossBatchMemory``): the
/// pairs join a batch row to a reference row.
public struct GeneralizedLiftedStructureLoss: MetricLoss, ReferenceMetricLoss {
    public let negMargin: Float, posMargin: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(negMargin: Float = 1, posMargin: Float = 0, distance: any Distance = LpDistance(),
                reducer: any Reducer = MeanReducer()) {
        self.negMargin = negMargin; self.posMargin = posMargin; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let n = labels.count, cols = reference?.labels.count ?? n
        let (posMask, negMask) = tuples.map { $0.pairMasks(rows: n, cols: cols) } ?? MinedTuples.allPairMasks(labels, reference: reference?.labels)
        // PML returns zero when neither pair set has more than one pair.
        guard posMask.sum().item > 1 || negMask.sum().item > 1 else { return [:] }
        let mat = distance.matrix(embeddings, reference?.embeddings)
        let pos = distance.margin(mat, Tensor(scalar: posMargin)).maskedLogSumExp(keep: posMask, addOne: false, axis: 1)
        let neg = distance.margin(Tensor(scalar: negMargin), mat).maskedLogSumExp(keep: negMask, addOne: false, axis: 1)
        return ["loss": LossTerm(losses: (pos + neg).relu().reshaped([-1]), kind: .element, anchors: Array(0..<n))]
    }
}
