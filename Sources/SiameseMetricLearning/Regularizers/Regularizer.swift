import SiameseCore

/// A penalty on a matrix whose rows are embeddings or class weights (PML's regularizers): a loss adds
/// `weight · regularizer(x)` to itself, already reduced. See ``RegularizedLoss`` (embeddings) and the
/// `weightRegularizer` of ``ArcFaceLoss``, ``ProxyAnchorLoss`` and ``ProxyNCALoss`` (class weights, one row per class).
public protocol Regularizer: Sendable {
    /// The reduced penalty of `x`, `[n, d]`.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// The mean `p`-norm of the rows, raised to `power` (PML's `LpRegularizer`): `mean_i ‖xᵢ‖ₚ^power`.
/// Defaults: p 2, power 1.
public struct LpRegularizer: Regularizer {
    public let p: Float, power: Float

    public init(p: Float = 2, power: Float = 1) {
        precondition(p >= 1, "LpRegularizer: p must be ≥ 1")
        self.p = p; self.power = power
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let norms = p == 2 ? x.square().sum(axis: 1).safeSqrt() : x.abs().pow(p).sum(axis: 1).pow(1 / p)
        return (power == 1 ? norms : norms.pow(power)).mean()
    }
}

/// The mean absolute row sum (PML's `ZeroMeanRegularizer`): `mean_i |Σⱼ xᵢⱼ|`.
public struct ZeroMeanRegularizer: Regularizer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sum(axis: 1).abs().mean() }
}

/// Pulls the squared norms of the rows together (PML's `CenterInvariantRegularizer`, Wu et al. 2017):
/// with `nᵢ = ‖wᵢ‖²`, `mean_i (nᵢ − mean n)² / 4`.
public struct CenterInvariantRegularizer: Regularizer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let squaredNorms = x.square().sum(axis: 1)
        return (squaredNorms - squaredNorms.mean()).square().mean() * 0.25
    }
}

/// Pushes every class weight away from its most similar other class weight (PML's `RegularFaceRegularizer`,
/// Zhao et al. 2019): `mean_i max_{j≠i} cos(wᵢ, wⱼ)`, the arg-max chosen without gradient.
public struct RegularFaceRegularizer: Regularizer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let cos = CosineSimilarity().matrix(x)
        let values = cos.detached().scalars
        let n = x.shape[0]
        var nearest: [Int] = []
        for i in 0..<n {
            var best = -1
            for j in 0..<n where j != i && (best < 0 || values[i * n + j] > values[i * n + best]) { best = j }
            nearest.append(best < 0 ? i : best)
        }
        guard n > 1 else { return x.sum() * 0 }
        return cos.entries(rows: Array(0..<n), cols: nearest).mean()
    }
}

/// Keeps the centres of each class apart from each other (PML's `SparseCentersRegularizer`, for SoftTriple):
/// rows are `numClasses` groups of `centersPerClass` consecutive centres; over every pair `i < j` of the same
/// class, `Σ √(2 − min(2 cos(cᵢ, cⱼ), 2)) / (2 · pairs)`.
public struct SparseCentersRegularizer: Regularizer {
    public let numClasses: Int, centersPerClass: Int

    public init(numClasses: Int, centersPerClass: Int) {
        precondition(numClasses > 0 && centersPerClass > 1, "SparseCentersRegularizer: needs numClasses > 0 and centersPerClass > 1")
        self.numClasses = numClasses; self.centersPerClass = centersPerClass
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape[0] == numClasses * centersPerClass,
                     "SparseCentersRegularizer: \(x.shape[0]) rows for \(numClasses) classes × \(centersPerClass) centres")
        let cos = CosineSimilarity().matrix(x)
        var rows: [Int] = [], cols: [Int] = []
        for c in 0..<numClasses {
            let start = c * centersPerClass
            for i in start..<(start + centersPerClass) { for j in (i + 1)..<(start + centersPerClass) { rows.append(i); cols.append(j) } }
        }
        let similarities = (cos.entries(rows: rows, cols: cols) * 2).clamped(max: 2)
        return (2 + Float.leastNormalMagnitude - similarities).sqrt().sum() / Float(2 * rows.count)
    }
}
