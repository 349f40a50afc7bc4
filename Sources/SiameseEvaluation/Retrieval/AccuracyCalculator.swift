import SiameseCore
import SiameseIndex

/// Retrieval metrics of query embeddings against reference embeddings: PyTorch Metric Learning 2.9's
/// `AccuracyCalculator` (``RetrievalMetric``: precision@1, R-precision, MAP@R, MAP, MRR, NMI, AMI).
///
/// ```swift
/// let calculator = AccuracyCalculator(k: .maxBinCount)
/// let m = try calculator.accuracy(query: embeddings, queryLabels: labels)   // every item is a query and a reference
/// m[.meanAveragePrecisionAtR]
/// ```
///
/// Semantics, as PML's:
/// * **Query is reference.** Without `reference`, the queries are the references and
///   `referenceIncludesQuery` is set. With it set, reference row `i` must be query `i` (for the first `q` rows);
///   each query's search asks for `k + 1` neighbours and drops the query itself, or, if the query is not among them
///   (duplicates at distance 0 with lower indices), the last neighbour. `R` counts the other references of the
///   query's label.
/// * **Lone queries** (no other reference with the label) are left out of the k-NN metrics; if all are, those
///   metrics are NaN.
/// * **k**: ``RetrievalK``; `.all` is PML's default `k=None`.
/// * **Neighbours**: exact search (``ExactIndex``), squared Euclidean on the raw embeddings by default (faiss's
///   `IndexFlatL2`, PML's `FaissKNN`); ties go to the lower reference index, as in faiss. ``metric`` may be
///   ``IndexMetric/cosine`` or ``IndexMetric/innerProduct`` instead.
/// * **NMI, AMI**: ``KMeans`` (faiss's algorithm and seed, 20 iterations) of the query embeddings into as many
///   clusters as there are query labels, scored against the labels (``MutualInformation``). PML runs faiss's
///   k-means on the same data; ours draws the same initial centroids, so the clusterings agree except for points
///   that float rounding puts on the other side of a boundary.
/// * **Averaging**: over queries, or with ``averagePerClass`` (PML's `avg_of_avgs`) the mean of per-label means;
///   per-label values are always returned (PML's `return_per_class`).
///
/// Memory: the search runs over blocks of queries with a bounded top-k heap per query (``ExactIndex``), and at
/// most about 2²⁰ neighbours are held at once, so 10⁵ × 10⁵ never allocates a query × reference matrix. Only the
/// per-query scores (seven doubles each) are kept.
public struct AccuracyCalculator: Sendable {
    /// The metrics to compute (PML's `include`/`exclude`); default all.
    public var metrics: Set<RetrievalMetric>
    /// Neighbours per query.
    public var k: RetrievalK
    /// Average per-label means instead of all queries (PML's `avg_of_avgs`).
    public var averagePerClass: Bool
    /// How queries are compared with references (default ``IndexMetric/l2``, as PML's `FaissKNN`).
    public var metric: IndexMetric
    /// k-means settings for NMI and AMI (faiss's seed 1234 and PML's 20 iterations by default).
    public var kMeansIterations: Int
    public var kMeansSeed: Int64
    /// Most neighbours held at once during the search (memory bound; default 2²⁰, about 12 MiB).
    public var neighbourBudget: Int

    public init(metrics: Set<RetrievalMetric> = Set(RetrievalMetric.allCases), k: RetrievalK = .all, averagePerClass: Bool = false,
                metric: IndexMetric = .l2, kMeansIterations: Int = 20, kMeansSeed: Int64 = 1234, neighbourBudget: Int = 1 << 20) {
        self.metrics = metrics; self.k = k; self.averagePerClass = averagePerClass; self.metric = metric
        self.kMeansIterations = kMeansIterations; self.kMeansSeed = kMeansSeed; self.neighbourBudget = neighbourBudget
    }

