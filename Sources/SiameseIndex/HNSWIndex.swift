import Foundation
import SiameseCore
import Synchronization

/// Construction and search parameters of an ``HNSWIndex`` (the names and defaults of hnswlib).
public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on the upper levels; level 0 keeps up to `2M`. Levels are drawn with multiplier `1 / ln M`.
    /// Default 16 (hnswlib, faiss `IndexHNSWFlat(d, 16)`); at least 2.
    public var M: Int
    /// The candidate list size while inserting (hnswlib's `ef_construction`). Default 200; at least 1.
    public var efConstruction: Int
    /// The candidate list size while searching (hnswlib's `ef`, faiss's `efSearch`); a search uses `max(ef, k)`.
    /// Default 64; at least 1.
    public var efSearch: Int
    /// Seeds the level generator: the same seed, vectors and insertion order give the same graph.
    /// Default 100 (hnswlib's `random_seed`).
    public var seed: UInt64

    public init(M: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 100) {
        self.M = M
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
    }

    /// Throws ``IndexError/invalidParameter(name:value:requirement:)`` for the first parameter out of range.
    public func validate() throws(IndexError) {
        guard M >= 2 && M <= 4096 else { throw .invalidParameter(name: "M", value: M, requirement: "must be in 2...4096") }
        guard efConstruction >= 1 else {
            throw .invalidParameter(name: "efConstruction", value: efConstruction, requirement: "must be at least 1")
        }
        guard efSearch >= 1 else { throw .invalidParameter(name: "efSearch", value: efSearch, requirement: "must be at least 1") }
    }
}

/// An approximate nearest-neighbour index: a hierarchical navigable small world graph (HNSW, Malkov & Yashunin,
/// 2018), built and searched as hnswlib does.
///
/// Each vector gets a level `⌊−ln(u) / ln M⌋` (`u` from a generator seeded by ``HNSWParameters/seed``) and is
/// linked, on every level up to its own, to at most `M` neighbours (`2M` on level 0) chosen from an
/// `efConstruction`-wide best-first search by hnswlib's heuristic (a candidate is kept only if it is closer to the
/// new vector than to any neighbour kept before it). A search walks greedily down the upper levels, then runs a
/// best-first search of width `max(efSearch, k)` on level 0.
///
/// Metrics and scores are those of ``ExactIndex``: squared L2 distances (smaller is closer), inner products or
/// cosine similarities (vectors normalised when added); results are sorted best first, ties by the smaller id.
///
/// - Determinism: ``add(_:ids:)`` inserts sequentially in the given order, so the same seed, vectors and order give
///   the same graph and the same results on any machine with the same vector instructions (the distance kernels'
///   summation order depends on AVX-512 / AVX2 / portable). Batched searches run queries in parallel; each
///   query's result does not depend on the thread count.
/// - Removal marks vectors deleted (hnswlib's `mark_deleted`): they stay in the graph as waypoints but never appear
///   in results, so a search may return fewer than `k` when many are deleted.
/// - ``save(to:)`` writes atomically (a temporary file, then a rename) a versioned file with a checksum;
///   ``load(from:)`` refuses truncated, corrupt or unknown files with an ``IndexFileError``.
///
/// ```swift
/// var index = try HNSWIndex(dimension: 784, metric: .l2, parameters: HNSWParameters(M: 16, efConstruction: 200))
/// try index.add(vectors)                       // ids 0..<n
/// let result = try index.search(queries, k: 10, ef: 32)
/// ```
public struct HNSWIndex: Sendable {
    /// Components per vector.
    public let dimension: Int
    /// How queries are compared with the stored vectors.
    public let metric: IndexMetric
    /// The parameters the index was built with (``HNSWParameters/efSearch`` is the default search width).
    public private(set) var parameters: HNSWParameters
    var graph: HNSWGraph
    /// Live (not removed) ids → node.
    private var nodeOfID: [Int: Int32] = [:]
    /// One past the largest id ever added (the first id of a batch added without ids).
    var nextID = 0
    private let scratchPool = HNSWScratchPool()

    /// An empty index; throws ``IndexError/invalidParameter(name:value:requirement:)`` for a dimension below 1 or a
    /// parameter out of range.
    public init(dimension: Int, metric: IndexMetric, parameters: HNSWParameters = HNSWParameters()) throws(IndexError) {
        guard dimension >= 1 else { throw .invalidParameter(name: "dimension", value: dimension, requirement: "must be at least 1") }
        try parameters.validate()
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        graph = HNSWGraph(dimension: dimension, useL2: metric == .l2, M: parameters.M,
                          efConstruction: parameters.efConstruction, seed: parameters.seed)
    }

    /// Rebuilds the id map from a restored graph (the file reader).
    init(restoring graph: HNSWGraph, metric: IndexMetric, parameters: HNSWParameters, nextID: Int) {
        dimension = graph.dimension
        self.metric = metric
        self.parameters = parameters
        self.graph = graph
        self.nextID = nextID
        for node in 0..<graph.count where !graph.deleted[node] { nodeOfID[graph.labels[node]] = Int32(node) }
    }

