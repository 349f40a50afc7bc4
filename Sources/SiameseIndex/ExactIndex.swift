import Dispatch
import SiameseCore

/// An exact (brute-force) nearest-neighbour index over `count` vectors of dimension `dimension`.
///
/// Mirrors faiss's flat indexes: ``IndexMetric/l2`` is `IndexFlatL2` (squared Euclidean distances),
/// ``IndexMetric/innerProduct`` is `IndexFlatIP`, and ``IndexMetric/cosine`` is `IndexFlatIP` over normalised
/// vectors; ids work as in `IndexIDMap` (your own, or consecutive ones from 0).
///
/// Vectors are stored contiguously, row-major (normalised copies for cosine; squared norms are kept for L2).
/// ``search(_:k:)`` computes scores a block at a time as matrix products (the engine's `BLAS.sgemm`, which
/// splits large products over the engine's workers) and feeds each block straight into a bounded top-k heap per
/// query, so it needs `O(block + q·k)` memory, never the `[q, n]` score matrix. A score block holds at most
/// 4 Mi floats (16 MiB).
///
/// ```swift
/// var index = ExactIndex(dimension: 128, metric: .cosine)
/// try index.add(embeddings)                  // ids 0..<n
/// let result = try index.search(queries, k: 10)
/// result.ids[0]                              // the 10 closest to query 0, best first
/// ```
public struct ExactIndex: Sendable {
    /// Components per vector.
    public let dimension: Int
    /// How queries are compared with the stored vectors.
    public let metric: IndexMetric
    /// Stored vectors, `count × dimension`, row-major (L2-normalised for ``IndexMetric/cosine``).
    private var vectors: [Float] = []
    /// Squared norms of the stored vectors (kept for ``IndexMetric/l2`` only).
    private var squaredNorms: [Float] = []
    /// The id of each stored row.
    private var rowIDs: [Int] = []
    private var idSet: Set<Int> = []
    /// The id the next vector added without ids gets (one past the largest id ever added).
    private var nextID = 0

    /// An empty index for vectors of `dimension` components (`dimension ≥ 1`).
    public init(dimension: Int, metric: IndexMetric) {
        precondition(dimension >= 1, "ExactIndex: dimension must be ≥ 1, got \(dimension)")
        self.dimension = dimension
        self.metric = metric
    }

    /// Number of stored vectors.
    public var count: Int { rowIDs.count }

    /// The ids of the stored vectors, in storage order.
    public var ids: [Int] { rowIDs }

    // MARK: Adding and removing

    /// Adds the rows of `vectors` (shape `[n, dimension]`, or `[dimension]` for one vector).
    ///
    /// - Parameter ids: one id per vector, none already in the index; `nil` assigns consecutive ids starting one
    ///   past the largest id added so far (0 for a new index).
    /// - Returns: the ids of the added vectors.
    /// - Throws: ``IndexError/invalidShape(operation:shape:)``, ``IndexError/dimensionMismatch(operation:expected:actual:)``,
    ///   ``IndexError/nonFinite(operation:row:column:)``, ``IndexError/idCountMismatch(vectors:ids:)`` or
    ///   ``IndexError/duplicateID(_:)``; the index is unchanged when it throws.
    @discardableResult
    public mutating func add(_ vectors: Tensor, ids: [Int]? = nil) throws(IndexError) -> [Int] {
        let rows = try IndexInput.rowCount(of: vectors, dimension: dimension, operation: "add")
        return try add(flat: vectors.scalars, rows: rows, ids: ids)
    }

    /// Adds `vectors`, each of `dimension` components (the `Tensor` overload, for arrays).
    @discardableResult
    public mutating func add(_ vectors: [[Float]], ids: [Int]? = nil) throws(IndexError) -> [Int] {
        if let bad = vectors.first(where: { $0.count != dimension }) {
            throw .dimensionMismatch(operation: "add", expected: dimension, actual: bad.count)
        }
        return try add(flat: vectors.flatMap { $0 }, rows: vectors.count, ids: ids)
    }

