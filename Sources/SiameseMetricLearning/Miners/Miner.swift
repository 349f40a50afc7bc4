import SiameseCore

/// Picks the informative pairs or triplets of a batch for a ``MetricLoss`` (online hard-negative mining).
///
/// ```swift
/// let miner: any Miner = BatchHardMiner()
/// let loss = TripletMarginLoss(margin: 0.2)(e, labels: labels, tuples: miner(e, labels: labels))
/// ```
public protocol Miner: Sendable {
    /// The mined tuples of a batch of embeddings `[n, d]` with their `n` labels.
    func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples
}

extension BatchHardMiner: Miner {}
extension MultiSimilarityMiner: Miner {}
extension PairMarginMiner: Miner {}
extension TripletMarginMiner: Miner {}
extension BatchEasyHardMiner: Miner {}
extension HDCMiner: Miner {}
extension AngularMiner: Miner {}
extension UniformHistogramMiner: Miner {}

/// A ``Miner`` that can mine between the batch and reference embeddings (PML's `ref_emb`, `ref_labels`), as
/// ``CrossBatchMemory`` needs: anchors index the batch, positives and negatives the reference.
public protocol ReferenceMiner: Miner {
    func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples
}

extension MultiSimilarityMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension PairMarginMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension TripletMarginMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension BatchEasyHardMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension BatchHardMiner: ReferenceMiner {
    /// PML's `BatchHardMiner` is `BatchEasyHardMiner(hard, hard)` returning triplets.
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        let (a1, p, _, n) = BatchEasyHardMiner(positiveStrategy: .hard, negativeStrategy: .hard, distance: distance)
            .mine(embeddings, labels: labels, reference: reference).asPairs
        return .triplets(a: a1, p: p, n: n)
    }
}

extension HDCMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension AngularMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        mine(embeddings, labels: labels, reference: reference)
    }
}

extension UniformHistogramMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        GlobalGenerator.with { generator in mine(embeddings, labels: labels, reference: reference, generator: &generator) }
    }
}
