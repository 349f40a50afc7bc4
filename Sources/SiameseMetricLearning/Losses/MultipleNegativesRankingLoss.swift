import SiameseCore

/// Multiple-negatives ranking loss (sentence-transformers' `MultipleNegativesRankingLoss`; InfoNCE with in-batch
/// negatives): each pair `(aᵢ, bᵢ)` is a positive, every other `bⱼ` of the batch a negative for `aᵢ`. With
/// `Sᵢⱼ = scale · cos(aᵢ, bⱼ)`:
///
/// `L = mean_i( −Sᵢᵢ + log Σⱼ exp Sᵢⱼ )` (cross-entropy of row `i` with target `i`).
///
/// `symmetric` adds the other direction, each text `bᵢ` picking its own `aᵢ` among all `a`, and averages the two
/// (sentence-transformers' `directions=("query_to_doc", "doc_to_query")`, `partition_mode="per_direction"`, formerly
/// `MultipleNegativesSymmetricRankingLoss`): `L = mean_i( −Sᵢᵢ + ½ log Σⱼ exp Sᵢⱼ + ½ log Σⱼ exp Sⱼᵢ )`.
///
/// Targets are ignored: every pair of the batch counts as a positive, so train it on pairs of similar texts only.
/// Defaults: scale 20 (temperature 0.05), not symmetric.
public struct MultipleNegativesRankingLoss: PairLoss {
    public let scale: Float
    public let symmetric: Bool

    public init(scale: Float = 20, symmetric: Bool = false) {
        self.scale = scale; self.symmetric = symmetric
    }

    /// - Parameters: `a`, `b`: `[n, d]` embeddings of aligned positive pairs; `targets`: `[n]`, ignored.
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2, "MultipleNegativesRankingLoss: expected [n, d], [n, d]; got \(a.shape), \(b.shape)")
        let n = a.shape[0]
        let scores = CosineSimilarity().matrix(a, b) * scale
        var eye = [Float](repeating: 0, count: n * n)
        for i in 0..<n { eye[i * n + i] = 1 }
        let positive = (scores * Tensor(eye, shape: [n, n])).sum(axis: 1)
        let forward = scores.logSumExp(axis: 1)
        let partition = symmetric ? (forward + scores.logSumExp(axis: 0)) * 0.5 : forward
        return (partition - positive).mean()
    }
}
