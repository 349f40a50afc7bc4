import Foundation
import Testing
@testable import SiameseServe

/// The router's routes (with the gallery's) and the operations of the committed `openapi.json` are the same set, both ways, and every
/// operation documents its answers with schemas that exist.
@Suite struct OpenAPIRoutesTests {
    @Test func routesMatchTheDocument() async throws {
        try await withGalleryService { service, gallery, _ in
            _ = service.makeRouter(extensions: [gallery])
            let routes = service.routeTable.routes
            let documented = try OpenAPIDocument.operations(in: try OpenAPIDocument.data())
            #expect(!routes.isEmpty)
            #expect(Set(routes).subtracting(documented).isEmpty, "routes missing from openapi.json: \(Set(routes).subtracting(documented))")
            #expect(Set(documented).subtracting(routes).isEmpty, "documented operations without a route: \(Set(documented).subtracting(routes))")
            #expect(routes == documented)
        }
    }

    @Test func everyReferenceResolvesAndEveryErrorCodeIsListed() throws {
        let data = try OpenAPIDocument.data()
        let text = String(decoding: data, as: UTF8.self)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let refs = text.components(separatedBy: "\"#/components/schemas/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!refs.isEmpty)
        for ref in Set(refs) { #expect(schemas[ref] != nil, "unresolved $ref \(ref)") }
        // The error codes the service uses are the Error schema's enum.
        let codes = ["invalid_json", "invalid_request", "invalid_base64", "not_found", "method_not_allowed", "body_too_large",
                     "too_many_inputs", "image_too_large", "invalid_image", "invalid_embedding", "no_threshold", "model_error", "internal",
                     "unknown_identity", "model_mismatch", "empty_gallery", "storage_unavailable"]
        let error = try #require(schemas["Error"] as? [String: Any])
        let detail = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        let code = try #require((detail["properties"] as? [String: Any])?["code"] as? [String: Any])
        #expect(Set(code["enum"] as? [String] ?? []) == Set(codes))
        // Each POST operation documents 400, 413 and 422 with the Error schema.
        let paths = try #require(root["paths"] as? [String: Any])
        for (path, item) in paths {
            guard let post = (item as? [String: Any])?["post"] as? [String: Any] else { continue }
            let responses = post["responses"] as? [String: Any] ?? [:]
            for status in ["200", "400", "413", "422", "405", "500"] { #expect(responses[status] != nil, "POST \(path) lacks \(status)") }
        }
    }
}
