/// The metrics of PyTorch Metric Learning's `AccuracyCalculator`, by our name (`rawValue`, the key in an
/// ``EvaluationResult``) and PML's (``pmlName``).
///
/// For a query with label `y`, let `R` be the number of references labelled `y` (other than the query itself)
/// and `hit(i)` whether the `i`-th neighbour (from 1) is labelled `y`; `k` neighbours are retrieved
/// (``RetrievalK``). Queries whose label no other reference has ("lone" queries) are left out of every k-NN metric.
public enum RetrievalMetric: String, CaseIterable, Sendable, Codable, Hashable {
    /// `hit(1)`.
    case precisionAt1
    /// `Σ_{i ≤ min(R, k)} hit(i) / min(R, k)`.
    case rPrecision
    /// MAP@R: `(1/R) Σ_{i ≤ min(R, k)} hit(i) · P@i`, with `P@i` the share of hits among the first `i`.
    case meanAveragePrecisionAtR
    /// `(1/R) Σ_{i ≤ k} hit(i) · P@i`: average precision over the `k` neighbours (exact AP when `k` covers
    /// every reference).
    case meanAveragePrecision
    /// `1 / (rank of the first hit)` within the `k` neighbours, 0 when none (computed in float, as PML does).
    case meanReciprocalRank
    /// Normalised mutual information between the query labels and a k-means clustering of the query
    /// embeddings into as many clusters as there are query labels (``KMeans``, ``MutualInformation``).
    case nmi
    /// Adjusted mutual information of the same clustering.
    case ami

    /// PML's key: `precision_at_1`, `r_precision`, `mean_average_precision_at_r`, `mean_average_precision`,
    /// `mean_reciprocal_rank`, `NMI`, `AMI`.
    public var pmlName: String {
        switch self {
        case .precisionAt1: return "precision_at_1"
        case .rPrecision: return "r_precision"
        case .meanAveragePrecisionAtR: return "mean_average_precision_at_r"
        case .meanAveragePrecision: return "mean_average_precision"
        case .meanReciprocalRank: return "mean_reciprocal_rank"
        case .nmi: return "NMI"
        case .ami: return "AMI"
        }
    }

    /// The metric with PML's key `name`, if any.
    public init?(pmlName name: String) {
        guard let m = Self.allCases.first(where: { $0.pmlName == name }) else { return nil }
        self = m
    }

    /// Whether the metric needs the nearest neighbours (the others need the clustering).
    public var needsNeighbours: Bool { self != .nmi && self != .ami }
}
