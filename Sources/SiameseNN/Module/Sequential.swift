import SiameseCore

/// Applies layers one after another; children are named `0`, `1`, … as in PyTorch.
///
/// ```swift
/// let mlp = Sequential(Linear(784, 128), ReLU(), Linear(128, 64))
/// let y = mlp(x)
/// ```
public final class Sequential: Module, UnaryLayer {
    /// The layers, in order.
    public let layers: [any UnaryLayer]

    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    override public func children() -> [(String, Any)] {
        layers.enumerated().map { ("\($0.offset)", $0.element as Any) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}
