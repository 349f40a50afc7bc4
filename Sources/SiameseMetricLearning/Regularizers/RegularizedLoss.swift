import SiameseCore

/// A loss with an embedding regulariser (PML's `embedding_regularizer` and `embedding_reg_weight` on every loss):
/// `loss(x) + weight · regularizer(x)`, the regulariser applied to the batch embeddings as given.
///
/// ```swift
/// let loss = RegularizedLoss(ContrastiveLoss(), embeddingRegularizer: LpRegularizer(), weight: 0.1)
/// ```
public struct RegularizedLoss: MetricLoss {
    public let loss: any MetricLoss
    public let embeddingRegularizer: any Regularizer
    public let weight: Float
    public var distance: any Distance { loss.distance }
    public var reducer: any Reducer { loss.reducer }

    public init(_ loss: any MetricLoss, embeddingRegularizer: any Regularizer, weight: Float = 1) {
        self.loss = loss; self.embeddingRegularizer = embeddingRegularizer; self.weight = weight
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        var out = loss.terms(embeddings: embeddings, labels: labels, tuples: tuples)
        out["embedding_reg_loss"] = LossTerm(losses: (embeddingRegularizer(embeddings) * weight).reshaped([1]), kind: .alreadyReduced)
        return out
    }
}
