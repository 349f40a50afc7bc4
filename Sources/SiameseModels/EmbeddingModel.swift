import Foundation
import SiameseCore
import SiameseData
import SiameseNN

/// A trained embedding model: stages (input preprocessing, encoder, normalisation, …) run in order, plus how to
/// compare embeddings and the thresholds calibrated for it. It is saved as a model folder that any program loads:
///
/// ```swift
/// import SiameseModels
///
/// let model = try EmbeddingModel.load(from: URL(fileURLWithPath: "runs/demo/model"))
/// let verdict = try model.compare(URL(fileURLWithPath: "a.png"), URL(fileURLWithPath: "b.png"))
/// print(verdict.distance, verdict.same ?? false)
/// ```
/// See ``save(to:)`` for the folder layout (sentence-transformers' layout, with SiameseKit's stages).
public final class EmbeddingModel {
    /// The stages, in order.
    public let stages: [any ModelStage]
    /// Distance, direction and calibrated thresholds (`similarity.json`).
    public var similarity: SimilarityConfiguration
    /// Format version, content hash and recipe (`model.json`); the hash is filled in by ``save(to:)`` and ``load(from:)``.
    public var info: ModelInfo

    /// A model from its stages.
    public init(stages: [any ModelStage], similarity: SimilarityConfiguration, info: ModelInfo = ModelInfo()) {
        self.stages = stages
        self.similarity = similarity
        self.info = info
    }

    /// An image model: input preprocessing, the encoder and (optionally) L2 normalisation.
    public convenience init(input: ImageInput.Configuration, encoder: EncoderStage, normalizeEmbeddings: Bool,
                            similarity: SimilarityConfiguration, info: ModelInfo = ModelInfo()) throws {
        guard input.size == encoder.configuration.inputSide, input.channels == encoder.configuration.inputChannels else {
            throw ModelFolderError.invalidPipeline(path: "model", reason: "the input stage makes \(input.channels)×\(input.size)×\(input.size) images but the encoder takes \(encoder.configuration.inputChannels)×\(encoder.configuration.inputSide)×\(encoder.configuration.inputSide)")
        }
        var stages: [any ModelStage] = [try ImageInput(configuration: input), encoder]
        if normalizeEmbeddings { stages.append(NormalizeStage()) }
        self.init(stages: stages, similarity: similarity, info: info)
    }

    /// The image input stage, for image models.
    public var imageInput: ImageInput? { stages.first { $0 is ImageInput } as? ImageInput }
    /// The encoder stage.
    public var encoder: EncoderStage? { stages.first { $0 is EncoderStage } as? EncoderStage }
    /// Whether embeddings are L2-normalised.
    public var normalizesEmbeddings: Bool { stages.contains { $0 is NormalizeStage } }
    /// The learned comparison head (Koch's weighted L1, a relation module), when the model has one.
    public var comparisonHead: ComparisonHeadStage? { stages.first { $0 is ComparisonHeadStage } as? ComparisonHeadStage }
    /// How the model compares two embeddings: its learned head when ``SimilarityConfiguration/usesLearnedHead``
    /// (``LearnedHeadDistance``), else ``SimilarityConfiguration/distance``.
    ///
    /// - Throws: ``ModelFolderError/invalidPipeline(path:reason:)`` for `learned-head` without a head stage.
    public func makeDistance() throws -> any Distance {
        guard similarity.usesLearnedHead else { return try similarity.makeDistance() }
        guard let head = comparisonHead else {
            throw ModelFolderError.invalidPipeline(path: "similarity.json", reason: "distance '\(SimilarityConfiguration.learnedHeadName)' needs a \(ComparisonHeadStage.typeName) module, and the model has none")
        }
        return LearnedHeadDistance(head: head)
    }
    /// Every module with weights, in stage order.
    public var modules: [Module] { stages.compactMap(\.module) }

    /// Runs the stages on raw inputs in evaluation mode without a graph; returns `sentence_embedding`.
    public func forward(_ features: ModelFeatures) throws -> Tensor {
        try evaluating { try run(features, through: stages) }
    }

    /// Embeddings `[n, d]` of decoded images (any size, the model's colour mode), `batchSize` at a time.
    ///
    /// - Throws: ``ModelFolderError/invalidInput(_:)`` for an empty list or wrong channels,
    ///   ``ModelFolderError/nonFiniteEmbedding(index:)`` if an embedding is NaN or infinite.
    public func embed(images: [Image], batchSize: Int = 256) throws -> Tensor {
        try evaluating {
            try batched(images, batchSize) { try run(ModelFeatures(images: $0), through: stages) }
        }
    }

