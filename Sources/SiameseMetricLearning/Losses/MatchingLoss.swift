import SiameseCore
import SiameseModels
import SiameseNN

/// The episodic loss of matching networks (Vinyals, Blundell, Lillicrap, Kavukcuoglu & Wierstra 2016): each query
/// attends to every support item by a softmax over cosine similarities, and its class distribution is the attention
/// summed per class:
///
/// `a(q, xᵢ) = softmax_i( s · cos(f(q), g(xᵢ)) )`, `P(k | q) = Σ_{i : yᵢ = k} a(q, xᵢ)`, `L = −mean_q log P(y_q | q)`.
///
/// Without full-context embeddings `f = g` is the encoder itself; with them (``FullContextEmbedding``, the paper's
/// "FCE"), support items are re-embedded by a bidirectional LSTM over the support set and queries by an attention
/// LSTM over it. The scale `s` is 1 in the paper; a larger one sharpens the attention.
///
/// Defaults: scale 1, no full-context embeddings. Reference: the paper's equations (1)–(2) and appendix A.
///
/// ```swift
/// let loss = MatchingLoss(fullContext: FullContextEmbedding(size: 64))
/// let value = loss(support: s, supportClasses: [0, 1, 2, 3, 4], query: q, queryClasses: [0, 1, 2, 3, 4])
/// ```
public final class MatchingLoss: Module, EpisodicLoss {
    /// Multiplies the cosine similarities before the softmax.
    public let scale: Float
    /// The optional full-context embeddings (trained with the encoder).
    public let fullContext: FullContextEmbedding?

    public init(scale: Float = 1, fullContext: FullContextEmbedding? = nil) {
        precondition(scale > 0 && scale.isFinite, "MatchingLoss: scale must be a positive number")
        self.scale = scale
        self.fullContext = fullContext
        super.init()
    }

    /// `log P(k | q)`, `[q, ways]`.
    public func scores(support: Tensor, supportClasses: [Int], query: Tensor) -> Tensor {
        let layout = EpisodeLayout("MatchingLoss", support: support, supportClasses: supportClasses, query: query)
        return logProbabilities(support: support, query: query, layout: layout)
    }

    /// The `[q, s]` attention of every query over the support items.
    public func attention(support: Tensor, query: Tensor) -> Tensor {
        precondition(support.rank == 2 && query.rank == 2, "MatchingLoss: support \(support.shape) and query \(query.shape) must be [n, d]")
        var g = support, f = query
        if let fullContext {
            g = fullContext.embedSupport(support)
            f = fullContext.embedQuery(query, support: g)
        }
        return (Tensor.cosineSimilarityMatrix(f, g) * scale).softmax(axis: 1)
    }

    func logProbabilities(support: Tensor, query: Tensor, layout: EpisodeLayout) -> Tensor {
        // Summing attention per class is a product with the class-membership matrix; the floor keeps log finite
        // where attention underflows (large scales).
        (matmul(attention(support: support, query: query), layout.classMatrix(mean: false).transposed()) + 1e-12).log()
    }

    public func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor {
        let layout = EpisodeLayout("MatchingLoss", support: support, supportClasses: supportClasses, query: query,
                                   queryClasses: queryClasses)
        return Self.crossEntropy(logProbabilities: logProbabilities(support: support, query: query, layout: layout),
                                 layout: layout, queryClasses: queryClasses)
    }
}
