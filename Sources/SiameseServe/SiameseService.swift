import Foundation
import Hummingbird
import Logging
import SiameseData
import SiameseModels

/// `siamese serve`: a JSON API over one model folder.
///
/// | Route | Answer |
/// |---|---|
/// | `GET /health` | the model's name, dimension, content hash, distance and threshold |
/// | `GET /metrics` | Prometheus text: requests by route and status, latency, encoder batch sizes, inputs embedded |
/// | `GET /openapi.json` | the OpenAPI 3 document describing every route |
/// | `POST /embed` | embeddings of base64 images (or given embeddings, checked) |
/// | `POST /compare` | score of two inputs and the decision at the calibrated, a given, or a false-accept-rate threshold |
/// | `/gallery/...` | with ``GalleryRoutes``: enroll, list, remove, verify, identify, search |
///
/// Every refusal is a typed 4xx with `{"error": {"status", "code", "message"}}` (``APIError``); the images of
/// concurrent requests share encoder passes (``EmbeddingBatcher``). Further routes plug in through
/// ``ServiceRouteExtension``. ``run(extensions:logger:)`` stops gracefully on SIGTERM and SIGINT.
public struct SiameseService: Sendable {
    public let configuration: ServeConfiguration
    public let runner: ModelRunner
    public let batcher: EmbeddingBatcher<Image>
    public let metrics: ServeMetrics
    public let routeTable: RouteTable
    public let reader: RequestReader
    public let inputs: InputResolver

    /// A service over `model` (which it takes over); `name` is reported by `/health`.
    ///
    /// - Throws: ``APIError`` for unusable settings (``ServeConfiguration/problems``), ``ModelFolderError`` for a
    ///   model that cannot embed images.
    public init(model: EmbeddingModel, name: String, configuration: ServeConfiguration = ServeConfiguration()) throws {
        if let problem = configuration.problems.first { throw APIError.invalidRequest("serve settings: \(problem)") }
        self.configuration = configuration
        let runner = try ModelRunner(model: model, name: name)
        self.runner = runner
        metrics = ServeMetrics()
        batcher = EmbeddingBatcher(window: .milliseconds(configuration.batchWindowMilliseconds), maxBatch: configuration.maxBatch,
                                   metrics: metrics) { images in try await runner.embed(images) }
        routeTable = RouteTable()
        reader = RequestReader(maxBodyBytes: configuration.maxBodyBytes)
        inputs = InputResolver(configuration: configuration, model: runner.summary, batcher: batcher, metrics: metrics)
    }

    /// The model folder at `folder`, served under its folder name.
    public init(modelFolder folder: URL, configuration: ServeConfiguration = ServeConfiguration()) throws {
        try self.init(model: try EmbeddingModel.load(from: folder), name: folder.standardizedFileURL.lastPathComponent,
                      configuration: configuration)
    }

