import Foundation
import SiameseCore
import SiameseNN

/// A sentence-transformers text model (Python `sentence_transformers.SentenceTransformer` with a BERT
/// `Transformer` module): WordPiece tokenizer, ``BertModel``, ``Pooling``, optional L2 normalisation.
///
/// Loads and saves the sentence-transformers folder layout:
/// ```
/// modules.json                 [Transformer "", Pooling "1_Pooling", Normalize "2_Normalize"]
/// config.json                  BERT sizes (transformers' BertConfig)
/// model.safetensors            weights, transformers names; F32, F16 or BF16 (converted to Float on load)
/// sentence_bert_config.json    max_seq_length, do_lower_case
/// vocab.txt, tokenizer_config.json, special_tokens_map.json
/// 1_Pooling/config.json        mean, CLS or max
/// ```
///
/// ```swift
/// let model = try SentenceTransformer(folder: URL(fileURLWithPath: "all-MiniLM-L6-v2"))
/// let vectors = try model.embed(["A man is playing a guitar.", "Someone plays music."])   // [2, 384]
/// let cosine = try model.similarity("A man is playing a guitar.", "Someone plays music.")
/// ```
public final class SentenceTransformer: @unchecked Sendable {
    public let tokenizer: WordPieceTokenizer
    public let bert: BertModel
    public let pooling: Pooling
    /// Whether embeddings are L2-normalised (a `Normalize` module is listed).
    public let normalizes: Bool
    /// Texts longer than this many tokens (with `[CLS]`/`[SEP]`) are truncated (`max_seq_length`).
    public let maxLength: Int
    private var inferenceSnapshot: BertInference?
    private let lock = NSLock()

    public init(tokenizer: WordPieceTokenizer, bert: BertModel, pooling: Pooling = .mean, normalizes: Bool = true,
                maxLength: Int = 256) {
        self.tokenizer = tokenizer; self.bert = bert; self.pooling = pooling; self.normalizes = normalizes
        self.maxLength = Swift.min(maxLength, bert.configuration.maxPositions)
    }

    /// The embedding width.
    public var dimension: Int { bert.configuration.hiddenSize }

