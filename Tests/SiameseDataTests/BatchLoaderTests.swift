import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
import SiameseTestSupport

struct LoaderFailure: Error, Equatable { let batch: [Int] }

@Suite struct BatchLoaderTests {
    @Test func epochsAreSeededPermutations() {
        let loader = BatchLoader(count: 10, batchSize: 4, seed: 3) { $0 }
        let e0 = loader.batches(epoch: 0), again = BatchLoader(count: 10, batchSize: 4, seed: 3) { $0 }.batches(epoch: 0)
        #expect(e0 == again)
        #expect(e0.map(\.count) == [4, 4, 2])
        #expect(e0.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(loader.batches(epoch: 1) != e0)
        #expect(BatchLoader(count: 10, batchSize: 4, dropLast: true) { $0 }.batches(epoch: 0).map(\.count) == [4, 4])
        #expect(BatchLoader(count: 5, batchSize: 2, shuffle: false) { $0 }.batches(epoch: 7) == [[0, 1], [2, 3], [4]])
    }

    @Test func prefetchedBatchesArriveInOrderWithErrors() throws {
        let loader = BatchLoader(count: 9, batchSize: 3, shuffle: false, prefetch: 1) { indices -> [Int] in
            if indices.contains(4) { throw LoaderFailure(batch: indices) }
            return indices.map { $0 * 10 }
        }
        let results = Array(loader.epoch(0))
        #expect(results.count == 3)
        #expect(try results[0].get() == [0, 10, 20])
        #expect(throws: LoaderFailure(batch: [3, 4, 5])) { try results[1].get() }
        #expect(try results[2].get() == [60, 70, 80])
        // Leaving an epoch early stops its thread instead of hanging.
        for result in BatchLoader(count: 100, batchSize: 1, prefetch: 1, makeBatch: { $0 }).epoch(0) {
            _ = result
            break
        }
    }

    @Test func datasetBatchesSkipBadItems() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("x"), withIntermediateDirectories: true)
        for n in 1...2 {
            try FileManager.default.copyItem(at: Fixtures.url("att-faces-s1-\(n).pgm"),
                                             to: root.appendingPathComponent("x/\(n).pgm"))
        }
        try Data("P5 92 112 255\n".utf8).write(to: root.appendingPathComponent("x/3.pgm"))
        let dataset = try ImageFolderDataset(root: root)
        let batch = dataset.batch([0, 1, 2]) { $0.resized(height: 28, width: 28, method: .area) }
        #expect(batch.images.shape == [2, 1, 28, 28])
        #expect(batch.skipped == [2] && batch.labels == [0, 0])
    }
}