    /// Embeddings of images already prepared by the input stage (inverted and resized, not normalised), as training
    /// caches them.
    public func embed(prepared images: [Image], batchSize: Int = 512) throws -> Tensor {
        guard let input = imageInput else { throw ModelFolderError.invalidInput("the model has no image input stage") }
        let rest = stages.filter { !($0 is ImageInput) }
        return try evaluating {
            try batched(images, batchSize) { try run(ModelFeatures(tensors: [ModelFeatures.pixelValues: input.stack($0)]), through: rest) }
        }
    }

    /// `body` with every module in evaluation mode (restored afterwards) and no graph recorded.
    private func evaluating<T>(_ body: () throws -> T) throws -> T {
        let modules = self.modules
        let wasTraining = modules.map(\.isTraining)
        modules.forEach { $0.eval() }
        defer { for (m, t) in zip(modules, wasTraining) { m.train(t) } }
        return try withNoGrad { try body() }
    }

    private func run(_ features: ModelFeatures, through stages: [any ModelStage]) throws -> Tensor {
        var f = features
        for stage in stages { try stage.forward(&f) }
        return try f.require(ModelFeatures.embedding, by: "the model's output")
    }

    /// The embeddings of `items`, `batchSize` at a time, concatenated and checked for NaN.
    private func batched(_ items: [Image], _ batchSize: Int, _ embed: ([Image]) throws -> Tensor) throws -> Tensor {
        guard !items.isEmpty else { throw ModelFolderError.invalidInput("no images to embed") }
        let parts = try stride(from: 0, to: items.count, by: batchSize).map {
            try embed(Array(items[$0..<Swift.min(items.count, $0 + batchSize)]))
        }
        return try checked(parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0))
    }

    private func checked(_ embeddings: Tensor) throws -> Tensor {
        let d = Swift.max(embeddings.shape.last ?? 1, 1)
        if let bad = embeddings.scalars.firstIndex(where: { !$0.isFinite }) {
            throw ModelFolderError.nonFiniteEmbedding(index: bad / d)
        }
        return embeddings
    }

    /// Scores (distances, or similarities when ``SimilarityConfiguration/greaterIsCloser``) of aligned rows, by the
    /// model's learned head when it has one (``makeDistance()``).
    public func scores(_ a: Tensor, _ b: Tensor) throws -> [Double] {
        guard a.rank == 2, a.shape == b.shape else {
            throw ModelFolderError.invalidInput("embeddings to compare must have equal [n, d] shapes, got \(a.shape) and \(b.shape)")
        }
        let distance = try makeDistance()
        if let head = (distance as? LearnedHeadDistance)?.head, a.shape[1] != head.configuration.inputDimension {
            throw ModelFolderError.invalidInput("the \(head.configuration.kind.rawValue) head compares [n, \(head.configuration.inputDimension)] embeddings, got \(a.shape)")
        }
        return distance.pairwise(a, b).scalars.map(Double.init)
    }

    /// The outcome of comparing two inputs.
    public struct Comparison: Codable, Sendable, Equatable {
        /// The model's score: a distance, or a similarity when ``greaterIsCloser``.
        public let distance: Double
        public let greaterIsCloser: Bool
        /// `1 / (1 + distance)` for distances, the score itself for similarities.
        public let similarity: Double
        /// The threshold used, and the decision; `nil` when the model has no calibrated threshold and none was given.
        public let threshold: Double?
        public let same: Bool?

        public init(distance: Double, greaterIsCloser: Bool, similarity: Double, threshold: Double?, same: Bool?) {
            self.distance = distance; self.greaterIsCloser = greaterIsCloser; self.similarity = similarity
            self.threshold = threshold; self.same = same
        }
    }

    /// Compares two images: score, similarity and (given a threshold, by default the calibrated one) same or different.
    public func compare(_ a: Image, _ b: Image, threshold: Double? = nil) throws -> Comparison {
        let e = try embed(images: [a, b])
        let s = try scores(e.narrowed(axis: 0, start: 0, length: 1), e.narrowed(axis: 0, start: 1, length: 1))[0]
        guard s.isFinite else { throw ModelFolderError.nonFiniteEmbedding(index: 0) }
        let cut = threshold ?? similarity.threshold?.value
        let closer = similarity.greaterIsCloser
        return Comparison(distance: s, greaterIsCloser: closer, similarity: closer ? s : 1 / (1 + s), threshold: cut,
                          same: cut.map { closer ? s >= $0 : s <= $0 })
    }

    /// Compares two image files (PNG, JPEG, PGM/PPM); decoding errors are ``DataError``s naming the file.
    public func compare(_ a: URL, _ b: URL, threshold: Double? = nil) throws -> Comparison {
        let mode = imageInput?.colorMode ?? .grey
        return try compare(try ImageDecoder.decode(contentsOf: a, mode: mode), try ImageDecoder.decode(contentsOf: b, mode: mode),
                           threshold: threshold)
    }
}
