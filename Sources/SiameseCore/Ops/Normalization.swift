extension Tensor {
    /// `(x − mean) / √(var + ε)` with the mean and biased variance taken over `axes`.
    ///
    /// This is the math shared by batch norm (axes `[0]` for `[N, C]`, `[0, 2, 3]` for `[N, C, H, W]`)
    /// and layer norm (the trailing axes). Composed from primitives, so it is differentiable end to end.
    /// - Returns: the normalised tensor plus the (detached) mean and variance, shaped with kept dimensions,
    ///   for updating running statistics.
    public func normalized(axes: [Int], epsilon: Float = 1e-5) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let mu = mean(axes: axes, keepDims: true)
        let centered = self - mu
        let v = centered.square().mean(axes: axes, keepDims: true)
        let output = centered / (v + epsilon).sqrt()
        return (output, mu.detached(), v.detached())
    }

    /// Batch normalisation in training mode: statistics over every axis except the channel axis 1,
    /// then `γ · x̂ + β` with per-channel `gamma` and `beta` (either may be `nil`).
    public func batchNorm(gamma: Tensor? = nil, beta: Tensor? = nil, epsilon: Float = 1e-5)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        check(rank >= 2, "batchNorm: input must be [N, C, …], got \(shape)")
        return fusedBatchNorm(gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// The same as ``batchNorm(gamma:beta:epsilon:)``, composed from differentiable primitives; kept as the
    /// reference the fused kernel is tested against.
    func composedBatchNorm(gamma: Tensor? = nil, beta: Tensor? = nil, epsilon: Float = 1e-5)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let axes = [0] + Array(2..<rank)
        let (xhat, mu, v) = normalized(axes: axes, epsilon: epsilon)
        let channelShape = [1, shape[1]] + [Int](repeating: 1, count: rank - 2)
        var y = xhat
        if let gamma { y = y * gamma.reshaped(channelShape) }
        if let beta { y = y + beta.reshaped(channelShape) }
        return (y, mu.reshaped([shape[1]]), v.reshaped([shape[1]]))
    }

    /// Batch normalisation with fixed statistics (inference mode).
    public func batchNorm(mean: Tensor, variance: Tensor, gamma: Tensor? = nil, beta: Tensor? = nil,
                          epsilon: Float = 1e-5) -> Tensor {
        check(rank >= 2, "batchNorm: input must be [N, C, …], got \(shape)")
        let channelShape = [1, shape[1]] + [Int](repeating: 1, count: rank - 2)
        var y = (self - mean.reshaped(channelShape)) / (variance.reshaped(channelShape) + epsilon).sqrt()
        if let gamma { y = y * gamma.reshaped(channelShape) }
        if let beta { y = y + beta.reshaped(channelShape) }
        return y
    }

    /// Layer normalisation over the last `normalizedDimensions` axes, then `γ · x̂ + β`.
    public func layerNorm(normalizedDimensions: Int = 1, gamma: Tensor? = nil, beta: Tensor? = nil,
                          epsilon: Float = 1e-5) -> Tensor {
        check(normalizedDimensions >= 1 && normalizedDimensions <= rank,
              "layerNorm: cannot normalise \(normalizedDimensions) trailing axes of \(shape)")
        var y = normalized(axes: Array((rank - normalizedDimensions)..<rank), epsilon: epsilon).output
        if let gamma { y = y * gamma }
        if let beta { y = y + beta }
        return y
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1−p).
    ///
    /// Identity when `training` is false or `p` is 0. The mask comes from `generator`, so it is reproducible.
    public func dropout(_ p: Float, training: Bool = true, generator: inout SeededGenerator) -> Tensor {
        check(p >= 0 && p < 1, "dropout: probability \(p) must be in [0, 1)")
        guard training && p > 0 else { return self }
        let mask = TensorStorage(uninitializedCount: count)
        let keep = 1 / (1 - p)
        for i in 0..<count { mask.pointer[i] = generator.nextUniform() < p ? 0 : keep }
        return self * Tensor(storage: mask, shape: shape)
    }
}
