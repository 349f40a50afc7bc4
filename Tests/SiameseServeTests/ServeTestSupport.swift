import Foundation
import Hummingbird
import HummingbirdTesting
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseModels
import SiameseNN
@testable import SiameseServe

/// A small conv4 model, seeded, with a calibrated threshold and two operating points, saved to a temporary folder.
func savedModelFolder(seed: UInt64 = 11) throws -> URL {
    let config = EncoderConfiguration(kind: .convNet, width: 4, blocks: 2, embeddingSize: 6)
    let encoder = try GlobalGenerator.withSeed(seed) { try EncoderStage(configuration: config) }
    let point = { (value: Double, far: Double) in
        CalibratedThreshold(value: value, falseAcceptRate: far, falseRejectRate: 0.1, rule: "test", pairs: 100)
    }
    let similarity = try SimilarityConfiguration(threshold: point(0.5, 0.05), operatingPoints: [point(0.3, 0.01)])
    let model = try EmbeddingModel(input: .init(size: config.inputSide, invert: true, mean: 0.2, std: 0.3), encoder: encoder,
                                   normalizeEmbeddings: true, similarity: similarity)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-serve-tests-\(UUID().uuidString)/model")
    try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
    try model.save(to: folder)
    return folder
}

/// A binary PGM (P5) of `width × height` with a seeded pattern.
func pgm(width: Int, height: Int, seed: Int = 1) -> Data {
    var data = Data("P5\n\(width) \(height)\n255\n".utf8)
    data.append(contentsOf: (0..<(width * height)).map { UInt8(truncatingIfNeeded: ($0 * 37 + seed * 101) % 251) })
    return data
}

/// A service over a fresh model folder; `body` gets it and the folder, which is removed afterwards.
func withService<T>(_ configuration: ServeConfiguration = ServeConfiguration(batchWindowMilliseconds: 0),
                    _ body: (SiameseService, URL) async throws -> T) async throws -> T {
    let folder = try savedModelFolder()
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    return try await body(try SiameseService(modelFolder: folder, configuration: configuration), folder)
}

/// Runs `body` against the service's application in Hummingbird's router test mode.
func testRoutes<T: Sendable>(_ service: SiameseService, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
    try await service.makeApplication().test(.router, body)
}

extension TestClientProtocol {
    /// POSTs `json` (raw text) to `uri`.
    func post(_ uri: String, _ json: String, headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    /// POSTs an encodable value as JSON.
    func post<T: Encodable>(_ uri: String, value: T) async throws -> TestResponse {
        try await post(uri, String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
    }
}

/// The decoded body of an answer.
func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
}

/// The error body of a refusal; `nil` when the body is not the documented error JSON.
func errorBody(_ response: TestResponse) -> APIError.Body? {
    try? JSONDecoder().decode(APIError.Body.self, from: Data(response.body.readableBytesView))
}
