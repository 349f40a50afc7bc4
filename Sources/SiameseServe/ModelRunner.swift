import Dispatch
import SiameseData
import SiameseModels

/// The served model, confined to one serial dispatch queue: every use of the (non-thread-safe) ``EmbeddingModel``
/// happens there, one at a time, and the long encoder passes stay off Swift's cooperative thread pool, which keeps
/// answering other requests (health, metrics, parsing) meanwhile.
public final class ModelRunner: @unchecked Sendable {
    // Safety: `model` is touched only inside `queue.async` blocks (a serial queue) after `init` returns.
    private let model: EmbeddingModel
    private let queue = DispatchQueue(label: "SiameseServe.ModelRunner")

    /// What ``HealthResponse`` and the routes need to know, read once at start.
    public let summary: ModelSummary

    /// Takes ownership of `model`: the caller must not use it afterwards.
    ///
    /// - Throws: ``ModelFolderError`` when the model has no image input or cannot embed a blank image.
    public init(model: EmbeddingModel, name: String) throws {
        self.model = model
        summary = ModelSummary(name: name, dimension: try model.embeddingDimension(), contentHash: model.info.contentHash,
                               colorMode: model.imageInput?.colorMode ?? .grey, similarity: model.similarity)
    }

    /// Embeddings of `images` in one encoder pass (the model splits very large passes itself), one row per image.
    public func embed(_ images: [Image]) async throws -> [[Float]] {
        try await onQueue { model in
            let e = try model.embed(images: images)
            let d = e.shape.last ?? 0
            let scalars = e.scalars
            return (0..<images.count).map { Array(scalars[$0 * d..<($0 + 1) * d]) }
        }
    }

    /// ``EmbeddingModel/compare(embedding:_:threshold:)`` on the model's queue.
    public func compare(_ a: [Float], _ b: [Float], threshold: Double?) async throws -> EmbeddingModel.Comparison {
        try await onQueue { try $0.compare(embedding: a, b, threshold: threshold) }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (EmbeddingModel) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.model) }) }
        }
    }
}

/// The facts about the served model that requests read: name, embedding size, content hash, colour mode and the
/// similarity configuration (distance, direction, calibrated thresholds).
public struct ModelSummary: Sendable, Equatable {
    public let name: String
    public let dimension: Int
    public let contentHash: String
    public let colorMode: ColorMode
    public let similarity: SimilarityConfiguration
}
