// Reductions along axes. Each reduces one axis at a time over a dense [outer, n, inner] view.
extension Kernels {
    enum Reduction { case sum, max, min }

    /// Reduces `axis` of `x`, keeping it with size 1.
    static func reduce(_ x: Tensor, axis: Int, _ kind: Reduction) -> Tensor {
        let c = x.contiguous()
        let n = c.shape[axis]
        let outer = c.shape[..<axis].reduce(1, *), inner = c.shape[(axis + 1)...].reduce(1, *)
        var outShape = c.shape
        outShape[axis] = 1
        let out = TensorStorage(uninitializedCount: outer * inner)
        let src = UncheckedSendable(value: c.storage.pointer + c.offset), dst = UncheckedSendable(value: out.pointer)
        let minChunk = max(1, parallelThreshold / max(n * inner, 1))
        parallelChunks(outer, minChunk: minChunk) { range in
            for o in range {
                let base = src.value + o * n * inner, d = dst.value + o * inner
                if inner == 1 {
                    switch kind {
                    case .sum: d[0] = Kernels.sum(base, n)
                    case .max: var m = -Float.infinity; for j in 0..<n { m = Swift.max(m, base[j]) }; d[0] = n == 0 ? -.infinity : m
                    case .min: var m = Float.infinity; for j in 0..<n { m = Swift.min(m, base[j]) }; d[0] = m
                    }
                    continue
                }
                let initial: Float = kind == .sum ? 0 : (kind == .max ? -.infinity : .infinity)
                d.update(repeating: initial, count: inner)
                for j in 0..<n {
                    let row = base + j * inner
                    switch kind {
                    case .sum: for i in 0..<inner { d[i] += row[i] }
                    case .max: for i in 0..<inner { d[i] = Swift.max(d[i], row[i]) }
                    case .min: for i in 0..<inner { d[i] = Swift.min(d[i], row[i]) }
                    }
                }
            }
        }
        return Tensor(storage: out, shape: outShape)
    }
}

extension Tensor {
    private func normalizedAxes(_ axes: [Int]?, _ op: String) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map { Shape.axis($0, rank: rank, op) })).sorted()
    }

    private func dropping(_ axes: [Int], from keptShape: [Int]) -> [Int] {
        keptShape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    private func reduceValues(_ axes: [Int], _ kind: Kernels.Reduction) -> Tensor {
        var r = self.detached()
        for a in axes { r = Kernels.reduce(r, axis: a, kind) }
        return r
    }

    /// Sum over `axes` (all when `nil`).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, "sum")
        let kept = reduceValues(ax, .sum)
        let inShape = shape
        let out = keepDims ? kept : kept.reshaped(dropping(ax, from: kept.shape))
        let keptShape = kept.shape
        return out.attaching(inputs: [self], name: "sum") { g in [g.reshaped(keptShape).expanded(to: inShape)] }
    }

    /// Sum along one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when `nil`).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, "mean")
        let n = ax.map { shape[$0] }.reduce(1, *)
        return sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean along one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    private func extremum(_ axes: [Int]?, keepDims: Bool, _ kind: Kernels.Reduction, _ op: String) -> Tensor {
        let ax = normalizedAxes(axes, op)
        let kept = reduceValues(ax, kind)
        let out = keepDims ? kept : kept.reshaped(dropping(ax, from: kept.shape))
        let x = self, keptShape = kept.shape
        return out.attaching(inputs: [x], name: op) { g in
            // The gradient goes to the arg-extremum; ties share it equally.
            let mask = Tensor.zipValues(x, kept, op) { $0 == $1 ? 1 : 0 }
            let ties = mask.sum(axes: ax, keepDims: true)
            return [mask * (g.reshaped(keptShape) / ties)]
        }
    }

    /// Maximum over `axes` (all when `nil`); ties share the gradient.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(axes, keepDims: keepDims, .max, "max") }
    /// Maximum along one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// Minimum over `axes` (all when `nil`); ties share the gradient.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(axes, keepDims: keepDims, .min, "min") }
    /// Minimum along one axis.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    /// log Σ exp(x) over `axes`, computed stably by subtracting the maximum first.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes, "logSumExp")
        let m = reduceValues(ax, .max).mapValues { $0.isFinite ? $0 : 0 }
        let lse = (self - m).exp().sum(axes: ax, keepDims: true).log() + m
        return keepDims ? lse : lse.reshaped(dropping(ax, from: lse.shape))
    }

    /// log Σ exp(x) along one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor { logSumExp(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`; `correction` 0 gives the biased (population) variance, 1 the unbiased one.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) -> Tensor {
        let ax = normalizedAxes(axes, "variance")
        let n = ax.map { shape[$0] }.reduce(1, *)
        let centered = self - mean(axes: ax, keepDims: true)
        return centered.square().sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n - correction, 1)))
    }
}
