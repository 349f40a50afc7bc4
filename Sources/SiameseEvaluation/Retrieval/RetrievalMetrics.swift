/// What an ``AccuracyCalculator`` measured.
public struct RetrievalMetrics: Sendable, Equatable, Codable {
    /// Each requested metric (NaN for a k-NN metric when every query is lone).
    public var values: [RetrievalMetric: Double]
    /// Each k-NN metric averaged per query label (sorted labels; PML's `return_per_class=True`), over the queries
    /// that are not lone.
    public var perClass: [RetrievalMetric: [Int: Double]]
    /// The `k` used (neighbours per query, self excluded); 0 when no k-NN metric was requested.
    public var k: Int
    /// Queries scored by the k-NN metrics, and queries left out because no other reference shares their label.
    public var queries: Int
    public var loneQueries: Int
    /// Whether ``values`` average per-class averages (PML's `avg_of_avgs`) rather than all queries.
    public var averagedPerClass: Bool

    public init(values: [RetrievalMetric: Double], perClass: [RetrievalMetric: [Int: Double]], k: Int, queries: Int,
                loneQueries: Int, averagedPerClass: Bool) {
        self.values = values; self.perClass = perClass; self.k = k; self.queries = queries
        self.loneQueries = loneQueries; self.averagedPerClass = averagedPerClass
    }

    /// The value of `metric`, or NaN when it was not requested.
    public subscript(metric: RetrievalMetric) -> Double { values[metric] ?? .nan }

    /// The metrics as a flat dictionary (our names), with `k`, `queries` and `loneQueries`.
    public var flat: [String: Double] {
        var out = Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
        out["k"] = Double(k); out["queries"] = Double(queries); out["loneQueries"] = Double(loneQueries)
        return out
    }
}
