import SiameseCore

/// Lifted structured loss (Song et al. 2016) in PML's form (`LiftedStructureLoss`). Per positive pair `(i, j)`,
/// with `N` the negative pairs whose anchor is `i` or `j`:
/// `J = log Σ_{(k, l) ∈ N} exp(negMargin − D_kl) + (D_ij − posMargin)`, loss `[J]₊² / 2`
/// (margins flip for a similarity), reduced over positive pairs. Without a miner every ordered positive pair
/// counts, so each unordered pair appears twice with the same value.
///
/// Defaults: `negMargin` 1, `posMargin` 0, ``LpDistance`` (L2 on normalised embeddings, as PML),
/// ``MeanReducer``. SiameseKit's earlier default, the paper's unnormalised distance, is
/// `LiftedStructureLoss(distance: LpDistance(normalizeEmbeddings: false))`.
///
/// Takes reference embeddings (``CrossBatchMemory``): pairs join a batch row to a reference row, and, as PML 2.9
/// does, the negatives of a positive pair `(i, j)` are the negative pairs whose batch anchor is `i` or `j`, the
/// reference index `j` read as a batch index.
public struct LiftedStructureLoss: MetricLoss, ReferenceMetricLoss {
    public let negMargin: Float, posMargin: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(negMargin: Float = 1, posMargin: Float = 0, distance: any Distance = LpDistance(),
                reducer: any Reducer = MeanReducer()) {
        self.negMargin = negMargin; self.posMargin = posMargin; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels, reference: reference?.labels)).asPairs
        guard !a1.isEmpty, !a2.isEmpty else { return [:] }
        let count = labels.count, cols = reference?.labels.count ?? count
        let mat = distance.matrix(embeddings, reference?.embeddings)
        // negatives[k, l] = 1 for a negative pair (k, l): rows i and j of it hold the negatives of positive pair (i, j).
        var negMask = [Float](repeating: 0, count: count * cols)
        for (k, l) in zip(a2, n) { negMask[k * cols + l] = 1 }
        let negatives = Tensor(negMask, shape: [count, cols])
        let scores = distance.margin(Tensor(scalar: negMargin), mat)
        // As PML, the positive's index also selects negative pairs by anchor: a reference row past the batch selects
        // none, and one equal to the anchor's adds nothing new.
        let second = zip(a1, p).map { i, j in j < count && j != i ? j : i }
        var secondKeep = [Float](repeating: 1, count: a1.count * cols)
        for (k, (i, j)) in zip(a1, p).enumerated() where !(j < count && j != i) {
            for c in 0..<cols { secondKeep[k * cols + c] = 0 }
        }
        let rowsI = scores.indexSelect(axis: 0, a1), rowsJ = scores.indexSelect(axis: 0, second)
        let maskI = negatives.indexSelect(axis: 0, a1)
        let maskJ = negatives.indexSelect(axis: 0, second) * Tensor(secondKeep, shape: [a1.count, cols])
        let lse = Tensor.concatenate([rowsI, rowsJ], axis: 1)
            .maskedLogSumExp(keep: Tensor.concatenate([maskI, maskJ], axis: 1), addOne: false, axis: 1).reshaped([-1])
        let j = lse + distance.margin(mat.entries(rows: a1, cols: p), Tensor(scalar: posMargin))
        return ["loss": LossTerm(losses: j.relu().square() * 0.5, kind: .positivePair, anchors: a1)]
    }
}