    /// PML's `get_accuracy(query, query_labels, reference, reference_labels, ref_includes_query)`.
    ///
    /// - Parameters:
    ///   - query: `[q, d]` query embeddings, finite.
    ///   - queryLabels: `q` labels.
    ///   - reference: `[r, d]` reference embeddings; `nil` means the queries themselves (and sets
    ///     `referenceIncludesQuery`).
    ///   - referenceLabels: `r` labels (ignored when `reference` is `nil`).
    ///   - referenceIncludesQuery: whether reference row `i` is query `i` for `i < q`.
    /// - Throws: ``RetrievalError`` for bad shapes, counts, non-finite values, a `k` below 1, or references that do
    ///   not start with the queries when `referenceIncludesQuery` is set.
    public func accuracy(query: Tensor, queryLabels: [Int], reference: Tensor? = nil, referenceLabels: [Int]? = nil,
                         referenceIncludesQuery: Bool = false) throws(RetrievalError) -> RetrievalMetrics {
        let selfMatch = reference == nil ? true : referenceIncludesQuery
        let (qFlat, q, d) = try Self.check(query, name: "query")
        guard queryLabels.count == q else { throw .labelCountMismatch(name: "query", rows: q, labels: queryLabels.count) }
        var rFlat = qFlat, r = q, rLabels = queryLabels
        if let reference {
            let (flat, rows, rd) = try Self.check(reference, name: "reference")
            guard rd == d else { throw .dimensionMismatch(query: d, reference: rd) }
            let labels = referenceLabels ?? []
            guard labels.count == rows else { throw .labelCountMismatch(name: "reference", rows: rows, labels: labels.count) }
            rFlat = flat; r = rows; rLabels = labels
            if selfMatch { try Self.checkPrefix(query: qFlat, queryLabels: queryLabels, reference: rFlat, referenceLabels: rLabels, d: d) }
        }
        if case let .fixed(k) = k, k < 1 { throw .invalidK(k) }

        var values: [RetrievalMetric: Double] = [:], perClass: [RetrievalMetric: [Int: Double]] = [:]
        var usedK = 0, scored = 0, lone = 0
        let neighbourMetrics = RetrievalMetric.allCases.filter { metrics.contains($0) && $0.needsNeighbours }
        if !neighbourMetrics.isEmpty {
            // Label counts among the references, for the labels the queries have.
            var referenceCount: [Int: Int] = [:]
            for l in rLabels { referenceCount[l, default: 0] += 1 }
            let queryClasses = Set(queryLabels)
            let selfCount = selfMatch ? 1 : 0
            let relevant = Dictionary(uniqueKeysWithValues: queryClasses.map { ($0, (referenceCount[$0] ?? 0) - selfCount) })
            let maxBin = queryClasses.map { referenceCount[$0] ?? 0 }.max() ?? 0
            switch k {
            case .all: usedK = r - selfCount
            case .maxBinCount: usedK = maxBin - selfCount
            case let .fixed(k): usedK = k
            }
            usedK = Swift.min(usedK, r - selfCount)
            let scoredQueries = (0..<q).filter { relevant[queryLabels[$0]]! > 0 }
            scored = scoredQueries.count
            lone = q - scored
            var perQuery = [[Double]](repeating: [], count: neighbourMetrics.count)
            for i in perQuery.indices { perQuery[i].reserveCapacity(scored) }
            if usedK >= 1 && scored > 0 {
                try Self.searchNeighbours(query: qFlat, rows: scoredQueries, reference: rFlat, referenceCount: r, d: d,
                                          k: usedK, excludeSelf: selfMatch, metric: metric, budget: neighbourBudget) { queryIndex, ids in
                    let label = queryLabels[queryIndex]
                    let s = Self.queryScores(neighbourLabels: ids.map { rLabels[$0] }, label: label, relevant: relevant[label]!)
                    for (m, metric) in neighbourMetrics.enumerated() { perQuery[m].append(s[metric]!) }
                }
            }
            let scoredLabels = scoredQueries.map { queryLabels[$0] }
            for (m, metric) in neighbourMetrics.enumerated() {
                guard scored > 0, usedK >= 1 else { values[metric] = .nan; perClass[metric] = [:]; continue }
                let classes = Self.classMeans(perQuery[m], labels: scoredLabels)
                perClass[metric] = classes
                values[metric] = averagePerClass
                    ? classes.keys.sorted().reduce(0.0) { $0 + classes[$1]! } / Double(classes.count)
                    : perQuery[m].reduce(0, +) / Double(scored)
            }
        }
        if metrics.contains(.nmi) || metrics.contains(.ami) {
            let clusters = Set(queryLabels).count
            let assignment = try KMeans(clusters: clusters, iterations: kMeansIterations, seed: kMeansSeed)
                .fit(Tensor(qFlat, shape: [q, d])).assignments
            if metrics.contains(.nmi) { values[.nmi] = MutualInformation.normalized(queryLabels, assignment) }
            if metrics.contains(.ami) { values[.ami] = MutualInformation.adjusted(queryLabels, assignment) }
        }
        return RetrievalMetrics(values: values, perClass: perClass, k: usedK, queries: scored, loneQueries: lone,
                                averagedPerClass: averagePerClass)
    }

    // MARK: Per query

