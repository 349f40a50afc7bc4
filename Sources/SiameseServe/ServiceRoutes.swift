import Foundation
import Hummingbird

/// Adds routes to the service's router and records each in its ``RouteTable`` (which the 405 answers and the
/// OpenAPI check read). Paths use OpenAPI's template syntax, `/gallery/{id}`, which Hummingbird also reads.
public final class ServiceRoutes {
    /// The service's router context.
    public typealias Context = BasicRequestContext
    /// A route handler.
    public typealias Handler = @Sendable (Request, Context) async throws -> Response

    let router: Router<Context>
    public let table: RouteTable

    init(router: Router<Context>, table: RouteTable) {
        self.router = router
        self.table = table
    }

    /// Answers `method path` with `handler`.
    public func on(_ method: HTTPRequest.Method, _ path: String, handler: @escaping Handler) {
        table.record(method: method.rawValue, path: path)
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// A JSON answer (`Content-Type: application/json`).
    public static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Routes added to a ``SiameseService`` from elsewhere, for example the gallery's (`/gallery/...`): the service calls
/// ``addRoutes(to:service:)`` once while it builds its router, after its own routes and inside its error and metrics
/// middleware. Every route added must also be described in `openapi.json` (a test checks both ways).
public protocol ServiceRouteExtension: Sendable {
    func addRoutes(to routes: ServiceRoutes, service: SiameseService)
}
