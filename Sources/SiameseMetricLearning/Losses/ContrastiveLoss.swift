import SiameseCore

/// Contrastive loss in PyTorch Metric Learning's form, over all (or mined) pairs of a batch.
///
/// Per positive pair `max(0, d − posMargin)`, per negative pair `max(0, negMargin − d)` (not squared; with a
/// similarity the signs flip). Each set is reduced on its own and the two are added.
///
/// Defaults: `posMargin` 0, `negMargin` 1, ``LpDistance`` (L2 on normalised embeddings), ``AvgNonZeroReducer``.
/// For the squared Hadsell et al. form over explicit pairs, see ``PairContrastiveLoss``.
public struct ContrastiveLoss: MetricLoss, ReferenceMetricLoss {
    public let posMargin: Float, negMargin: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(posMargin: Float = 0, negMargin: Float = 1, distance: any Distance = LpDistance(),
                reducer: any Reducer = AvgNonZeroReducer()) {
        self.posMargin = posMargin; self.negMargin = negMargin; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let mat = distance.matrix(embeddings, reference?.embeddings)
        guard let tuples else {
            // All pairs: work on the whole matrix with masks instead of gathering a million entries.
            let (posMask, negMask) = MinedTuples.allPairMasks(labels, reference: reference?.labels)
            if reducer is AvgNonZeroReducer {
                // The default reduction, fused: one pass per pair set instead of a dozen.
                let s: Float = distance.isInverted ? -1 : 1
                let pos = FusedHinge.averageOfPositive(mat, mask: posMask, margin: posMargin, sign: s)
                let neg = FusedHinge.averageOfPositive(mat, mask: negMask, margin: negMargin, sign: -s)
                return ["neg_loss": LossTerm(losses: neg.reshaped([1]), kind: .negativePair),
                        "pos_loss": LossTerm(losses: pos.reshaped([1]), kind: .positivePair)]
            }
            let pos = distance.margin(mat, Tensor(scalar: posMargin)).relu()
            let neg = distance.margin(Tensor(scalar: negMargin), mat).relu()
            return ["neg_loss": LossTerm(losses: neg, kind: .negativePair, mask: negMask),
                    "pos_loss": LossTerm(losses: pos, kind: .positivePair, mask: posMask)]
        }
        let (a1, p, a2, n) = tuples.asPairs
        let pos = distance.margin(mat.entries(rows: a1, cols: p), Tensor(scalar: posMargin)).relu()
        let neg = distance.margin(Tensor(scalar: negMargin), mat.entries(rows: a2, cols: n)).relu()
        return ["neg_loss": LossTerm(losses: neg, kind: .negativePair, anchors: a2), "pos_loss": LossTerm(losses: pos, kind: .positivePair, anchors: a1)]
    }
}
