import Foundation
import Hummingbird
import HummingbirdTesting
import SiameseCore
import SiameseData
import SiameseGallery
import SiameseModels
import Testing
@testable import SiameseServe

/// A service with a fresh SQLite gallery (``GalleryRoutes``); `body` gets the service, its gallery and the model folder.
func withGalleryService<T>(_ configuration: ServeConfiguration = ServeConfiguration(batchWindowMilliseconds: 0),
                           _ body: (SiameseService, GalleryRoutes, URL) async throws -> T) async throws -> T {
    try await withService(configuration) { service, folder in
        let store = try SQLiteGalleryStore(path: folder.deletingLastPathComponent().appendingPathComponent("gallery.sqlite").path)
        return try await body(service, try await GalleryRoutes.open(store: store, for: service), folder)
    }
}

/// Runs `body` against the service with its gallery routes, in Hummingbird's router test mode.
func testGalleryRoutes<T: Sendable>(_ service: SiameseService, _ routes: GalleryRoutes,
                                    _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
    try await service.makeApplication(extensions: [routes]).test(.router, body)
}

/// Seeded unit vectors (so that any normalisation in the model's distance leaves them as they are).
func unitVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
        let v = (0..<dimension).map { _ in Float.random(in: -1...1, using: &g) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}

private func euclidean(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
}

private func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }

