import Foundation
import Hummingbird
import HummingbirdTesting
import SiameseData
import SiameseModels
import Testing
@testable import SiameseServe

/// Every route's answer against the library called directly on the same model folder.
@Suite struct ServeRoutesTests {
    @Test func healthNamesTheModel() async throws {
        try await withService { service, folder in
            let model = try EmbeddingModel.load(from: folder)
            let dimension = try model.embeddingDimension(), hash = model.info.contentHash
            try await testRoutes(service) { client in
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .ok)
                let health = try decode(HealthResponse.self, response)
                #expect(health == HealthResponse(status: "ok", model: "model", dimension: dimension, contentHash: hash,
                                                 distance: "euclidean", greaterIsCloser: false, threshold: 0.5))
            }
        }
    }

    @Test func embedMatchesTheLibrary() async throws {
        try await withService { service, folder in
            let model = try EmbeddingModel.load(from: folder)
            let files = [pgm(width: 20, height: 17, seed: 1), pgm(width: 31, height: 31, seed: 2)]
            let images = try files.map { try ImageDecoder.decode($0, path: "test", mode: .grey) }
            let expected = try model.embed(images: images)
            let d = expected.shape[1], hash = model.info.contentHash, scalars = expected.scalars
            let given: [Float] = (0..<d).map { Float($0) / Float(d) }
            let request = EmbedRequest(inputs: [.image(base64: files[0].base64EncodedString()), .embedding(given),
                                                .image(base64: files[1].base64EncodedString())])
            try await testRoutes(service) { client in
                let response = try await client.post("/embed", value: request)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try decode(EmbedResponse.self, response)
                #expect(body.model == hash && body.dimension == d && body.embeddings.count == 3)
                #expect(body.embeddings[1] == given)
                for (row, index) in [(0, 0), (2, 1)] {
                    let reference = Array(scalars[index * d..<(index + 1) * d])
                    #expect(zip(body.embeddings[row], reference).allSatisfy { abs($0 - $1) <= 1e-6 }, "input \(row)")
                }
            }
        }
    }

    @Test func compareMatchesTheLibraryAtEachThreshold() async throws {
        try await withService { service, folder in
            let model = try EmbeddingModel.load(from: folder)
            let files = [pgm(width: 28, height: 28, seed: 3), pgm(width: 28, height: 28, seed: 9)]
            let images = try files.map { try ImageDecoder.decode($0, path: "test", mode: .grey) }
            let reference = try model.compare(images[0], images[1])
            let a = APIInput.image(base64: files[0].base64EncodedString()), b = APIInput.image(base64: files[1].base64EncodedString())
            try await testRoutes(service) { client in
                // The calibrated threshold (0.5).
                var body = try decode(CompareResponse.self, try await client.post("/compare", value: CompareRequest(a: a, b: b)))
                #expect(abs(body.score - reference.distance) <= 1e-6 && abs(body.similarity - reference.similarity) <= 1e-6)
                #expect(body.scoreKind == "distance" && body.distance == "euclidean" && !body.greaterIsCloser)
                #expect(body.threshold == 0.5 && body.thresholdSource == "calibrated" && body.falseAcceptRate == 0.05)
                #expect(body.same == reference.same)
                // A requested threshold on either side of the score flips the decision.
                for (cut, same) in [(reference.distance + 0.01, true), (reference.distance - 0.01, false)] {
                    body = try decode(CompareResponse.self, try await client.post("/compare", value: CompareRequest(a: a, b: b, threshold: cut)))
                    #expect(body.threshold == cut && body.thresholdSource == "requested" && body.same == same)
                }
                // A false-accept rate picks the calibrated operating point with the largest rate not above it.
                body = try decode(CompareResponse.self, try await client.post("/compare", value: CompareRequest(a: a, b: b, falseAcceptRate: 0.02)))
                #expect(body.threshold == 0.3 && body.thresholdSource == "false-accept-rate" && body.falseAcceptRate == 0.01)
                #expect(body.same == (reference.distance <= 0.3))
                // Embeddings compare like the images they came from.
                let e = try decode(EmbedResponse.self, try await client.post("/embed", value: EmbedRequest(inputs: [a, b]))).embeddings
                body = try decode(CompareResponse.self, try await client.post("/compare", value: CompareRequest(a: .embedding(e[0]), b: .embedding(e[1]))))
                #expect(abs(body.score - reference.distance) <= 1e-5)
            }
        }
    }

    @Test func metricsCountRequestsBatchesAndInputs() async throws {
        try await withService { service, _ in
            try await testRoutes(service) { client in
                let image = pgm(width: 10, height: 10).base64EncodedString()
                _ = try await client.post("/embed", #"{"inputs": [{"image": "\#(image)"}, {"image": "\#(image)"}]}"#)
                _ = try await client.execute(uri: "/nowhere", method: .get)
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"siamese_http_requests_total{route="/embed",method="POST",status="200"} 1"#))
                #expect(text.contains(#"siamese_http_requests_total{route="unmatched",method="other",status="404"} 1"#))
                #expect(text.contains("siamese_http_request_duration_seconds_bucket{route=\"/embed\""))
                #expect(text.contains("siamese_encoder_batch_size_count 1"))
                #expect(text.contains("siamese_encoder_batch_size_sum 2"))
                #expect(text.contains("siamese_encoder_passes_total 1"))
                #expect(text.contains(#"siamese_inputs_embedded_total{kind="image"} 2"#))
            }
        }
    }

    @Test func openAPIDocumentIsServed() async throws {
        try await withService { service, _ in
            let dimension = service.runner.summary.dimension
            try await testRoutes(service) { client in
                let response = try await client.execute(uri: "/openapi.json", method: .get)
                #expect(response.status == .ok)
                let served = Data(response.body.readableBytesView)
                let root = try #require(try JSONSerialization.jsonObject(with: served) as? [String: Any])
                #expect((root["openapi"] as? String)?.hasPrefix("3.") == true)
                // The committed document, with the model's embedding length filled in (and, without a gallery, its
                // `/gallery/...` paths left out).
                var committed = try #require(try JSONSerialization.jsonObject(with: try OpenAPIDocument.data()) as? [String: Any])
                let paths = (committed["paths"] as? [String: Any] ?? [:]).filter { !$0.key.hasPrefix("/gallery") }
                #expect(NSDictionary(dictionary: root["paths"] as? [String: Any] ?? [:]).isEqual(to: paths))
                let path = ["components", "schemas", "EmbeddingInput", "properties", "embedding"]
                func dig(_ object: [String: Any]) -> [String: Any]? {
                    path.reduce(Optional(object)) { $0?[$1] as? [String: Any] }
                }
                let embedding = try #require(dig(root))
                #expect(embedding["minItems"] as? Int == dimension && embedding["maxItems"] as? Int == dimension)
                committed["openapi"] = nil
                #expect(dig(committed)?["maxItems"] == nil)
            }
        }
    }
}
