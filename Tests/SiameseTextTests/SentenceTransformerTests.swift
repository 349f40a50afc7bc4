import Foundation
import SiameseCore
import SiameseText
import Testing

@Suite(.serialized) struct SentenceTransformerTests {
    /// Loaded once for the suite.
    static let loaded = Result { try SentenceTransformer(folder: MiniLMFolder.url) }
    static func model() throws -> SentenceTransformer { try loaded.get() }

    static func cosineAndMaxDiff(_ a: ArraySlice<Float>, _ b: [Double]) -> (Double, Double) {
        var dot = 0.0, na = 0.0, nb = 0.0, diff = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * y; na += Double(x) * Double(x); nb += y * y; diff = max(diff, abs(Double(x) - y))
        }
        return (dot / (na * nb).squareRoot(), diff)
    }

    @Test(.needsMiniLM) func embeddingsMatchSentenceTransformers() throws {
        let reference = try MiniLMReference.load()
        let model = try Self.model()
        #expect(model.maxLength == 256 && model.pooling == .mean && model.normalizes && model.dimension == 384)
        let rows = try model.embedRows(model.encode(reference.sentences), batchSize: 32)
        var worstCosine = 1.0, worstDiff = 0.0
        for (i, expected) in reference.embeddings_normalized.enumerated() {
            let (cosine, diff) = Self.cosineAndMaxDiff(rows[(i * 384)..<((i + 1) * 384)], expected)
            #expect(cosine >= 0.9999, "sentence \(i) \(reference.sentences[i].debugDescription): cosine \(cosine)")
            #expect(diff <= 1e-4, "sentence \(i) \(reference.sentences[i].debugDescription): max |diff| \(diff)")
            worstCosine = min(worstCosine, cosine); worstDiff = max(worstDiff, diff)
        }
        print("MiniLM parity over \(reference.sentences.count) sentences: min cosine \(worstCosine), max |diff| \(worstDiff)")
    }

    @Test(.needsMiniLM) func pooledUnnormalizedMatch() throws {
        let reference = try MiniLMReference.load()
        let source = try Self.model()
        let model = SentenceTransformer(tokenizer: source.tokenizer, bert: source.bert, pooling: .mean, normalizes: false)
        let rows = try model.embedRows(model.encode(reference.sentences), batchSize: 7)
        var worst = 0.0
        for (i, expected) in reference.pooled_unnormalized.enumerated() {
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let (_, diff) = Self.cosineAndMaxDiff(rows[(i * 384)..<((i + 1) * 384)], expected)
            #expect(diff <= 1e-4 * norm, "sentence \(i): max |diff| \(diff), norm \(norm)")
            worst = max(worst, diff / norm)
        }
        print("MiniLM unnormalised pooled: max |diff| / norm \(worst)")
    }

    @Test(.needsMiniLM) func sameEmbeddingAloneOrInAnyBatch() throws {
        let reference = try MiniLMReference.load()
        let model = try Self.model()
        let encodings = model.encode(reference.sentences)
        let batched = try model.embedRows(encodings, batchSize: 64)
        var worst: Float = 0
        for batchSize in [1, 5, 32] {
            let rows = try model.embedRows(encodings, batchSize: batchSize)
            for (x, y) in zip(rows, batched) { worst = max(worst, abs(x - y)) }
        }
        // Reversed order, other neighbours.
        let reversed = try model.embedRows(encodings.reversed(), batchSize: 13)
        let n = encodings.count
        for i in 0..<n { for k in 0..<384 { worst = max(worst, abs(reversed[(n - 1 - i) * 384 + k] - batched[i * 384 + k])) } }
        #expect(worst <= 1e-5)
        print("MiniLM batch independence: max |diff| \(worst)")
    }

    @Test(.needsMiniLM) func truncationAndEmptyText() throws {
        let reference = try MiniLMReference.load()
        let model = try Self.model()
        let encodings = model.encode(reference.sentences)
        let long = try #require(encodings.firstIndex { $0.count == 256 })
        #expect(encodings[long].isTruncated)
        #expect(encodings.filter(\.isTruncated).count == 1)
        let empty = try model.embed([""])
        #expect(empty.shape == [1, 384])
        #expect(empty.scalars.allSatisfy { $0.isFinite })
        let s = try model.similarity("A man is playing a guitar.", "A person plays an acoustic guitar on stage.")
        #expect(abs(s - 0.6517468690872192) < 1e-4)
    }
}

