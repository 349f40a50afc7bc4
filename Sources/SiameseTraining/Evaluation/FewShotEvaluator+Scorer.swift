import SiameseCore
import SiameseEvaluation
import SiameseMetricLearning
import SiameseNN

extension FewShotEvaluator {
    /// N-way K-shot accuracy (with its 95 % Wilson interval) where a learned comparison classifies each query: the
    /// class with the highest ``EpisodicLoss/scores(support:supportClasses:query:)`` wins (nearest prototype, largest
    /// matching attention, highest relation score or Koch logit). The scorer runs in evaluation mode, without a graph;
    /// its mode is restored afterwards.
    ///
    /// - Throws: as ``accuracy(_:)`` for embeddings that do not cover the evaluator's items or are not finite.
    public func accuracy(_ embeddings: Tensor, scoredBy scorer: any EpisodicLoss) throws -> FewShotAccuracy {
        try validate(embeddings)
        let module = scorer as? Module
        let wasTraining = module?.isTraining ?? false
        module?.eval()
        defer { module?.train(wasTraining) }
        var distances: [[Double]] = [], classes: [[Int]] = [], answers: [Int] = []
        withNoGrad {
            for e in episodes {
                let s = scorer.scores(support: embeddings.indexSelect(axis: 0, e.support), supportClasses: e.supportClasses,
                                      query: embeddings.indexSelect(axis: 0, e.query))
                let ways = s.shape[1], values = s.scalars
                for (q, k) in e.queryClasses.enumerated() {
                    // Larger score = closer: FewShotAccuracy picks the smallest "distance".
                    distances.append((0..<ways).map { -Double(values[q * ways + $0]) })
                    classes.append(Array(0..<ways))
                    answers.append(k)
                }
            }
        }
        return try FewShotAccuracy(distances: distances, supportClasses: classes, answers: answers)
    }

    /// ``evaluate(embeddings:)`` with a learned comparison (see ``accuracy(_:scoredBy:)``); the same metrics.
    public func evaluate(embeddings: Tensor, scoredBy scorer: any EpisodicLoss) throws -> EvaluationResult {
        let a = try accuracy(embeddings, scoredBy: scorer)
        return EvaluationResult(evaluator: name, metrics: [
            "accuracy": a.accuracy, "interval95Low": a.interval95.lowerBound, "interval95High": a.interval95.upperBound,
            "episodes": Double(episodes.count), "queries": Double(a.trials), "ways": Double(ways), "shots": Double(shots),
        ], primaryMetric: primaryMetric, greaterIsBetter: greaterIsBetter)
    }
}