    /// The k-NN metrics of one query from the labels of its neighbours (best first) and its `relevant` count R ≥ 1.
    static func queryScores(neighbourLabels: [Int], label: Int, relevant: Int) -> [RetrievalMetric: Double] {
        let k = neighbourLabels.count, m = Swift.min(relevant, k)
        var hits = 0, hitsInR = 0, apAtR = 0.0, ap = 0.0, firstHit = 0
        for (i, l) in neighbourLabels.enumerated() where l == label {
            hits += 1
            let precision = Double(hits) / Double(i + 1)
            ap += precision
            if i < m { hitsInR += 1; apAtR += precision }
            if firstHit == 0 { firstHit = i + 1 }
        }
        // PML takes the reciprocal rank in float32.
        let reciprocal = firstHit == 0 ? 0 : Double(1 / Float(firstHit))
        return [
            .precisionAt1: k > 0 && neighbourLabels[0] == label ? 1 : 0,
            .rPrecision: m > 0 ? Double(hitsInR) / Double(m) : .nan,
            .meanAveragePrecisionAtR: apAtR / Double(relevant),
            .meanAveragePrecision: ap / Double(relevant),
            .meanReciprocalRank: reciprocal,
        ]
    }

    /// Mean per label.
    static func classMeans(_ values: [Double], labels: [Int]) -> [Int: Double] {
        var sum: [Int: Double] = [:], count: [Int: Int] = [:]
        for (v, l) in zip(values, labels) { sum[l, default: 0] += v; count[l, default: 0] += 1 }
        return Dictionary(uniqueKeysWithValues: sum.map { ($0.key, $0.value / Double(count[$0.key]!)) })
    }

    // MARK: Search

    /// Calls `body(queryIndex, neighbourIDs)` for each query in `rows`, in order, with its `k` nearest references
    /// (best first), the query itself excluded when `excludeSelf` (PML's `return_results`). Queries are searched in
    /// blocks holding at most `budget` neighbours.
    static func searchNeighbours(query: [Float], rows: [Int], reference: [Float], referenceCount: Int, d: Int, k: Int,
                                 excludeSelf: Bool, metric: IndexMetric, budget: Int,
                                 _ body: (Int, ArraySlice<Int>) -> Void) throws(RetrievalError) {
        var index = ExactIndex(dimension: d, metric: metric)
        let searched = Swift.min(k + (excludeSelf ? 1 : 0), referenceCount)
        let block = Swift.max(1, Swift.min(rows.count, budget / Swift.max(searched, 1)))
        do {
            try index.add(Tensor(reference, shape: [referenceCount, d]))
            var chunk = [Float](repeating: 0, count: block * d)
            for start in stride(from: 0, to: rows.count, by: block) {
                let m = Swift.min(block, rows.count - start)
                for i in 0..<m {
                    let row = rows[start + i]
                    for j in 0..<d { chunk[i * d + j] = query[row * d + j] }
                }
                let result = try index.search(Tensor(Array(chunk[0..<(m * d)]), shape: [m, d]), k: searched)
                for i in 0..<m {
                    let queryIndex = rows[start + i]
                    var ids = result.ids[i]
                    if excludeSelf {
                        if let at = ids.firstIndex(of: queryIndex) { ids.remove(at: at) } else { ids.removeLast() }
                    }
                    body(queryIndex, ids.prefix(k))
                }
            }
        } catch {
            throw .search(error.description)
        }
    }

    // MARK: Checks

    static func check(_ t: Tensor, name: String) throws(RetrievalError) -> ([Float], Int, Int) {
        guard t.rank == 2, t.shape[1] >= 1 else { throw .invalidShape(name: name, shape: t.shape) }
        guard t.shape[0] >= 1 else { throw .empty(name: name) }
        let flat = t.scalars, d = t.shape[1]
        if let bad = flat.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(name: name, row: bad / d) }
        return (flat, t.shape[0], d)
    }

    /// PML's check that the references start with the queries (`torch.allclose`: |a − b| ≤ 1e-8 + 1e-5 |b|).
    static func checkPrefix(query: [Float], queryLabels: [Int], reference: [Float], referenceLabels: [Int], d: Int) throws(RetrievalError) {
        let q = queryLabels.count
        guard referenceLabels.count >= q else { throw .referenceDoesNotStartWithQuery(row: referenceLabels.count) }
        for i in 0..<q {
            guard queryLabels[i] == referenceLabels[i] else { throw .referenceDoesNotStartWithQuery(row: i) }
            for j in 0..<d {
                let a = Double(query[i * d + j]), b = Double(reference[i * d + j])
                guard abs(a - b) <= 1e-8 + 1e-5 * abs(b) else { throw .referenceDoesNotStartWithQuery(row: i) }
            }
        }
    }
}