/// The gallery routes against direct computations on the same vectors, and every refusal they document.
@Suite struct GalleryRoutesTests {
    private func expectRefusal(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, mentioning words: [String] = [],
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        guard let body = errorBody(response) else {
            Issue.record("not the error JSON: \(String(buffer: response.body))", sourceLocation: sourceLocation)
            return
        }
        #expect(body.error.status == Int(status.code) && body.error.code == code, "\(body)", sourceLocation: sourceLocation)
        for word in words { #expect(body.error.message.contains(word), "\(body.error.message)", sourceLocation: sourceLocation) }
    }

    @Test func enrollListGetIdentifyVerifySearchRemove() async throws {
        try await withGalleryService { service, routes, _ in
            let d = service.runner.summary.dimension, hash = service.runner.summary.contentHash
            let people = unitVectors(9, dimension: d, seed: 3)
            try await testGalleryRoutes(service, routes) { client in
                // Three identities of three references each; the first enroll creates (201), a second one adds (200).
                for p in 0..<3 {
                    let request = GalleryEnrollRequest(name: "person \(p)", metadata: ["n": "\(p)"],
                                                       inputs: people[(3 * p)..<(3 * p + 2)].map { .embedding($0) }, model: hash)
                    let created = try await client.post("/gallery/identities", value: request)
                    #expect(created.status == .created, "\(String(buffer: created.body))")
                    let receipt = try decode(EnrollReceipt.self, created)
                    #expect(receipt.created && receipt.identity.name == "person \(p)" && receipt.referenceIDs.count == 2)
                    let added = try await client.post("/gallery/identities", value: GalleryEnrollRequest(name: "person \(p)", inputs: [.embedding(people[3 * p + 2])]))
                    #expect(added.status == .ok)
                    let second = try decode(EnrollReceipt.self, added)
                    #expect(!second.created && second.identity.referenceCount == 3 && second.identity.metadata == ["n": "\(p)"])
                }
                let list = try decode(GalleryIdentitiesResponse.self, try await client.execute(uri: "/gallery/identities", method: .get))
                #expect(list.identities.map(\.name) == ["person 0", "person 1", "person 2"])
                #expect(list.identities.allSatisfy { $0.referenceCount == 3 })
                let one = try await client.execute(uri: "/gallery/identities/person%201", method: .get)
                #expect(one.status == .ok)
                #expect(try decode(IdentitySummary.self, one).metadata == ["n": "1"])

                // Identify: a probe next to person 1's second reference; the candidates' scores are their best references.
                var probe = people[4]
                probe[0] += 0.01
                let identification = try decode(Identification.self, try await client.post("/gallery/identify", value: GalleryIdentifyRequest(input: .embedding(probe), k: 3)))
                #expect(identification.match?.identity == "person 1")
                #expect(identification.candidates.count == 3 && identification.threshold.value == 0.5)
                for candidate in identification.candidates {
                    let p = Int(candidate.identity.dropFirst(7))!
                    let best = people[(3 * p)..<(3 * p + 3)].map { euclidean(probe, $0) }.min()!
                    #expect(abs(candidate.score - best) <= 1e-4, "\(candidate.identity): \(candidate.score) vs \(best)")
                }
                #expect(identification.candidates.map(\.score) == identification.candidates.map(\.score).sorted())

                // Verify with the mean of the reference scores and an explicit threshold.
                let verification = try decode(Verification.self, try await client.post("/gallery/verify", value: GalleryVerifyRequest(
                    name: "person 2", input: .embedding(probe), aggregation: .mean, threshold: 10)))
                let mean = people[6..<9].map { euclidean(probe, $0) }.reduce(0, +) / 3
                #expect(abs(verification.score - mean) <= 1e-4 && verification.accepted && verification.threshold.rule == "explicit")
                let strict = try decode(Verification.self, try await client.post("/gallery/verify", value: GalleryVerifyRequest(
                    name: "person 2", input: .embedding(probe), falseAcceptRate: 0.01)))
                #expect(!strict.accepted && strict.threshold.value == 0.3)

                // Search: the k closest references, whoever they belong to.
                let hits = try decode(GallerySearchResponse.self, try await client.post("/gallery/search", value: GallerySearchRequest(input: .embedding(probe), k: 4))).hits
                let expected = people.enumerated().map { ($0.offset / 3, euclidean(probe, $0.element)) }.sorted { $0.1 < $1.1 }.prefix(4)
                #expect(hits.map(\.identity) == expected.map { "person \($0.0)" })
                #expect(zip(hits, expected).allSatisfy { abs($0.score - $1.1) <= 1e-4 })

                // Remove: answered as it was, then gone.
                let removed = try await client.execute(uri: "/gallery/identities/person%201", method: .delete)
                #expect(try removed.status == .ok && decode(IdentitySummary.self, removed).referenceCount == 3)
                expectRefusal(try await client.execute(uri: "/gallery/identities/person%201", method: .get), .notFound, "unknown_identity", mentioning: ["person 1"])
                expectRefusal(try await client.execute(uri: "/gallery/identities/person%201", method: .delete), .notFound, "unknown_identity")
                let after = try decode(Identification.self, try await client.post("/gallery/identify", value: GalleryIdentifyRequest(input: .embedding(probe), k: 5)))
                #expect(after.candidates.map(\.identity).sorted() == ["person 0", "person 2"])
            }
        }
    }

    /// Images are embedded through the service's micro-batcher, and found again from the same image.
    @Test func imagesAreEmbeddedByTheServedModel() async throws {
        try await withGalleryService { service, routes, folder in
            let model = try EmbeddingModel.load(from: folder)
            let files = [pgm(width: 28, height: 28, seed: 4), pgm(width: 28, height: 28, seed: 8)]
            let images = try files.map { try ImageDecoder.decode($0, path: "test", mode: .grey) }
            let expected = try model.embed(images: images)
            let d = expected.shape[1]
            try await testGalleryRoutes(service, routes) { client in
                for (i, file) in files.enumerated() {
                    let response = try await client.post("/gallery/identities", value: GalleryEnrollRequest(name: "img\(i)", inputs: [.image(base64: file.base64EncodedString())]))
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                }
                let probe = APIInput.image(base64: files[1].base64EncodedString())
                let result = try decode(Identification.self, try await client.post("/gallery/identify", value: GalleryIdentifyRequest(input: probe, k: 2)))
                #expect(result.match?.identity == "img1")
                #expect(abs(result.candidates[0].score) <= 1e-4)
                let row = { (i: Int) in Array(expected.scalars[i * d..<(i + 1) * d]) }
                #expect(abs(result.candidates[1].score - euclidean(row(0), row(1))) <= 1e-4)
            }
            #expect(await service.batcher.statistics.items == 3)
        }
    }

    @Test func refusalsAreTypedAndNameTheProblem() async throws {
        let limits = ServeConfiguration(maxBodyBytes: 1 << 16, maxInputs: 3, batchWindowMilliseconds: 0)
        try await withGalleryService(limits) { service, routes, _ in
            let d = service.runner.summary.dimension
            let v = unitVectors(5, dimension: d, seed: 9)
            let vector = try json(v[0])
            try await testGalleryRoutes(service, routes) { client in
                // Nothing enrolled yet.
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(vector)}}"#), .conflict, "empty_gallery")
                expectRefusal(try await client.post("/gallery/search", #"{"input": {"embedding": \#(vector)}}"#), .conflict, "empty_gallery")
                expectRefusal(try await client.post("/gallery/verify", #"{"name": "nobody", "input": {"embedding": \#(vector)}}"#), .notFound,
                              "unknown_identity", mentioning: ["nobody"])
                #expect(try await client.post("/gallery/identities", #"{"name": "ada", "inputs": [{"embedding": \#(vector)}]}"#).status == .created)
                // Malformed, wrong types, missing fields.
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "ada", "inputs": [{"embedding": [1,"#), .badRequest, "invalid_json")
                expectRefusal(try await client.post("/gallery/identities", #"{"inputs": []}"#), .badRequest, "invalid_request", mentioning: ["name"])
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "ada", "inputs": []}"#), .badRequest, "invalid_request", mentioning: ["empty"])
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "ada", "metadata": {"a": 1}, "inputs": [{"embedding": \#(vector)}]}"#),
                              .badRequest, "invalid_request", mentioning: ["metadata.a"])
                expectRefusal(try await client.post("/gallery/identities", #"{"name": " ada", "inputs": [{"embedding": \#(vector)}]}"#),
                              .badRequest, "invalid_request", mentioning: ["invalid identity name"])
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "", "inputs": [{"embedding": \#(vector)}]}"#), .badRequest, "invalid_request")
                expectRefusal(try await client.post("/gallery/verify", #"{"name": "ada", "input": {"embedding": \#(vector)}, "aggregation": "max"}"#),
                              .badRequest, "invalid_request", mentioning: ["aggregation"])
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(vector)}, "k": "five"}"#), .badRequest, "invalid_request", mentioning: ["k"])
                // Values out of range.
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(vector)}, "k": 0}"#), .badRequest, "invalid_request", mentioning: ["k", "1000"])
                expectRefusal(try await client.post("/gallery/search", #"{"input": {"embedding": \#(vector)}, "k": 1001}"#), .badRequest, "invalid_request", mentioning: ["1001"])
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(vector)}, "threshold": 1, "falseAcceptRate": 0.1}"#),
                              .badRequest, "invalid_request", mentioning: ["not both"])
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(vector)}, "falseAcceptRate": 1.5}"#),
                              .badRequest, "invalid_request", mentioning: ["1.5"])
                expectRefusal(try await client.post("/gallery/verify", #"{"name": "ada", "input": {"embedding": \#(vector)}, "falseAcceptRate": 0.001}"#),
                              .unprocessableContent, "no_threshold", mentioning: ["0.001", "0.01", "0.05"])
                // Dimension, model and limits.
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "bob", "inputs": [{"embedding": [1, 0]}]}"#),
                              .unprocessableContent, "invalid_embedding", mentioning: ["inputs[0].embedding", "2 values"])
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": [1, 0]}}"#), .unprocessableContent, "invalid_embedding", mentioning: ["input.embedding"])
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "bob", "model": "0123abc", "inputs": [{"embedding": \#(vector)}]}"#),
                              .conflict, "model_mismatch", mentioning: ["0123abc"])
                expectRefusal(try await client.post("/gallery/identify", #"{"model": "0123abc", "input": {"embedding": \#(vector)}}"#), .conflict, "model_mismatch")
                // Embeddings whose distances would overflow 32-bit floats (found by schemathesis: 500s on infinite scores).
                let huge = "[" + (0..<d).map { $0 == 0 ? "3e38" : "0" }.joined(separator: ",") + "]"
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "big", "inputs": [{"embedding": \#(huge)}]}"#),
                              .unprocessableContent, "invalid_embedding", mentioning: ["inputs[0]", "L2 norm"])
                expectRefusal(try await client.post("/gallery/identify", #"{"input": {"embedding": \#(huge)}}"#), .unprocessableContent, "invalid_embedding",
                              mentioning: ["input", "L2 norm"])
                expectRefusal(try await client.post("/gallery/search", #"{"input": {"embedding": \#(huge)}}"#), .unprocessableContent, "invalid_embedding")
                expectRefusal(try await client.post("/gallery/verify", #"{"name": "ada", "input": {"embedding": \#(huge)}}"#), .unprocessableContent, "invalid_embedding")
                let four = "[" + Array(repeating: #"{"embedding": \#(vector)}"#, count: 4).joined(separator: ",") + "]"
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "bob", "inputs": \#(four)}"#), .contentTooLarge, "too_many_inputs")
                expectRefusal(try await client.post("/gallery/identities", #"{"name": "bob", "inputs": [{"image": "%%"}]}"#), .badRequest, "invalid_base64")
                // Routes and methods.
                let wrong = try await client.execute(uri: "/gallery/identities", method: .put)
                expectRefusal(wrong, .methodNotAllowed, "method_not_allowed")
                #expect(wrong.headers[.allow] == "GET, POST")
                expectRefusal(try await client.execute(uri: "/gallery/identities/ada", method: .post), .methodNotAllowed, "method_not_allowed")
                expectRefusal(try await client.execute(uri: "/gallery/identities/%E0%A4%A", method: .get), .badRequest, "invalid_request")
                // Nothing refused was stored.
                let list = try decode(GalleryIdentitiesResponse.self, try await client.execute(uri: "/gallery/identities", method: .get))
                #expect(list.identities.map(\.name) == ["ada"] && list.identities[0].referenceCount == 1)
            }
        }
    }

    /// Names with spaces, slashes and non-ASCII letters round-trip through the path, percent-encoded.
    @Test func namesArePercentDecodedFromThePath() async throws {
        try await withGalleryService { service, routes, _ in
            let vector = unitVectors(1, dimension: service.runner.summary.dimension, seed: 1)[0]
            try await testGalleryRoutes(service, routes) { client in
                let name = "Zoë / 2"
                #expect(try await client.post("/gallery/identities", value: GalleryEnrollRequest(name: name, inputs: [.embedding(vector)])).status == .created)
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let got = try await client.execute(uri: "/gallery/identities/\(encoded)", method: .get)
                #expect(try got.status == .ok && decode(IdentitySummary.self, got).name == name)
                #expect(try await client.execute(uri: "/gallery/identities/\(encoded)", method: .delete).status == .ok)
            }
        }
    }

    /// A gallery made with another model is refused when the service opens it.
    @Test func aGalleryOfAnotherModelIsRefusedAtStart() async throws {
        try await withService { service, folder in
            let path = folder.deletingLastPathComponent().appendingPathComponent("other.sqlite").path
            let store = try SQLiteGalleryStore(path: path)
            try await store.bind(ModelBinding(contentHash: "another-model", dimension: service.runner.summary.dimension))
            await #expect(throws: GalleryError.self) { _ = try await GalleryRoutes.open(store: store, for: service) }
            do { _ = try await GalleryRoutes.open(store: store, for: service) } catch let error as GalleryError {
                #expect(GalleryRoutes.apiError(error).code == "model_mismatch")
                #expect("\(error)".contains("another-model"))
            }
        }
    }

    /// The served document describes the gallery's operations only when the service has a gallery.
    @Test func servedDocumentFollowsTheRoutes() async throws {
        try await withGalleryService { service, routes, _ in
            let plain = try await testRoutes(service) { client in
                try OpenAPIDocument.operations(in: Data(try await client.execute(uri: "/openapi.json", method: .get).body.readableBytesView))
            }
            #expect(!plain.contains { $0.contains("/gallery") } && plain.contains("POST /embed"))
            let full = try await testGalleryRoutes(service, routes) { client in
                try OpenAPIDocument.operations(in: Data(try await client.execute(uri: "/openapi.json", method: .get).body.readableBytesView))
            }
            #expect(full == (try OpenAPIDocument.operations(in: try OpenAPIDocument.data())))
        }
    }
}
