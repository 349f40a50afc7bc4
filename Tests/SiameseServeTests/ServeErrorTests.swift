import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SiameseServe

/// Every refusal is the documented 4xx with the JSON error body `{"error": {"status", "code", "message"}}`.
@Suite struct ServeErrorTests {
    /// Small limits so that each is easy to cross.
    static let limits = ServeConfiguration(maxBodyBytes: 4096, maxInputs: 3, maxImagePixels: 32 * 32, batchWindowMilliseconds: 0)

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

    @Test func malformedAndTruncatedJSON() async throws {
        try await withService(Self.limits) { service, _ in
            try await testRoutes(service) { client in
                expectRefusal(try await client.post("/embed", "not json"), .badRequest, "invalid_json")
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [1, 2"#), .badRequest, "invalid_json")
                expectRefusal(try await client.post("/compare", ""), .badRequest, "invalid_json", mentioning: ["empty"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [NaN]}]}"#), .badRequest, "invalid_json")
            }
        }
    }

    @Test func wrongTypesAndMissingFieldsNameTheField() async throws {
        try await withService(Self.limits) { service, _ in
            try await testRoutes(service) { client in
                expectRefusal(try await client.post("/embed", "[]"), .badRequest, "invalid_request", mentioning: ["body", "object"])
                expectRefusal(try await client.post("/embed", "{}"), .badRequest, "invalid_request", mentioning: ["inputs"])
                expectRefusal(try await client.post("/embed", #"{"inputs": "x"}"#), .badRequest, "invalid_request", mentioning: ["inputs", "array"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"image": 5}]}"#), .badRequest, "invalid_request",
                              mentioning: ["inputs[0].image", "string"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": ["a"]}]}"#), .badRequest, "invalid_request",
                              mentioning: ["inputs[0].embedding[0]", "number"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{}]}"#), .badRequest, "invalid_request", mentioning: ["exactly one"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"image": "AA==", "embedding": [1]}]}"#), .badRequest,
                              "invalid_request", mentioning: ["exactly one"])
                expectRefusal(try await client.post("/embed", #"{"inputs": []}"#), .badRequest, "invalid_request", mentioning: ["empty"])
                // A number no Double holds is refused by the JSON parser itself; one no Float holds is named.
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [1e999]}]}"#), .badRequest, "invalid_json")
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [1, 1e300]}]}"#), .badRequest, "invalid_request",
                              mentioning: ["inputs[0].embedding[1]", "32-bit"])
                // Just beyond -Float.greatestFiniteMagnitude in decimal, exactly it as a Double: refused too (found by schemathesis).
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [-340282346638528860000000000000000000001]}]}"#), .badRequest,
                              "invalid_request", mentioning: ["inputs[0].embedding[0]", "32-bit"])
                expectRefusal(try await client.post("/compare", #"{"a": {"embedding": [1]}}"#), .badRequest, "invalid_request", mentioning: ["b"])
                expectRefusal(try await client.post("/compare", #"{"a": {"embedding": [1]}, "b": {"embedding": [1]}, "threshold": "x"}"#),
                              .badRequest, "invalid_request", mentioning: ["threshold"])
                expectRefusal(try await client.post("/compare", #"{"a": {"embedding": [1]}, "b": {"embedding": [1]}, "threshold": 1, "falseAcceptRate": 0.1}"#),
                              .badRequest, "invalid_request", mentioning: ["not both"])
                expectRefusal(try await client.post("/compare", #"{"a": {"embedding": [1]}, "b": {"embedding": [1]}, "falseAcceptRate": 2}"#),
                              .badRequest, "invalid_request", mentioning: ["between 0 and 1"])
            }
        }
    }

    @Test func oversizedBodiesAndTooManyInputs() async throws {
        try await withService(Self.limits) { service, _ in
            try await testRoutes(service) { client in
                let big = #"{"inputs": [{"embedding": ["# + Array(repeating: "0.5", count: 2000).joined(separator: ",") + "]}]}"
                expectRefusal(try await client.post("/embed", big), .contentTooLarge, "body_too_large", mentioning: ["4096"])
                let four = #"{"inputs": ["# + Array(repeating: #"{"embedding": [1]}"#, count: 4).joined(separator: ",") + "]}"
                expectRefusal(try await client.post("/embed", four), .contentTooLarge, "too_many_inputs", mentioning: ["4", "3"])
            }
        }
    }

    @Test func badImagesAndEmbeddings() async throws {
        try await withService(Self.limits) { service, _ in
            let dimension = service.runner.summary.dimension
            try await testRoutes(service) { client in
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"image": "%%%not base64"}]}"#), .badRequest, "invalid_base64",
                              mentioning: ["inputs[0].image"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"image": ""}]}"#), .badRequest, "invalid_base64")
                let text = Data("hello, not an image".utf8).base64EncodedString()
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [\#((0..<dimension).map { _ in "0" }.joined(separator: ","))]}, {"image": "\#(text)"}]}"#),
                              .unprocessableContent, "invalid_image", mentioning: ["inputs[1].image"])
                let truncated = pgm(width: 20, height: 20).prefix(100).base64EncodedString()
                expectRefusal(try await client.post("/compare", #"{"a": {"image": "\#(truncated)"}, "b": {"image": "\#(truncated)"}}"#),
                              .unprocessableContent, "invalid_image", mentioning: ["a.image"])
                let huge = pgm(width: 33, height: 32).base64EncodedString()
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"image": "\#(huge)"}]}"#), .contentTooLarge, "image_too_large",
                              mentioning: ["33 × 32", "1024"])
                expectRefusal(try await client.post("/embed", #"{"inputs": [{"embedding": [1, 2]}]}"#), .unprocessableContent, "invalid_embedding",
                              mentioning: ["2 values", "\(dimension)"])
            }
        }
    }

    @Test func uncalibratedFalseAcceptRate() async throws {
        try await withService(Self.limits) { service, _ in
            let zeros = "[" + Array(repeating: "0", count: service.runner.summary.dimension).joined(separator: ",") + "]"
            try await testRoutes(service) { client in
                expectRefusal(try await client.post("/compare", #"{"a": {"embedding": \#(zeros)}, "b": {"embedding": \#(zeros)}, "falseAcceptRate": 0.001}"#),
                              .unprocessableContent, "no_threshold", mentioning: ["0.001", "0.01", "0.05"])
            }
        }
    }

    @Test func unknownRoutesAndWrongMethods() async throws {
        try await withService(Self.limits) { service, _ in
            try await testRoutes(service) { client in
                expectRefusal(try await client.execute(uri: "/nowhere", method: .get), .notFound, "not_found", mentioning: ["/nowhere"])
                expectRefusal(try await client.execute(uri: "/embed/extra", method: .post), .notFound, "not_found")
                let wrong = try await client.execute(uri: "/embed", method: .get)
                expectRefusal(wrong, .methodNotAllowed, "method_not_allowed", mentioning: ["GET", "POST"])
                #expect(wrong.headers[.allow] == "POST")
                expectRefusal(try await client.execute(uri: "/health", method: .delete), .methodNotAllowed, "method_not_allowed")
            }
        }
    }
}
