import SiameseCore

/// max(0, x).
public final class ReLU: Module, UnaryLayer {
    override public init() { super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// x for x > 0, `slope`·x otherwise.
public final class LeakyReLU: Module, UnaryLayer {
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope; super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(slope: slope) }
}

/// 1 / (1 + e⁻ˣ).
public final class Sigmoid: Module, UnaryLayer {
    override public init() { super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

/// Hyperbolic tangent.
public final class Tanh: Module, UnaryLayer {
    override public init() { super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// Gaussian error linear unit (exact erf form).
public final class GELU: Module, UnaryLayer {
    override public init() { super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}

/// log(1 + eˣ).
public final class Softplus: Module, UnaryLayer {
    override public init() { super.init() }
    override public func children() -> [(String, Any)] { [] }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.softplus() }
}
