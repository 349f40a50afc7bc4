import SiameseCore
import SiameseModels
import SiameseNN

/// Koch, Zemel & Salakhutdinov's (2015) verification objective for twin networks: a learned weighted L1 distance
/// between the two embeddings gives a logit, `sigmoid(logit)` the probability that the pair is of one class, trained by
/// binary cross-entropy on same/different pairs:
///
/// `z = w · |h₁ − h₂| + b`, `L = mean( −y log σ(z) − (1 − y) log(1 − σ(z)) )` (computed stably from `z`).
///
/// For N-way one-shot tasks the query goes to the class whose support items give the highest mean logit (the paper
/// takes the arg-max of `σ(z)` over the 1-shot candidates). Holds a ``KochHead`` that the trainer optimises with the
/// encoder. Reference: the paper's section 3 and PyTorch's `BCEWithLogitsLoss`.
///
/// ```swift
/// let loss = KochPairLoss(features: 4096)
/// let value = loss(e1, e2, targets: same)        // same: [n] of 1 (same class) and 0
/// ```
public final class KochPairLoss: Module, EpisodicLoss {
    public let head: KochHead

    public init(features: Int) {
        head = KochHead(features: features)
        super.init()
    }

    /// The objective around a given (e.g. loaded) head, shared, not copied.
    public init(head: KochHead) {
        self.head = head
        super.init()
    }

    /// The loss for aligned embeddings `[n, d]` and `targets` (`[n]`, 1 = same class, 0 = different).
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor {
        precondition(a.rank == 2 && a.shape == b.shape && targets.shape == [a.shape[0]],
                     "KochPairLoss: expected [n, d], [n, d] and [n], got \(a.shape), \(b.shape), \(targets.shape)")
        return binaryCrossEntropy(logits: head(a, b), targets: targets)
    }

    /// Mean logit of each query against each class's support items, `[q, ways]`.
    public func scores(support: Tensor, supportClasses: [Int], query: Tensor) -> Tensor {
        let layout = EpisodeLayout("KochPairLoss", support: support, supportClasses: supportClasses, query: query)
        let q = query.shape[0], s = support.shape[0]
        let left = query.indexSelect(axis: 0, (0..<(q * s)).map { $0 / s })
        let right = support.indexSelect(axis: 0, (0..<(q * s)).map { $0 % s })
        let logits = head(left, right).reshaped([q, s])
        return matmul(logits, layout.classMatrix().transposed())
    }

    /// The same objective over an episode: every (query, support item) pair, labelled same or different.
    public func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor {
        _ = EpisodeLayout("KochPairLoss", support: support, supportClasses: supportClasses, query: query, queryClasses: queryClasses)
        let q = query.shape[0], s = support.shape[0]
        let left = query.indexSelect(axis: 0, (0..<(q * s)).map { $0 / s })
        let right = support.indexSelect(axis: 0, (0..<(q * s)).map { $0 % s })
        let same = (0..<(q * s)).map { Float(queryClasses[$0 / s] == supportClasses[$0 % s] ? 1 : 0) }
        return self(left, right, targets: Tensor(same, shape: [q * s]))
    }
}
