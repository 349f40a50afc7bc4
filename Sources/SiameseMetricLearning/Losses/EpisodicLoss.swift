import SiameseCore

/// A loss over one N-way K-shot episode: support embeddings with episode-local classes `0..<ways`, query embeddings
/// with their true classes. Besides the loss, it gives the class scores it learns to rank, so that evaluation
/// classifies queries exactly as training does (nearest prototype, attention, a learned relation or a learned head).
///
/// Implemented by ``PrototypicalLoss`` (Snell et al. 2017), ``MatchingLoss`` (Vinyals et al. 2016),
/// ``RelationLoss`` (Sung et al. 2018) and ``KochPairLoss`` (Koch et al. 2015, scored per class).
///
/// ```swift
/// let loss: any EpisodicLoss = PrototypicalLoss()
/// let value = loss(support: s, supportClasses: [0, 1, 2], query: q, queryClasses: [2, 0, 1])
/// let predicted = loss.scores(support: s, supportClasses: [0, 1, 2], query: q)   // [3, 3], larger = more likely
/// ```
public protocol EpisodicLoss {
    /// Scores `[q, ways]` of every query for every class; larger means more likely. Classes are `0..<ways` with
    /// `ways = max(supportClasses) + 1`, each with at least one support item.
    func scores(support: Tensor, supportClasses: [Int], query: Tensor) -> Tensor
    /// The episode's scalar loss.
    func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor
}

/// The class layout of one episode, checked once for every episodic loss: the number of ways, each class's support
/// count, the `[ways, s]` averaging matrix (row k holds 1/|Sₖ| at class k's support items) and one-hot targets.
struct EpisodeLayout {
    let ways: Int
    let supportClasses: [Int]
    let counts: [Int]

    init(_ owner: String, support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]? = nil) {
        precondition(support.rank >= 2 && query.rank >= 2 && Array(support.shape.dropFirst()) == Array(query.shape.dropFirst()),
                     "\(owner): support \(support.shape) and query \(query.shape) must be [n, …] with the same item shape")
        precondition(support.shape[0] == supportClasses.count,
                     "\(owner): \(supportClasses.count) support classes for \(support.shape[0]) support items")
        if let queryClasses {
            precondition(query.shape[0] == queryClasses.count, "\(owner): \(queryClasses.count) query classes for \(query.shape[0]) queries")
        }
        precondition(!supportClasses.isEmpty && supportClasses.allSatisfy { $0 >= 0 }, "\(owner): support classes must be 0..<ways")
        let ways = supportClasses.max()! + 1
        var counts = [Int](repeating: 0, count: ways)
        for c in supportClasses { counts[c] += 1 }
        precondition(counts.allSatisfy { $0 > 0 }, "\(owner): every class needs a support item")
        if let queryClasses {
            precondition(queryClasses.allSatisfy { $0 >= 0 && $0 < ways }, "\(owner): query classes must lie in 0..<\(ways)")
        }
        self.ways = ways; self.supportClasses = supportClasses; self.counts = counts
    }

    /// `[ways, s]`: row k averages (or, with `mean: false`, sums) the support items of class k.
    func classMatrix(mean: Bool = true) -> Tensor {
        let s = supportClasses.count
        var m = [Float](repeating: 0, count: ways * s)
        for (i, c) in supportClasses.enumerated() { m[c * s + i] = mean ? 1 / Float(counts[c]) : 1 }
        return Tensor(m, shape: [ways, s])
    }

    /// `[q, ways]` one-hot rows of `classes`.
    func oneHot(_ classes: [Int]) -> Tensor {
        var t = [Float](repeating: 0, count: classes.count * ways)
        for (q, c) in classes.enumerated() { t[q * ways + c] = 1 }
        return Tensor(t, shape: [classes.count, ways])
    }
}

extension EpisodicLoss {
    /// Mean cross-entropy of log-probabilities `[q, ways]` against the queries' classes.
    static func crossEntropy(logProbabilities: Tensor, layout: EpisodeLayout, queryClasses: [Int]) -> Tensor {
        -(logProbabilities * layout.oneHot(queryClasses)).sum(axis: 1).mean()
    }
}
