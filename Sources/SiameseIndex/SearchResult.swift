/// The neighbours of each query, best first.
///
/// Row `i` of ``scores`` and ``ids`` belongs to query `i` and holds `min(k, count)` entries, sorted from the
/// closest (largest similarity, or smallest squared distance for ``IndexMetric/l2``) to the farthest; equal
/// scores are ordered by the smaller id. This is faiss's `(D, I)` pair without its `-1` padding.
public struct SearchResult: Equatable, Sendable {
    /// Similarities (``IndexMetric/innerProduct``, ``IndexMetric/cosine``) or squared distances (``IndexMetric/l2``).
    public var scores: [[Float]]
    /// The ids of the matching reference vectors, aligned with ``scores``.
    public var ids: [[Int]]

    public init(scores: [[Float]], ids: [[Int]]) {
        self.scores = scores
        self.ids = ids
    }
}
