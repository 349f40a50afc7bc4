import Prometheus

/// The service's Prometheus metrics, in their own registry (no process-wide metrics bootstrap, so several services
/// can live in one process, as in tests), served as text at `GET /metrics`:
///
/// - `siamese_http_requests_total{route, method, status}`: requests answered;
/// - `siamese_http_request_duration_seconds{route}`: latency histogram;
/// - `siamese_encoder_batch_size`: images per encoder pass (micro-batching), a histogram;
/// - `siamese_encoder_passes_total`: encoder passes;
/// - `siamese_inputs_embedded_total{kind}`: inputs embedded (`image`) or taken as given (`embedding`).
public final class ServeMetrics: Sendable {
    /// The registry every metric lives in.
    public let registry: PrometheusCollectorRegistry
    private let batchSizes: ValueHistogram
    private let passes: Counter
    private let imagesEmbedded: Counter
    private let embeddingsTaken: Counter

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        batchSizes = registry.makeValueHistogram(
            descriptor: .init(namespace: "siamese", metricName: "encoder_batch", unitName: "size", helpText: "Images per encoder pass."),
            labels: [], buckets: Self.batchBuckets)
        passes = registry.makeCounter(
            descriptor: .init(namespace: "siamese", metricName: "encoder_passes", unitName: "total", helpText: "Encoder passes run."),
            labels: [])
        let embedded = MetricNameDescriptor(namespace: "siamese", metricName: "inputs_embedded", unitName: "total",
                                            helpText: "Inputs embedded (image) or taken as given (embedding).")
        imagesEmbedded = registry.makeCounter(descriptor: embedded, labels: [("kind", "image")])
        embeddingsTaken = registry.makeCounter(descriptor: embedded, labels: [("kind", "embedding")])
    }

    /// Counts one answered request and its latency.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(namespace: "siamese", subsystem: "http", metricName: "requests", unitName: "total",
                              helpText: "HTTP requests answered, by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "siamese", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                              helpText: "HTTP request latency, by route."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Records one encoder pass over `size` images.
    public func recordEncoderPass(size: Int) {
        batchSizes.record(Double(size))
        passes.increment()
        imagesEmbedded.increment(by: Int64(size))
    }

    /// Counts raw embeddings taken as given.
    public func recordEmbeddingsTaken(_ count: Int) {
        if count > 0 { embeddingsTaken.increment(by: Int64(count)) }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
