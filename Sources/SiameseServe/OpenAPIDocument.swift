import Foundation

/// The service's OpenAPI 3 document (`Resources/openapi.json`, served at `GET /openapi.json`).
public enum OpenAPIDocument {
    /// The document's bytes.
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw APIError.internalError("openapi.json is missing from the SiameseServe resources")
        }
        return try Data(contentsOf: url)
    }

    /// The document as served for a model: the committed one with the embedding length fixed to `dimension`
    /// (`EmbeddingInput.embedding`'s `minItems` and `maxItems`), so that clients and fuzzers know it.
    /// With `keeping`, only those operations (`"METHOD /path"`) remain; paths left without one are dropped.
    public static func data(dimension: Int, keeping operations: Set<String>? = nil) throws -> Data {
        let committed = try data()
        guard var root = try JSONSerialization.jsonObject(with: committed) as? [String: Any] else { return committed }
        if let operations, let paths = root["paths"] as? [String: Any] {
            var kept: [String: Any] = [:]
            for (path, value) in paths {
                guard var item = value as? [String: Any] else { continue }
                for key in item.keys where Self.methods.contains(key) && !operations.contains("\(key.uppercased()) \(path)") {
                    item[key] = nil
                }
                if item.keys.contains(where: Self.methods.contains) { kept[path] = item }
            }
            root["paths"] = kept
        }
        guard var components = root["components"] as? [String: Any],
              var schemas = components["schemas"] as? [String: Any],
              var input = schemas["EmbeddingInput"] as? [String: Any],
              var properties = input["properties"] as? [String: Any],
              var embedding = properties["embedding"] as? [String: Any] else { return committed }
        embedding["minItems"] = dimension
        embedding["maxItems"] = dimension
        properties["embedding"] = embedding
        input["properties"] = properties
        schemas["EmbeddingInput"] = input
        components["schemas"] = schemas
        root["components"] = components
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The operations the document describes, as `"METHOD /path"`, sorted (same form as ``RouteTable/routes``).
    public static func operations(in data: Data) throws -> [String] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = root["paths"] as? [String: Any] else { return [] }
        return paths.flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.filter { Self.methods.contains($0) }.map { "\($0.uppercased()) \(path)" }
        }.sorted()
    }
}
