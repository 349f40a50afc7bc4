import Foundation
import SiameseCore
@testable import SiameseIndex
import Testing

@Suite struct HNSWIndexTests {
    /// `rows` points around `clusters` centres (uniform in [-1, 1)), Gaussian spread `spread`.
    static func clustered(rows: Int, dimension: Int, clusters: Int, spread: Float = 0.15, seed: UInt64) -> [[Float]] {
        var g = SeededGenerator(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in 2 * g.nextUniform() - 1 } }
        return (0..<rows).map { _ in
            let c = centres[g.nextInt(below: clusters)]
            return c.map { $0 + spread * g.nextNormal() }
        }
    }

    static func recall(_ approximate: SearchResult, _ exact: SearchResult) -> Double {
        var hits = 0, total = 0
        for (a, e) in zip(approximate.ids, exact.ids) {
            hits += Set(a).intersection(e).count
            total += e.count
        }
        return Double(hits) / Double(total)
    }

    @Test(arguments: IndexMetric.allCases)
    func metricsAgreeWithBruteForceOnTinySets(metric: IndexMetric) throws {
        let vectors = BruteForce.random(rows: 60, dimension: 9, seed: 7)
        let queries = BruteForce.random(rows: 6, dimension: 9, seed: 8)
        var index = try HNSWIndex(dimension: 9, metric: metric, parameters: HNSWParameters(M: 8, efConstruction: 40))
        let ids = try index.add(vectors, ids: (0..<60).map { 1000 + 3 * $0 })
        // A search width above the size of the set visits the whole (connected) graph: the answer is exact.
        let result = try index.search(queries, k: 7, ef: 100)
        BruteForce.expectMatches(result, queries: queries, references: Array(zip(ids, vectors)).map { (id: $0.0, vector: $0.1) },
                                 k: 7, metric: metric)
    }

    @Test(arguments: [IndexMetric.l2, .cosine])
    func recallAtTenAgainstExactSearchOnClusteredData(metric: IndexMetric) throws {
        let data = Self.clustered(rows: 2100, dimension: 24, clusters: 40, seed: 11)
        let base = Array(data[0..<2000]), queries = Array(data[2000...])
        var hnsw = try HNSWIndex(dimension: 24, metric: metric, parameters: HNSWParameters(M: 12, efConstruction: 100))
        var exact = ExactIndex(dimension: 24, metric: metric)
        try hnsw.add(base)
        try exact.add(base)
        let recall = Self.recall(try hnsw.search(queries, k: 10, ef: 32), try exact.search(queries, k: 10))
        #expect(recall >= 0.95, "recall@10 at ef 32: \(recall)")
        // A wider search finds at least as much.
        let wider = Self.recall(try hnsw.search(queries, k: 10, ef: 128), try exact.search(queries, k: 10))
        #expect(wider >= recall && wider >= 0.99, "recall@10 at ef 128: \(wider)")
    }

    @Test func theSameSeedGivesTheSameGraphAndAnotherSeedAnotherOne() throws {
        let data = Self.clustered(rows: 600, dimension: 8, clusters: 10, seed: 3)
        func build(seed: UInt64) throws -> HNSWIndex {
            var index = try HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 6, efConstruction: 30, seed: seed))
            try index.add(Array(data[0..<300]))
            for row in data[300...] { try index.add([row]) }  // single adds continue the same sequence
            return index
        }
        let a = try build(seed: 5), b = try build(seed: 5), c = try build(seed: 6)
        #expect(HNSWFile.encode(a) == HNSWFile.encode(b))
        #expect(HNSWFile.encode(a) != HNSWFile.encode(c))
        #expect(a.graph.levels != c.graph.levels)
        let queries = Array(data[0..<20])
        #expect(try a.search(queries, k: 5, ef: 8) == b.search(queries, k: 5, ef: 8))
    }

    @Test func theBatchedBuildDoesNotDependOnTheThreadCountAndKeepsRecall() throws {
        let data = Self.clustered(rows: 2100, dimension: 24, clusters: 40, seed: 11)
        let base = Array(data[0..<2000]), queries = Array(data[2000...])
        let parameters = HNSWParameters(M: 12, efConstruction: 100, seed: 4)
        var two = try HNSWIndex(dimension: 24, metric: .l2, parameters: parameters)
        var three = try HNSWIndex(dimension: 24, metric: .l2, parameters: parameters)
        try two.add(Array(base[0..<1500]), threads: 2)
        try two.add(Array(base[1500...]), threads: 2)
        try three.add(Array(base[0..<1500]), threads: 3)
        try three.add(Array(base[1500...]), threads: 3)
        #expect(HNSWFile.encode(two) == HNSWFile.encode(three))
        var exact = ExactIndex(dimension: 24, metric: .l2)
        try exact.add(base)
        let recall = Self.recall(try two.search(queries, k: 10, ef: 32), try exact.search(queries, k: 10))
        #expect(recall >= 0.95, "recall@10 of the batched build at ef 32: \(recall)")
        #expect(throws: IndexError.invalidParameter(name: "threads", value: 0, requirement: "must be at least 1")) {
            try two.add([[Float]](repeating: [Float](repeating: 0, count: 24), count: 1), threads: 0)
        }
    }

    @Test func batchedSearchEqualsOneQueryAtATimeWhateverTheThreads() throws {
        let data = Self.clustered(rows: 800, dimension: 16, clusters: 12, seed: 21)
        var index = try HNSWIndex(dimension: 16, metric: .innerProduct, parameters: HNSWParameters(M: 8, efConstruction: 50))
        try index.add(Array(data[0..<700]))
        let queries = Array(data[700...])
        let one = try index.search(queries, k: 4, ef: 20, threads: 1)
        let four = try index.search(queries, k: 4, ef: 20, threads: 4)
        #expect(one == four)
        for (i, q) in queries.enumerated().prefix(10) {
            let single = try index.search(Tensor(q), k: 4, ef: 20)
            #expect(single.ids == [one.ids[i]] && single.scores == [one.scores[i]])
        }
    }

    @Test func removedVectorsNeverComeBackAndTheirIdsCanBeReused() throws {
        let data = Self.clustered(rows: 500, dimension: 8, clusters: 5, seed: 9)
        var index = try HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 8, efConstruction: 40))
        try index.add(data)
        let doomed = Set(stride(from: 0, to: 500, by: 3))
        #expect(index.remove(ids: doomed.union([-5, 10_000])) == doomed.count)
        #expect(index.count == 500 - doomed.count)
        #expect(index.remove(ids: [0]) == 0)
        #expect(!index.contains(id: 0) && index.contains(id: 1))
        let result = try index.search(data, k: 10, ef: 40)
        for (i, ids) in result.ids.enumerated() {
            #expect(ids.count == 10)
            #expect(Set(ids).isDisjoint(with: doomed), "query \(i) returned removed ids")
        }
        // A live vector is its own nearest neighbour; a removed one is not found.
        #expect(result.ids[1].first == 1 && result.scores[1].first == 0)
        #expect(result.ids[0].first != 0)
        // A removed id may be added again; it is then found.
        try index.add([data[0]], ids: [0])
        #expect(try index.search(Tensor(data[0]), k: 1).ids == [[0]])
        #expect(throws: IndexError.duplicateID(1)) { try index.add([data[1]], ids: [1]) }
        // Removing everything leaves nothing to return.
        index.remove(ids: index.ids)
        #expect(index.count == 0)
        #expect(throws: IndexError.emptyIndex) { try index.search(Tensor(data[0]), k: 1) }
    }

    @Test func aCopyIsIndependent() throws {
        let data = Self.clustered(rows: 100, dimension: 4, clusters: 3, seed: 2)
        var a = try HNSWIndex(dimension: 4, metric: .l2)
        try a.add(data)
        var b = a
        b.remove(ids: [0, 1, 2])
        try b.add([[9, 9, 9, 9]])
        #expect(a.count == 100 && b.count == 98)
        #expect(try a.search(Tensor(data[0]), k: 1).ids == [[0]])
    }

    @Test func saveAndLoadGiveTheSameIndex() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.clustered(rows: 700, dimension: 12, clusters: 8, seed: 4)
        for metric in IndexMetric.allCases {
            var index = try HNSWIndex(dimension: 12, metric: metric, parameters: HNSWParameters(M: 6, efConstruction: 40, efSearch: 24, seed: 77))
            try index.add(Array(data[0..<600]), ids: (0..<600).map { $0 * 2 })
            index.remove(ids: [0, 10, 20])
            let url = folder.appendingPathComponent("\(metric).hnsw")
            try index.save(to: url)
            try index.save(to: url)  // overwriting in place works too
            var loaded = try HNSWIndex.load(from: url)
            #expect(loaded.metric == metric && loaded.dimension == 12 && loaded.parameters == index.parameters)
            #expect(loaded.count == index.count && loaded.ids == index.ids)
            let queries = Array(data[600...])
            #expect(try loaded.search(queries, k: 10) == index.search(queries, k: 10))
            #expect(HNSWFile.encode(loaded) == HNSWFile.encode(index))
            // Both continue alike: the same next ids and the same levels.
            try index.add(queries)
            try loaded.add(queries)
            #expect(HNSWFile.encode(loaded) == HNSWFile.encode(index))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        // An empty index round-trips as well.
        let empty = try HNSWIndex(dimension: 3, metric: .cosine)
        try empty.save(to: folder.appendingPathComponent("empty.hnsw"))
        #expect(try HNSWIndex.load(from: folder.appendingPathComponent("empty.hnsw")).count == 0)
    }

    @Test func damagedFilesAreRefusedWithTypedErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var index = try HNSWIndex(dimension: 5, metric: .l2, parameters: HNSWParameters(M: 4, efConstruction: 20))
        try index.add(BruteForce.random(rows: 50, dimension: 5, seed: 1))
        let good = HNSWFile.encode(index)
        func write(_ bytes: [UInt8], _ name: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url
        }
        func resealed(_ bytes: [UInt8]) -> [UInt8] {
            var b = Array(bytes.dropLast(8))
            let sum = b.withUnsafeBytes { HNSWFile.checksum($0) }
            withUnsafeBytes(of: sum.littleEndian) { b += $0 }
            return b
        }

        var flipped = good
        flipped[HNSWFile.headerBytes + 17] ^= 0x40
        let flippedURL = try write(flipped, "flipped")
        #expect(throws: IndexFileError.checksumMismatch(path: flippedURL.path)) { try HNSWIndex.load(from: flippedURL) }

        let short = try write(Array(good.prefix(good.count - 1)), "short")
        #expect(throws: IndexFileError.truncated(path: short.path, expected: good.count, actual: good.count - 1)) {
            try HNSWIndex.load(from: short)
        }
        let headerOnly = try write(Array(good.prefix(20)), "header")
        #expect {
            try HNSWIndex.load(from: headerOnly)
        } throws: { error in
            if case .truncated = error as? IndexFileError { return true } else { return false }
        }

        var magic = good
        magic[0] = UInt8(ascii: "X")
        let magicURL = try write(magic, "magic")
        #expect(throws: IndexFileError.notAnIndex(path: magicURL.path)) { try HNSWIndex.load(from: magicURL) }

        var version = good
        version[8] = 9
        let versionURL = try write(version, "version")
        #expect(throws: IndexFileError.unsupportedVersion(path: versionURL.path, version: 9)) { try HNSWIndex.load(from: versionURL) }

        // A neighbour out of range with a correct checksum: caught by the structure check, not by a crash.
        var badLink = good
        let firstList = HNSWFile.headerBytes + 50 * (5 * 4 + 8 + 1 + 4)
        #expect(badLink[firstList] > 0)  // node 0 has neighbours
        badLink[firstList + 4] = 0xFF
        badLink[firstList + 5] = 0x7F
        let badLinkURL = try write(resealed(badLink), "badlink")
        #expect {
            try HNSWIndex.load(from: badLinkURL)
        } throws: { error in
            guard case let .corrupt(_, field, _) = error as? IndexFileError else { return false }
            return field.contains("level-0 list of node 0")
        }

        var metric = good
        metric[12] = 7
        let metricURL = try write(resealed(metric), "metric")
        #expect(throws: IndexFileError.corrupt(path: metricURL.path, field: "metric", reason: "has the unknown code 7")) {
            try HNSWIndex.load(from: metricURL)
        }

        let missing = folder.appendingPathComponent("missing.hnsw")
        #expect {
            try HNSWIndex.load(from: missing)
        } throws: { error in
            if case .io = error as? IndexFileError { return true } else { return false }
        }
        #expect(throws: IndexFileError.self) { try index.save(to: folder.appendingPathComponent("no/such/folder/x.hnsw")) }
    }

    @Test func badParametersAndInputsAreRefused() throws {
        #expect(throws: IndexError.invalidParameter(name: "M", value: 1, requirement: "must be in 2...4096")) {
            try HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(M: 1))
        }
        #expect(throws: IndexError.invalidParameter(name: "efConstruction", value: 0, requirement: "must be at least 1")) {
            try HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(efConstruction: 0))
        }
        #expect(throws: IndexError.invalidParameter(name: "efSearch", value: -1, requirement: "must be at least 1")) {
            try HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(efSearch: -1))
        }
        #expect(throws: IndexError.invalidParameter(name: "dimension", value: 0, requirement: "must be at least 1")) {
            try HNSWIndex(dimension: 0, metric: .l2)
        }
        var index = try HNSWIndex(dimension: 3, metric: .cosine)
        #expect(throws: IndexError.emptyIndex) { try index.search([[1, 2, 3]], k: 1) }
        try index.add([[1, 2, 3], [3, 2, 1]])
        #expect(throws: IndexError.invalidK(0)) { try index.search([[1, 2, 3]], k: 0) }
        #expect(throws: IndexError.invalidParameter(name: "ef", value: 0, requirement: "must be at least 1")) {
            try index.search([[1, 2, 3]], k: 1, ef: 0)
        }
        #expect(throws: IndexError.dimensionMismatch(operation: "search", expected: 3, actual: 2)) { try index.search([[1, 2]], k: 1) }
        #expect(throws: IndexError.nonFinite(operation: "add", row: 1, column: 0)) { try index.add([[1, 1, 1], [.nan, 1, 1]]) }
        #expect(throws: IndexError.idCountMismatch(vectors: 1, ids: 2)) { try index.add([[1, 1, 1]], ids: [7, 8]) }
        #expect(throws: IndexError.duplicateID(9)) { try index.add([[1, 1, 1], [2, 2, 2]], ids: [9, 9]) }
        #expect(index.count == 2)
    }
}
