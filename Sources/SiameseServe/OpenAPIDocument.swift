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

    /// The operations the document describes, as `"METHOD /path"`, sorted (same form as ``RouteTable/routes``).
    public static func operations(in data: Data) throws -> [String] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = root["paths"] as? [String: Any] else { return [] }
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return paths.flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.filter { methods.contains($0) }.map { "\($0.uppercased()) \(path)" }
        }.sorted()
    }
}
