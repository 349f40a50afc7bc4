import SiameseCore

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
            let diff = (query.unsqueezed(1) - reference.unsqueezed(0)).abs()
            base = diff.pow(p).sum(axis: -1).pow(1 / p)
        }
        return power == 1 ? base : base.pow(power)
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
