import Foundation
import Hummingbird
import Logging

/// Turns every error into a JSON error answer (``APIError``): the service's own refusals as they are, the router's
/// "no route" into 404 `not_found` or, for a known path with another method, 405 `method_not_allowed`, too-large
/// bodies into 413 `body_too_large`, other HTTP errors into their status, and anything unexpected into 500
/// `internal` (logged), so no input ends in a dropped connection.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as any HTTPResponseError {
            return map(error.status, request).response()
        } catch is DecodingError {
            return APIError.invalidJSON("the body is not valid JSON for this route").response()
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return APIError.internalError("unexpected error while answering \(request.method.rawValue) \(request.uri.path)").response()
        }
    }

    private func map(_ status: HTTPResponse.Status, _ request: Request) -> APIError {
        switch status {
        case .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty { return .methodNotAllowed(request.method.rawValue, request.uri.path, allowed: allowed) }
            return .notFound(request.uri.path)
        case .contentTooLarge: return .bodyTooLarge(limit: maxBodyBytes)
        default:
            // Other framework refusals keep their status under the documented codes.
            let code = status.code < 500 ? "invalid_request" : "internal"
            return APIError(status, code, "\(status.code) \(status.reasonPhrase) (\(request.method.rawValue) \(request.uri.path))")
        }
    }
}
