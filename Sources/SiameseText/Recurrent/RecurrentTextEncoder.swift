import Foundation
import SiameseCore
import SiameseNN

/// The sizes of a ``RecurrentTextEncoder`` (its `config.json`, snake_case keys).
public struct RecurrentTextConfiguration: Codable, Equatable, Sendable {
    /// Rows of the word-piece embedding table (at least the vocabulary's size).
    public var vocabularySize: Int
    /// Width of a word-piece embedding (default 128).
    public var embeddingSize = 128
    /// LSTM hidden size per direction (default 128).
    public var hiddenSize = 128
    /// Stacked LSTM layers (default 1).
    public var layerCount = 1
    /// Whether the LSTM reads both ways (default true: a BiLSTM, embeddings of `2 · hiddenSize`).
    public var bidirectional = true
    /// `mean` over the tokens' outputs (default) or their element-wise `max`.
    public var pooling = "mean"
    /// Dropout on the word-piece embeddings while training (default 0.1).
    public var dropout: Float = 0.1
    /// Texts are truncated to this many tokens, `[CLS]` and `[SEP]` included (default 64).
    public var maxLength = 64
    /// Whether sentence embeddings are L2-normalised (default true).
    public var normalizes = true

    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabularySize = "vocab_size", embeddingSize = "embedding_dim", hiddenSize = "hidden_size"
        case layerCount = "num_layers", bidirectional, pooling, dropout, maxLength = "max_seq_length", normalizes = "normalize"
    }

    /// Problems that make the sizes unusable, each naming the field.
    public var problems: [String] {
        var out: [String] = []
        for (key, value) in [("vocab_size", vocabularySize), ("embedding_dim", embeddingSize), ("hidden_size", hiddenSize),
                             ("num_layers", layerCount)] where value < 1 || value > 1 << 20 {
            out.append("\(key) = \(value) is not a valid size")
        }
        if !["mean", "max"].contains(pooling) { out.append("pooling = \(pooling) is not mean or max") }
        if !(dropout >= 0 && dropout < 1) { out.append("dropout = \(dropout) is not in [0, 1)") }
        if maxLength < 2 || maxLength > 1 << 16 { out.append("max_seq_length = \(maxLength) is not in [2, 65536]") }
        return out
    }
}

/// The network of a ``RecurrentTextEncoder``: a word-piece embedding table and an LSTM, with PyTorch names
/// (`embeddings.weight`, `lstm.weight_ih_l0`, `lstm.weight_hh_l0_reverse`, …).
public final class RecurrentTextNetwork: Module {
    public let embeddings: Embedding
    public let lstm: LSTM

    public init(_ c: RecurrentTextConfiguration) {
        embeddings = Embedding(c.vocabularySize, c.embeddingSize)
        lstm = LSTM(inputSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.layerCount, bidirectional: c.bidirectional)
        super.init()
    }

    override public func children() -> [(String, Any)] { [("embeddings", embeddings), ("lstm", lstm)] }
}

/// A text twin's encoder trained from scratch: WordPiece ids → embeddings (dropout while training) → a
/// (bidirectional) LSTM over each text's real tokens → mean (or max) over the tokens → L2 normalisation. The
/// classic Siamese LSTM of sentence similarity (Mueller & Thyagarajan, 2016; InferSent's BiLSTM with pooling),
/// written with SiameseNN's ``SiameseNN/LSTM``.
///
/// Its folder (``save(to:)``, ``init(folder:)``, ``TextModelFolder/load(_:)``): `modules.json` (type
/// `SiameseKit.RecurrentTextEncoder`, then `Normalize`), `config.json` (``RecurrentTextConfiguration``),
/// `model.safetensors`, `vocab.txt`, `tokenizer_config.json`, `special_tokens_map.json`.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(folder: URL(fileURLWithPath: "all-MiniLM-L6-v2"))
/// let encoder = RecurrentTextEncoder(tokenizer: tokenizer,
///                                    configuration: RecurrentTextConfiguration(vocabularySize: tokenizer.tokens.count))
/// let rows = try encoder.embedRows(encoder.encode(["A man plays a guitar."]), batchSize: 32)   // 256 floats
/// ```
public final class RecurrentTextEncoder: SentenceEncoder, @unchecked Sendable {
    public static let typeName = "SiameseKit.RecurrentTextEncoder"
    public let tokenizer: WordPieceTokenizer
    public let configuration: RecurrentTextConfiguration
    public let recurrent: RecurrentTextNetwork
    private var dropoutGenerator = SeededGenerator(seed: 0xB1_757A)

