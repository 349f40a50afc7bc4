import Foundation
import PostgresNIO
import Testing
import SiameseCore
import SiameseEvaluation
import SiameseGallery
import SiameseGalleryPostgres
import SiameseModels

/// The PostgreSQL server the tests use: `SIAMESE_POSTGRES_SOCKET` (the Unix socket file, user `siamese`), which
/// scripts/test.sh sets after starting one with scripts/postgres-test-server.sh. Without it the tests are skipped.
enum TestServer {
    static let socket = ProcessInfo.processInfo.environment["SIAMESE_POSTGRES_SOCKET"]
    static let skipReason = "needs a PostgreSQL server: set SIAMESE_POSTGRES_SOCKET (scripts/test.sh starts one with scripts/postgres-test-server.sh)"

    static func configuration(database: String) -> PostgresClient.Configuration {
        PostgresClient.Configuration(unixSocketPath: socket!, username: "siamese", password: nil, database: database)
    }

    /// A fresh database for one test; dropped by `drop`.
    static func makeDatabase() async throws -> String {
        let name = "gallery_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await admin { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test")) }
        return name
    }

    static func drop(_ name: String) async {
        try? await admin { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: Logger(label: "test")) }
    }

    private static func admin(_ body: @escaping @Sendable (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: configuration(database: "postgres"), backgroundLogger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}

/// A tiny saved model folder (as in SiameseGalleryTests), so that galleries can be opened on it.
private func makeModel(in folder: URL, seed: UInt64 = 7) throws -> URL {
    let config = EncoderConfiguration(kind: .mlp, inputSide: 8, embeddingSize: 6, hidden: [9])
    let encoder = try GlobalGenerator.withSeed(seed) { try EncoderStage(configuration: config) }
    let threshold = CalibratedThreshold(value: 0.5, falseAcceptRate: 0.05, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 100)
    let model = try EmbeddingModel(input: .init(size: 8), encoder: encoder, normalizeEmbeddings: false,
                                   similarity: try SimilarityConfiguration(threshold: threshold))
    let url = folder.appendingPathComponent("model-\(seed)")
    try model.save(to: url)
    return url
}

private func vectors(_ count: Int, seed: UInt64) -> [[Float]] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<6).map { _ in Float.random(in: -1...1, using: &g) } }
}

@Suite(.serialized, .enabled(if: TestServer.socket != nil, Comment(rawValue: TestServer.skipReason)))
struct PostgresGalleryStoreTests {
    /// Two galleries, each with its own connection pool (as two `siamese serve` processes would have), on one
    /// database: what one enrolls or removes, the other finds or loses.
    @Test func twoGalleriesShareOneDatabase() async throws {
        let database = try await TestServer.makeDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let modelFolder = try makeModel(in: folder)
        let storeA = try await PostgresGalleryStore(configuration: TestServer.configuration(database: database))
        let storeB = try await PostgresGalleryStore(configuration: TestServer.configuration(database: database))
        let a = try await Gallery(store: storeA, model: try EmbeddingModel.load(from: modelFolder))
        let b = try await Gallery(store: storeB, model: try EmbeddingModel.load(from: modelFolder))

        let people = vectors(12, seed: 5)
        for p in 0..<4 {
            try await a.enroll("p\(p)", metadata: ["n": "\(p)"], from: people[(3 * p)..<(3 * p + 3)].map { .embedding($0) })
        }
        #expect(try await b.identify(.embedding(people[7]), k: 2, threshold: .value(1e-4)).match?.identity == "p2")
        let newcomer = vectors(1, seed: 77)[0]
        try await b.enroll("newcomer", from: [.embedding(newcomer)])
        try await b.remove("p2")
        let seen = try await a.identify(.embedding(newcomer), k: 5, threshold: .value(1e-4))
        #expect(seen.match?.identity == "newcomer" && !seen.candidates.contains { $0.identity == "p2" })
        #expect(try await a.list().map(\.name) == ["newcomer", "p0", "p1", "p3"])
        let refs = try await storeA.references(of: "p1")
        #expect(refs.map(\.vector) == Array(people[3..<6]))
        let changes = try await storeA.changes(since: 0)
        #expect(changes.generation == 6 && changes.addedReferences.count == 10)

        // Another model is refused; a malformed enroll leaves nothing.
        let other = try makeModel(in: folder, seed: 8)
        await #expect {
            _ = try await Gallery(store: storeB, model: try EmbeddingModel.load(from: other))
        } throws: { error in
            if case .modelMismatch = error as? GalleryError { return true }
            return false
        }
        let before = try await storeA.generation()
        await #expect(throws: GalleryError.nonFiniteEmbedding(index: 1, component: 0)) {
            try await a.enroll("half", from: [.embedding(newcomer), .embedding([.nan, 0, 0, 0, 0, 0])])
        }
        await #expect(throws: GalleryError.unknownIdentity("ghost")) { try await storeB.remove(name: "ghost") }
        let after = try await storeB.generation()
        let half = try await storeB.identity(named: "half")
        #expect(after == before && half == nil)
        storeA.close()
        storeB.close()
        await TestServer.drop(database)
    }
}
