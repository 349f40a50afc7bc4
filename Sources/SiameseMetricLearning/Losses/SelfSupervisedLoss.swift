import SiameseCore

/// Wraps a ``MetricLoss`` for self-supervised training on two augmented views of the same batch (PML 2.9
/// `SelfSupervisedLoss`, symmetric form).
///
/// Sample `i` of `embeddings` and sample `i` of `reference` get the label `i`; the two views are stacked into one
/// batch of `2n` and passed to the wrapped loss: `loss([Z; Z'], [0…n−1, 0…n−1])`. PML's default `symmetric=True`;
/// its non-symmetric form (the second view only as reference embeddings) is not provided.
public struct SelfSupervisedLoss<Wrapped: MetricLoss> {
    public let loss: Wrapped

    public init(_ loss: Wrapped) { self.loss = loss }

    /// The wrapped loss over both views, each pair `(embeddings[i], reference[i])` a positive pair.
    public func callAsFunction(_ embeddings: Tensor, reference: Tensor) -> Tensor {
        precondition(embeddings.rank == 2 && embeddings.shape == reference.shape,
                     "SelfSupervisedLoss: the two views must have the same [n, d] shape, got \(embeddings.shape) and \(reference.shape)")
        let n = embeddings.shape[0]
        let labels = Array(0..<n) + Array(0..<n)
        return loss(Tensor.concatenate([embeddings, reference], axis: 0), labels: labels)
    }
}
