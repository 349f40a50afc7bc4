import SiameseCore

/// A fully connected layer: `y = x · Wᵀ + b`.
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, initialised like PyTorch
/// (uniform on ±1/√inFeatures). Accepts any input shape `[…, inFeatures]`.
/// ```swift
/// let fc = Linear(800, 128)
/// let h = fc(x)   // [batch, 128]
/// ```
public final class Linear: Module, UnaryLayer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: feature counts must be positive")
        weight = Parameter(Initializer.kaimingUniformDefault([outFeatures, inFeatures], fanIn: inFeatures))
        self.bias = bias ? Parameter(Initializer.kaimingUniformDefault([outFeatures], fanIn: inFeatures)) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == weight.shape[1],
                     "Linear: input \(x.shape) has \(x.shape.last ?? 0) features, layer expects \(weight.shape[1])")
        let y = matmul(x, weight.value.transposed())
        return bias.map { y + $0.value } ?? y
    }
}
