#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// exp(xᵢ) / Σⱼ exp(xⱼ) along `axis` (fused and numerically stable).
    ///
    /// Backward: dx = y ⊙ (g − Σ g ⊙ y).
    public func softmax(axis: Int = -1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "softmax")
        let moved = a == rank - 1 ? self : transposed(a, -1)
        let y = Kernels.softmaxLastAxis(moved.detached())
        let result = a == rank - 1 ? y : y.transposed(a, -1).contiguous()
        return result.attaching(inputs: [self], name: "softmax") { g in
            let gy = g * result
            return [gy - result * gy.sum(axis: a, keepDims: true)]
        }
    }

    /// log softmax along `axis`: x − logsumexp(x).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "logSoftmax")
        // Subtract the maximum before anything else: x − m is exact, so large inputs keep their precision.
        let m = Kernels.reduce(detached(), axis: a, .max).mapValues { $0.isFinite ? $0 : 0 }
        let shifted = detached() - m
        let y = shifted - shifted.exp().sum(axis: a, keepDims: true).log()
        return y.attaching(inputs: [self], name: "logSoftmax") { g in
            let p = y.exp()
            return [g - p * g.sum(axis: a, keepDims: true)]
        }
    }
}

extension Kernels {
    /// Row-wise softmax over the last axis.
    static func softmaxLastAxis(_ x: Tensor) -> Tensor {
        let c = x.contiguous()
        let n = c.shape.last ?? 1
        let rows = c.count / Swift.max(n, 1)
        let out = TensorStorage(uninitializedCount: c.count)
        let src = UncheckedSendable(value: c.storage.pointer + c.offset), dst = UncheckedSendable(value: out.pointer)
        parallelChunks(rows, minChunk: Swift.max(1, parallelThreshold / Swift.max(n, 1))) { r in
            for row in r {
                let s = src.value + row * n, d = dst.value + row * n
                var m = -Float.infinity
                for j in 0..<n { m = Swift.max(m, s[j]) }
                if !m.isFinite { m = 0 }
                var total: Float = 0
                for j in 0..<n { let e = FastMath.exp(s[j] - m); d[j] = e; total += e }
                let inv = 1 / total
                for j in 0..<n { d[j] *= inv }
            }
        }
        return Tensor(storage: out, shape: c.shape)
    }
}
