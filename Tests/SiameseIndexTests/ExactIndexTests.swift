import SiameseCore
@testable import SiameseIndex
import Testing

@Suite struct ExactIndexTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let n: Int, d: Int, q: Int, k: Int
        /// Explicit block sizes (`nil`: the automatic plan).
        let plan: SearchPlan?
        var testDescription: String { "n=\(n) d=\(d) q=\(q) k=\(k) plan=\(plan.map { "\($0.queryBlock)x\($0.referenceChunk)" } ?? "auto")" }
    }

    static let cases: [Case] = [
        Case(n: 1, d: 1, q: 1, k: 1, plan: nil),
        Case(n: 10, d: 3, q: 4, k: 3, plan: nil),
        Case(n: 10, d: 3, q: 4, k: 25, plan: nil),                                  // k > n
        Case(n: 100, d: 16, q: 7, k: 10, plan: SearchPlan(queryBlock: 3, referenceChunk: 7)),   // 100 = 14·7 + 2
        Case(n: 257, d: 5, q: 33, k: 1, plan: SearchPlan(queryBlock: 32, referenceChunk: 64)),  // both edges ragged
        Case(n: 300, d: 64, q: 20, k: 50, plan: SearchPlan(queryBlock: 1, referenceChunk: 1)),
        Case(n: 500, d: 32, q: 64, k: 20, plan: SearchPlan(queryBlock: 5, referenceChunk: 499)),
        Case(n: 2_000, d: 8, q: 50, k: 100, plan: nil),
    ]

    @Test(arguments: IndexMetric.allCases, cases)
    func batchedSearchMatchesBruteForce(metric: IndexMetric, c: Case) throws {
        let seed = UInt64(c.n * 131 + c.d * 7 + c.q)
        let references = BruteForce.random(rows: c.n, dimension: c.d, seed: seed)
        let queries = BruteForce.random(rows: c.q, dimension: c.d, seed: seed + 1)
        var index = ExactIndex(dimension: c.d, metric: metric)
        let ids = try index.add(Tensor(references))
        #expect(ids == Array(0..<c.n))
        let (result, statistics) = try index.search(Tensor(queries), k: c.k, plan: c.plan)
        BruteForce.expectMatches(result, queries: queries, references: Array(zip(ids, references)).map { ($0, $1) },
                                 k: c.k, metric: metric)
        if let plan = c.plan {
            let blocks = ((c.q + plan.queryBlock - 1) / plan.queryBlock) * ((c.n + plan.referenceChunk - 1) / plan.referenceChunk)
            #expect(statistics.blocks == blocks)
        }
        // The plan changes how the work is cut, not the answer.
        #expect(try index.search(Tensor(queries), k: c.k, plan: SearchPlan(queryBlock: 2, referenceChunk: 3)).result.ids == result.ids)
    }

    @Test(arguments: IndexMetric.allCases)
    func singleQueriesAndArrayInputsAgreeWithTheBatch(metric: IndexMetric) throws {
        let references = BruteForce.random(rows: 120, dimension: 6, seed: 11)
        let queries = BruteForce.random(rows: 5, dimension: 6, seed: 12)
        var fromTensor = ExactIndex(dimension: 6, metric: metric), fromArrays = ExactIndex(dimension: 6, metric: metric)
        try fromTensor.add(Tensor(references))
        try fromArrays.add(references)
        let batch = try fromTensor.search(Tensor(queries), k: 8)
        #expect(try fromArrays.search(queries, k: 8) == batch)
        for (i, query) in queries.enumerated() {
            let single = try fromTensor.search(Tensor(query), k: 8)          // shape [d]
            #expect(single.ids == [batch.ids[i]])
            #expect(single.scores == [batch.scores[i]])
        }
        #expect(fromTensor.count == 120 && fromTensor.dimension == 6)
    }

    @Test func l2IsSquaredAndOrderedAscendingAndSimilaritiesDescending() throws {
        var l2 = ExactIndex(dimension: 2, metric: .l2), ip = ExactIndex(dimension: 2, metric: .innerProduct)
        let points: [[Float]] = [[0, 0], [3, 4], [1, 0]]
        try l2.add(points)
        try ip.add(points)
        let near = try l2.search([[0, 0]], k: 3)
        #expect(near.ids == [[0, 2, 1]])
        #expect(near.scores == [[0, 1, 25]])                        // squared, as faiss IndexFlatL2 reports
        let dot = try ip.search([[1, 1]], k: 3)
        #expect(dot.ids == [[1, 2, 0]])
        #expect(dot.scores == [[7, 1, 0]])
    }

    @Test func cosineIgnoresLengthAndZeroVectorsScoreZero() throws {
        var index = ExactIndex(dimension: 2, metric: .cosine)
        try index.add([[10, 0], [0, 0.5], [0, 0], [-2, 0]])
        let result = try index.search([[3, 0]], k: 4)
        #expect(result.ids == [[0, 1, 2, 3]])                       // 1 and 2 tie at 0: smaller id first
        #expect(result.scores == [[1, 0, 0, -1]])
        #expect(try index.search([[0, 0]], k: 1).scores == [[0]])
    }

    @Test(arguments: IndexMetric.allCases)
    func exactTiesAreBrokenBySmallerID(metric: IndexMetric) throws {
        // Small integers: every product is exact in Float, so the duplicates tie exactly.
        var index = ExactIndex(dimension: 3, metric: metric)
        let a: [Float] = [1, 2, 0], b: [Float] = [0, 1, 1]
        try index.add([a, b, a, b, a], ids: [40, 7, 3, 9, 12])
        let result = try index.search([[1, 2, 0]], k: 5)
        #expect(result.ids == [[3, 12, 40, 7, 9]])
        let top = try index.search(Tensor([[1, 2, 0]]), k: 2, plan: SearchPlan(queryBlock: 1, referenceChunk: 1)).result
        #expect(top.ids == [[3, 12]])
    }

    @Test func l2SelfMatchesAreZeroAndNeverNegative() throws {
        let vectors = BruteForce.random(rows: 200, dimension: 24, seed: 5).map { $0.map { $0 * 100 } }
        var index = ExactIndex(dimension: 24, metric: .l2)
        try index.add(vectors)
        let result = try index.search(Tensor(vectors), k: 3)
        for (i, row) in result.ids.enumerated() {
            #expect(row[0] == i)
            #expect(result.scores[i].allSatisfy { $0 >= 0 })
        }
    }

    @Test func customIDsAndIDsAssignedAfterThem() throws {
        var index = ExactIndex(dimension: 2, metric: .innerProduct)
        #expect(try index.add([[1, 0], [0, 1]], ids: [100, 5]) == [100, 5])
        #expect(try index.add([[2, 0]]) == [101])                   // one past the largest id so far
        #expect(index.ids == [100, 5, 101])
        #expect(try index.search([[1, 0]], k: 2).ids == [[101, 100]])
    }

    @Test(arguments: IndexMetric.allCases)
    func removalsMatchBruteForceOverTheRemainingVectors(metric: IndexMetric) throws {
        let references = BruteForce.random(rows: 300, dimension: 10, seed: 21)
        let queries = BruteForce.random(rows: 9, dimension: 10, seed: 22)
        var index = ExactIndex(dimension: 10, metric: metric)
        try index.add(Tensor(references))
        let doomed = Set(stride(from: 0, to: 300, by: 3)).union([1, 299])
        #expect(index.remove(ids: doomed.union([1_000, -4])) == doomed.count)   // unknown ids are ignored
        #expect(index.count == 300 - doomed.count)
        #expect(index.remove(ids: [0, 3]) == 0)
        let remaining = references.enumerated().filter { !doomed.contains($0.offset) }.map { (id: $0.offset, vector: $0.element) }
        #expect(index.ids == remaining.map(\.id))
        let (result, _) = try index.search(Tensor(queries), k: 15, plan: SearchPlan(queryBlock: 4, referenceChunk: 17))
        BruteForce.expectMatches(result, queries: queries, references: remaining, k: 15, metric: metric)
        #expect(result.ids.joined().allSatisfy { !doomed.contains($0) })
        // A removed id may be added again; new default ids continue past the largest ever used.
        #expect(try index.add([references[0]], ids: [0]) == [0])
        #expect(try index.add([references[3]]) == [300])
        #expect(try index.search([references[0]], k: 1).ids == [[0]] || metric == .innerProduct)
    }

    @Test func removingEverythingLeavesAnEmptyIndex() throws {
        var index = ExactIndex(dimension: 2, metric: .l2)
        try index.add([[1, 2], [3, 4]])
        #expect(index.remove(ids: [0, 1]) == 2)
        #expect(index.count == 0)
        #expect(throws: IndexError.emptyIndex) { try index.search([[1, 2]], k: 1) }
    }

    @Test func zeroQueriesGiveAnEmptyResult() throws {
        var index = ExactIndex(dimension: 3, metric: .l2)
        try index.add([[1, 2, 3]])
        #expect(try index.search(Tensor.zeros([0, 3]), k: 2) == SearchResult(scores: [], ids: []))
    }

    /// 2,000 queries against 50,000 vectors in blocks of 256 × 1,000 scores: the statistics show the score
    /// buffer never exceeded one block (the full matrix would be 10⁸ floats); sampled queries match brute force.
    @Test func scoreBlocksRespectTheChunkSize() throws {
        let (n, q, d) = (50_000, 2_000, 8)
        let references = BruteForce.random(rows: n, dimension: d, seed: 31)
        let queries = BruteForce.random(rows: q, dimension: d, seed: 32)
        var index = ExactIndex(dimension: d, metric: .l2)
        try index.add(Tensor(references))
        let plan = SearchPlan(queryBlock: 256, referenceChunk: 1_000)
        let (result, statistics) = try index.search(Tensor(queries), k: 5, plan: plan)
        #expect(statistics.scoreBufferElements == 256_000)
        #expect(statistics.blocks == 8 * 50)
        #expect(result.ids.count == q && result.ids.allSatisfy { $0.count == 5 })
        let sample = [0, 255, 256, 1_024, 1_999]
        BruteForce.expectMatches(
            SearchResult(scores: sample.map { result.scores[$0] }, ids: sample.map { result.ids[$0] }),
            queries: sample.map { queries[$0] }, references: references.enumerated().map { ($0.offset, $0.element) },
            k: 5, metric: .l2)
    }

    @Test func theAutomaticPlanStaysWithinTheBlockLimit() throws {
        for (q, n) in [(1, 1), (1, 10_000_000), (2_000, 50_000), (1_000_000, 10_000_000), (5_000, 3)] {
            let plan = SearchPlan.automatic(queries: q, references: n)
            #expect(plan.blockElements <= SearchPlan.scoreBlockLimit)
            #expect(plan.queryBlock <= max(q, 1) && plan.referenceChunk <= max(n, 1))
        }
        #expect(SearchPlan.automatic(queries: 2_000, references: 50_000) == SearchPlan(queryBlock: 512, referenceChunk: 512))
        #expect(SearchPlan.automatic(queries: 1_000, references: 60_000, threads: 2) == SearchPlan(queryBlock: 500, referenceChunk: 512))
        #expect(SearchPlan.automatic(queries: 3, references: 60_000, threads: 2) == SearchPlan(queryBlock: 2, referenceChunk: 512))
        let small = SearchPlan.automatic(queries: 500, references: 500, limit: 1_000)
        #expect(small.blockElements <= 1_000)
        var index = ExactIndex(dimension: 4, metric: .cosine)
        try index.add(Tensor(BruteForce.random(rows: 9_000, dimension: 4, seed: 41)))
        let (_, statistics) = try index.search(Tensor(BruteForce.random(rows: 1_500, dimension: 4, seed: 42)), k: 3, plan: nil)
        #expect(statistics.scoreBufferElements <= SearchPlan.scoreBlockLimit)
        #expect(statistics.blocks == 3 * 18)                        // 1,500 = 2·512 + 476 queries; 9,000 = 17·512 + 296
    }
}
