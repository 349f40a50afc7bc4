/// How many neighbours an ``AccuracyCalculator`` retrieves per query: PyTorch Metric Learning's `k` argument.
///
/// With `referenceIncludesQuery` each query is also a reference; it is never its own neighbour, so one fewer
/// neighbour is available ("self" below is 1 in that case, else 0).
public enum RetrievalK: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every reference but the query itself: `references − self` (PML's `k=None`, its default). Exact metrics,
    /// but each query ranks the whole reference set: `O(q · r · log r)` time, still bounded memory.
    case all
    /// The largest number of references sharing a query's label, minus self (PML's `k="max_bin_count"`): enough
    /// for R-precision and MAP@R to be exact, and what `siamese evaluate` uses.
    case maxBinCount
    /// A fixed `k ≥ 1` (PML's integer `k`). R-precision and MAP@R are then only right when `k` is at least the
    /// largest class; `meanAveragePrecision` becomes MAP@k (still divided by R, as PML does). A `k` beyond the
    /// references available is lowered to what there is (PML would pad with faiss's −1 ids instead).
    case fixed(Int)

    public var description: String {
        switch self {
        case .all: return "all"
        case .maxBinCount: return "max_bin_count"
        case let .fixed(k): return String(k)
        }
    }
}