    /// Loads a sentence-transformers folder.
    ///
    /// - Throws: ``TextError`` naming the file for a missing or malformed `modules.json`, `config.json`, vocabulary,
    ///   tokenizer or pooling configuration, or a module type other than Transformer, Pooling and Normalize;
    ///   ``SafetensorsError`` for a missing, misshapen or non-finite weight.
    public convenience init(folder: URL) throws {
        let modulesURL = folder.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: modulesURL.path) else { throw TextError.missingFile(path: modulesURL.path) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: modulesURL)) } catch {
            throw TextError.malformedFile(path: modulesURL.path, reason: "not valid JSON")
        }
        guard let modules = object as? [[String: Any]], !modules.isEmpty else {
            throw TextError.malformedFile(path: modulesURL.path, reason: "not a non-empty list of modules")
        }
        var transformerPath: String?, poolingPath: String?, normalizes = false
        let ordered = modules.sorted { (($0["idx"] as? NSNumber)?.intValue ?? 0) < (($1["idx"] as? NSNumber)?.intValue ?? 0) }
        for (position, module) in ordered.enumerated() {
            guard let type = module["type"] as? String else {
                throw TextError.malformedFile(path: modulesURL.path, reason: "module \(position) has no type")
            }
            let path = module["path"] as? String ?? ""
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw TextError.malformedFile(path: modulesURL.path, reason: "module path '\(path)' leaves the model folder")
            }
            switch type.split(separator: ".").last.map(String.init) ?? type {
            case "Transformer" where position == 0: transformerPath = path
            case "Pooling" where transformerPath != nil && poolingPath == nil: poolingPath = path
            case "Normalize" where poolingPath != nil: normalizes = true
            default: throw TextError.unsupportedOption(path: modulesURL.path, field: "module \(position) type", value: type)
            }
        }
        guard let transformerPath, let poolingPath else {
            throw TextError.malformedFile(path: modulesURL.path, reason: "needs a Transformer module followed by a Pooling module")
        }
        let root = transformerPath.isEmpty ? folder : folder.appendingPathComponent(transformerPath)
        let configuration = try BertConfiguration.read(root.appendingPathComponent("config.json"))
        var maxLength = Swift.min(512, configuration.maxPositions)
        var tokenizer = try WordPieceTokenizer(folder: root)
        let sbertURL = root.appendingPathComponent("sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: sbertURL.path) {
            guard let sbert = (try? JSONSerialization.jsonObject(with: Data(contentsOf: sbertURL))) as? [String: Any] else {
                throw TextError.malformedFile(path: sbertURL.path, reason: "not a JSON object")
            }
            if let m = sbert["max_seq_length"] {
                guard let n = m as? NSNumber, n.intValue >= 2, Double(n.intValue) == n.doubleValue else {
                    throw TextError.malformedFile(path: sbertURL.path, reason: "max_seq_length = \(m) is not an integer ≥ 2")
                }
                maxLength = Swift.min(n.intValue, configuration.maxPositions)
            }
            // sentence-transformers' own lower-casing happens before the tokenizer's; with an uncased tokenizer it
            // changes nothing, so only the cased-tokenizer combination needs honouring.
            if (sbert["do_lower_case"] as? NSNumber)?.boolValue == true { tokenizer.basic.lowercase = true }
        }
        guard tokenizer.tokens.count <= configuration.vocabularySize else {
            throw TextError.malformedFile(path: root.appendingPathComponent("vocab.txt").path,
                                          reason: "\(tokenizer.tokens.count) tokens but config.json's vocab_size is \(configuration.vocabularySize)")
        }
        let weightsURL = root.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            if FileManager.default.fileExists(atPath: root.appendingPathComponent("pytorch_model.bin").path) {
                throw TextError.unsupportedOption(path: root.appendingPathComponent("pytorch_model.bin").path,
                                                  field: "weights format", value: "pickle (convert to model.safetensors)")
            }
            throw TextError.missingFile(path: weightsURL.path)
        }
        let file = try Safetensors.read(weightsURL)
        // Checkpoints saved from BertForX carry a `bert.` prefix.
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let bert = BertModel(configuration, pooler: file.tensors[prefix + "pooler.dense.weight"] != nil)
        try bert.load(file, path: weightsURL.path, strict: true, prefix: prefix)
        bert.eval()
        let pooling = try Pooling.read(folder.appendingPathComponent(poolingPath).appendingPathComponent("config.json"))
        self.init(tokenizer: tokenizer, bert: bert, pooling: pooling, normalizes: normalizes, maxLength: maxLength)
    }

    /// The fast inference snapshot of the current weights (made on first use; call ``weightsChanged()`` after
    /// training).
    public var inference: BertInference {
        lock.lock(); defer { lock.unlock() }
        if let inferenceSnapshot { return inferenceSnapshot }
        let made = BertInference(bert)
        inferenceSnapshot = made
        return made
    }

    /// Drops the inference snapshot so the next embedding sees the current weights.
    public func weightsChanged() {
        lock.lock(); inferenceSnapshot = nil; lock.unlock()
    }

    /// The encodings of `texts` at this model's maximum length (``Encoding/truncatedPieces`` says what was cut).
    public func encode(_ texts: [String]) -> [Encoding] {
        texts.map { tokenizer.encode($0, maxLength: maxLength) }
    }

    /// Sentence embeddings `[texts.count, dimension]`, computed on the packed fast path in length-sorted chunks of
    /// `batchSize` texts. A text's embedding does not depend on the other texts or the batch size.
    public func embed(_ texts: [String], batchSize: Int = 32) throws -> Tensor {
        Tensor(try embedRows(encode(texts), batchSize: batchSize), shape: [texts.count, dimension])
    }

    /// The same for already encoded texts, as a flat row-major array.
    public func embedRows(_ encodings: [Encoding], batchSize: Int = 32) throws -> [Float] {
        guard batchSize >= 1 else { throw TextError.invalidArgument("batch size \(batchSize) must be at least 1") }
        let d = dimension
        var out = [Float](repeating: 0, count: encodings.count * d)
        // Length-bucketed: texts of similar length share a batch, so packed attention tiles stay balanced.
        let order = encodings.indices.sorted { encodings[$0].count < encodings[$1].count }
        let engine = inference
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let chunk = Array(order[start..<Swift.min(start + batchSize, order.count)])
            let (tokens, offsets) = engine.tokenEmbeddings(chunk.map { encodings[$0].ids })
            tokens.withUnsafeBufferPointer { tp in
                out.withUnsafeMutableBufferPointer { op in
                    for (k, index) in chunk.enumerated() {
                        let row = op.baseAddress! + index * d
                        pooling.pool(tp.baseAddress! + offsets[k] * d, count: encodings[index].count, dimension: d, into: row)
                        if normalizes { Self.normalize(row, d) }
                    }
                }
            }
        }
        return out
    }

    /// The differentiable path (for training): embeddings `[texts.count, dimension]` through ``BertModel`` on a
    /// padded batch with masked attention and masked pooling.
    public func embedDifferentiable(_ texts: [String]) throws -> Tensor {
        let batch = try tokenizer.encodeBatch(texts, maxLength: maxLength)
        let (b, l) = (batch.count, batch.length)
        let tokens = bert(IntTensor(batch.inputIDs, shape: [b, l]), mask: batch.attentionMask)
        let mask = Tensor(batch.attentionMask.map(Float.init), shape: [b, l, 1])
        var pooled: Tensor
        switch pooling {
        case .mean:
            let counts = Tensor(batch.lengths.map { Float(Swift.max($0, 1)) }, shape: [b, 1])
            pooled = (tokens * mask).sum(axis: 1) * (1 / counts)
        case .cls:
            pooled = tokens.gather(axis: 1, IntTensor([Int](repeating: 0, count: b * dimension), shape: [b, 1, dimension]))
                .reshaped([b, dimension])
        case .max:
            pooled = (tokens + (mask - 1) * 1e9).max(axis: 1)
        }
        if normalizes {
            let norm = (pooled * pooled).sum(axis: 1, keepDims: true).sqrt()
            pooled = pooled * (1 / (norm + 1e-12))
        }
        return pooled
    }

    /// Cosine similarity of two texts' embeddings.
    public func similarity(_ a: String, _ b: String) throws -> Double {
        let rows = try embedRows(encode([a, b]), batchSize: 2)
        let d = dimension
        var dot = 0.0, na = 0.0, nb = 0.0
        for k in 0..<d {
            dot += Double(rows[k]) * Double(rows[d + k]); na += Double(rows[k] * rows[k]); nb += Double(rows[d + k] * rows[d + k])
        }
        return dot / Swift.max((na * nb).squareRoot(), 1e-12)
    }

    /// Sentence-transformers' `Normalize`: `x / max(‖x‖₂, 1e-12)`.
    static func normalize(_ row: UnsafeMutablePointer<Float>, _ d: Int) {
        var sum: Float = 0
        for k in 0..<d { sum += row[k] * row[k] }
        let inv = 1 / Swift.max(sum.squareRoot(), 1e-12)
        for k in 0..<d { row[k] *= inv }
    }
}
