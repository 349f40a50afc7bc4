import SiameseCore

/// CoSENT (Su, 2022; sentence-transformers' `CoSENTLoss`): a ranking loss on graded pairs. Every two pairs whose
/// targets are ordered, `yᵢ < yⱼ`, should have their cosine similarities ordered the same way:
///
/// `L = log( 1 + Σ_{i,j: yᵢ < yⱼ} exp( scale · (cos(aᵢ, bᵢ) − cos(aⱼ, bⱼ)) ) )`
///
/// Only the order of the targets matters, so STS scores can be used as they are (0–5 or rescaled). A batch whose
/// targets are all equal gives log 1 = 0. Defaults: scale 20.
public struct CoSENTLoss: PairLoss {
    public let scale: Float

    public init(scale: Float = 20) { self.scale = scale }

    /// - Parameters: `a`, `b`: `[n, d]` embeddings; `targets`: `[n]` graded similarities (or 1/0 labels).
    public func callAsFunction(_ a: Tensor, _ b: Tensor, targets: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2 && targets.shape == [a.shape[0]],
                     "CoSENTLoss: expected [n, d], [n, d], [n]; got \(a.shape), \(b.shape), \(targets.shape)")
        let n = a.shape[0]
        let s = CosineSimilarity().pairwise(a, b) * scale
        let differences = s.reshaped([n, 1]) - s.reshaped([1, n])
        let y = targets.scalars
        var ordered = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where y[i] < y[j] { ordered[i * n + j] = 1 } }
        // log(1 + Σ over ordered pairs): a leading 0 term, the other entries masked to −∞.
        let flat = differences.reshaped([1, n * n])
        return flat.maskedLogSumExp(keep: Tensor(ordered, shape: [1, n * n]), addOne: true, axis: 1).sum()
    }
}
