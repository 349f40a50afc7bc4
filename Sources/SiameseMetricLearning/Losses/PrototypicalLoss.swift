import SiameseCore

/// The episodic loss of prototypical networks (Snell, Swersky & Zemel 2017): each class's prototype is the mean of its
/// support embeddings, each query is classified by a softmax over negative squared Euclidean distances to the
/// prototypes, and the loss is the mean cross-entropy of the queries' true classes:
///
/// `cₖ = mean{ f(x) : x ∈ Sₖ }`, `p(k | q) = softmax_k(−‖f(q) − cₖ‖²)`, `L = −mean_q log p(y_q | q)`.
///
/// Classes are given as episode-local ids `0..<ways`; every class must have at least one support item.
/// Reference: the authors' `protonets` code (`euclidean_dist`, `loss`), learn2learn's `prototypical` example.
public struct PrototypicalLoss: EpisodicLoss, Sendable {
    public init() {}

    /// `−‖f(q) − cₖ‖²`, `[q, ways]`.
    public func scores(support: Tensor, supportClasses: [Int], query: Tensor) -> Tensor {
        let layout = EpisodeLayout("PrototypicalLoss", support: support, supportClasses: supportClasses, query: query)
        return Self.logits(support: support, query: query, layout: layout)
    }

    static func logits(support: Tensor, query: Tensor, layout: EpisodeLayout) -> Tensor {
        precondition(support.rank == 2, "PrototypicalLoss: support \(support.shape) and query \(query.shape) must be [n, d]")
        // Prototypes as one matrix product with the class-averaging matrix.
        let prototypes = matmul(layout.classMatrix(), support)
        return -Tensor.pairwiseDistances(query, prototypes, metric: .squaredL2)
    }

    /// - Parameters:
    ///   - support: `[s, d]` support embeddings; `supportClasses` their classes in `0..<ways`.
    ///   - query: `[q, d]` query embeddings; `queryClasses` their true classes.
    public func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor {
        let layout = EpisodeLayout("PrototypicalLoss", support: support, supportClasses: supportClasses, query: query,
                                   queryClasses: queryClasses)
        let logits = Self.logits(support: support, query: query, layout: layout)
        return Self.crossEntropy(logProbabilities: logits.logSoftmax(axis: 1), layout: layout, queryClasses: queryClasses)
    }
}
