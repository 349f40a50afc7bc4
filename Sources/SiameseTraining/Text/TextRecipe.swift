import Foundation
import SiameseCore
import SiameseMetricLearning
import Yams

/// A recipe for training a text twin (`kind: text`): sentence pairs with scores or 0/1 labels, a pair loss, and
/// one of a pretrained sentence-transformers folder to fine-tune (`model`), the sizes of a small BERT-style
/// Transformer (`scratch`) or of an embedding + BiLSTM encoder (`recurrent`) to train from scratch (with the
/// WordPiece vocabulary of a given folder). Read from JSON or YAML; unknown keys are
/// errors. `siamese train --recipe` recognises it by `kind: text`.
///
/// ```yaml
/// kind: text
/// train: data/stsbenchmark/sts-train.csv   # STS TSV, score<TAB>a<TAB>b, or a CSV with a header
/// dev: data/stsbenchmark/sts-dev.csv
/// test: data/stsbenchmark/sts-test.csv
/// model: ~/.cache/siamese/all-MiniLM-L6-v2            # fine-tune; or scratch: {vocabulary: DIR, layers: 2, …}
///                                                       # or recurrent: {vocabulary: DIR, embedding: 128, hidden: 128}
/// loss: cosent                                          # any pair loss: cosent, cosine-similarity-regression, …
/// epochs: 1
/// batchSize: 16
/// learningRate: 2.0e-5
/// ```
///
/// Defaults follow sentence-transformers' `fit`: AdamW with weight decay 0.01 on every weight except biases and
/// LayerNorm, linear warm-up over 10 % of the steps then linear decay to zero (`schedule: cosine` for cosine
/// decay), gradient norm clipped to 1, BERT's dropout (0.1, from the model's `config.json`) while training; batch 16;
/// 1 epoch; CoSENT.
public struct TextRecipe: Codable, Equatable, Sendable {
    /// The sizes of a Transformer trained from scratch (a ``BertConfiguration`` with the vocabulary's size).
    public struct Scratch: Codable, Equatable, Sendable {
        /// A folder with `vocab.txt` (and optionally `tokenizer_config.json`), for example a pretrained model's.
        public var vocabulary: String
        public var layers = 2
        public var hidden = 128
        public var heads = 2
        public var intermediate = 512
        public var maxLength = 128
        /// Mean, CLS or max pooling.
        public var pooling = "mean"

        public init(vocabulary: String) { self.vocabulary = vocabulary }

        private enum CodingKeys: String, CodingKey, CaseIterable { case vocabulary, layers, hidden, heads, intermediate, maxLength, pooling }

