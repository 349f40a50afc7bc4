import SiameseCore

/// Cosine-similarity regression (sentence-transformers' `CosineSimilarityLoss`):
/// `mean( (cos(u, v) − target)² )` over aligned pairs, for graded similarity labels such as STS scores in [0, 1].
public struct CosineSimilarityRegressionLoss: Sendable {
    public init() {}

    /// - Parameters: `a`, `b`: `[n, d]` embeddings; `targets`: `[n]` similarity labels.
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor {
        precondition(a.shape == b.shape && targets.shape == [a.shape[0]],
                     "CosineSimilarityRegressionLoss: expected [n, d], [n, d], [n]; got \(a.shape), \(b.shape), \(targets.shape)")
        return (CosineSimilarity().pairwise(a, b) - targets).square().mean()
    }
}

/// Online contrastive loss (sentence-transformers' `OnlineContrastiveLoss`): the contrastive loss over the
/// *hard* pairs of a batch only: positives farther than the closest negative, negatives closer than the
/// farthest positive. `Σ_hardpos d² + Σ_hardneg [margin − d]₊²` (summed, as sentence-transformers does).
///
/// Defaults: cosine distance (1 − cos), margin 0.5.
public struct OnlineContrastiveLoss: Sendable {
    public let margin: Float
    public init(margin: Float = 0.5) { self.margin = margin }

    /// - Parameters: `a`, `b`: `[n, d]`; `same`: `[n]`, 1 for a positive pair.
    public func callAsFunction(_ a: Tensor, _ b: Tensor, same: Tensor) -> Tensor {
        precondition(a.shape == b.shape && same.shape == [a.shape[0]], "OnlineContrastiveLoss: shapes \(a.shape), \(b.shape), \(same.shape)")
        let d = 1 - CosineSimilarity().pairwise(a, b)
        let values = d.detached().scalars, labels = same.scalars
        let positives = values.indices.filter { labels[$0] != 0 }, negatives = values.indices.filter { labels[$0] == 0 }
        let maxPositive = positives.map { values[$0] }.max() ?? -.infinity
        let minNegative = negatives.map { values[$0] }.min() ?? .infinity
        let hardPositive = positives.filter { values[$0] > minNegative }
        let hardNegative = negatives.filter { values[$0] < maxPositive }
        var total = d.sum() * 0
        if !hardPositive.isEmpty { total = total + d.indexSelect(axis: 0, hardPositive).square().sum() }
        if !hardNegative.isEmpty { total = total + (margin - d.indexSelect(axis: 0, hardNegative)).relu().square().sum() }
        return total
    }
}
