import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import SiameseCore
import SiameseEvaluation
import SiameseGallery
import SiameseGalleryPostgres
import SiameseModels
import SiameseTestSupport

/// Two `siamese serve` processes (the built program) on one PostgreSQL gallery: what one enrolls, the other
/// identifies; what one removes, the other loses.
@Suite(.serialized, .enabled(if: TestServer.socket != nil, Comment(rawValue: TestServer.skipReason)))
struct TwoServersTests {
    @Test func anIdentityEnrolledThroughOneServerIsIdentifiedThroughTheOther() async throws {
        let database = try await TestServer.makeDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-pg-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.imageModel(in: folder)
        let location = "postgres://siamese@/\(database)?host=\(TestServer.socket!)"
        let a = try ServeProcess(["--model", model.path, "--gallery", location], in: folder)
        defer { a.stop() }
        let b = try ServeProcess(["--model", model.path, "--gallery", location], in: folder)
        defer { b.stop() }
        #expect(a.port != b.port)

        let ada = Self.pgm(seed: 1), grace = Self.pgm(seed: 2)
        let enrolled = try await Self.request(a, .post, "/gallery/identities", ["name": "ada", "metadata": ["team": "blue"], "inputs": [["image": ada.base64EncodedString()]]])
        #expect(enrolled.status == 201, "\(enrolled.json)")
        _ = try await Self.request(a, .post, "/gallery/identities", ["name": "grace", "inputs": [["image": grace.base64EncodedString()]]])

        // Server B finds ada from the same portrait, with the score and metadata A stored.
        let found = try await Self.request(b, .post, "/gallery/identify", ["input": ["image": ada.base64EncodedString()], "k": 2])
        #expect(found.status == 200, "\(found.json)")
        let match = found.json["match"] as? [String: Any]
        #expect(match?["identity"] as? String == "ada")
        #expect(abs(match?["score"] as? Double ?? 1) <= 1e-4)
        #expect((match?["metadata"] as? [String: String]) == ["team": "blue"])
        #expect((found.json["candidates"] as? [[String: Any]])?.map { $0["identity"] as? String } == ["ada", "grace"])

        // B removes ada; A no longer knows her.
        #expect(try await Self.request(b, .delete, "/gallery/identities/ada").status == 200)
        let gone = try await Self.request(a, .get, "/gallery/identities/ada")
        #expect(gone.status == 404 && (gone.json["error"] as? [String: Any])?["code"] as? String == "unknown_identity")
        let listed = try await Self.request(a, .get, "/gallery/identities")
        #expect((listed.json["identities"] as? [[String: Any]])?.map { $0["name"] as? String } == ["grace"])

        a.stop()
        b.stop()
        #expect(a.process.terminationStatus == 0 && b.process.terminationStatus == 0, "SIGTERM: \(a.output) \(b.output)")
        await TestServer.drop(database)
    }

    /// One request to `server`: the status and the body as a JSON object (empty when it is not one).
    static func request(_ server: ServeProcess, _ method: HTTPRequest.Method, _ uri: String,
                        _ body: [String: Any]? = nil) async throws -> (status: Int, json: [String: Any]) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, bytes) = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { client in
            let response = try await client.execute(.init(uri, method: method, headers: [.contentType: "application/json"],
                                                          body: data.map { ByteBuffer(bytes: $0) }))
            return (response.status.code, response.body.map { Data($0.readableBytesView) } ?? Data())
        }
        return (status, (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] ?? [:])
    }

    /// A tiny MLP on 8×8 grey images, calibrated at 0.5, saved so that it has a content hash.
    static func imageModel(in folder: URL) throws -> URL {
        let config = EncoderConfiguration(kind: .mlp, inputSide: 8, embeddingSize: 6, hidden: [9])
        let encoder = try GlobalGenerator.withSeed(5) { try EncoderStage(configuration: config) }
        let threshold = CalibratedThreshold(value: 0.5, falseAcceptRate: 0.05, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 100)
        let model = try EmbeddingModel(input: .init(size: 8), encoder: encoder, normalizeEmbeddings: true,
                                       similarity: try SimilarityConfiguration(threshold: threshold))
        let url = folder.appendingPathComponent("model")
        try model.save(to: url)
        return url
    }

    /// An 8×8 binary PGM of seeded pixels.
    static func pgm(seed: UInt64) -> Data {
        var g = SeededGenerator(seed: seed)
        return Data(Array("P5\n8 8\n255\n".utf8) + (0..<64).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
}
