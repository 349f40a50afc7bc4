import SiameseCore
import SiameseData

extension EmbeddingModel {
    /// The embedding size `d`, found by embedding one blank input of the model's input size (the encoder's
    /// configuration alone does not give it for every family: conv4's follows from its width and input side).
    ///
    /// - Throws: ``ModelFolderError/invalidInput(_:)`` for a model without an image input stage.
    public func embeddingDimension() throws -> Int {
        guard let input = imageInput else { throw ModelFolderError.invalidInput("the model has no image input stage") }
        let side = input.configuration.size, channels = input.configuration.channels
        let blank = Image(width: side, height: side, channels: channels, pixels: [Float](repeating: 0, count: side * side * channels))
        return try embed(images: [blank]).shape.last ?? 0
    }

    /// Compares two embeddings made by this model (for example stored ones): the score of
    /// ``SimilarityConfiguration/distance``, the similarity (`1 / (1 + distance)` for distances, the score itself for
    /// similarities) and, given a threshold (by default the calibrated one), same or different — the decision
    /// `compare(_:_:threshold:)` makes for images.
    ///
    /// - Throws: ``ModelFolderError/invalidInput(_:)`` for empty or unequal lengths,
    ///   ``ModelFolderError/nonFiniteEmbedding(index:)`` for NaN or infinite values or scores.
    public func compare(embedding a: [Float], _ b: [Float], threshold: Double? = nil) throws -> Comparison {
        guard !a.isEmpty, a.count == b.count else {
            throw ModelFolderError.invalidInput("embeddings to compare must have equal, non-zero lengths, got \(a.count) and \(b.count)")
        }
        for (index, row) in [a, b].enumerated() where row.contains(where: { !$0.isFinite }) {
            throw ModelFolderError.nonFiniteEmbedding(index: index)
        }
        let s = try scores(Tensor(a, shape: [1, a.count]), Tensor(b, shape: [1, b.count]))[0]
        guard s.isFinite else { throw ModelFolderError.nonFiniteEmbedding(index: 0) }
        let cut = threshold ?? similarity.threshold?.value
        let closer = similarity.greaterIsCloser
        return Comparison(distance: s, greaterIsCloser: closer, similarity: closer ? s : 1 / (1 + s), threshold: cut,
                          same: cut.map { closer ? s >= $0 : s <= $0 })
    }
}
