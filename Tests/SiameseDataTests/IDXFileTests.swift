import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
import SiameseTestSupport

/// The shared data sets beside the checkout (tests only; the program never reads ../shared).
let sharedDatasets = SharedData.datasetsFolder

@Suite struct IDXFileTests {
    let mnist = sharedDatasets.appendingPathComponent("mnist")

    @Test(.needsSharedDatasets("mnist")) func readsRealMNIST() throws {
        let trainLabels = try IDXFile(contentsOf: mnist.appendingPathComponent("train-labels.idx1-ubyte.gz"))
        #expect(trainLabels.shape == [60000])
        #expect(trainLabels.integers.first == 5)
        let images = try IDXFile(contentsOf: mnist.appendingPathComponent("t10k-images.idx3-ubyte.gz"))
        #expect(images.shape == [10000, 28, 28])
        // Pixel sums computed independently with Python's gzip and struct modules.
        for (i, sum) in [(0, 18454), (1, 28850), (9999, 41833)] {
            #expect(images.bytes[(i * 784)..<((i + 1) * 784)].reduce(0) { $0 + Int($1) } == sum)
        }
        let labels = try IDXFile(contentsOf: mnist.appendingPathComponent("t10k-labels.idx1-ubyte.gz"))
        #expect(Array(labels.integers.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        let t = images.images(0..<2)
        #expect(t.shape == [2, 1, 28, 28])
        #expect(Swift.abs(t.narrowed(axis: 0, start: 0, length: 1).sum().item - 18454 / 255) < 1e-2)
    }

    static func temporaryFile(_ bytes: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
        try bytes.write(to: url)
        return url
    }

    @Test(.needsSharedDatasets("mnist")) func corruptCopiesGiveTypedErrors() throws {
        let good = try Data(contentsOf: mnist.appendingPathComponent("t10k-labels.idx1-ubyte.gz"))
        let plain = try Gzip.decompress(good, path: "labels")
        // Header says 10000 labels, file holds 9990.
        let short = try Self.temporaryFile(plain.prefix(plain.count - 10))
        #expect(throws: DataError.sizeMismatch(path: short.path, expectedBytes: 10000, actualBytes: 9990)) {
            try IDXFile(contentsOf: short)
        }
        let truncatedGzip = try Self.temporaryFile(good.prefix(good.count / 2))
        #expect(throws: DataError.corrupt(path: truncatedGzip.path, reason: "gzip stream is truncated")) {
            try IDXFile(contentsOf: truncatedGzip)
        }
        var damaged = good
        for i in 100..<140 { damaged[i] ^= 0xFF }
        let bad = try Self.temporaryFile(damaged)
        #expect(throws: DataError.self) { try IDXFile(contentsOf: bad) }
        let notIDX = try Self.temporaryFile(Data("hello world".utf8))
        #expect(throws: DataError.corrupt(path: notIDX.path, reason: "not an IDX file (bad magic number)")) {
            try IDXFile(contentsOf: notIDX)
        }
        let missing = URL(fileURLWithPath: "/nonexistent/file.idx")
        #expect(throws: DataError.unreadable(path: missing.path, reason: "no such file or not readable")) {
            try IDXFile(contentsOf: missing)
        }
    }
}
