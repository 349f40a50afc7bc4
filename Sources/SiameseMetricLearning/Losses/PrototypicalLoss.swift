import SiameseCore

/// The episodic loss of prototypical networks (Snell, Swersky & Zemel 2017): each class's prototype is the mean of its
/// support embeddings, each query is classified by a softmax over negative squared Euclidean distances to the
/// prototypes, and the loss is the mean cross-entropy of the queries' true classes:
///
/// `cₖ = mean{ f(x) : x ∈ Sₖ }`, `p(k | q) = softmax_k(−‖f(q) − cₖ‖²)`, `L = −mean_q log p(y_q | q)`.
///
/// Classes are given as episode-local ids `0..<ways`; every class must have at least one support item.
public struct PrototypicalLoss: Sendable {
    public init() {}

    /// - Parameters:
    ///   - support: `[s, d]` support embeddings; `supportClasses` their classes in `0..<ways`.
    ///   - query: `[q, d]` query embeddings; `queryClasses` their true classes.
    public func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor {
        precondition(support.rank == 2 && query.rank == 2 && support.shape[1] == query.shape[1],
                     "PrototypicalLoss: support \(support.shape) and query \(query.shape) must be [n, d] with the same d")
        precondition(support.shape[0] == supportClasses.count && query.shape[0] == queryClasses.count,
                     "PrototypicalLoss: \(supportClasses.count) support and \(queryClasses.count) query classes for \(support.shape[0]) and \(query.shape[0]) items")
        let ways = (supportClasses.max() ?? -1) + 1
        var counts = [Int](repeating: 0, count: ways)
        for c in supportClasses { counts[c] += 1 }
        precondition(counts.allSatisfy { $0 > 0 }, "PrototypicalLoss: every class needs a support item")
        precondition(queryClasses.allSatisfy { $0 >= 0 && $0 < ways }, "PrototypicalLoss: query classes must lie in 0..<\(ways)")
        // Prototypes as one matrix product: averaging[k, i] = 1/|Sₖ| where support item i is of class k.
        var averaging = [Float](repeating: 0, count: ways * supportClasses.count)
        for (i, c) in supportClasses.enumerated() { averaging[c * supportClasses.count + i] = 1 / Float(counts[c]) }
        let prototypes = matmul(Tensor(averaging, shape: [ways, supportClasses.count]), support)
        let logits = -Tensor.pairwiseDistances(query, prototypes, metric: .squaredL2)
        var target = [Float](repeating: 0, count: queryClasses.count * ways)
        for (q, c) in queryClasses.enumerated() { target[q * ways + c] = 1 }
        return -(logits.logSoftmax(axis: 1) * Tensor(target, shape: [queryClasses.count, ways])).sum(axis: 1).mean()
    }
}
