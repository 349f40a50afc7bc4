import SiameseCore

/// The contrastive loss of Hadsell, Chopra & LeCun (2006) over explicit pairs, as used to train twin networks.
///
/// With `d` the distance between the two embeddings of a pair and `y = 1` for a *same* pair:
/// `L = mean( y · d² + (1 − y) · max(0, margin − d)² )`.
/// (Tutorials that use `y = 1` for *different* pairs compute the same value with the labels flipped.)
///
/// Defaults: Euclidean distance with a 1e-6 offset as in `F.pairwise_distance`, margin 1, mean over pairs.
/// ```swift
/// let (e1, e2) = network(x1, x2)
/// let loss = PairContrastiveLoss(margin: 1)(e1, e2, same: labels)
/// ```
public struct PairContrastiveLoss: Sendable {
    public let margin: Float

    public init(margin: Float = 1) { self.margin = margin }

    /// The loss for aligned embeddings `[n, d]` and `same` (`[n]`, 1 = same class, 0 = different).
    public func callAsFunction(_ a: Tensor, _ b: Tensor, same: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2 && same.shape == [a.shape[0]],
                     "PairContrastiveLoss: expected [n, d], [n, d] and [n], got \(a.shape), \(b.shape), \(same.shape)")
        let d = ((a - b + 1e-6).square().sum(axis: 1)).safeSqrt()
        let positive = same * d.square()
        let negative = (1 - same) * (margin - d).relu().square()
        return (positive + negative).mean()
    }
}
