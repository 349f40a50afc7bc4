extension Tensor {
    /// A constant tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Float) -> Tensor {
        check(shape.allSatisfy { $0 >= 0 }, "full: negative dimension in shape \(shape)")
        return Tensor(storage: TensorStorage(count: Shape.count(shape), repeating: value), shape: shape)
    }

    /// A constant tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, value: 0) }

    /// A constant tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, value: 1) }

    /// Zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// `start, start + step, …` up to (excluding) `end`, as a 1-D tensor.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        check(step != 0, "arange: step must not be zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step }, shape: [n])
    }

    /// The `n×n` identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        let t = TensorStorage(count: n * n, repeating: 0)
        for i in 0..<n { t.pointer[i * n + i] = 1 }
        return Tensor(storage: t, shape: [n, n])
    }

    /// Values drawn uniformly from `[low, high)` with `generator`.
    ///
    /// The same generator state always gives the same values.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: inout SeededGenerator) -> Tensor {
        let n = Shape.count(shape)
        let s = TensorStorage(uninitializedCount: n)
        let width = high - low
        for i in 0..<n { s.pointer[i] = low + width * generator.nextUniform() }
        return Tensor(storage: s, shape: shape)
    }

    /// Values drawn from a normal distribution with `mean` and `std` using `generator`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              generator: inout SeededGenerator) -> Tensor {
        let n = Shape.count(shape)
        let s = TensorStorage(uninitializedCount: n)
        for i in 0..<n { s.pointer[i] = mean + std * generator.nextNormal() }
        return Tensor(storage: s, shape: shape)
    }
}
