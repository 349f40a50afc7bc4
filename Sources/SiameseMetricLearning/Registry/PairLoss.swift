import SiameseCore

/// A loss over explicit pairs of embeddings, as twin networks produce them: aligned rows `a[i]`, `b[i]` and
/// one target per pair (1/0 for same/different, or a graded similarity, depending on the loss).
public protocol PairLoss: Sendable {
    /// The scalar loss for `a`, `b` (`[n, d]`) and `targets` (`[n]`).
    func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor
}

extension PairContrastiveLoss: PairLoss {
    /// The loss with `targets` as the same-class flags (1 = same, 0 = different).
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor { self(a, b, same: targets) }
}

extension OnlineContrastiveLoss: PairLoss {
    /// The loss with `targets` as the same-class flags (1 = same, 0 = different).
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor { self(a, b, same: targets) }
}

extension CosineSimilarityRegressionLoss: PairLoss {}
