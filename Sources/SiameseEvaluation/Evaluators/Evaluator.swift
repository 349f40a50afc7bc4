import SiameseCore

/// What an evaluator measured: named metrics, which one decides (early stopping, model selection) and in which
/// direction, and any thresholds it calibrated.
public struct EvaluationResult: Codable, Sendable, Equatable {
    /// The evaluator's name, e.g. `verification` or `20-way 1-shot`.
    public var evaluator: String
    /// Every metric by name (`rocAUC`, `equalErrorRate`, `accuracy`, …).
    public var metrics: [String: Double]
    /// The metric that decides.
    public var primaryMetric: String
    /// Whether a larger primary metric is better.
    public var greaterIsBetter: Bool
    /// Thresholds chosen on the evaluated pairs (verification evaluators), the first being the default one.
    public var thresholds: [CalibratedThreshold]

    public init(evaluator: String, metrics: [String: Double], primaryMetric: String, greaterIsBetter: Bool,
                thresholds: [CalibratedThreshold] = []) {
        self.evaluator = evaluator; self.metrics = metrics; self.primaryMetric = primaryMetric
        self.greaterIsBetter = greaterIsBetter; self.thresholds = thresholds
    }

    /// The primary metric's value.
    public var primaryValue: Double { metrics[primaryMetric] ?? .nan }

    /// Whether `self` is better than `other` by the primary metric (`other` may be absent).
    public func isBetter(than other: EvaluationResult?) -> Bool {
        guard let other else { return true }
        return greaterIsBetter ? primaryValue > other.primaryValue : primaryValue < other.primaryValue
    }
}

/// Scores embeddings of a fixed set of items, as sentence-transformers' evaluators and PML's accuracy calculator do.
///
/// An evaluator knows its items (by index into the caller's data) and how to score them; the caller embeds
/// ``itemCount`` items in order and passes the `[itemCount, d]` embeddings:
/// ```swift
/// let evaluator = try VerificationEvaluator(labels: heldOutLabels, pairs: 4000, seed: 1)
/// let result = try evaluator.evaluate(embeddings: model.embed(heldOutImages))
/// result.metrics["rocAUC"]
/// ```
public protocol Evaluator: Sendable {
    /// A short name for logs and reports.
    var name: String { get }
    /// The metric that decides, and whether larger is better.
    var primaryMetric: String { get }
    var greaterIsBetter: Bool { get }
    /// How many items the embeddings passed to ``evaluate(embeddings:)`` must cover.
    var itemCount: Int { get }
    /// Scores the embeddings of the evaluator's items (row `i` = item `i`).
    func evaluate(embeddings: Tensor) throws -> EvaluationResult
}

extension Evaluator {
    /// Checks that `embeddings` is `[itemCount, d]` and finite.
    public func validate(_ embeddings: Tensor) throws {
        guard embeddings.rank == 2, embeddings.shape[0] == itemCount else {
            throw EvaluationError.lengthMismatch(labels: itemCount, scores: embeddings.rank >= 1 ? embeddings.shape[0] : 0)
        }
        if let bad = embeddings.scalars.firstIndex(where: { !$0.isFinite }) {
            throw EvaluationError.nonFiniteScore(index: bad / Swift.max(embeddings.shape[1], 1))
        }
    }
}
