import SiameseCore
import SiameseNN

/// A model's learned comparison (``ComparisonHeadStage``) as a ``Distance``, so that everything that scores pairs by a
/// distance (verification, calibrated thresholds, one-shot accuracy, reports) uses the head instead: a similarity in
/// (0, 1) (`isInverted`), computed in evaluation mode without a graph.
///
/// `pairwise(a, b)[i] = head(a[i], b[i])`; `matrix(q, r)[i, j] = head(q[i], r[j])` (every pair through the head, so
/// `n · m` head evaluations). Named `learned-head` in `similarity.json`; made by ``EmbeddingModel/makeDistance()``.
public struct LearnedHeadDistance: Distance, @unchecked Sendable {
    // Safety: the head's weights are only read here (evaluation mode, no graph); callers share a model across threads
    // only as they would share the model itself (e.g. SiameseServe's ModelRunner keeps it on one queue).
    public let head: ComparisonHeadStage

    public init(head: ComparisonHeadStage) { self.head = head }

    public var isInverted: Bool { true }
    public var normalizeEmbeddings: Bool { false }

    public func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor {
        let d = head.configuration.inputDimension
        precondition(a.rank == 2 && a.shape == b.shape && a.shape[1] == d,
                     "LearnedHeadDistance: the \(head.configuration.kind.rawValue) head compares [n, \(d)] embeddings, got \(a.shape)")
        return evaluating { head.uncheckedScores(a, b) }
    }

    public func computeMatrix(_ query: Tensor, _ reference: Tensor) -> Tensor {
        let n = query.shape[0], m = reference.shape[0]
        let left = query.indexSelect(axis: 0, (0..<(n * m)).map { $0 / m })
        let right = reference.indexSelect(axis: 0, (0..<(n * m)).map { $0 % m })
        return computePairwise(left, right).reshaped([n, m])
    }

    /// `body` with the head in evaluation mode (restored afterwards) and no graph.
    private func evaluating(_ body: () -> Tensor) -> Tensor {
        let module = head.head.module, wasTraining = module.isTraining
        module.eval()
        defer { module.train(wasTraining) }
        return withNoGrad(body)
    }
}
