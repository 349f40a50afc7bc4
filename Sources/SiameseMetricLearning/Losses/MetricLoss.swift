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
}

extension MetricLoss {
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
        let parts = terms(embeddings: embeddings, labels: labels, tuples: tuples)
        let keys = parts.keys.sorted()
        guard let first = keys.first else { return embeddings.sum() * 0 }
        func reduced(_ key: String) -> Tensor {
            var term = parts[key]!
            term.batchSize = labels.count
            return term.kind == .alreadyReduced ? term.losses.sum() : reducer.reduce(term, named: key)
        }
        var total = reduced(first)
        for key in keys.dropFirst() { total = total + reduced(key) }
        return total
    }
}
