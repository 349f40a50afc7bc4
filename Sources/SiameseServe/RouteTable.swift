import Synchronization

/// The routes a service answers, as `(METHOD, /path)` pairs, recorded as they are added to the router.
///
/// The error middleware reads it to tell an unknown path (404) from a known path asked with the wrong method (405),
/// and a test compares it with the operations of `openapi.json`, both ways.
public final class RouteTable: Sendable {
    private let entries = Mutex<[String: Set<String>]>([:])

    public init() {}

    /// Records `method path` (`path` as written in the router, e.g. `/gallery/{id}` for `/gallery/:id`).
    public func record(method: String, path: String) {
        entries.withLock { _ = $0[path, default: []].insert(method.uppercased()) }
    }

    /// Every recorded route, sorted: `["GET /health", "POST /embed", …]`.
    public var routes: [String] {
        entries.withLock { table in table.flatMap { path, methods in methods.map { "\($0) \(path)" } }.sorted() }
    }

    /// The methods recorded for a concrete request path (template segments `{x}` match any one segment), sorted.
    public func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.withLock { table in
            table.filter { template, _ in
                let parts = template.split(separator: "/", omittingEmptySubsequences: true)
                return parts.count == segments.count
                    && zip(parts, segments).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
            }.values.reduce(into: Set<String>()) { $0.formUnion($1) }.sorted()
        }
    }
}
