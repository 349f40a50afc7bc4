import SiameseCore

/// A metric-learning loss over a batch of embeddings and their class labels.
///
/// A loss implements one hook, ``terms(embeddings:labels:tuples:)``, returning named per-item terms;
/// the shared code here fills in all pairs or triplets when no miner ran, reduces each term with the
/// loss's ``reducer`` and adds them. Any miner's ``MinedTuples`` can be passed in.
public protocol MetricLoss {
    /// How comparisons are made; injectable.
    var distance: any Distance { get }
    /// How per-item terms become a scalar.
    var reducer: any Reducer { get }
    /// The unreduced terms. `tuples` is the miner's output, or `nil` for "all".
    func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm]
    /// Whether the loss uses a miner's tuples (`true` unless PML refuses them for this loss).
    var acceptsMinedTuples: Bool { get }
}

extension MetricLoss {
    public var acceptsMinedTuples: Bool { true }

    /// Throws ``MetricLossError/minerNotSupported(loss:)`` when `hasMiner` and the loss takes no mined tuples
    /// (where PML raises); trainers and recipes call it before the first step.
    public func checkMiner(_ hasMiner: Bool) throws(MetricLossError) {
        if hasMiner && !acceptsMinedTuples { throw .minerNotSupported(loss: "\(Self.self)") }
    }

    /// ``callAsFunction(_:labels:tuples:)`` that throws ``MetricLossError/minerNotSupported(loss:)`` when `tuples`
    /// are given to a loss that takes none, where the plain call ignores them.
    public func checked(_ embeddings: Tensor, labels: [Int], tuples: MinedTuples?) throws(MetricLossError) -> Tensor {
        try checkMiner(tuples != nil)
        return self(embeddings, labels: labels, tuples: tuples)
    }

    /// The reduced loss: each term reduced separately (with its name, see ``MultipleReducers``), then summed;
    /// ``ReductionKind/alreadyReduced`` terms are added as they are.
    ///
    /// - Parameters:
    ///   - embeddings: `[n, d]`.
    ///   - labels: `n` class labels.
    ///   - tuples: indices from a miner; all pairs or triplets when `nil`.
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], tuples: MinedTuples? = nil) -> Tensor {
        precondition(embeddings.rank == 2 && embeddings.shape[0] == labels.count,
                     "\(Self.self): embeddings \(embeddings.shape) do not match \(labels.count) labels")
        return reduce(terms(embeddings: embeddings, labels: labels, tuples: tuples), batchSize: labels.count, embeddings: embeddings)
    }

    /// Each term reduced by ``reducer`` (by name), `alreadyReduced` terms as they are, all summed; 0 (connected to
    /// `embeddings`) for none.
    func reduce(_ parts: [String: LossTerm], batchSize: Int, embeddings: Tensor) -> Tensor {
        let keys = parts.keys.sorted()
        guard let first = keys.first else { return embeddings.sum() * 0 }
        func reduced(_ key: String) -> Tensor {
            var term = parts[key]!
            term.batchSize = batchSize
            return term.kind == .alreadyReduced ? term.losses.sum() : reducer.reduce(term, named: key)
        }
        var total = reduced(first)
        for key in keys.dropFirst() { total = total + reduced(key) }
        return total
    }
}

/// A ``MetricLoss`` that can compare the batch with reference embeddings (PML's `ref_emb`, `ref_labels`), as
/// ``CrossBatchMemory`` needs: anchors index the batch, positives and negatives the reference, and gradients flow
/// through the batch only when the reference is detached.
public protocol ReferenceMetricLoss: MetricLoss {
    /// The unreduced terms against `reference` (the batch itself when `nil`).
    func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm]
}

extension ReferenceMetricLoss {
    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        terms(embeddings: embeddings, labels: labels, tuples: tuples, reference: nil)
    }

    /// The reduced loss of the batch against `reference`.
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet) -> Tensor {
        reduce(terms(embeddings: embeddings, labels: labels, tuples: tuples, reference: reference), batchSize: labels.count, embeddings: embeddings)
    }
}
