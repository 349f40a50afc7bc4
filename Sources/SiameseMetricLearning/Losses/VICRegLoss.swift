import SiameseCore

/// VICReg (Bardes et al. 2022): variance-invariance-covariance regularisation of two views `Z`, `Z'` (`[n, d]`) of
/// the same batch, without labels.
///
/// `L = λ · mean_i ‖zᵢ − z'ᵢ‖² / d + μ · (v(Z) + v(Z')) + ν · (c(Z) + c(Z'))`, with
/// `v(Z) = mean_j [1 − √(Var(Z_{·j}) + ε)]₊ / 2` (unbiased variance over the batch) and
/// `c(Z) = Σ_{j≠k} Cov(Z)²_{jk} / d` (covariance with `n − 1` in the denominator).
///
/// Defaults as PML 2.9 `VICRegLoss`: `invarianceLambda` (λ) 25, `varianceMu` (μ) 25, `covarianceV` (ν) 1,
/// `eps` 1e-4. No distance, reducer or labels (PML refuses them): call it with the two views.
public struct VICRegLoss: Sendable {
    public let invarianceLambda: Float, varianceMu: Float, covarianceV: Float, eps: Float

    public init(invarianceLambda: Float = 25, varianceMu: Float = 25, covarianceV: Float = 1, eps: Float = 1e-4) {
        self.invarianceLambda = invarianceLambda; self.varianceMu = varianceMu
        self.covarianceV = covarianceV; self.eps = eps
    }

    /// The loss of two aligned views `embeddings[i]` ↔ `reference[i]`.
    public func callAsFunction(_ embeddings: Tensor, reference: Tensor) -> Tensor {
        precondition(embeddings.rank == 2 && embeddings.shape == reference.shape && embeddings.shape[0] > 1,
                     "VICRegLoss: the two views must both be [n, d] with n > 1, got \(embeddings.shape) and \(reference.shape)")
        let invariance = (embeddings - reference).square().mean() * invarianceLambda
        let variance = (varianceTerm(embeddings) + varianceTerm(reference)) * varianceMu
        let covariance = (covarianceTerm(embeddings) + covarianceTerm(reference)) * covarianceV
        return invariance + variance + covariance
    }

    func varianceTerm(_ z: Tensor) -> Tensor {
        let std = (z.variance(axes: [0], correction: 1) + eps).sqrt()
        return ((1 - std).relu() * 0.5).mean()
    }

    func covarianceTerm(_ z: Tensor) -> Tensor {
        let (n, d) = (z.shape[0], z.shape[1])
        let centred = z - z.mean(axis: 0, keepDims: true)
        let cov = matmul(centred.transposed(), centred) * (1 / Float(n - 1))
        return (cov.square() * (1 - Tensor.eye(d))).sum() * (1 / Float(d))
    }
}
