/// How an exact search is cut into score blocks: `queryBlock` queries against `referenceChunk` references at a time.
///
/// Each block is one matrix product into a buffer of `queryBlock · referenceChunk` floats owned by one worker
/// thread, scanned at once (while it is still in the core's cache) into the bounded top-k heaps, so a search holds
/// at most `threads` blocks, never the full `[q, n]` score matrix.
struct SearchPlan: Equatable {
    var queryBlock: Int
    var referenceChunk: Int

    /// Upper bound on one score block: 4 Mi floats (16 MiB), like the engine's `LpDistance.chunkElements`.
    static let scoreBlockLimit = 1 << 22
    /// Most queries per block (a worker's share of a batch up to this size is one block).
    static let maxQueryBlock = 512
    /// References per block: with 512 queries a 1 MiB block, about one core's L2 cache (256 × 512, 512 × 256,
    /// 512 × 1,024 and 512 × 2,048 measured within noise of it on MNIST-784; larger blocks fall out of L2).
    static let preferredReferenceChunk = 512

    init(queryBlock: Int, referenceChunk: Int) {
        precondition(queryBlock >= 1 && referenceChunk >= 1, "SearchPlan: block sizes must be ≥ 1")
        self.queryBlock = queryBlock
        self.referenceChunk = referenceChunk
    }

    /// Blocks for `queries` queries against `references` references on `threads` worker threads, within `limit`
    /// floats per score block: the queries are shared evenly between the threads (up to ``maxQueryBlock`` per
    /// block), the references cut in chunks of ``preferredReferenceChunk``.
    static func automatic(queries: Int, references: Int, threads: Int = 1, limit: Int = scoreBlockLimit) -> SearchPlan {
        let limit = Swift.max(limit, 1), threads = Swift.max(threads, 1)
        let share = (queries + threads - 1) / threads
        let rows = Swift.max(1, Swift.min(share, maxQueryBlock, limit))
        let columns = Swift.max(1, Swift.min(references, preferredReferenceChunk, limit / rows))
        return SearchPlan(queryBlock: rows, referenceChunk: columns)
    }

    /// Floats in the largest score block.
    var blockElements: Int { queryBlock * referenceChunk }
}

/// What a search did, for tests of the memory bound.
struct SearchStatistics: Equatable {
    /// Floats of one score block buffer (each worker thread owns one).
    var scoreBufferElements = 0
    /// Matrix products run.
    var blocks = 0
}