    /// The router: metrics and error middleware around the service's routes and those of `extensions`.
    public func makeRouter(extensions: [any ServiceRouteExtension] = []) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics, routes: routeTable))
        router.add(middleware: ErrorMiddleware(routes: routeTable, maxBodyBytes: configuration.maxBodyBytes))
        let routes = ServiceRoutes(router: router, table: routeTable)
        addCoreRoutes(to: routes)
        for routeExtension in extensions { routeExtension.addRoutes(to: routes, service: self) }
        addDocumentRoute(to: routes)
        return router
    }

    /// The application, bound to ``ServeConfiguration/host`` and ``ServeConfiguration/port``.
    public func makeApplication(extensions: [any ServiceRouteExtension] = [], logger: Logger = Logger(label: "siamese.serve"),
                                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: makeRouter(extensions: extensions),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SiameseKit"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and finishes the requests in flight
    /// (swift-service-lifecycle's graceful shutdown).
    public func run(extensions: [any ServiceRouteExtension] = [], logger: Logger = Logger(label: "siamese.serve"),
                    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(extensions: extensions, logger: logger, onServerRunning: onServerRunning)
            .runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// `GET /openapi.json`: the committed document for this model's dimension, describing only the routes this
    /// service answers (no `/gallery/...` operations without a gallery).
    private func addDocumentRoute(to routes: ServiceRoutes) {
        routes.table.record(method: "GET", path: "/openapi.json")
        let document = (try? OpenAPIDocument.data(dimension: runner.summary.dimension, keeping: Set(routes.table.routes))) ?? Data()
        routes.on(.get, "/openapi.json") { _, _ in
            guard !document.isEmpty else { throw APIError.internalError("openapi.json is missing from the SiameseServe resources") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    private func addCoreRoutes(to routes: ServiceRoutes) {
        let summary = runner.summary
        routes.on(.get, "/health") { _, _ in
            try ServiceRoutes.json(HealthResponse(status: "ok", model: summary.name, dimension: summary.dimension,
                                                  contentHash: summary.contentHash, distance: summary.similarity.distance.name,
                                                  greaterIsCloser: summary.similarity.greaterIsCloser,
                                                  threshold: summary.similarity.threshold?.value))
        }
        routes.on(.get, "/metrics") { [metrics] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        routes.on(.post, "/embed") { [reader, inputs] request, _ in
            let body = try await reader.decode(EmbedRequest.self, from: request)
            guard !body.inputs.isEmpty else { throw APIError.invalidRequest("inputs is empty; give at least one input") }
            let rows = try await inputs.embeddings(of: body.inputs, fields: body.inputs.indices.map { "inputs[\($0)]" })
            return try ServiceRoutes.json(EmbedResponse(model: summary.contentHash, dimension: summary.dimension, embeddings: rows))
        }
        routes.on(.post, "/compare") { [reader, inputs, runner] request, _ in
            let body = try await reader.decode(CompareRequest.self, from: request)
            let (threshold, source, rate) = try Self.threshold(for: body, similarity: summary.similarity)
            let rows = try await inputs.embeddings(of: [body.a, body.b], fields: ["a", "b"])
            let comparison: EmbeddingModel.Comparison
            do {
                comparison = try await runner.compare(rows[0], rows[1], threshold: threshold)
            } catch let error as ModelFolderError {
                throw APIError.modelError("\(error)")
            }
            return try ServiceRoutes.json(CompareResponse(
                score: comparison.distance, scoreKind: comparison.greaterIsCloser ? "similarity" : "distance",
                distance: summary.similarity.distance.name, greaterIsCloser: comparison.greaterIsCloser,
                similarity: comparison.similarity, threshold: comparison.threshold,
                thresholdSource: comparison.threshold == nil ? nil : source, falseAcceptRate: rate, same: comparison.same))
        }
    }

    /// The threshold a compare request asks for: given, from a false-accept rate's calibrated operating point, or the
    /// calibrated default; with its source and calibrated false-accept rate.
    static func threshold(for body: CompareRequest, similarity: SimilarityConfiguration) throws -> (Double?, String, Double?) {
        switch (body.threshold, body.falseAcceptRate) {
        case (_?, _?):
            throw APIError.invalidRequest("give threshold or falseAcceptRate, not both")
        case let (value?, nil):
            guard value.isFinite else { throw APIError.invalidRequest("threshold must be a finite number") }
            return (value, "requested", nil)
        case let (nil, rate?):
            guard rate.isFinite, (0...1).contains(rate) else {
                throw APIError.invalidRequest("falseAcceptRate \(rate) must be between 0 and 1")
            }
            guard let point = similarity.threshold(forFalseAcceptRate: rate) else {
                let known = (similarity.operatingPoints + [similarity.threshold].compactMap { $0 }).map { "\($0.falseAcceptRate)" }
                throw APIError.noThreshold("the model has no threshold calibrated at a false-accept rate ≤ \(rate)"
                    + (known.isEmpty ? " (it is not calibrated)" : " (calibrated rates: \(known.joined(separator: ", ")))"))
            }
            return (point.value, "false-accept-rate", point.falseAcceptRate)
        case (nil, nil):
            return (similarity.threshold?.value, "calibrated", similarity.threshold?.falseAcceptRate)
        }
    }
}
