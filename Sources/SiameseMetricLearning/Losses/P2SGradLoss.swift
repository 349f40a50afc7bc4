import SiameseCore
import SiameseNN

/// P2SGrad (Zhang et al. 2019): the mean squared error between cosines to learned unit class weights and the
/// one-hot targets, whose gradient is the paper's probability-to-similarity gradient.
///
/// `L = 1/(n·C) Σᵢ Σ_c (clamp(xᵢ·W_c / ‖xᵢ‖, −1, 1) − [c = yᵢ])²`. The columns of `W` (`[embeddingSize,
/// numClasses]`) are rescaled to unit length before every call (PML's `renorm`), outside the gradient.
///
/// As PML 2.9 `P2SGradLoss(descriptors_dim, num_classes)`: no hyper-parameters; `W` starts uniform on `[−1, 1]`
/// with unit columns; the value is already reduced, so there is no reducer to choose. PML refuses miner output:
/// ``acceptsMinedTuples`` is `false`, so ``MetricLoss/checked(_:labels:tuples:)``, ``MetricTrainer`` and recipes
/// throw ``MetricLossError/minerNotSupported(loss:)`` (the plain call ignores tuples). Pass ``parameters()`` to the
/// optimizer.
public final class P2SGradLoss: Module, MetricLoss {
    public let weight: Parameter
    public let distance: any Distance = DotProductSimilarity(normalizeEmbeddings: false)
    public let reducer: any Reducer = MeanReducer()

    /// `false`: PML raises when an `indices_tuple` is given.
    public var acceptsMinedTuples: Bool { false }

    public init(embeddingSize: Int, numClasses: Int) {
        weight = Parameter(Initializer.uniform([embeddingSize, numClasses], bound: 1))
        super.init()
        renormalize()
    }

    override public func children() -> [(String, Any)] { [("weight", weight)] }

    /// Rescales each column of `W` to unit length as `torch.renorm(2, 1, 1e-5) · 1e5` does.
    public func renormalize() {
        let (rows, cols) = (weight.shape[0], weight.shape[1])
        weight.withMutableValues { w in
            for c in 0..<cols {
                var s: Float = 0
                for r in 0..<rows { s += w[r * cols + c] * w[r * cols + c] }
                let norm = s.squareRoot()
                let factor: Float = norm > 1e-5 ? 1e-5 / (norm + 1e-7) : 1
                for r in 0..<rows { w[r * cols + c] = w[r * cols + c] * factor * 1e5 }
            }
        }
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = weight.shape[1]
        ClassTargets.check(labels, classes: classes, "P2SGradLoss")
        renormalize()
        let cos = (matmul(embeddings, weight.value) / embeddings.norm(axis: 1, keepDims: true)).clamped(min: -1, max: 1)
        let loss = (cos - ClassTargets.oneHot(labels, classes: classes)).square().mean()
        return ["loss": LossTerm(losses: loss.reshaped([1]), kind: .element)]
    }
}
