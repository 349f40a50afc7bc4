import SiameseCore
import SiameseNN

/// BERT's embedding block: word + position + token-type embeddings, then LayerNorm (Hugging Face `BertEmbeddings`).
public final class BertEmbeddings: Module {
    public let word: Embedding, position: Embedding, tokenType: Embedding
    public let norm: LayerNorm

    init(_ c: BertConfiguration) {
        word = Embedding(c.vocabularySize, c.hiddenSize)
        position = Embedding(c.maxPositions, c.hiddenSize)
        tokenType = Embedding(c.typeVocabularySize, c.hiddenSize)
        norm = LayerNorm(c.hiddenSize, epsilon: c.layerNormEpsilon)
        super.init()
    }

    override public func children() -> [(String, Any)] {
        [("word_embeddings", word), ("position_embeddings", position), ("token_type_embeddings", tokenType), ("LayerNorm", norm)]
    }
}

/// One post-norm BERT layer (`BertLayer`): `x = LN(x + Attention(x))`, `x = LN(x + W₂·GELU(W₁·x))`.
public final class BertLayer: Module {
    public let query: Linear, key: Linear, value: Linear, attentionOutput: Linear
    public let attentionNorm: LayerNorm
    public let intermediate: Linear, output: Linear
    public let outputNorm: LayerNorm

    init(_ c: BertConfiguration) {
        let h = c.hiddenSize
        query = Linear(h, h); key = Linear(h, h); value = Linear(h, h); attentionOutput = Linear(h, h)
        attentionNorm = LayerNorm(h, epsilon: c.layerNormEpsilon)
        intermediate = Linear(h, c.intermediateSize); output = Linear(c.intermediateSize, h)
        outputNorm = LayerNorm(h, epsilon: c.layerNormEpsilon)
        super.init()
    }

    override public func children() -> [(String, Any)] {
        [("attention.self.query", query), ("attention.self.key", key), ("attention.self.value", value),
         ("attention.output.dense", attentionOutput), ("attention.output.LayerNorm", attentionNorm),
         ("intermediate.dense", intermediate), ("output.dense", output), ("output.LayerNorm", outputNorm)]
    }
}

/// The BERT encoder of Hugging Face `transformers` (`BertModel`, without the pooler's use): embeddings, then
/// ``BertConfiguration/layerCount`` post-norm layers of multi-head self-attention with a key padding mask and a
/// GELU (erf) feed-forward. Parameter names match `transformers`, so `model.safetensors` files load and save as is.
///
/// In training mode (``Module/train(_:)``) the differentiable path applies BERT's dropout, as `transformers` does:
/// ``BertConfiguration/hiddenDropout`` after the embeddings' LayerNorm and on the attention and feed-forward outputs
/// before each residual sum, ``BertConfiguration/attentionDropout`` on the attention probabilities. Masks come from
/// the model's own seeded generator (``seedDropout(_:)``). In evaluation mode there is no dropout.
///
/// Two paths: ``callAsFunction(_:mask:)`` runs the engine's differentiable tensor ops on a padded batch (for
/// fine-tuning); ``BertInference`` runs packed sequences through BLAS for fast, batch-independent embedding.
public final class BertModel: Module {
    public let configuration: BertConfiguration
    public let embeddings: BertEmbeddings
    public let layers: [BertLayer]
    /// `pooler.dense` of checkpoints that have it; sentence-transformers does not use it, but keeps it on saving.
    public let pooler: Linear?
    private var dropoutGenerator = SeededGenerator(seed: 0xD20_9017)

    public init(_ configuration: BertConfiguration, pooler: Bool = false) {
        self.configuration = configuration
        embeddings = BertEmbeddings(configuration)
        layers = (0..<configuration.layerCount).map { _ in BertLayer(configuration) }
        self.pooler = pooler ? Linear(configuration.hiddenSize, configuration.hiddenSize) : nil
        super.init()
    }

    override public func children() -> [(String, Any)] {
        var out: [(String, Any)] = [("embeddings", embeddings), ("encoder.layer", layers)]
        if let pooler { out.append(("pooler.dense", pooler)) }
        return out
    }

    /// Restarts the dropout masks' sequence from `seed`.
    public func seedDropout(_ seed: UInt64) { dropoutGenerator = SeededGenerator(seed: seed) }

    /// Token embeddings `[batch, length, hidden]` for padded ids `[batch, length]`; `mask` is 1 for tokens and 0
    /// for padding (padding keys get no attention). Differentiable.
    public func callAsFunction(_ ids: IntTensor, mask: [Int]) -> Tensor {
        let c = configuration
        let (b, l) = (ids.shape[0], ids.shape[1])
        precondition(l <= c.maxPositions, "BertModel: length \(l) exceeds max_position_embeddings \(c.maxPositions)")
        let positions = IntTensor(Array(0..<l), shape: [l])
        var x = embeddings.word(ids) + embeddings.position(positions).reshaped([1, l, c.hiddenSize])
            + embeddings.tokenType(IntTensor([0], shape: [1])).reshaped([1, 1, c.hiddenSize])
        x = embeddings.norm(x)
        let training = isTraining
        func drop(_ t: Tensor, _ p: Float) -> Tensor { t.dropout(p, training: training, generator: &dropoutGenerator) }
        x = drop(x, c.hiddenDropout)
        // Additive key mask [b, 1, 1, l]: 0 for tokens, the float minimum for padding (as transformers does).
        let bias = Tensor(mask.map { $0 == 0 ? -Float.greatestFiniteMagnitude : 0 }, shape: [b, 1, 1, l])
        let (heads, d) = (c.headCount, c.headSize)
        let scale = 1 / Float(d).squareRoot()
        for layer in layers {
            func split(_ t: Tensor) -> Tensor { t.reshaped([b, l, heads, d]).permuted([0, 2, 1, 3]) }
            let q = split(layer.query(x)), k = split(layer.key(x)), v = split(layer.value(x))
            let scores = matmul(q, k.transposed()) * scale + bias
            let probabilities = drop(scores.softmax(axis: -1), c.attentionDropout)
            let context = matmul(probabilities, v).permuted([0, 2, 1, 3]).reshaped([b, l, c.hiddenSize])
            x = layer.attentionNorm(x + drop(layer.attentionOutput(context), c.hiddenDropout))
            x = layer.outputNorm(x + drop(layer.output(layer.intermediate(x).gelu()), c.hiddenDropout))
        }
        return x
    }
}
