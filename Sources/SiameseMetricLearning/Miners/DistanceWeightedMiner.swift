import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Distance-weighted sampling (Wu et al. 2017): for every positive pair, one negative drawn with probability
/// proportional to `1 / q(d)`, where `q(d) ∝ d^(n−2) · (1 − d²/4)^((n−3)/2)` is the density of distances between
/// random points on the unit sphere in `n` dimensions; distances are clipped below at `cutoff` and negatives
/// farther than `nonzeroLossCutoff` get no weight. Uses L2 on normalised embeddings; seeded.
public struct DistanceWeightedMiner: Sendable {
    public let cutoff: Float, nonzeroLossCutoff: Float

    public init(cutoff: Float = 0.5, nonzeroLossCutoff: Float = 1.4) {
        self.cutoff = cutoff; self.nonzeroLossCutoff = nonzeroLossCutoff
    }

    public func callAsFunction(_ embeddings: Tensor, labels: [Int], generator: inout SeededGenerator) -> MinedTuples {
        let dimension = Float(embeddings.shape[1])
        let mat = withNoGrad { LpDistance().matrix(embeddings.detached()) }.scalars
        let n = labels.count
        var a: [Int] = [], p: [Int] = [], neg: [Int] = []
        for i in 0..<n {
            let negatives = (0..<n).filter { labels[$0] != labels[i] }
            guard !negatives.isEmpty else { continue }
            // log of 1/q(d), normalised by its maximum for stability.
            let logWeights = negatives.map { j -> Float in
                let d = Swift.max(mat[i * n + j], cutoff)
                let logQ = (dimension - 2) * logf(d) + (dimension - 3) / 2 * logf(Swift.max(1 - d * d / 4, 1e-8))
                return mat[i * n + j] < nonzeroLossCutoff ? -logQ : -.infinity
            }
            let top = logWeights.max()!
            let weights = logWeights.map { top.isFinite ? expf($0 - top) : 1 }
            let total = weights.reduce(0, +)
            for j in 0..<n where j != i && labels[j] == labels[i] {
                var r = generator.nextUniform() * total
                var chosen = negatives.last!
                for (k, w) in zip(negatives, weights) {
                    r -= w
                    if r < 0 { chosen = k; break }
                }
                a.append(i); p.append(j); neg.append(chosen)
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