    private mutating func add(flat: [Float], rows: Int, ids: [Int]?) throws(IndexError) -> [Int] {
        try IndexInput.checkFinite(flat, dimension: dimension, operation: "add")
        let newIDs: [Int]
        if let ids {
            guard ids.count == rows else { throw .idCountMismatch(vectors: rows, ids: ids.count) }
            var seen = Set<Int>(minimumCapacity: ids.count)
            for id in ids where idSet.contains(id) || !seen.insert(id).inserted { throw .duplicateID(id) }
            newIDs = ids
        } else {
            newIDs = Array(nextID..<(nextID + rows))
        }
        var stored = flat
        if metric == .cosine { IndexInput.normalizeRows(&stored, dimension: dimension) }
        if metric == .l2 { squaredNorms += IndexInput.squaredNorms(stored, dimension: dimension) }
        vectors += stored
        rowIDs += newIDs
        idSet.formUnion(newIDs)
        if let largest = newIDs.max() { nextID = Swift.max(nextID, largest + 1) }
        return newIDs
    }

    /// Removes the vectors with the given ids (ids not in the index are ignored), keeping the others in order.
    ///
    /// - Returns: how many vectors were removed (faiss's `remove_ids`).
    @discardableResult
    public mutating func remove(ids: some Sequence<Int>) -> Int {
        let doomed = Set(ids).intersection(idSet)
        guard !doomed.isEmpty else { return 0 }
        var keptVectors: [Float] = [], keptNorms: [Float] = [], keptIDs: [Int] = []
        keptVectors.reserveCapacity(vectors.count - doomed.count * dimension)
        for (row, id) in rowIDs.enumerated() where !doomed.contains(id) {
            keptVectors += vectors[(row * dimension)..<((row + 1) * dimension)]
            if metric == .l2 { keptNorms.append(squaredNorms[row]) }
            keptIDs.append(id)
        }
        vectors = keptVectors
        squaredNorms = keptNorms
        rowIDs = keptIDs
        idSet.subtract(doomed)
        return doomed.count
    }

    // MARK: Searching

    /// The `k` stored vectors closest to each query, best first (ties by the smaller id).
    ///
    /// - Parameters:
    ///   - queries: shape `[q, dimension]`, or `[dimension]` for a single query (the result then has one row).
    ///   - k: neighbours per query (`k ≥ 1`); when `k > count` each row has `count` entries.
    /// - Returns: per query, the scores (similarities, or squared distances for ``IndexMetric/l2``) and ids.
    /// - Throws: ``IndexError/invalidK(_:)``, ``IndexError/emptyIndex``, ``IndexError/invalidShape(operation:shape:)``,
    ///   ``IndexError/dimensionMismatch(operation:expected:actual:)`` or ``IndexError/nonFinite(operation:row:column:)``.
    public func search(_ queries: Tensor, k: Int) throws(IndexError) -> SearchResult {
        let rows = try IndexInput.rowCount(of: queries, dimension: dimension, operation: "search")
        return try search(flat: queries.scalars, rows: rows, k: k, plan: nil).result
    }

    /// The `Tensor` search for queries given as arrays of `dimension` components.
    public func search(_ queries: [[Float]], k: Int) throws(IndexError) -> SearchResult {
        if let bad = queries.first(where: { $0.count != dimension }) {
            throw .dimensionMismatch(operation: "search", expected: dimension, actual: bad.count)
        }
        return try search(flat: queries.flatMap { $0 }, rows: queries.count, k: k, plan: nil).result
    }

    /// The search with explicit block sizes (tests use small ones to cross chunk boundaries).
    func search(_ queries: Tensor, k: Int, plan: SearchPlan?) throws(IndexError) -> (result: SearchResult, statistics: SearchStatistics) {
        let rows = try IndexInput.rowCount(of: queries, dimension: dimension, operation: "search")
        return try search(flat: queries.scalars, rows: rows, k: k, plan: plan)
    }

