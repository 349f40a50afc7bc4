import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Distance-weighted sampling (Wu et al. 2017), as PML's `DistanceWeightedMiner`: negatives are drawn with
/// probability proportional to `1 / q(d)`, where `q(d) ∝ d^(n−2) · (1 − d²/4)^((n−3)/2)` is the density of distances
/// between random points on the unit sphere in `n` dimensions; distances are clipped below at `cutoff` and
/// negatives at `nonzeroLossCutoff` or farther get no weight. For every class with at least two samples, each
/// anchor gets as many triplets as its class has samples, each with a positive drawn uniformly among the other
/// samples of its class and a negative drawn by the weights (anchors whose negatives all weigh 0 get none).
/// Uses L2 on normalised embeddings; seeded.
///
/// Against reference embeddings (``CrossBatchMemory``; PML's `ref_emb`), as PML 2.9: anchors are batch rows,
/// positives and negatives reference rows; every anchor whose class has a reference row gets as many triplets as
/// the reference has rows of its class, each positive drawn uniformly among them (its own memory slot included).
public struct DistanceWeightedMiner: Sendable {
    public let cutoff: Float, nonzeroLossCutoff: Float

    public init(cutoff: Float = 0.5, nonzeroLossCutoff: Float = 1.4) {
        self.cutoff = cutoff; self.nonzeroLossCutoff = nonzeroLossCutoff
    }

    /// The sampling probabilities `[n][n]`: row `i` over the negatives of `i` (0 elsewhere), summing to 1, or all 0
    /// when no negative has weight.
    public func weights(_ embeddings: Tensor, labels: [Int]) -> [[Float]] {
        weights(embeddings, labels: labels, reference: nil)
    }

    /// The sampling probabilities `[n][m]` of the batch rows over the `m` reference rows (the batch itself when `nil`).
    public func weights(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?) -> [[Float]] {
        let dimension = Float(embeddings.shape[1])
        let mat = withNoGrad { LpDistance().matrix(embeddings.detached(), reference?.embeddings.detached()) }.scalars
        let n = labels.count, others = reference?.labels ?? labels, m = others.count
        return (0..<n).map { i in
            let negatives = (0..<m).filter { others[$0] != labels[i] }
            var row = [Float](repeating: 0, count: m)
            // log of 1/q(d), normalised by the row's maximum for stability (PML's global maximum cancels out).
            let logWeights = negatives.map { j -> Float in
                let d = Swift.max(mat[i * m + j], cutoff)
                let logQ = (dimension - 2) * logf(d) + (dimension - 3) / 2 * logf(Swift.max(1 - d * d / 4, 1e-30))
                return d < nonzeroLossCutoff ? -logQ : -.infinity
            }
            guard let top = logWeights.max(), top.isFinite else { return row }
            let w = logWeights.map { expf($0 - top) }
            let total = w.reduce(0, +)
            for (j, v) in zip(negatives, w) { row[j] = v / total }
            return row
        }
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int], generator: inout SeededGenerator) -> MinedTuples {
        mine(embeddings, labels: labels, reference: nil, generator: &generator)
    }

    /// Triplets between the batch (anchors) and `reference` (positives, negatives; the batch itself when `nil`).
    public func mine(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet?, generator: inout SeededGenerator) -> MinedTuples {
        let w = weights(embeddings, labels: labels, reference: reference)
        let others = reference?.labels ?? labels
        var a: [Int] = [], p: [Int] = [], neg: [Int] = []
        for label in Set(labels).sorted() {
            let members = labels.indices.filter { labels[$0] == label }
            let positives = others.indices.filter { others[$0] == label }
            guard positives.count >= (reference == nil ? 2 : 1) else { continue }
            for anchor in members where w[anchor].contains(where: { $0 > 0 }) {
                let candidates = reference == nil ? positives.filter { $0 != anchor } : positives
                for _ in 0..<positives.count {
                    let positive = candidates[generator.nextInt(below: candidates.count)]
                    var r = generator.nextUniform()
                    var chosen = w[anchor].lastIndex(where: { $0 > 0 })!
                    for (j, v) in w[anchor].enumerated() where v > 0 {
                        r -= v
                        if r < 0 { chosen = j; break }
                    }
                    a.append(anchor); p.append(positive); neg.append(chosen)
                }
            }
        }
        return .triplets(a: a, p: p, n: neg)
    }
}

extension DistanceWeightedMiner: Miner {
    /// Mines with the generator in effect (``GlobalGenerator``: the task's own inside
    /// `GlobalGenerator.withSeed`, else the process-wide one).
    public func callAsFunction(_ embeddings: Tensor, labels: [Int]) -> MinedTuples {
        GlobalGenerator.with { generator in self(embeddings, labels: labels, generator: &generator) }
    }
}

extension DistanceWeightedMiner: ReferenceMiner {
    public func callAsFunction(_ embeddings: Tensor, labels: [Int], reference: ReferenceSet) -> MinedTuples {
        GlobalGenerator.with { generator in mine(embeddings, labels: labels, reference: reference, generator: &generator) }
    }
}
