import Foundation
import SiameseCore
import SiameseNN
import SiameseText
import Testing

@Suite struct RecurrentTextEncoderTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<30).map { "w\($0)" }

    static func encoder(pooling: String = "mean", bidirectional: Bool = true) throws -> RecurrentTextEncoder {
        var c = RecurrentTextConfiguration(vocabularySize: vocabulary.count)
        c.embeddingSize = 6; c.hiddenSize = 5; c.layerCount = 2; c.bidirectional = bidirectional; c.pooling = pooling; c.maxLength = 8
        return try GlobalGenerator.withSeed(3) { try RecurrentTextEncoder(tokenizer: WordPieceTokenizer(vocabulary: vocabulary), configuration: c) }
    }

    /// Batched inference equals the differentiable path, one text alone equals the same text in any batch, and
    /// embeddings are unit vectors of 2·hidden.
    @Test(arguments: ["mean", "max"]) func batchIndependentAndEqualToTheDifferentiablePath(pooling: String) throws {
        let model = try Self.encoder(pooling: pooling)
        let texts = ["w1 w2 w3", "w4", "", "w5 w6 w7 w8 w9 w10 w11 w12 w13", "w1 x w2"]
        #expect(model.dimension == 10)
        let batched = try model.embed(texts, batchSize: 3).scalars
        let slow = try model.embedDifferentiable(texts).scalars
        #expect(zip(batched, slow).map { abs($0 - $1) }.max()! <= 1e-5)
        for (i, text) in texts.enumerated() {
            let alone = try model.embed([text], batchSize: 1).scalars
            #expect(zip(alone, batched[(i * 10)..<((i + 1) * 10)]).map { abs($0 - $1) }.max()! <= 1e-5, "\(text)")
            #expect(abs(alone.reduce(0) { $0 + $1 * $1 } - 1) <= 1e-4)
        }
        #expect(model.encode(["w1 w2 w3 w4 w5 w6 w7 w8 w9"])[0].truncatedPieces == 3)
    }

    /// Dropout acts in training mode only, on the differentiable path.
    @Test func dropoutOnlyWhileTraining() throws {
        let model = try Self.encoder()
        let texts = ["w1 w2 w3 w4 w5", "w6 w7"]
        let a = try model.embedDifferentiable(texts).scalars
        #expect(try model.embedDifferentiable(texts).scalars == a)
        model.network.train()
        let b = try model.embedDifferentiable(texts).scalars
        model.network.eval()
        #expect(b != a)
    }

    /// The folder round-trips (weights, sizes, tokenizer) and loads through ``TextModelFolder``.
    @Test func saveAndLoadBack() throws {
        let model = try Self.encoder(pooling: "max", bidirectional: false)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.save(to: dir)
        for file in ["modules.json", "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
        #expect(TextModelFolder.isTextModel(dir))
        let loaded = try TextModelFolder.load(dir)
        let again = try #require(loaded as? RecurrentTextEncoder)
        #expect(again.configuration == model.configuration && again.tokenizer.tokens == Self.vocabulary)
        let texts = ["w1 w2", "w3 w4 w5 w29", ""]
        #expect(try again.embed(texts).scalars == model.embed(texts).scalars)
        try again.save(to: dir)   // over a model folder: allowed
    }

    @Test func badFoldersNameTheFileAndField() throws {
        let model = try Self.encoder()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.save(to: dir)
        let config = dir.appendingPathComponent("config.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        json["pooling"] = "cls"
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        #expect(throws: TextError.malformedFile(path: config.path, reason: "pooling = cls is not mean or max")) { try RecurrentTextEncoder(folder: dir) }
        json["pooling"] = "mean"
        json.removeValue(forKey: "hidden_size")
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        #expect(throws: TextError.malformedFile(path: config.path, reason: "hidden_size is missing")) { try RecurrentTextEncoder(folder: dir) }
        json["hidden_size"] = 7   // the weights are of hidden 5
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        #expect(throws: (any Error).self) { try RecurrentTextEncoder(folder: dir) }
        try FileManager.default.removeItem(at: config)
        #expect(throws: TextError.missingFile(path: config.path)) { try RecurrentTextEncoder(folder: dir) }
    }
}
