import SiameseCore

/// A loss over two views of the same batch, without labels: row `i` of `embeddings` and row `i` of `reference`
/// embed two augmentations of one sample (PML's self-supervised calling form, `loss(embeddings, ref_emb)`).
///
/// ``VICRegLoss`` and ``SelfSupervisedLoss`` conform; recipes reach them through ``TwoViewLosses`` and the trainer's
/// two-view objective.
public protocol TwoViewLoss {
    /// The loss of the aligned views `[n, d]`.
    func callAsFunction(_ embeddings: Tensor, reference: Tensor) -> Tensor
}

extension VICRegLoss: TwoViewLoss {}
extension SelfSupervisedLoss: TwoViewLoss {}
