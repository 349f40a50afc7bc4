import SiameseCore

/// Batch normalisation over the channel axis 1 of `[N, C]` (1-D) or `[N, C, H, W]` (2-D) input.
///
/// Training mode normalises with the batch statistics and updates the running ones:
/// `running = (1 − momentum) · running + momentum · batch`, with the unbiased batch variance, as PyTorch.
/// Evaluation mode uses the running statistics. Keys: `weight`, `bias`, `running_mean`, `running_var`,
/// `num_batches_tracked`.
public class BatchNorm: Module, UnaryLayer {
    public let weight: Parameter?
    public let bias: Parameter?
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let numBatchesTracked: Buffer
    public let momentum: Float
    public let epsilon: Float
    let expectedRank: Int

    init(_ features: Int, momentum: Float, epsilon: Float, affine: Bool, expectedRank: Int) {
        weight = affine ? Parameter(Tensor.ones([features])) : nil
        bias = affine ? Parameter(Tensor.zeros([features])) : nil
        runningMean = Buffer(Tensor.zeros([features]))
        runningVar = Buffer(Tensor.ones([features]))
        numBatchesTracked = Buffer(Tensor.zeros([]), isInteger: true)
        self.momentum = momentum
        self.epsilon = epsilon
        self.expectedRank = expectedRank
        super.init()
    }

    override public func children() -> [(String, Any)] {
        [("weight", weight as Any), ("bias", bias as Any), ("running_mean", runningMean),
         ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == expectedRank && x.shape[1] == runningMean.value.count,
                     "\(type(of: self)): expected rank \(expectedRank) input with \(runningMean.value.count) channels, got \(x.shape)")
        guard isTraining else {
            return x.batchNorm(mean: runningMean.value, variance: runningVar.value, gamma: weight?.value, beta: bias?.value,
                               epsilon: epsilon)
        }
        let (y, mean, variance) = x.batchNorm(gamma: weight?.value, beta: bias?.value, epsilon: epsilon)
        let n = Float(x.count / x.shape[1])
        let unbiased = variance * (n / Swift.max(n - 1, 1))
        runningMean.value = (runningMean.value * (1 - momentum) + mean * momentum).detached()
        runningVar.value = (runningVar.value * (1 - momentum) + unbiased * momentum).detached()
        numBatchesTracked.value = numBatchesTracked.value + 1
        return y
    }
}

/// Batch normalisation of `[N, C]` features.
public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        super.init(features, momentum: momentum, epsilon: epsilon, affine: affine, expectedRank: 2)
    }
}

/// Batch normalisation of `[N, C, H, W]` feature maps.
public final class BatchNorm2d: BatchNorm {
    public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        super.init(channels, momentum: momentum, epsilon: epsilon, affine: affine, expectedRank: 4)
    }
}

/// Layer normalisation over the trailing `normalizedShape` dimensions, with learned `weight` and `bias`.
public final class LayerNorm: Module, UnaryLayer {
    public let weight: Parameter?
    public let bias: Parameter?
    public let normalizedShape: [Int]
    public let epsilon: Float

    public init(_ normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape)) : nil
        bias = elementwiseAffine ? Parameter(Tensor.zeros(normalizedShape)) : nil
        super.init()
    }

    public convenience init(_ features: Int, epsilon: Float = 1e-5) { self.init([features], epsilon: epsilon) }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(Array(x.shape.suffix(normalizedShape.count)) == normalizedShape,
                     "LayerNorm: input \(x.shape) does not end with \(normalizedShape)")
        return x.layerNorm(normalizedDimensions: normalizedShape.count, gamma: weight?.value, beta: bias?.value, epsilon: epsilon)
    }
}
