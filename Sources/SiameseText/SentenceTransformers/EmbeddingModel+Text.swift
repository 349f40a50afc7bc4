import Foundation
import SiameseCore
import SiameseModels

extension EmbeddingModel {
    /// An ``EmbeddingModel`` over a sentence-transformers text folder: stages ``TextTransformerStage``,
    /// ``TextPoolingStage`` and (when the folder lists `Normalize`) ``NormalizeStage``; similarity is cosine.
    ///
    /// - Throws: what ``SentenceTransformer/init(folder:)`` throws.
    public static func loadText(from folder: URL) throws -> EmbeddingModel {
        try EmbeddingModel(text: SentenceTransformer(folder: folder))
    }

    /// Wraps a loaded ``SentenceTransformer``.
    public convenience init(text model: SentenceTransformer) throws {
        var stages: [any ModelStage] = [TextTransformerStage(model), TextPoolingStage(model.pooling, dimension: model.dimension)]
        if model.normalizes { stages.append(NormalizeStage()) }
        self.init(stages: stages, similarity: try SimilarityConfiguration(distance: "cosine"))
    }

    /// The text model inside, when this is a text model.
    public var textModel: SentenceTransformer? { (stages.first { $0 is TextTransformerStage } as? TextTransformerStage)?.model }

    /// Sentence embeddings `[texts.count, d]`, computed in length-sorted batches of `batchSize` on the packed fast
    /// path (equal to running the stages, see ``forward(_:)``).
    ///
    /// - Throws: ``TextError/invalidArgument(_:)`` when this is not a text model or `texts` is empty.
    public func embed(texts: [String], batchSize: Int = 32) throws -> Tensor {
        guard let model = textModel else { throw TextError.invalidArgument("this model has no text stage") }
        guard !texts.isEmpty else { throw TextError.invalidArgument("no texts to embed") }
        return try model.embed(texts, batchSize: batchSize)
    }

    /// Compares two texts: cosine similarity and, given a threshold (by default the calibrated one), same or not.
    public func compare(text a: String, _ b: String, threshold: Double? = nil) throws -> Comparison {
        let e = try embed(texts: [a, b])
        let s = try scores(e.narrowed(axis: 0, start: 0, length: 1), e.narrowed(axis: 0, start: 1, length: 1))[0]
        let cut = threshold ?? similarity.threshold?.value
        let closer = similarity.greaterIsCloser
        return Comparison(distance: s, greaterIsCloser: closer, similarity: closer ? s : 1 / (1 + s), threshold: cut,
                          same: cut.map { closer ? s >= $0 : s <= $0 })
    }

    /// Writes a text model in the sentence-transformers layout (``SentenceTransformer/save(to:)``), which Python's
    /// `SentenceTransformer(folder)` and ``loadText(from:)`` read.
    public func saveText(to folder: URL) throws {
        guard let model = textModel else { throw TextError.invalidArgument("this model has no text stage") }
        try model.save(to: folder)
    }
}
