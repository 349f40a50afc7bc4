import Foundation
import Hummingbird
import SiameseGallery

/// The gallery's routes (`siamese serve --gallery …`), added through ``ServiceRouteExtension``:
///
/// | Route | Answer |
/// |---|---|
/// | `GET /gallery/identities` | every identity (name, metadata, reference count) |
/// | `POST /gallery/identities` | enroll: 201 for a new identity, 200 when references were added to one |
/// | `GET /gallery/identities/{name}` | one identity |
/// | `DELETE /gallery/identities/{name}` | remove it and its references (answers it as it was) |
/// | `POST /gallery/verify` | 1:1: the score against one identity and the decision |
/// | `POST /gallery/identify` | 1:N: the top-k identities and the match at the threshold |
/// | `POST /gallery/search` | the top-k references |
///
/// Images are embedded through the service's micro-batcher (``InputResolver``), then the ``Gallery`` works on
/// embeddings only. The gallery's model must be the served one (same content hash and dimension). Gallery errors
/// become typed answers: 404 `unknown_identity`, 409 `model_mismatch` / `empty_gallery`, 422 `no_threshold` /
/// `invalid_embedding`, 400 `invalid_request`, 503 `storage_unavailable`.
public struct GalleryRoutes: ServiceRouteExtension {
    /// Largest `k` a request may ask for.
    public static let maxK = 1000
    /// Largest L2 norm of an embedding the gallery takes: with norms up to 1e18, squared distances and dot products
    /// stay far inside 32-bit floats (≤ 4e36); larger ones could overflow to infinite scores.
    public static let maxNorm = 1e18

    public let gallery: Gallery

    public init(gallery: Gallery) { self.gallery = gallery }

    /// An embeddings-only gallery over `store` for the model `service` serves.
    public static func open(store: any GalleryStore, for service: SiameseService) async throws -> GalleryRoutes {
        let summary = service.runner.summary
        return GalleryRoutes(gallery: try await Gallery(store: store, binding: ModelBinding(contentHash: summary.contentHash, dimension: summary.dimension),
                                                        similarity: summary.similarity))
    }

    public func addRoutes(to routes: ServiceRoutes, service: SiameseService) {
        let gallery = self.gallery, reader = service.reader, inputs = service.inputs
        let served = service.runner.summary.contentHash
        routes.on(.get, "/gallery/identities") { _, _ in
            try ServiceRoutes.json(GalleryIdentitiesResponse(identities: try await Self.mapping { try await gallery.list() }))
        }
        routes.on(.post, "/gallery/identities") { request, _ in
            let body = try await reader.decode(GalleryEnrollRequest.self, from: request)
            try Self.check(model: body.model, served: served)
            try await Self.mapping { try GalleryValidation.checkName(body.name) }
            guard !body.inputs.isEmpty else { throw APIError.invalidRequest("inputs is empty; give at least one image or embedding") }
            let fields = body.inputs.indices.map { "inputs[\($0)]" }
            let rows = try await inputs.embeddings(of: body.inputs, fields: fields)
            try Self.checkNorms(rows, fields: fields)
            let receipt = try await Self.mapping {
                try await gallery.enroll(body.name, metadata: body.metadata, from: rows.map { .embedding($0) })
            }
            return try ServiceRoutes.json(receipt, status: receipt.created ? .created : .ok)
        }
        routes.on(.get, "/gallery/identities/{name}") { _, context in
            let name = try Self.name(context)
            guard let identity = try await Self.mapping({ try await gallery.identity(named: name) }) else {
                throw Self.apiError(.unknownIdentity(name))
            }
            return try ServiceRoutes.json(identity)
        }
        routes.on(.delete, "/gallery/identities/{name}") { _, context in
            let name = try Self.name(context)
            return try ServiceRoutes.json(try await Self.mapping { try await gallery.remove(name) })
        }
        routes.on(.post, "/gallery/verify") { request, _ in
            let body = try await reader.decode(GalleryVerifyRequest.self, from: request)
            try Self.check(model: body.model, served: served)
            let threshold = try Self.threshold(body.threshold, body.falseAcceptRate)
            let probe = try await Self.probe(body.input, inputs)
            let verification = try await Self.mapping {
                try await gallery.verify(.embedding(probe), against: body.name, aggregation: body.aggregation ?? .best, threshold: threshold)
            }
            try Self.checkFinite([verification.score] + verification.referenceScores)
            return try ServiceRoutes.json(verification)
        }
        routes.on(.post, "/gallery/identify") { request, _ in
            let body = try await reader.decode(GalleryIdentifyRequest.self, from: request)
            try Self.check(model: body.model, served: served)
            let k = try Self.checkK(body.k, default: 5)
            let threshold = try Self.threshold(body.threshold, body.falseAcceptRate)
            let probe = try await Self.probe(body.input, inputs)
            let identification = try await Self.mapping { try await gallery.identify(.embedding(probe), k: k, threshold: threshold) }
            try Self.checkFinite(identification.candidates.map(\.score))
            return try ServiceRoutes.json(identification)
        }
        routes.on(.post, "/gallery/search") { request, _ in
            let body = try await reader.decode(GallerySearchRequest.self, from: request)
            try Self.check(model: body.model, served: served)
            let k = try Self.checkK(body.k, default: 10)
            let probe = try await Self.probe(body.input, inputs)
            let hits = try await Self.mapping { try await gallery.search(.embedding(probe), k: k) }
            try Self.checkFinite(hits.map(\.score))
            return try ServiceRoutes.json(GallerySearchResponse(hits: hits))
        }
    }

