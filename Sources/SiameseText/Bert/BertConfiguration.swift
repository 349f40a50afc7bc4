import Foundation

/// The `config.json` of a Hugging Face BERT model (`BertConfig`): sizes, activation, layer-norm epsilon.
///
/// Only what inference and fine-tuning of a BERT-style sentence encoder need is supported: `model_type` `bert`
/// (or BERT-compatible layouts declaring `BertModel`), `hidden_act` `gelu` (erf form), absolute position
/// embeddings. Anything else is refused with the field named.
public struct BertConfiguration: Sendable, Equatable, Codable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    /// LayerNorm epsilon (`layer_norm_eps`, BERT's default 1e-12).
    public var layerNormEpsilon: Float
    public var paddingID: Int
    /// Dropout on the embeddings' output and after each layer's attention and feed-forward projections, in training
    /// mode (`hidden_dropout_prob`, BERT's default 0.1).
    public var hiddenDropout: Float
    /// Dropout on the attention probabilities in training mode (`attention_probs_dropout_prob`, default 0.1).
    public var attentionDropout: Float

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", hiddenSize = "hidden_size", layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositions = "max_position_embeddings", typeVocabularySize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps", paddingID = "pad_token_id"
        case hiddenDropout = "hidden_dropout_prob", attentionDropout = "attention_probs_dropout_prob"
    }

    public init(vocabularySize: Int = 30522, hiddenSize: Int = 384, layerCount: Int = 6, headCount: Int = 12,
                intermediateSize: Int = 1536, maxPositions: Int = 512, typeVocabularySize: Int = 2,
                layerNormEpsilon: Float = 1e-12, paddingID: Int = 0, hiddenDropout: Float = 0.1, attentionDropout: Float = 0.1) {
        self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize; self.layerCount = layerCount
        self.headCount = headCount; self.intermediateSize = intermediateSize; self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize; self.layerNormEpsilon = layerNormEpsilon; self.paddingID = paddingID
        self.hiddenDropout = hiddenDropout; self.attentionDropout = attentionDropout
    }

    /// The size of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Reads and validates `config.json`.
    ///
    /// - Throws: ``TextError/missingFile(path:)``, ``TextError/malformedFile(path:reason:)`` (bad JSON, a missing
    ///   or non-positive size), ``TextError/unsupportedOption(path:field:value:)`` (another `model_type`,
    ///   `hidden_act`, `position_embedding_type`, or a decoder configuration).
    public static func read(_ url: URL) throws -> BertConfiguration {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TextError.missingFile(path: url.path) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) } catch {
            throw TextError.malformedFile(path: url.path, reason: "not valid JSON")
        }
        guard let json = object as? [String: Any] else { throw TextError.malformedFile(path: url.path, reason: "not a JSON object") }
        func string(_ key: String) -> String? { json[key] as? String }
        if let type = string("model_type"), type != "bert" {
            throw TextError.unsupportedOption(path: url.path, field: "model_type", value: type)
        }
        if let act = string("hidden_act"), !["gelu", "gelu_python"].contains(act) {
            throw TextError.unsupportedOption(path: url.path, field: "hidden_act", value: act)
        }
        if let pos = string("position_embedding_type"), pos != "absolute" {
            throw TextError.unsupportedOption(path: url.path, field: "position_embedding_type", value: pos)
        }
        for flag in ["is_decoder", "add_cross_attention"] where (json[flag] as? NSNumber)?.boolValue == true {
            throw TextError.unsupportedOption(path: url.path, field: flag, value: "true")
        }
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            guard let raw = json[key] else {
                if let value { return value }
                throw TextError.malformedFile(path: url.path, reason: "\(key) is missing")
            }
            guard let n = raw as? NSNumber, Double(n.intValue) == n.doubleValue, n.intValue > 0 || key == "pad_token_id",
                  n.intValue >= 0, n.intValue <= 1 << 20 else {
                throw TextError.malformedFile(path: url.path, reason: "\(key) = \(raw) is not a valid size")
            }
            return n.intValue
        }
        let epsilon = (json["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12
        guard epsilon > 0, epsilon < 1 else {
            throw TextError.malformedFile(path: url.path, reason: "layer_norm_eps = \(epsilon) is not in (0, 1)")
        }
        func probability(_ key: String) throws -> Float {
            guard let raw = json[key] else { return 0.1 }
            guard let p = (raw as? NSNumber)?.doubleValue, p >= 0, p < 1 else {
                throw TextError.malformedFile(path: url.path, reason: "\(key) = \(raw) is not a probability in [0, 1)")
            }
            return Float(p)
        }
        let config = BertConfiguration(
            vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"), layerCount: try int("num_hidden_layers"),
            headCount: try int("num_attention_heads"), intermediateSize: try int("intermediate_size"),
            maxPositions: try int("max_position_embeddings", default: 512), typeVocabularySize: try int("type_vocab_size", default: 2),
            layerNormEpsilon: Float(epsilon), paddingID: try int("pad_token_id", default: 0),
            hiddenDropout: try probability("hidden_dropout_prob"), attentionDropout: try probability("attention_probs_dropout_prob"))
        guard config.hiddenSize % config.headCount == 0 else {
            throw TextError.malformedFile(path: url.path,
                                          reason: "hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.headCount)")
        }
        let parameters = config.vocabularySize * config.hiddenSize
            + config.layerCount * (4 * config.hiddenSize * config.hiddenSize + 2 * config.hiddenSize * config.intermediateSize)
        guard parameters <= 1 << 31 else {
            throw TextError.malformedFile(path: url.path, reason: "the sizes describe \(parameters) parameters, more than 2^31")
        }
        return config
    }

    /// The `config.json` a saved model carries (Hugging Face field names, so `transformers` reads it back).
    public func jsonObject() -> [String: Any] {
        [
            "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute",
            "vocab_size": vocabularySize, "hidden_size": hiddenSize, "num_hidden_layers": layerCount,
            "num_attention_heads": headCount, "intermediate_size": intermediateSize, "max_position_embeddings": maxPositions,
            "type_vocab_size": typeVocabularySize, "layer_norm_eps": Double(layerNormEpsilon), "pad_token_id": paddingID,
            "hidden_dropout_prob": Double(hiddenDropout), "attention_probs_dropout_prob": Double(attentionDropout),
            "initializer_range": 0.02,
        ]
    }
}
