import Hummingbird

/// Counts every answered request by route (the router's path template, `unmatched` for unknown paths, so that
/// random URLs cannot grow the label set), method and status, and records its latency in ``ServeMetrics``.
/// It sits outside ``ErrorMiddleware``, so it sees the final status of refused requests too.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Only reachable if the error middleware is missing; count as a server error and pass on.
            record(request, context, status: 500, start)
            throw error
        }
        record(request, context, status: response.status.code, start)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int, _ start: ContinuousClock.Instant) {
        let known = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
        metrics.recordRequest(route: known ?? "unmatched", method: known == nil ? "other" : request.method.rawValue,
                              status: status, duration: ContinuousClock.now - start)
    }
}
