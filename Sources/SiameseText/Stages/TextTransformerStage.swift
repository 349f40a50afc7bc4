import Foundation
import SiameseCore
import SiameseModels
import SiameseNN

/// The first stage of a text ``EmbeddingModel``: tokenizes `features.texts` and runs the BERT encoder, producing
/// `token_embeddings` `[n, length, hidden]` (zero at padding) and `attention_mask` `[n, length]`, as
/// sentence-transformers' `Transformer` module does. Without a gradient graph (``EmbeddingModel/forward(_:)``) it
/// uses the packed ``BertInference`` path; while recording gradients, the differentiable ``BertModel`` path.
public final class TextTransformerStage: ModelStage {
    public static let typeName = "sentence_transformers.models.Transformer"
    public static let tokenEmbeddings = "token_embeddings"
    public static let attentionMask = "attention_mask"
    public var folderName: String { "" }
    public var module: Module? { model.bert }
    /// The tokenizer, encoder and its inference snapshot.
    public let model: SentenceTransformer
    /// Truncation of the texts of the last forward pass (word pieces dropped per text).
    public private(set) var lastTruncation: [Int] = []

    public init(_ model: SentenceTransformer) { self.model = model }

    public func configurationJSON() throws -> Data? {
        try JSONSerialization.data(withJSONObject: model.bert.configuration.jsonObject(), options: [.sortedKeys])
    }

    public func forward(_ features: inout ModelFeatures) throws {
        guard !features.texts.isEmpty else { throw TextError.invalidArgument("the text model was given no texts") }
        let encodings = model.encode(features.texts)
        lastTruncation = encodings.map(\.truncatedPieces)
        let batch = EncodedBatch(encodings, paddingID: model.tokenizer.paddingID)
        let (n, l, h) = (batch.count, batch.length, model.dimension)
        let tokens: Tensor
        if GradMode.isEnabled {
            tokens = model.bert(IntTensor(batch.inputIDs, shape: [n, l]), mask: batch.attentionMask)
                * Tensor(batch.attentionMask.map(Float.init), shape: [n, l, 1])
        } else {
            let (packed, offsets) = model.inference.tokenEmbeddings(encodings.map(\.ids))
            var padded = [Float](repeating: 0, count: n * l * h)
            for (s, e) in encodings.enumerated() {
                for j in 0..<e.count { for k in 0..<h { padded[(s * l + j) * h + k] = packed[(offsets[s] + j) * h + k] } }
            }
            tokens = Tensor(padded, shape: [n, l, h])
        }
        features.tensors[Self.tokenEmbeddings] = tokens
        features.tensors[Self.attentionMask] = Tensor(batch.attentionMask.map(Float.init), shape: [n, l])
    }
}

/// sentence-transformers' `Pooling` module as a model stage: `token_embeddings` and `attention_mask` →
/// `sentence_embedding` by ``Pooling`` (mean over real tokens, `[CLS]`, or masked maximum). Differentiable.
public final class TextPoolingStage: ModelStage {
    public static let typeName = "sentence_transformers.models.Pooling"
    public var folderName: String { "Pooling" }
    public var module: Module? { nil }
    public let pooling: Pooling
    public let dimension: Int

    public init(_ pooling: Pooling, dimension: Int) { self.pooling = pooling; self.dimension = dimension }

    public func configurationJSON() throws -> Data? {
        try JSONSerialization.data(withJSONObject: pooling.jsonObject(dimension: dimension), options: [.sortedKeys])
    }

    public func forward(_ features: inout ModelFeatures) throws {
        let tokens = try features.require(TextTransformerStage.tokenEmbeddings, by: "pooling")
        let mask = try features.require(TextTransformerStage.attentionMask, by: "pooling")
        features.tensors[ModelFeatures.embedding] = pooling.pool(tokens: tokens, mask: mask)
    }
}