        public init(from decoder: Decoder) throws {
            try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), context: "scratch")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            vocabulary = try c.decode(String.self, forKey: .vocabulary)
            layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? layers
            hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? hidden
            heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? heads
            intermediate = try c.decodeIfPresent(Int.self, forKey: .intermediate) ?? intermediate
            maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? maxLength
            pooling = try c.decodeIfPresent(String.self, forKey: .pooling) ?? pooling
        }
    }

    /// The sizes of an embedding + LSTM twin trained from scratch (a ``SiameseText/RecurrentTextEncoder``).
    public struct Recurrent: Codable, Equatable, Sendable {
        /// A folder with `vocab.txt` (and optionally `tokenizer_config.json`) for the WordPiece tokenizer.
        public var vocabulary: String
        public var embedding = 128
        public var hidden = 128
        public var layers = 1
        public var bidirectional = true
        /// Mean or max pooling over the tokens' LSTM outputs.
        public var pooling = "mean"
        /// Dropout on the word-piece embeddings while training.
        public var dropout: Float = 0.1
        public var maxLength = 64

        public init(vocabulary: String) { self.vocabulary = vocabulary }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case vocabulary, embedding, hidden, layers, bidirectional, pooling, dropout, maxLength
        }

        public init(from decoder: Decoder) throws {
            try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), context: "recurrent")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            vocabulary = try c.decode(String.self, forKey: .vocabulary)
            embedding = try c.decodeIfPresent(Int.self, forKey: .embedding) ?? embedding
            hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? hidden
            layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? layers
            bidirectional = try c.decodeIfPresent(Bool.self, forKey: .bidirectional) ?? bidirectional
            pooling = try c.decodeIfPresent(String.self, forKey: .pooling) ?? pooling
            dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? dropout
            maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? maxLength
        }
    }

    public var kind = "text"
    /// Training pairs (required).
    public var train = ""
    /// Pairs scored after every epoch (Spearman of cosine similarity), and the final report's dev figures.
    public var dev: String?
    /// Pairs scored once at the end.
    public var test: String?
    /// A sentence-transformers folder to fine-tune.
    public var model: String?
    /// Or a Transformer to train from scratch.
    public var scratch: Scratch?
    /// Or an embedding + (Bi)LSTM twin to train from scratch.
    public var recurrent: Recurrent?
    public var loss: ComponentSpec = "cosent"
    /// Targets are divided by this before the loss (STS scores 0–5 → 0–1 for cosine-similarity regression); by default
    /// the largest training score when it exceeds 1, else 1.
    public var scoreScale: Double?
    public var epochs = 1
    public var batchSize = 16
    public var learningRate: Float = 2e-5
    public var weightDecay: Float = 0.01
    /// Fraction of all steps spent warming the learning rate up linearly (rounded up to whole steps).
    public var warmupFraction = 0.1
    /// The decay after warm-up: `linear` to zero (sentence-transformers' `WarmupLinear`) or `cosine` to zero.
    public var schedule = "linear"
    /// The global gradient norm is clipped to this before each update (`clip_grad_norm_`); 0 turns clipping off.
    public var maxGradNorm: Float = 1
    /// Stop after this many steps in all (a bounded run); by default every pair of every epoch.
    public var maxSteps: Int?
    /// Word dropout of training texts (``SiameseData/TextAugmentation/dropped(_:probability:generator:)`` on
    /// whitespace-separated words), 0 for none.
    public var wordDropout: Float = 0
    /// Swaps of two random words per training text (``SiameseData/TextAugmentation/swapped(_:count:generator:)``).
    public var wordSwaps = 0
    public var seed: UInt64 = 42

    public init() {}

    /// Problems that make the recipe unusable, each naming the field.
    public var problems: [String] {
        var out: [String] = []
        if kind != "text" { out.append("kind must be text") }
        if train.isEmpty { out.append("train: a pairs file is required") }
        if [model != nil, scratch != nil, recurrent != nil].filter({ $0 }).count != 1 {
            out.append("give one of model (a folder to fine-tune), scratch (sizes of a new Transformer) or recurrent (sizes of a new LSTM twin)")
        }
        if let r = recurrent {
            if r.embedding < 1 || r.hidden < 1 || r.layers < 1 { out.append("recurrent: embedding, hidden and layers must be positive") }
            if r.maxLength < 2 { out.append("recurrent: maxLength must be at least 2") }
            if !["mean", "max"].contains(r.pooling) { out.append("recurrent: pooling must be mean or max") }
            if !(r.dropout >= 0 && r.dropout < 1) { out.append("recurrent: dropout must lie in [0, 1)") }
        }
        if let s = scratch {
            if s.layers < 1 || s.hidden < 2 || s.heads < 1 || s.hidden % s.heads != 0 || s.intermediate < 1 {
                out.append("scratch: layers, hidden, heads and intermediate must be positive and hidden a multiple of heads")
            }
            if s.maxLength < 2 { out.append("scratch: maxLength must be at least 2") }
            if !["mean", "cls", "max"].contains(s.pooling) { out.append("scratch: pooling must be mean, cls or max") }
        }
        if epochs < 1 { out.append("epochs must be positive") }
        if batchSize < 2 { out.append("batchSize must be at least 2") }
        if !(learningRate > 0 && learningRate.isFinite) { out.append("learningRate must be a positive number") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { out.append("weightDecay must be zero or positive") }
        if !(warmupFraction >= 0 && warmupFraction < 1) { out.append("warmupFraction must lie in [0, 1)") }
        if !["linear", "cosine"].contains(schedule) { out.append("schedule must be linear or cosine, not '\(schedule)'") }
        if !(maxGradNorm >= 0 && maxGradNorm.isFinite) { out.append("maxGradNorm must be zero (no clipping) or positive") }
        if let m = maxSteps, m < 1 { out.append("maxSteps must be positive") }
        if let s = scoreScale, !(s > 0 && s.isFinite) { out.append("scoreScale must be a positive number") }
        if !(wordDropout >= 0 && wordDropout < 1) { out.append("wordDropout must lie in [0, 1)") }
        if wordSwaps < 0 { out.append("wordSwaps must not be negative") }
        if !PairLosses.registry.contains(loss.name) {
            out.append("loss: '\(loss.name)' is not a pair loss (known: \(PairLosses.registry.names.joined(separator: ", ")))")
        } else {
            do { _ = try PairLosses.registry.make(loss) } catch { out.append("loss: \(error)") }
        }
        return out
    }

    /// Whether the recipe file at `url` is a text recipe (`kind: text`).
    public static func isTextRecipe(_ url: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: url.path) else { return false }
        struct Kind: Decodable { let kind: String? }
        let yaml = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        let kind = yaml ? (try? YAMLDecoder().decode(Kind.self, from: data))?.kind : (try? JSONDecoder().decode(Kind.self, from: data))?.kind
        return kind == "text"
    }

    /// Reads a recipe: YAML for `.yaml`/`.yml`, JSON otherwise. Relative paths in it stay relative to the working
    /// directory (as the command line's are).
    ///
    /// - Throws: ``RecipeError/unreadable(path:)`` or ``RecipeError/invalid(file:reason:)`` naming the key at fault.
    public static func load(_ url: URL) throws -> TextRecipe {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RecipeError.unreadable(path: url.path) }
        let yaml = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        do {
            return yaml ? try YAMLDecoder().decode(TextRecipe.self, from: data) : try JSONDecoder().decode(TextRecipe.self, from: data)
        } catch let error as RecipeKeyError {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: error.message)
        } catch DecodingError.dataCorrupted(let c) where c.underlyingError is RecipeKeyError {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: (c.underlyingError as! RecipeKeyError).message)
        } catch {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: "\(error)")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, train, dev, test, model, scratch, recurrent, loss, scoreScale, epochs, batchSize, learningRate, weightDecay
        case warmupFraction, schedule, maxGradNorm, maxSteps, wordDropout, wordSwaps, seed
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), context: "recipe")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try read(.kind, into: &kind)
        try read(.train, into: &train)
        dev = try c.decodeIfPresent(String.self, forKey: .dev)
        test = try c.decodeIfPresent(String.self, forKey: .test)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        scratch = try c.decodeIfPresent(Scratch.self, forKey: .scratch)
        recurrent = try c.decodeIfPresent(Recurrent.self, forKey: .recurrent)
        try read(.loss, into: &loss)
        scoreScale = try c.decodeIfPresent(Double.self, forKey: .scoreScale)
        try read(.epochs, into: &epochs)
        try read(.batchSize, into: &batchSize)
        try read(.learningRate, into: &learningRate)
        try read(.weightDecay, into: &weightDecay)
        try read(.warmupFraction, into: &warmupFraction)
        try read(.schedule, into: &schedule)
        try read(.maxGradNorm, into: &maxGradNorm)
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps)
        try read(.wordDropout, into: &wordDropout)
        try read(.wordSwaps, into: &wordSwaps)
        try read(.seed, into: &seed)
    }
}

/// Throws ``RecipeKeyError`` for a key of `decoder`'s object that is not in `known`.
func rejectUnknownKeys(_ decoder: Decoder, known: [String], context: String) throws {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
    if let first = unknown.sorted().first {
        throw RecipeKeyError(message: "\(context): unknown key '\(first)' (known: \(known.sorted().joined(separator: ", ")))")
    }
}
