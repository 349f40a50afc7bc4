import Foundation
import SiameseCore
import SiameseModels
import SiameseText
import Testing

@Suite struct TextEmbeddingModelTests {
    static func smallModel(pooling: Pooling, normalizes: Bool) throws -> SentenceTransformer {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + (0..<20).map { "w\($0)" }
        let config = BertConfiguration(vocabularySize: vocabulary.count, hiddenSize: 12, layerCount: 2, headCount: 3,
                                       intermediateSize: 24, maxPositions: 16)
        return SentenceTransformer(tokenizer: try WordPieceTokenizer(vocabulary: vocabulary), bert: BertModel(config),
                                   pooling: pooling, normalizes: normalizes, maxLength: 10)
    }

    /// The stage pipeline (padded token embeddings, masked pooling, Normalize) equals the packed fast path, with and
    /// without a gradient graph.
    @Test func stagesEqualTheFastPath() throws {
        let texts = ["w1 w2 w3", "", "w4 w5 w6 w7 w8 w9 w10 w11 w12 w13", "w2"]
        for pooling in Pooling.allCases {
            let text = try Self.smallModel(pooling: pooling, normalizes: pooling == .mean)
            text.bert.eval()   // a fresh BertModel is in training mode, where the differentiable path applies dropout
            let model = try EmbeddingModel(text: text)
            let fast = try model.embed(texts: texts).scalars
            let staged = try model.forward(ModelFeatures(texts: texts)).scalars
            #expect(zip(fast, staged).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(pooling)")
            var features = ModelFeatures(texts: texts)
            for stage in model.stages { try stage.forward(&features) }   // gradients on: the differentiable path
            let graph = try #require(features.tensors[ModelFeatures.embedding]).scalars
            #expect(zip(fast, graph).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(pooling) differentiable")
        }
        let truncating = try EmbeddingModel(text: Self.smallModel(pooling: .mean, normalizes: true))
        _ = try truncating.forward(ModelFeatures(texts: ["w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11"]))
        #expect((truncating.stages[0] as? TextTransformerStage)?.lastTruncation == [3])
    }

    @Test func saveTextAndLoadText() throws {
        let model = try EmbeddingModel(text: Self.smallModel(pooling: .max, normalizes: false))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("text-model-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.saveText(to: dir)
        let loaded = try EmbeddingModel.loadText(from: dir)
        #expect(loaded.stages.count == 2 && loaded.similarity.greaterIsCloser)
        #expect(try loaded.embed(texts: ["w1 w5", "w7"]).scalars == model.embed(texts: ["w1 w5", "w7"]).scalars)
        #expect(throws: TextError.self) { try loaded.embed(texts: []) }
    }

    @Test(.needsMiniLM) func miniLMCompare() throws {
        let model = try EmbeddingModel.loadText(from: MiniLMFolder.url)
        let result = try model.compare(text: "A man is playing a guitar.", "A person plays an acoustic guitar on stage.", threshold: 0.5)
        #expect(abs(result.similarity - 0.6517468690872192) < 1e-4)
        #expect(result.same == true && result.greaterIsCloser)
    }
}