    private func search(flat: [Float], rows q: Int, k: Int, plan: SearchPlan?) throws(IndexError) -> (result: SearchResult, statistics: SearchStatistics) {
        guard k >= 1 else { throw .invalidK(k) }
        guard count > 0 else { throw .emptyIndex }
        try IndexInput.checkFinite(flat, dimension: dimension, operation: "search")
        guard q > 0 else { return (SearchResult(scores: [], ids: []), SearchStatistics()) }

        var queries = flat
        if metric == .cosine { IndexInput.normalizeRows(&queries, dimension: dimension) }
        let queryNorms = metric == .l2 ? IndexInput.squaredNorms(queries, dimension: dimension) : []
        let n = count, d = dimension, kept = Swift.min(k, n)
        let plan = plan ?? .automatic(queries: q, references: n)
        let blockRows = Swift.min(plan.queryBlock, q), blockColumns = Swift.min(plan.referenceChunk, n)

        var statistics = SearchStatistics(scoreBufferElements: blockRows * blockColumns)
        var scores: [[Float]] = [], ids: [[Int]] = []
        scores.reserveCapacity(q)
        ids.reserveCapacity(q)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * blockColumns)
        defer { buffer.deallocate() }
        let heaps = BoundedTopK(rows: blockRows, k: kept)
        let metric = metric

        queries.withUnsafeBufferPointer { qp in
            vectors.withUnsafeBufferPointer { rp in
                squaredNorms.withUnsafeBufferPointer { rn in
                    rowIDs.withUnsafeBufferPointer { rowID in
                        for q0 in stride(from: 0, to: q, by: blockRows) {
                            let m = Swift.min(blockRows, q - q0)
                            heaps.reset()
                            for r0 in stride(from: 0, to: n, by: blockColumns) {
                                let c = Swift.min(blockColumns, n - r0)
                                // Scores (or −2 q·r for L2) of queries q0..<q0+m against references r0..<r0+c.
                                BLAS.sgemm(transA: false, transB: true, m: m, n: c, k: d,
                                           alpha: metric == .l2 ? -2 : 1, a: qp.baseAddress! + q0 * d, lda: d,
                                           b: rp.baseAddress! + r0 * d, ldb: d, c: buffer, ldc: c)
                                statistics.blocks += 1
                                // The scan into the heaps, split by query rows over the engine's threads (each
                                // row's heap is touched by one thread only).
                                let scan = ScanBlock(buffer: buffer, heaps: heaps, norms: rn.baseAddress, ids: rowID.baseAddress!,
                                                     queryNorms: queryNorms, q0: q0, r0: r0, columns: c, l2: metric == .l2)
                                let parts = Swift.min(Threading.threadCount, m, Swift.max(1, m * c / (1 << 16)))
                                if parts <= 1 {
                                    scan.run(rows: 0..<m)
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                                        scan.run(rows: (m * part / parts)..<(m * (part + 1) / parts))
                                    }
                                }
                            }
                            for i in 0..<m {
                                let best = heaps.sorted(row: i)
                                // Negating back gives +0 for a clamped distance of −0.
                                scores.append(metric == .l2 ? best.keys.map { 0 - $0 } : best.keys)
                                ids.append(best.ids)
                            }
                        }
                    }
                }
            }
        }
        return (SearchResult(scores: scores, ids: ids), statistics)
    }
}

/// One score block and the heaps it feeds, shared read-only between the threads of a scan; each thread offers
/// to the heaps of its own rows only.
private struct ScanBlock: @unchecked Sendable {
    let buffer: UnsafeMutablePointer<Float>
    let heaps: BoundedTopK
    let norms: UnsafePointer<Float>?
    let ids: UnsafePointer<Int>
    let queryNorms: [Float]
    let q0: Int, r0: Int, columns: Int
    let l2: Bool

    func run(rows: Range<Int>) {
        let c = columns
        for i in rows {
            let row = buffer + i * c
            if l2, let rn = norms {
                let qn = queryNorms[q0 + i]
                for j in 0..<c {
                    // Key = −‖q − r‖², so larger is better for every metric.
                    let distance = Swift.max(0, qn + rn[r0 + j] + row[j])
                    heaps.offer(row: i, key: -distance, id: ids[r0 + j])
                }
            } else {
                for j in 0..<c { heaps.offer(row: i, key: row[j], id: ids[r0 + j]) }
            }
        }
    }
}
