import Foundation
import Hummingbird

/// A request the service refuses, answered with its HTTP status and the JSON body
/// `{"error": {"status": 413, "code": "too_many_inputs", "message": "…"}}` (schema `Error` in `openapi.json`).
///
/// Codes: 400 `invalid_json`, `invalid_request`, `invalid_base64`; 404 `not_found`, `unknown_identity`;
/// 405 `method_not_allowed`; 409 `model_mismatch`, `empty_gallery`; 413 `body_too_large`, `too_many_inputs`,
/// `image_too_large`; 422 `invalid_image`, `invalid_embedding`, `no_threshold`, `model_error`; 500 `internal`;
/// 503 `storage_unavailable`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// A stable, machine-readable code (snake_case).
    public let code: String
    /// What was wrong, naming the field and value.
    public let message: String
    /// Extra response headers (`Allow` for 405).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func invalidJSON(_ message: String) -> APIError { APIError(.badRequest, "invalid_json", message) }
    public static func invalidRequest(_ message: String) -> APIError { APIError(.badRequest, "invalid_request", message) }
    public static func invalidBase64(_ message: String) -> APIError { APIError(.badRequest, "invalid_base64", message) }
    public static func notFound(_ path: String) -> APIError { APIError(.notFound, "not_found", "no route \(path)") }
    public static func methodNotAllowed(_ method: String, _ path: String, allowed: [String]) -> APIError {
        var error = APIError(.methodNotAllowed, "method_not_allowed", "\(method) is not allowed on \(path) (allowed: \(allowed.joined(separator: ", ")))")
        error.headers[.allow] = allowed.joined(separator: ", ")
        return error
    }
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "the request body is larger than the limit of \(limit) bytes")
    }
    public static func tooManyInputs(_ count: Int, limit: Int) -> APIError {
        APIError(.contentTooLarge, "too_many_inputs", "\(count) inputs in one request; the limit is \(limit)")
    }
    public static func imageTooLarge(_ message: String) -> APIError { APIError(.contentTooLarge, "image_too_large", message) }
    public static func invalidImage(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid_image", message) }
    public static func invalidEmbedding(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid_embedding", message) }
    public static func noThreshold(_ message: String) -> APIError { APIError(.unprocessableContent, "no_threshold", message) }
    public static func modelError(_ message: String) -> APIError { APIError(.unprocessableContent, "model_error", message) }
    public static func unknownIdentity(_ message: String) -> APIError { APIError(.notFound, "unknown_identity", message) }
    public static func modelMismatch(_ message: String) -> APIError { APIError(.conflict, "model_mismatch", message) }
    public static func emptyGallery(_ message: String) -> APIError { APIError(.conflict, "empty_gallery", message) }
    public static func storageUnavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, "storage_unavailable", message) }
    public static func internalError(_ message: String) -> APIError { APIError(.internalServerError, "internal", message) }

    /// The JSON body.
    struct Body: Codable, Equatable {
        struct Detail: Codable, Equatable {
            let status: Int
            let code: String
            let message: String
        }
        let error: Detail
    }

    /// The HTTP response: status, `Content-Type: application/json` and the body.
    public func response() -> Response {
        let body = Body(error: .init(status: status.code, code: code, message: message))
        let data = (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"status":500,"code":"internal","message":"encoding failed"}}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
