import Foundation
import Hummingbird
import NIOCore

/// Reads a JSON request body within the body-size limit and decodes it, turning every failure into an ``APIError``
/// that names the problem: 413 `body_too_large` (declared or actual size), 400 `invalid_json` (empty, truncated or
/// not JSON), 400 `invalid_request` (a missing field, a wrong type, an unusable value, with the field's path).
public struct RequestReader: Sendable {
    public let maxBodyBytes: Int

    public init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// The body of `request` decoded as `T`.
    public func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidJSON("the request body is empty; a JSON object is expected") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Self.apiError(error)
        }
    }

    /// The ``APIError`` for a decoding failure, naming the field (`inputs[2].image`).
    static func apiError(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch error {
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            return .invalidJSON("the body is not valid JSON: \(context.debugDescription)")
        case let .dataCorrupted(context):
            return .invalidRequest("\(path(context.codingPath)): \(context.debugDescription)")
        case let .keyNotFound(key, context):
            return .invalidRequest("missing field \(path(context.codingPath + [key]))")
        case let .typeMismatch(type, context):
            let field = path(context.codingPath)
            return .invalidRequest("\(field.isEmpty ? "the body" : field): expected \(Self.jsonType(type))")
        case let .valueNotFound(type, context):
            return .invalidRequest("\(path(context.codingPath)): expected \(Self.jsonType(type)), found null")
        @unknown default:
            return .invalidRequest("the body does not match the route's schema")
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Float.Type, is Double.Type: return "a number"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