    /// Number of live (not removed) vectors.
    public var count: Int { nodeOfID.count }

    /// The live ids, in insertion order.
    public var ids: [Int] { (0..<graph.count).filter { !graph.deleted[$0] }.map { graph.labels[$0] } }

    /// The default search width (``HNSWParameters/efSearch``); must stay at least 1.
    public var efSearch: Int {
        get { parameters.efSearch }
        set { parameters.efSearch = Swift.max(1, newValue) }
    }

    /// Whether `id` is in the index (and not removed).
    public func contains(id: Int) -> Bool { nodeOfID[id] != nil }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&graph) { graph = graph.copy() }
    }

    // MARK: Adding and removing

    /// Adds the rows of `vectors` (shape `[n, dimension]`, or `[dimension]` for one vector).
    ///
    /// With `threads == 1` (the default) the vectors are inserted one after the other in row order, exactly as
    /// hnswlib's `add_items` with one thread. With `threads > 1` they are inserted in batches whose graph searches
    /// run in parallel (see `HNSWGraph.insertBatched`): a slightly different graph of the same quality, which
    /// depends on the seed, the vectors and their order but **not** on the thread count, so it is deterministic too.
    ///
    /// - Parameters:
    ///   - ids: one id per vector, none live in the index (a removed id may be added again); `nil` assigns
    ///     consecutive ids starting one past the largest id added so far.
    ///   - threads: 1 for sequential insertion, more for batched parallel insertion.
    /// - Returns: the ids of the added vectors.
    /// - Throws: as ``ExactIndex/add(_:ids:)``; the index is unchanged when it throws.
    @discardableResult
    public mutating func add(_ vectors: Tensor, ids: [Int]? = nil, threads: Int = 1) throws(IndexError) -> [Int] {
        let rows = try IndexInput.rowCount(of: vectors, dimension: dimension, operation: "add")
        return try add(flat: vectors.scalars, rows: rows, ids: ids, threads: threads)
    }

    /// Adds `vectors`, each of `dimension` components (the array overload).
    @discardableResult
    public mutating func add(_ vectors: [[Float]], ids: [Int]? = nil, threads: Int = 1) throws(IndexError) -> [Int] {
        if let bad = vectors.first(where: { $0.count != dimension }) {
            throw .dimensionMismatch(operation: "add", expected: dimension, actual: bad.count)
        }
        return try add(flat: vectors.flatMap { $0 }, rows: vectors.count, ids: ids, threads: threads)
    }

    private mutating func add(flat: [Float], rows: Int, ids: [Int]?, threads: Int) throws(IndexError) -> [Int] {
        guard threads >= 1 else { throw .invalidParameter(name: "threads", value: threads, requirement: "must be at least 1") }
        try IndexInput.checkFinite(flat, dimension: dimension, operation: "add")
        let newIDs: [Int]
        if let ids {
            guard ids.count == rows else { throw .idCountMismatch(vectors: rows, ids: ids.count) }
            var seen = Set<Int>(minimumCapacity: ids.count)
            for id in ids where nodeOfID[id] != nil || !seen.insert(id).inserted { throw .duplicateID(id) }
            newIDs = ids
        } else {
            newIDs = Array(nextID..<(nextID + rows))
        }
        guard rows > 0 else { return [] }
        var stored = flat
        if metric == .cosine { IndexInput.normalizeRows(&stored, dimension: dimension) }
        makeUnique()
        let graph = graph, d = dimension
        graph.reserve(graph.count + rows)
        let scratch = scratchPool.take()
        defer { scratchPool.put(scratch) }
        if threads > 1 {
            let nodes = stored.withUnsafeBufferPointer { p in
                graph.insertBatched(p.baseAddress!, rows: rows, labels: newIDs, threads: threads, pool: scratchPool)
            }
            for (r, node) in nodes.enumerated() { nodeOfID[newIDs[r]] = node }
            if let largest = newIDs.max() { nextID = Swift.max(nextID, largest + 1) }
            return newIDs
        }
        stored.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let node = graph.insert(p.baseAddress! + r * d, label: newIDs[r], scratch: scratch)
                nodeOfID[newIDs[r]] = node
            }
        }
        if let largest = newIDs.max() { nextID = Swift.max(nextID, largest + 1) }
        return newIDs
    }

    /// Marks the vectors with the given ids deleted (ids not in the index are ignored): they are skipped in results
    /// but kept as waypoints in the graph (hnswlib's `mark_deleted`).
    ///
    /// - Returns: how many vectors were removed.
    @discardableResult
    public mutating func remove(ids: some Sequence<Int>) -> Int {
        let doomed = Set(ids).compactMap { nodeOfID[$0] }
        guard !doomed.isEmpty else { return 0 }
        makeUnique()
        for node in doomed {
            graph.deleted[Int(node)] = true
            nodeOfID[graph.labels[Int(node)]] = nil
        }
        graph.deletedCount += doomed.count
        return doomed.count
    }

    // MARK: Searching

    /// The `k` stored vectors closest to each query (approximately), best first (ties by the smaller id).
    ///
    /// - Parameters:
    ///   - queries: shape `[q, dimension]`, or `[dimension]` for one query.
    ///   - k: neighbours per query (`k ≥ 1`); a row has fewer when the index holds fewer live vectors.
    ///   - ef: the search width (default ``efSearch``); the search uses `max(ef, k)`.
    ///   - threads: threads for a batch of queries (default `Threading.threadCount`); each query runs on one thread.
    /// - Throws: ``IndexError/invalidK(_:)``, ``IndexError/emptyIndex``, ``IndexError/invalidParameter(name:value:requirement:)``
    ///   for `ef < 1`, and the shape and value errors of ``ExactIndex/search(_:k:)``.
    public func search(_ queries: Tensor, k: Int, ef: Int? = nil, threads: Int? = nil) throws(IndexError) -> SearchResult {
        let rows = try IndexInput.rowCount(of: queries, dimension: dimension, operation: "search")
        return try search(flat: queries.scalars, rows: rows, k: k, ef: ef, threads: threads)
    }

    /// The search for queries given as arrays of `dimension` components.
    public func search(_ queries: [[Float]], k: Int, ef: Int? = nil, threads: Int? = nil) throws(IndexError) -> SearchResult {
        if let bad = queries.first(where: { $0.count != dimension }) {
            throw .dimensionMismatch(operation: "search", expected: dimension, actual: bad.count)
        }
        return try search(flat: queries.flatMap { $0 }, rows: queries.count, k: k, ef: ef, threads: threads)
    }

    /// The search of a flat row-major buffer of `rows` queries (no copy; used by the benchmark's latency loop).
    public func search(flat: [Float], rows: Int, k: Int, ef: Int? = nil, threads: Int? = nil) throws(IndexError) -> SearchResult {
        guard k >= 1 else { throw .invalidK(k) }
        let ef = ef ?? parameters.efSearch
        guard ef >= 1 else { throw .invalidParameter(name: "ef", value: ef, requirement: "must be at least 1") }
        guard count > 0 else { throw .emptyIndex }
        guard flat.count == rows * dimension else {
            throw .dimensionMismatch(operation: "search", expected: dimension, actual: rows == 0 ? flat.count : flat.count / rows)
        }
        try IndexInput.checkFinite(flat, dimension: dimension, operation: "search")
        guard rows > 0 else { return SearchResult(scores: [], ids: []) }
        var queries = flat
        if metric == .cosine { IndexInput.normalizeRows(&queries, dimension: dimension) }
        let graph = graph, d = dimension, largerIsCloser = metric.largerIsCloser
        var scores = [[Float]](repeating: [], count: rows), ids = [[Int]](repeating: [], count: rows)
        let workers = Swift.max(1, Swift.min(threads ?? Threading.threadCount, rows))
        let pool = scratchPool
        queries.withUnsafeBufferPointer { qp in
            scores.withUnsafeMutableBufferPointer { sp in
                ids.withUnsafeMutableBufferPointer { ip in
                    let shared = HNSWSearchBuffers(queries: qp, scores: sp, ids: ip)
                    let body: @Sendable (Int) -> Void = { chunk in
                        let scratch = pool.take()
                        defer { pool.put(scratch) }
                        for r in (rows * chunk / workers)..<(rows * (chunk + 1) / workers) {
                            var found = graph.search(shared.queries.baseAddress! + r * d, k: k, ef: ef, scratch: scratch)
                                .map { (score: largerIsCloser ? -$0.0 : $0.0, id: graph.labels[Int($0.1)]) }
                            found.sort { $0.score != $1.score ? (largerIsCloser ? $0.score > $1.score : $0.score < $1.score) : $0.id < $1.id }
                            shared.scores[r] = found.map(\.score)
                            shared.ids[r] = found.map(\.id)
                        }
                    }
                    if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
                }
            }
        }
        return SearchResult(scores: scores, ids: ids)
    }
}

/// The query and result buffers a batched search shares between its threads: each thread reads all queries and
/// writes only its own rows.
private struct HNSWSearchBuffers: @unchecked Sendable {
    let queries: UnsafeBufferPointer<Float>
    let scores: UnsafeMutableBufferPointer<[Float]>
    let ids: UnsafeMutableBufferPointer<[Int]>
}

/// Reusable search scratch (visited marks and heaps), so a single query allocates nothing per call.
final class HNSWScratchPool: Sendable {
    private let free = Mutex<[HNSWScratch]>([])

    func take() -> HNSWScratch {
        free.withLock { $0.popLast() } ?? HNSWScratch()
    }

    func put(_ scratch: HNSWScratch) {
        free.withLock { if $0.count < 64 { $0.append(scratch) } }
    }
}
