/// How an ``ExactIndex`` compares a query with its reference vectors.
///
/// Mirrors faiss: ``innerProduct`` is `IndexFlatIP`, ``l2`` is `IndexFlatL2`, and ``cosine`` is `IndexFlatIP`
/// over L2-normalised vectors (the usual faiss recipe with `normalize_L2`).
public enum IndexMetric: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The dot product `q · r`; larger is closer.
    case innerProduct
    /// Cosine similarity `q · r / (‖q‖ ‖r‖)`; larger is closer. Queries and references are normalised
    /// once (references when added); a zero vector stays zero, so its similarity to anything is 0 (as faiss's
    /// `normalize_L2` leaves it).
    case cosine
    /// The **squared** Euclidean distance `‖q − r‖²` (what faiss's `IndexFlatL2` reports, not its square root);
    /// smaller is closer. Computed as `‖q‖² − 2 q·r + ‖r‖²` and clamped at 0.
    case l2

    /// `true` for the similarities (larger is closer), `false` for ``l2`` (smaller is closer).
    public var largerIsCloser: Bool { self != .l2 }

    public var description: String { rawValue }
}
