import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SiameseServe

/// Concurrent requests share encoder passes; a failing request does not fail the others in its pass.
@Suite struct EmbeddingBatcherTests {
    /// With a window (30 s) far longer than the test needs and room for exactly four images, a pass can only start when all four
    /// requests have arrived, so one pass of four answers them all (no timing involved).
    @Test func concurrentRequestsShareOneEncoderPass() async throws {
        let configuration = ServeConfiguration(batchWindowMilliseconds: 30_000, maxBatch: 4)
        try await withService(configuration) { service, _ in
            let images = (1...4).map { pgm(width: 12 + $0, height: 12, seed: $0).base64EncodedString() }
            let rows = try await testRoutes(service) { client in
                try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
                    for (i, image) in images.enumerated() {
                        group.addTask {
                            let response = try await client.post("/embed", #"{"inputs": [{"image": "\#(image)"}]}"#)
                            #expect(response.status == .ok)
                            return (i, try decode(EmbedResponse.self, response).embeddings[0])
                        }
                    }
                    return try await group.reduce(into: [Int: [Float]]()) { $0[$1.0] = $1.1 }
                }
            }
            #expect(await service.batcher.statistics == .init(passes: 1, items: 4, largestPass: 4))
            // Each request got its own image's embedding: the same as a pass of its own (a second service, same seed).
            let alone = try await withService { solo, _ in
                try await testRoutes(solo) { client in
                    var rows: [[Float]] = []
                    for image in images {
                        rows.append(try decode(EmbedResponse.self, try await client.post("/embed", #"{"inputs": [{"image": "\#(image)"}]}"#)).embeddings[0])
                    }
                    return rows
                }
            }
            for (i, row) in alone.enumerated() {
                #expect(row.count == rows[i]?.count && zip(row, rows[i] ?? []).allSatisfy { abs($0 - $1) <= 1e-5 }, "request \(i)")
            }
            let metrics = service.metrics.exposition()
            #expect(metrics.contains("siamese_encoder_batch_size_count 1") && metrics.contains("siamese_encoder_batch_size_sum 4"))
        }
    }

    /// A pass that fails is retried request by request: only the bad request fails.
    @Test func failureIsIsolatedToTheFailingRequest() async throws {
        let batcher = EmbeddingBatcher<Int>(window: .seconds(30), maxBatch: 3) { items in
            if let bad = items.first(where: { $0 < 0 }) { throw BatcherError.wrongRowCount(expected: bad, got: 0) }
            return items.map { [Float($0)] }
        }
        let results = await withTaskGroup(of: (Int, Result<[[Float]], any Error>).self) { group in
            for item in [1, -1, 2] {
                group.addTask { (item, await Result { try await batcher.embed([item]) }) }
            }
            return await group.reduce(into: [Int: Result<[[Float]], any Error>]()) { $0[$1.0] = $1.1 }
        }
        #expect(try results[1]?.get() == [[1]])
        #expect(try results[2]?.get() == [[2]])
        #expect(throws: BatcherError.self) { try results[-1]?.get() }
        // The shared pass failed; then 1 and 2 passed alone, -1 failed alone.
        #expect(await batcher.statistics == .init(passes: 2, items: 2, largestPass: 1))
    }

    /// Requests larger than a pass go alone; the rest still share.
    @Test func largeRequestsGoAloneAndPassesRespectTheMaximum() async throws {
        let batcher = EmbeddingBatcher<Int>(window: .zero, maxBatch: 2) { items in items.map { [Float($0)] } }
        #expect(try await batcher.embed([1, 2, 3, 4, 5]) == [[1], [2], [3], [4], [5]])
        #expect(try await batcher.embed([]) == [])
        #expect(await batcher.statistics == .init(passes: 1, items: 5, largestPass: 5))
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