    /// A new encoder with freshly initialised weights (PyTorch's: N(0, 1) embeddings, uniform LSTM weights).
    ///
    /// - Throws: ``TextError/invalidArgument(_:)`` for unusable sizes or a vocabulary larger than the table.
    public init(tokenizer: WordPieceTokenizer, configuration: RecurrentTextConfiguration) throws {
        if let problem = configuration.problems.first { throw TextError.invalidArgument("recurrent text encoder: \(problem)") }
        guard tokenizer.tokens.count <= configuration.vocabularySize else {
            throw TextError.invalidArgument("recurrent text encoder: \(tokenizer.tokens.count) tokens but vocab_size \(configuration.vocabularySize)")
        }
        self.tokenizer = tokenizer; self.configuration = configuration
        recurrent = RecurrentTextNetwork(configuration)
        recurrent.eval()
    }

    public var network: Module { recurrent }
    public var dimension: Int { configuration.hiddenSize * (configuration.bidirectional ? 2 : 1) }
    public var maxLength: Int { configuration.maxLength }

    /// Restarts the embedding dropout's mask sequence from `seed`.
    public func seedDropout(_ seed: UInt64) { dropoutGenerator = SeededGenerator(seed: seed) }

    public func encode(_ texts: [String]) -> [Encoding] {
        texts.map { tokenizer.encode($0, maxLength: maxLength) }
    }

    /// Sentence embeddings `[batch.count, dimension]` of a padded batch (differentiable); dropout when `training`.
    func forward(_ batch: EncodedBatch, training: Bool) -> Tensor {
        let (b, l) = (batch.count, batch.length)
        var x = recurrent.embeddings(IntTensor(batch.inputIDs, shape: [b, l]))
        x = x.dropout(configuration.dropout, training: training, generator: &dropoutGenerator)
        let lengths = batch.lengths
        // Outputs are zero past each text's length.
        let (outputs, _, _) = recurrent.lstm(x, lengths: lengths)
        var pooled: Tensor
        if configuration.pooling == "max" {
            let mask = Tensor(batch.attentionMask.map(Float.init), shape: [b, l, 1])
            pooled = (outputs + (mask - 1) * 1e9).max(axis: 1)
        } else {
            pooled = outputs.sum(axis: 1) * (1 / Tensor(lengths.map { Float(Swift.max($0, 1)) }, shape: [b, 1]))
        }
        if configuration.normalizes {
            let norm = (pooled * pooled).sum(axis: 1, keepDims: true).sqrt()
            pooled = pooled * (1 / (norm + 1e-12))
        }
        return pooled
    }

    public func embedDifferentiable(_ texts: [String]) throws -> Tensor {
        forward(try tokenizer.encodeBatch(texts, maxLength: maxLength), training: recurrent.isTraining)
    }

    /// Embeddings in length-sorted chunks of `batchSize`, without dropout or a gradient graph. A text's embedding
    /// does not depend on the other texts of its chunk (padding steps leave the LSTM state alone).
    public func embedRows(_ encodings: [Encoding], batchSize: Int = 32) throws -> [Float] {
        guard batchSize >= 1 else { throw TextError.invalidArgument("batch size \(batchSize) must be at least 1") }
        let d = dimension
        var out = [Float](repeating: 0, count: encodings.count * d)
        let order = encodings.indices.sorted { encodings[$0].count < encodings[$1].count }
        guard !encodings.contains(where: { $0.ids.isEmpty }) else { throw TextError.invalidArgument("an encoding has no tokens") }
        withNoGrad {
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let chunk = Array(order[start..<Swift.min(start + batchSize, order.count)])
                let rows = forward(EncodedBatch(chunk.map { encodings[$0] }, paddingID: tokenizer.paddingID), training: false).scalars
                for (k, index) in chunk.enumerated() {
                    for j in 0..<d { out[index * d + j] = rows[k * d + j] }
                }
            }
        }
        return out
    }

    /// Sentence embeddings `[texts.count, dimension]` (see ``embedRows(_:batchSize:)``).
    public func embed(_ texts: [String], batchSize: Int = 32) throws -> Tensor {
        Tensor(try embedRows(encode(texts), batchSize: batchSize), shape: [texts.count, dimension])
    }

    /// Nothing to drop: inference reads the live weights.
    public func weightsChanged() {}
}
