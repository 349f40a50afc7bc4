/// Problems with the inputs of a retrieval evaluation (``AccuracyCalculator``, ``RetrievalEvaluator``, ``KMeans``).
public enum RetrievalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Embeddings that are not a `[n, d]` matrix with `d ≥ 1`.
    case invalidShape(name: String, shape: [Int])
    /// Query and reference embeddings of different dimensions.
    case dimensionMismatch(query: Int, reference: Int)
    /// `labels` labels for `rows` embeddings.
    case labelCountMismatch(name: String, rows: Int, labels: Int)
    /// Row `row` has a NaN or infinite component.
    case nonFinite(name: String, row: Int)
    /// No queries or no references.
    case empty(name: String)
    /// `referenceIncludesQuery` was set but the first references are not the queries (PML's ValueError).
    case referenceDoesNotStartWithQuery(row: Int)
    /// `k` must be at least 1.
    case invalidK(Int)
    /// k-means needs at least as many points as clusters (and at least one cluster).
    case tooFewPoints(points: Int, clusters: Int)
    /// The nearest-neighbour search failed (the index's message).
    case search(String)

    public var description: String {
        switch self {
        case let .invalidShape(name, shape): return "retrieval: \(name) must be a [n, d] matrix with d ≥ 1, got shape \(shape)"
        case let .dimensionMismatch(q, r): return "retrieval: queries have dimension \(q) but references have dimension \(r)"
        case let .labelCountMismatch(name, rows, labels): return "retrieval: \(labels) \(name) labels for \(rows) embeddings"
        case let .nonFinite(name, row): return "retrieval: \(name) row \(row) has a NaN or infinite component"
        case let .empty(name): return "retrieval: no \(name) to evaluate"
        case let .referenceDoesNotStartWithQuery(row):
            return "retrieval: referenceIncludesQuery is set, but reference row \(row) differs from query row \(row) (embedding or label)"
        case let .invalidK(k): return "retrieval: k must be at least 1, got \(k)"
        case let .tooFewPoints(points, clusters): return "k-means: \(points) points cannot form \(clusters) clusters (need 1 ≤ clusters ≤ points)"
        case let .search(message): return "retrieval: nearest-neighbour search failed: \(message)"
        }
    }
}
