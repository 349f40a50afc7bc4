/// How a search is cut into score blocks: `queryBlock` queries against `referenceChunk` references at a time.
///
/// Each block is one matrix product into a reused buffer of `queryBlock · referenceChunk` floats, scanned at
/// once into the bounded top-k heaps, so a search never holds the full `[q, n]` score matrix.
struct SearchPlan: Equatable {
    var queryBlock: Int
    var referenceChunk: Int

    /// Upper bound on one score block: 4 Mi floats (16 MiB), like the engine's `LpDistance.chunkElements`.
    static let scoreBlockLimit = 1 << 22
    /// Most queries per block; the rest of the budget goes to references (at least 4,096 at the default limit).
    static let maxQueryBlock = 1024

    init(queryBlock: Int, referenceChunk: Int) {
        precondition(queryBlock >= 1 && referenceChunk >= 1, "SearchPlan: block sizes must be ≥ 1")
        self.queryBlock = queryBlock
        self.referenceChunk = referenceChunk
    }

    /// Blocks for `queries` queries against `references` references within `limit` floats per score block.
    static func automatic(queries: Int, references: Int, limit: Int = scoreBlockLimit) -> SearchPlan {
        let limit = Swift.max(limit, 1)
        let rows = Swift.max(1, Swift.min(queries, maxQueryBlock, limit))
        let columns = Swift.max(1, Swift.min(references, limit / rows))
        return SearchPlan(queryBlock: rows, referenceChunk: columns)
    }

    /// Floats in the largest score block.
    var blockElements: Int { queryBlock * referenceChunk }
}

/// What a search did, for tests of the memory bound.
struct SearchStatistics: Equatable {
    /// Floats allocated for the score block buffer (the largest block).
    var scoreBufferElements = 0
    /// Matrix products run.
    var blocks = 0
}
