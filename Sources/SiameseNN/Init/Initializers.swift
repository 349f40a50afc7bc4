import SiameseCore

/// Weight initialisations matching PyTorch's defaults, drawn from ``GlobalGenerator`` unless a generator is given.
public enum Initializer {
    /// Uniform on `[-bound, bound)`.
    public static func uniform(_ shape: [Int], bound: Float) -> Tensor {
        GlobalGenerator.with { Tensor.uniform(shape, low: -bound, high: bound, generator: &$0) }
    }

    /// Normal with the given standard deviation.
    public static func normal(_ shape: [Int], std: Float = 1) -> Tensor {
        GlobalGenerator.with { Tensor.normal(shape, std: std, generator: &$0) }
    }

    /// PyTorch's default for `Linear` and `Conv` weights: Kaiming-uniform with a = √5, i.e. bound = 1/√fanIn.
    public static func kaimingUniformDefault(_ shape: [Int], fanIn: Int) -> Tensor {
        uniform(shape, bound: 1 / Float(Swift.max(fanIn, 1)).squareRoot())
    }

    /// Kaiming (He) uniform for ReLU networks: bound = √(6 / fanIn).
    public static func kaimingUniform(_ shape: [Int], fanIn: Int) -> Tensor {
        uniform(shape, bound: (6 / Float(Swift.max(fanIn, 1))).squareRoot())
    }

    /// Xavier (Glorot) uniform: bound = √(6 / (fanIn + fanOut)).
    public static func xavierUniform(_ shape: [Int], fanIn: Int, fanOut: Int) -> Tensor {
        uniform(shape, bound: (6 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot())
    }
}
