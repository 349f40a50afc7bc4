import CSiameseKernels
import Dispatch
import SiameseCore
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// An exact (brute-force) nearest-neighbour index over `count` vectors of dimension `dimension`.
///
/// Mirrors faiss's flat indexes: ``IndexMetric/l2`` is `IndexFlatL2` (squared Euclidean distances),
/// ``IndexMetric/innerProduct`` is `IndexFlatIP`, and ``IndexMetric/cosine`` is `IndexFlatIP` over normalised
/// vectors; ids work as in `IndexIDMap` (your own, or consecutive ones from 0).
///
/// Vectors are stored contiguously, row-major (normalised copies for cosine; squared norms are kept for L2).
/// ``search(_:k:)`` computes scores a block at a time as matrix products (L2 as `‖q‖² + ‖r‖² − 2 q·r`, clamped at
/// 0, like faiss's `exhaustive_L2sq_blas`): each of the engine's `Threading.threadCount` workers runs one
/// single-threaded BLAS `sgemm` per block of its queries (512 at most) against 512 references, and scans the block
/// into a bounded top-k heap per query while it is still in cache (`sk_topk_scan`, AVX-512 or AVX2). A search
/// needs `O(threads · block + q·k)` memory, never the `[q, n]` score matrix (a block holds at most 4 Mi floats).
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
        let l2 = metric == .l2
        let queryNorms = l2 ? IndexInput.squaredNorms(queries, dimension: dimension) : []
        let n = count, kept = Swift.min(k, n)
        // Each worker calls the BLAS on its own block; when OpenBLAS threads itself instead (the engine's
        // SIAMESEKIT_BLAS_THREADS=openblas), one worker leaves the threading to it.
        let threads = BLAS.engineThreads ? Swift.max(1, Threading.threadCount) : 1
        let plan = plan ?? .automatic(queries: q, references: n, threads: threads)
        let blockRows = Swift.min(plan.queryBlock, q), blockColumns = Swift.min(plan.referenceChunk, n)
        let queryBlocks = (q + blockRows - 1) / blockRows, referenceBlocks = (n + blockColumns - 1) / blockColumns
        let statistics = SearchStatistics(scoreBufferElements: blockRows * blockColumns, blocks: queryBlocks * referenceBlocks)

        var scores = [[Float]](repeating: [], count: q), ids = [[Int]](repeating: [], count: q)
        queries.withUnsafeBufferPointer { qp in
            queryNorms.withUnsafeBufferPointer { qn in
                vectors.withUnsafeBufferPointer { rp in
                    squaredNorms.withUnsafeBufferPointer { rn in
                        rowIDs.withUnsafeBufferPointer { rowID in
                            scores.withUnsafeMutableBufferPointer { sp in
                                ids.withUnsafeMutableBufferPointer { ip in
                                    let scan = ExactScan(
                                        queries: qp.baseAddress!, queryNorms: qn.baseAddress, references: rp.baseAddress!,
                                        referenceNorms: l2 ? rn.baseAddress : nil, rowIDs: rowID.baseAddress!,
                                        scores: sp.baseAddress!, ids: ip.baseAddress!, q: q, n: n, d: dimension, k: kept,
                                        blockRows: blockRows, blockColumns: blockColumns, l2: l2)
                                    scan.run(threads: threads, queryBlocks: queryBlocks, referenceBlocks: referenceBlocks)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (SearchResult(scores: scores, ids: ids), statistics)
    }
}

/// The blocks of one exact search and the buffers they read and write, shared between its worker threads: each
/// worker owns its score buffer and heaps, and writes only the result rows of its own queries.
///
/// A block is `C = α · Q_block · R_blockᵀ` (one single-threaded `sgemm`, α = −2 for L2 and −1 for the
/// similarities, so that smaller is better), scanned at once into the heaps while it is in cache. With at least
/// as many query blocks as threads, each worker takes a contiguous run of query blocks and all references;
/// otherwise (a few queries) each worker takes a contiguous run of reference blocks for every query, and the
/// workers' heaps are merged. The kept set is the same either way: (distance, id) is a total order, and every
/// distance is computed by the same operations whatever the split.
private struct ExactScan: @unchecked Sendable {
    let queries: UnsafePointer<Float>
    let queryNorms: UnsafePointer<Float>?
    let references: UnsafePointer<Float>
    let referenceNorms: UnsafePointer<Float>?
    let rowIDs: UnsafePointer<Int>
    let scores: UnsafeMutablePointer<[Float]>
    let ids: UnsafeMutablePointer<[Int]>
    let q: Int, n: Int, d: Int, k: Int
    let blockRows: Int, blockColumns: Int
    let l2: Bool

    func run(threads: Int, queryBlocks: Int, referenceBlocks: Int) {
        if queryBlocks >= threads || referenceBlocks == 1 {
            let workers = Swift.min(threads, queryBlocks)
            let body: @Sendable (Int) -> Void = { w in
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * blockColumns)
                defer { buffer.deallocate() }
                let heaps = BoundedTopK(rows: blockRows, k: k)
                for b in (queryBlocks * w / workers)..<(queryBlocks * (w + 1) / workers) {
                    let q0 = b * blockRows, m = Swift.min(blockRows, q - q0)
                    heaps.reset()
                    scanReferences(q0: q0, m: m, blocks: 0..<referenceBlocks, buffer: buffer, heaps: heaps)
                    store(q0: q0, m: m, heaps: heaps)
                }
            }
            if workers <= 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
            return
        }
        let workers = Swift.min(threads, referenceBlocks)
        let buffers = WorkerBuffers(count: workers, capacity: blockRows * blockColumns)
        defer { buffers.deallocate() }
        let heaps = (0..<workers).map { _ in BoundedTopK(rows: blockRows, k: k) }
        for b in 0..<queryBlocks {
            let q0 = b * blockRows, m = Swift.min(blockRows, q - q0)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                heaps[w].reset()
                scanReferences(q0: q0, m: m, blocks: (referenceBlocks * w / workers)..<(referenceBlocks * (w + 1) / workers),
                               buffer: buffers.pointers[w], heaps: heaps[w])
            }
            for w in 1..<workers {
                for i in 0..<m { heaps[0].merge(row: i, from: heaps[w]) }
            }
            store(q0: q0, m: m, heaps: heaps[0])
        }
    }

    /// Queries `q0..<q0+m` against the reference blocks `blocks`, into `heaps` (rows 0..<m).
    private func scanReferences(q0: Int, m: Int, blocks: Range<Int>, buffer: UnsafeMutablePointer<Float>, heaps: BoundedTopK) {
        for block in blocks {
            let r0 = block * blockColumns, c = Swift.min(blockColumns, n - r0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(c), Int32(d), l2 ? -2 : -1,
                        queries + q0 * d, Int32(d), references + r0 * d, Int32(d), 0, buffer, Int32(c))
            heaps.scan(buffer, rows: m, columns: c, stride: c, rowNorms: l2 ? queryNorms! + q0 : nil,
                       columnNorms: referenceNorms.map { $0 + r0 }, columnIDs: rowIDs + r0)
        }
    }

    /// Writes the results of queries `q0..<q0+m` (scores: the distance for L2, the similarity otherwise).
    private func store(q0: Int, m: Int, heaps: BoundedTopK) {
        for i in 0..<m {
            let best = heaps.drainSortedDistances(row: i)
            scores[q0 + i] = l2 ? best.distances : best.distances.map { -$0 }
            ids[q0 + i] = best.ids
        }
    }
}

/// One score buffer per worker of a reference-split search (each worker touches only its own).
private struct WorkerBuffers: @unchecked Sendable {
    let pointers: [UnsafeMutablePointer<Float>]

    init(count: Int, capacity: Int) {
        pointers = (0..<count).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: capacity) }
    }

    func deallocate() { for p in pointers { p.deallocate() } }
}
