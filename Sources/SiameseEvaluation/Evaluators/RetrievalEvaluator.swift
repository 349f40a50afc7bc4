import SiameseCore
import SiameseIndex

/// Retrieval on labelled items: every query ranks the references by distance, scored with PyTorch Metric
/// Learning's accuracy-calculator metrics (``AccuracyCalculator``, ``RetrievalMetric``). Primary metric: MAP@R
/// (`meanAveragePrecisionAtR`), greater is better.
///
/// Two layouts of the embeddings passed to ``evaluate(embeddings:)``:
/// * ``init(labels:calculator:)``: every item is a query and a reference (PML's `get_accuracy(x, labels)`; a query
///   never retrieves itself);
/// * ``init(queryLabels:referenceLabels:calculator:)``: the first `q` rows are queries, the next `r` references.
///
/// ```swift
/// let evaluator = RetrievalEvaluator(labels: heldOutLabels)          // k = max_bin_count
/// let result = try evaluator.evaluate(embeddings: model.embed(heldOutImages))
/// result.metrics["precisionAt1"], result.metrics["meanAveragePrecisionAtR"]
/// ```
public struct RetrievalEvaluator: Evaluator {
    public let name = "retrieval"
    public let primaryMetric = RetrievalMetric.meanAveragePrecisionAtR.rawValue
    public let greaterIsBetter = true
    public let itemCount: Int
    /// Labels of the queries, and of the references (`nil` when the queries are the references).
    public let queryLabels: [Int]
    public let referenceLabels: [Int]?
    public let calculator: AccuracyCalculator

    /// Every item is a query and a reference. Defaults to `k = .maxBinCount`, so that R-precision and MAP@R are exact
    /// without ranking every reference.
    public init(labels: [Int], calculator: AccuracyCalculator = AccuracyCalculator(k: .maxBinCount)) {
        self.queryLabels = labels; self.referenceLabels = nil; self.itemCount = labels.count; self.calculator = calculator
    }

    /// Queries (the first `queryLabels.count` rows) searched among separate references (the rows after them).
    public init(queryLabels: [Int], referenceLabels: [Int], calculator: AccuracyCalculator = AccuracyCalculator(k: .maxBinCount)) {
        self.queryLabels = queryLabels; self.referenceLabels = referenceLabels
        self.itemCount = queryLabels.count + referenceLabels.count; self.calculator = calculator
    }

    /// Every item is a query and a reference, ranked the way `distance` compares embeddings
    /// (``indexMetric(for:)``), with `k = .maxBinCount`.
    public init(labels: [Int], distance: any Distance) {
        self.init(labels: labels, calculator: AccuracyCalculator(k: .maxBinCount, metric: Self.indexMetric(for: distance)))
    }

    /// The search metric that ranks neighbours as `distance` does: ``IndexMetric/cosine`` when the distance
    /// normalises embeddings (cosine similarity, and PML's default `LpDistance`: Euclidean distance between unit
    /// vectors ranks as cosine), ``IndexMetric/innerProduct`` for an unnormalised similarity, ``IndexMetric/l2``
    /// otherwise (an Lp distance with p ≠ 2 is ranked by Euclidean distance).
    public static func indexMetric(for distance: any Distance) -> IndexMetric {
        if distance.normalizeEmbeddings { return .cosine }
        return distance.isInverted ? .innerProduct : .l2
    }

    /// The typed metrics.
    public func metrics(_ embeddings: Tensor) throws -> RetrievalMetrics {
        try validate(embeddings)
        guard let referenceLabels else { return try calculator.accuracy(query: embeddings, queryLabels: queryLabels) }
        let q = queryLabels.count, r = referenceLabels.count
        return try calculator.accuracy(query: embeddings.narrowed(axis: 0, start: 0, length: q), queryLabels: queryLabels,
                                       reference: embeddings.narrowed(axis: 0, start: q, length: r),
                                       referenceLabels: referenceLabels)
    }

    public func evaluate(embeddings: Tensor) throws -> EvaluationResult {
        EvaluationResult(evaluator: name, metrics: try metrics(embeddings).flat, primaryMetric: primaryMetric,
                         greaterIsBetter: greaterIsBetter)
    }
}