@Suite struct BertPathsTests {
    /// The packed BLAS path equals the padded, masked tensor path on a small random BERT.
    @Test func packedInferenceEqualsDifferentiablePath() throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + (0..<40).map { "w\($0)" }
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        let config = BertConfiguration(vocabularySize: vocabulary.count, hiddenSize: 16, layerCount: 2, headCount: 4,
                                       intermediateSize: 32, maxPositions: 32, layerNormEpsilon: 1e-12)
        let bert = BertModel(config)
        bert.eval()
        let texts = ["w1 w2 w3", "w4", "", "w5 w6 w7 w8 w9 w10 w11 w12 w13", "w1 x w2"]
        for pooling in Pooling.allCases {
            let model = SentenceTransformer(tokenizer: tokenizer, bert: bert, pooling: pooling, normalizes: pooling != .max, maxLength: 8)
            let fast = try model.embed(texts, batchSize: 2).scalars
            let slow = try model.embedDifferentiable(texts).scalars
            #expect(fast.count == slow.count)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4, "\(pooling): \(worst)")
        }
    }
}

@Suite struct SentenceTransformerFolderTests {
    @Test func saveWritesTheSentenceTransformersLayoutAndLoadsBack() throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<30).map { "w\($0)" }
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        let config = BertConfiguration(vocabularySize: vocabulary.count, hiddenSize: 8, layerCount: 1, headCount: 2,
                                       intermediateSize: 16, maxPositions: 16)
        let model = SentenceTransformer(tokenizer: tokenizer, bert: BertModel(config), pooling: .cls, normalizes: true, maxLength: 12)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.save(to: dir)
        for file in ["modules.json", "config.json", "model.safetensors", "sentence_bert_config.json", "vocab.txt",
                     "tokenizer_config.json", "special_tokens_map.json", "1_Pooling/config.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
        let loaded = try SentenceTransformer(folder: dir)
        #expect(loaded.pooling == .cls && loaded.normalizes && loaded.maxLength == 12 && loaded.tokenizer.tokens == vocabulary)
        let texts = ["w1 w2", "w3 w4 w5 w29", ""]
        #expect(try loaded.embed(texts).scalars == model.embed(texts).scalars)
        // Saving again over a model folder works; over another folder it is refused.
        try loaded.save(to: dir)
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("st-other-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: other.appendingPathComponent("notes.txt"))
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(throws: TextError.self) { try model.save(to: other) }
    }

    @Test func badFoldersNameTheFile() throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + (0..<8).map { "w\($0)" }
        let model = SentenceTransformer(tokenizer: try WordPieceTokenizer(vocabulary: vocabulary),
                                        bert: BertModel(BertConfiguration(vocabularySize: 12, hiddenSize: 4, layerCount: 1, headCount: 1,
                                                                          intermediateSize: 4, maxPositions: 8)),
                                        pooling: .mean, normalizes: false, maxLength: 8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.save(to: dir)
        let config = dir.appendingPathComponent("config.json")
        let original = try Data(contentsOf: config)
        try Data(#"{"model_type": "roberta", "hidden_size": 4}"#.utf8).write(to: config)
        #expect(throws: TextError.unsupportedOption(path: config.path, field: "model_type", value: "roberta")) {
            try SentenceTransformer(folder: dir)
        }
        try Data(#"{"hidden_act": "relu", "hidden_size": 4}"#.utf8).write(to: config)
        #expect(throws: TextError.unsupportedOption(path: config.path, field: "hidden_act", value: "relu")) {
            try SentenceTransformer(folder: dir)
        }
        try Data("[".utf8).write(to: config)
        #expect(throws: TextError.malformedFile(path: config.path, reason: "not valid JSON")) { try SentenceTransformer(folder: dir) }
        try original.write(to: config)
        let pooling = dir.appendingPathComponent("1_Pooling/config.json")
        try Data(#"{"pooling_mode_mean_sqrt_len_tokens": true}"#.utf8).write(to: pooling)
        #expect(throws: TextError.unsupportedOption(path: pooling.path, field: "pooling_mode_mean_sqrt_len_tokens", value: "true")) {
            try SentenceTransformer(folder: dir)
        }
        try FileManager.default.removeItem(at: pooling)
        #expect(throws: TextError.missingFile(path: pooling.path)) { try SentenceTransformer(folder: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("modules.json"))
        #expect(throws: TextError.missingFile(path: dir.appendingPathComponent("modules.json").path)) { try SentenceTransformer(folder: dir) }
    }
}
