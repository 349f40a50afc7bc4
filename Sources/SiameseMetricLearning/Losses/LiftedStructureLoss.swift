import SiameseCore

/// Lifted structured loss (Song et al. 2016). Per positive pair `(i, j)` with distances `D`:
/// `J = log( Σ_{k∈N(i)} exp(m − D_ik) + Σ_{l∈N(j)} exp(m − D_jl) ) + D_ij`, loss `½ · mean([J]₊²)`.
///
/// Defaults: margin 1, ``LpDistance`` (unnormalised L2, as in the paper). Each unordered pair counts once.
public struct LiftedStructureLoss: MetricLoss {
    public let margin: Float
    public let distance: any Distance
    public let reducer: any Reducer = MeanReducer()

    public init(margin: Float = 1, distance: any Distance = LpDistance(normalizeEmbeddings: false)) {
        self.margin = margin; self.distance = distance
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels)).asPairs
        let pairs = zip(a1, p).filter { $0.0 < $0.1 }
        guard !pairs.isEmpty else { return [:] }
        let count = labels.count
        let mat = distance.matrix(embeddings)
        var negMask = [Float](repeating: 0, count: count * count)
        for (i, k) in zip(a2, n) { negMask[i * count + k] = 1; negMask[k * count + i] = 1 }
        let negatives = Tensor(negMask, shape: [count, count])
        let scores = (margin - mat)
        // Rows i and j of the negative scores, side by side, for every positive pair.
        let rowsI = scores.indexSelect(axis: 0, pairs.map(\.0)), rowsJ = scores.indexSelect(axis: 0, pairs.map(\.1))
        let maskI = negatives.indexSelect(axis: 0, pairs.map(\.0)), maskJ = negatives.indexSelect(axis: 0, pairs.map(\.1))
        let lse = Tensor.concatenate([rowsI, rowsJ], axis: 1)
            .maskedLogSumExp(keep: Tensor.concatenate([maskI, maskJ], axis: 1), addOne: false, axis: 1).reshaped([-1])
        let j = lse + mat.entries(rows: pairs.map(\.0), cols: pairs.map(\.1))
        return ["loss": LossTerm(losses: j.relu().square() * 0.5, kind: .positivePair)]
    }
}