    // MARK: Checks

    /// The identity name in the path, percent-decoded.
    static func name(_ context: ServiceRoutes.Context) throws -> String {
        guard let raw = context.parameters.get("name"), let name = raw.removingPercentEncoding else {
            throw APIError.invalidRequest("the identity name in the path is not valid percent-encoded UTF-8")
        }
        return name
    }

    /// The embedding of a query's `input` (field `input`), its norm checked.
    static func probe(_ input: APIInput, _ inputs: InputResolver) async throws -> [Float] {
        let row = try await inputs.embeddings(of: [input], fields: ["input"])[0]
        try checkNorms([row], fields: ["input"])
        return row
    }

    /// Refuses embeddings whose L2 norm is above ``maxNorm``.
    static func checkNorms(_ rows: [[Float]], fields: [String]) throws {
        for (row, field) in zip(rows, fields) {
            let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm <= maxNorm else {
                throw APIError.invalidEmbedding("\(field) has an L2 norm of \(norm); a gallery takes embeddings with norms up to 1e18 (larger ones overflow its 32-bit distances)")
            }
        }
    }

    /// Refuses an answer with a score that is not finite (it cannot be written in JSON, nor compared).
    static func checkFinite(_ scores: [Double]) throws {
        guard let bad = scores.first(where: { !$0.isFinite }) else { return }
        throw APIError.invalidEmbedding("a score came out as \(bad): the embeddings involved are too large for 32-bit distances")
    }

    /// Refuses a request whose embeddings a different model made.
    static func check(model: String?, served: String) throws {
        guard let model, model != served else { return }
        throw APIError.modelMismatch("the request's embeddings are from model \(model); this service and its gallery use model \(served)")
    }

    static func checkK(_ k: Int?, default value: Int) throws -> Int {
        let k = k ?? value
        guard (1...maxK).contains(k) else { throw APIError.invalidRequest("k must be in 1…\(maxK), got \(k)") }
        return k
    }

    /// The requested threshold: explicit, for a false-accept rate, or calibrated; not both.
    static func threshold(_ value: Double?, _ rate: Double?) throws -> GalleryThreshold {
        switch (value, rate) {
        case (_?, _?): throw APIError.invalidRequest("give threshold or falseAcceptRate, not both")
        case let (value?, nil): return .value(value)
        case let (nil, rate?): return .falseAcceptRate(rate)
        case (nil, nil): return .calibrated
        }
    }

    // MARK: Errors

    /// `body` with its ``GalleryError``s turned into answers.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as GalleryError { throw apiError(error) }
    }

    /// The answer for a gallery error.
    static func apiError(_ error: GalleryError) -> APIError {
        let message = error.description
        switch error {
        case .unknownIdentity: return .unknownIdentity(message)
        case .invalidName, .invalidArgument: return .invalidRequest(message)
        case .dimensionMismatch, .nonFiniteEmbedding: return .invalidEmbedding(message)
        case .modelMismatch, .modelWithoutContentHash: return .modelMismatch(message)
        case .unsupportedModel: return .modelError(message)
        case .emptyGallery: return .emptyGallery(message)
        case .noCalibratedThreshold, .noOperatingPoint: return .noThreshold(message)
        case .unreadableImage: return .invalidImage(message)
        case .corruptStore, .notAGallery, .storage: return .storageUnavailable(message)
        }
    }
}
