/// The metrics of ``Tensor/pairwiseDistances(_:_:metric:)``.
public enum PairwiseMetric: String, Sendable, CaseIterable {
    /// Euclidean distance ‖a − b‖₂.
    case l2
    /// Squared Euclidean distance ‖a − b‖₂².
    case squaredL2
    /// Manhattan distance ‖a − b‖₁.
    case l1
    /// Cosine distance 1 − cos(a, b).
    case cosine
}

extension Tensor {
    /// The L2 norm along `axis`, with a gradient of 0 (instead of NaN) where the norm is 0.
    public func norm(axis: Int = -1, keepDims: Bool = false) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "norm")
        let n = detached().square().sum(axis: a, keepDims: true).mapValues { $0.squareRoot() }
        let x = self
        let out = keepDims ? n : n.squeezed(a)
        return out.attaching(inputs: [x], name: "norm") { g in
            let safe = n.mapValues { $0 > 0 ? 1 / $0 : 0 }
            return [x * (g.reshaped(n.shape) * safe)]
        }
    }

    /// Rows scaled to unit L2 norm along `axis`: x / max(‖x‖, ε), as `F.normalize`.
    public func l2Normalized(axis: Int = -1, epsilon: Float = 1e-12) -> Tensor {
        self / norm(axis: axis, keepDims: true).clamped(min: epsilon)
    }

    /// √x with a gradient of 0 where x is 0 (distances of a point to itself).
    public func safeSqrt() -> Tensor {
        unary("sqrt", { $0.squareRoot() }, rule: { g, _, y in Tensor.zipValues(g, y, "sqrt") { g, y in y > 0 ? g * 0.5 / y : 0 } })
    }

    /// The `[n, m]` matrix of distances between the rows of `a` (`[n, d]`) and of `b` (`[m, d]`).
    ///
    /// L2 and squared L2 use ‖a‖² + ‖b‖² − 2·a·bᵀ (one GEMM), clamped at 0; cosine normalises then
    /// multiplies; L1 is a direct `n·m·d` loop. All are differentiable in both arguments.
    public static func pairwiseDistances(_ a: Tensor, _ b: Tensor, metric: PairwiseMetric) -> Tensor {
        check(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1],
              "pairwiseDistances: expected [n, d] and [m, d], got \(a.shape) and \(b.shape)")
        switch metric {
        case .squaredL2:
            return euclideanMatrix(a, b, squared: true)
        case .l2:
            return euclideanMatrix(a, b, squared: false)
        case .cosine:
            return 1 - matmul(a.l2Normalized(), b.l2Normalized().transposed())
        case .l1:
            return l1Matrix(a, b)
        }
    }

    /// Cosine similarity of every row of `a` with every row of `b`.
    public static func cosineSimilarityMatrix(_ a: Tensor, _ b: Tensor) -> Tensor {
        matmul(a.l2Normalized(), b.l2Normalized().transposed())
    }

    /// ‖a_i − b_j‖² (or its square root) as one fused op: a GEMM for a·bᵀ, then one pass that adds the
    /// squared norms and clamps at 0 (and takes the root). The backward pass is two GEMMs plus row/column sums.
    private static func euclideanMatrix(_ a: Tensor, _ b: Tensor, squared: Bool) -> Tensor {
        let (n, m) = (a.shape[0], b.shape[0])
        let ac = a.contiguous().detached(), bc = b.contiguous().detached()
        let dot = Kernels.batchedGEMM(ac, bc.transposed())
        let aa = ac.square().sum(axis: 1).scalars, bb = bc.square().sum(axis: 1).scalars
        let out = dot.storage.pointer
        for i in 0..<n {
            let row = out + i * m, ai = aa[i]
            for j in 0..<m {
                let sq = Swift.max(ai + bb[j] - 2 * row[j], 0)
                row[j] = squared ? sq : sq.squareRoot()
            }
        }
        let result = Tensor(storage: dot.storage, shape: [n, m])
        return result.attaching(inputs: [a, b], name: squared ? "squaredL2Distances" : "l2Distances") { g in
            // w = dL/d(sq): g where the unclamped value was positive, and g / (2·dist) for the root.
            let gc = g.contiguous()
            let w = TensorStorage(uninitializedCount: n * m)
            let pg = gc.storage.pointer + gc.offset, pr = result.storage.pointer
            for k in 0..<(n * m) {
                let v = pr[k]
                w.pointer[k] = v > 0 ? (squared ? pg[k] : pg[k] * 0.5 / v) : 0
            }
            let wt = Tensor(storage: w, shape: [n, m])
            let rowSums = wt.sum(axis: 1, keepDims: true), colSums = wt.sum(axis: 0).reshaped([m, 1])
            // d sq_ij / d a_i = 2(a_i − b_j), so dA = 2(rowSums ⊙ A − W·B), dB = 2(colSums ⊙ B − Wᵀ·A).
            let da = a.requiresGrad ? (ac * rowSums - matmul(wt, bc)) * 2 : nil
            let db = b.requiresGrad ? (bc * colSums - matmul(wt.transposed(), ac)) * 2 : nil
            return [da, db]
        }
    }

    private static func l1Matrix(_ a: Tensor, _ b: Tensor) -> Tensor {
        let n = a.shape[0], m = b.shape[0], d = a.shape[1]
        let ac = a.contiguous().detached(), bc = b.contiguous().detached()
        let pa = ac.storage.pointer + ac.offset, pb = bc.storage.pointer + bc.offset
        let out = TensorStorage(uninitializedCount: n * m)
        for i in 0..<n {
            for j in 0..<m {
                var s: Float = 0
                for k in 0..<d { s += Swift.abs(pa[i * d + k] - pb[j * d + k]) }
                out.pointer[i * m + j] = s
            }
        }
        return Tensor(storage: out, shape: [n, m]).attaching(inputs: [a, b], name: "l1Distances") { g in
            let gc = g.contiguous()
            let pg = gc.storage.pointer + gc.offset
            // Re-derive the input pointers from the captured tensors so their storage stays alive.
            let pa = ac.storage.pointer + ac.offset, pb = bc.storage.pointer + bc.offset
            let ga = TensorStorage(count: n * d, repeating: 0), gb = TensorStorage(count: m * d, repeating: 0)
            for i in 0..<n {
                for j in 0..<m {
                    let w = pg[i * m + j]
                    if w == 0 { continue }
                    for k in 0..<d {
                        let diff = pa[i * d + k] - pb[j * d + k]
                        let s: Float = diff > 0 ? w : (diff < 0 ? -w : 0)
                        ga.pointer[i * d + k] += s
                        gb.pointer[j * d + k] -= s
                    }
                }
            }
            return [Tensor(storage: ga, shape: [n, d]), Tensor(storage: gb, shape: [m, d])]
        }
    }
}
