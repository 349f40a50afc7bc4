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
