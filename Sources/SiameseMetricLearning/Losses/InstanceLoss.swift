import SiameseCore

/// The instance loss (Zheng et al. 2020, "Dual-Path Convolutional Image-Text Embeddings") as PML 2.9 computes it.
///
/// With `S` the `[n, n]` cosine-similarity matrix of the batch and `t_i` the rank of sample `i`'s label among the
/// distinct labels (PML's `torch.unique(labels, return_inverse=True)`), per sample `−log softmax(γ S_i)[t_i]`:
/// the column of sample `t_i` is the target, exactly as PML indexes it.
///
/// Defaults as PML 2.9 `InstanceLoss`: `gamma` 64, ``CosineSimilarity`` (the only distance PML accepts),
/// ``MeanReducer``. PML refuses miner output: ``acceptsMinedTuples`` is `false`, so
/// ``MetricLoss/checked(_:labels:tuples:)``, ``MetricTrainer`` and recipes throw ``MetricLossError/minerNotSupported(loss:)``
/// (the plain call ignores tuples).
public struct InstanceLoss: MetricLoss {
    public let gamma: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer

    /// `false`: PML raises when an `indices_tuple` is given.
    public var acceptsMinedTuples: Bool { false }

    public init(gamma: Float = 64, reducer: any Reducer = MeanReducer()) {
        self.gamma = gamma; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let n = labels.count
        guard n > 0 else { return [:] }
        let distinct = Array(Set(labels)).sorted()
        let rank = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        // Cross-entropy of γ·q·qᵀ (q the normalised batch) fused with its GEMM and the normalisation, using the
        // matrix's symmetry.
        let losses = SoftmaxCrossEntropy.ofGram(embeddings, targets: labels.map { rank[$0]! }, scale: gamma, normalizeRows: true)
        return ["loss": LossTerm(losses: losses, kind: .element, anchors: Array(0..<n))]
    }
}
