/// The Lp distance `‖a − b‖ₚ`, optionally raised to `power` (PML's `LpDistance`).
///
/// Defaults: `p = 2`, `power = 1`, embeddings L2-normalised first. `p = 2, power = 2` is the squared
/// Euclidean distance.
public struct LpDistance: Distance {
    public let p: Float
    public let power: Float
    public let normalizeEmbeddings: Bool
    public var isInverted: Bool { false }

    public init(p: Float = 2, power: Float = 1, normalizeEmbeddings: Bool = true) {
        precondition(p >= 1, "LpDistance: p must be ≥ 1")
        self.p = p; self.power = power; self.normalizeEmbeddings = normalizeEmbeddings
    }

    public func computeMatrix(_ query: Tensor, _ reference: Tensor) -> Tensor {
        let base: Tensor
        if p == 2 {
            base = power == 2 ? Tensor.pairwiseDistances(query, reference, metric: .squaredL2)
                              : Tensor.pairwiseDistances(query, reference, metric: .l2)
            return power == 2 || power == 1 ? base : base.pow(power)
        } else if p == 1 {
            base = Tensor.pairwiseDistances(query, reference, metric: .l1)
        } else {
            // General p broadcasts [rows, m, d]; take query rows in chunks so that stays ≤ chunkElements.
            let (n, m, d) = (query.shape[0], reference.shape[0], query.shape[1])
            let rows = Swift.max(1, Self.chunkElements / Swift.max(m * d, 1))
            let chunks = stride(from: 0, to: n, by: rows).map { lo -> Tensor in
                let q = query.narrowed(axis: 0, start: lo, length: Swift.min(rows, n - lo))
                return (q.unsqueezed(1) - reference.unsqueezed(0)).abs().pow(p).sum(axis: -1).pow(1 / p)
            }
            base = chunks.count == 1 ? chunks[0] : Tensor.concatenate(chunks, axis: 0)
        }
        return power == 1 ? base : base.pow(power)
    }

    /// Bound on the temporary `[rows, m, d]` block of the general-p path (4 Mi floats = 16 MiB). The other
    /// paths (p = 1, p = 2, cosine, dot product) never allocate more than the `[n, m]` result plus `O((n + m)·d)`.
    public static let chunkElements = 1 << 22

    /// Normalises by the p-norm (PML: `F.normalize(x, p=self.p)`), so `p = 1` divides by the L1 norm.
    public func prepare(_ embeddings: Tensor) -> Tensor {
        guard normalizeEmbeddings else { return embeddings }
        if p == 2 { return embeddings.l2Normalized(axis: -1) }
        let norms = p == 1 ? embeddings.abs().sum(axis: -1, keepDims: true)
                           : embeddings.abs().pow(p).sum(axis: -1, keepDims: true).pow(1 / p)
        return embeddings / norms.clamped(min: 1e-12)
    }

    public func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor {
        let diff = a - b
        let base: Tensor
        if p == 2 {
            let sq = diff.square().sum(axis: -1)
            return power == 2 ? sq : (power == 1 ? sq.clamped(min: 0).safeSqrt() : sq.safeSqrt().pow(power))
        } else if p == 1 {
            base = diff.abs().sum(axis: -1)
        } else {
            base = diff.abs().pow(p).sum(axis: -1).pow(1 / p)
        }
        return power == 1 ? base : base.pow(power)
    }
}

/// Cosine similarity (PML's `CosineSimilarity`): the dot product of L2-normalised embeddings; larger is closer.
public struct CosineSimilarity: Distance {
    public var isInverted: Bool { true }
    public var normalizeEmbeddings: Bool { true }
    public init() {}
    public func computeMatrix(_ query: Tensor, _ reference: Tensor) -> Tensor { matmul(query, reference.transposed()) }
    public func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor { (a * b).sum(axis: -1) }
}

/// The dot product (PML's `DotProductSimilarity`); larger is closer.
public struct DotProductSimilarity: Distance {
    public let normalizeEmbeddings: Bool
    public var isInverted: Bool { true }
    public init(normalizeEmbeddings: Bool = true) { self.normalizeEmbeddings = normalizeEmbeddings }
    public func computeMatrix(_ query: Tensor, _ reference: Tensor) -> Tensor { matmul(query, reference.transposed()) }
    public func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor { (a * b).sum(axis: -1) }
}
