import CSiameseKernels
import SiameseCore

/// Per-row softmax cross-entropy with integer targets (`F.cross_entropy(logits, targets, reduction="none")`),
/// fused: one pass forward (row maximum, exponentials, log-sum-exp) that keeps the softmax, and one pass backward
/// `g_i · s · (p_ij − [j = t_i])`, where composing `logSoftmax`, a one-hot product and a sum takes about ten
/// passes over the `[n, C]` logits and an `[n, C]` one-hot matrix.
///
/// ``ofProduct(_:_:targets:scale:)`` also fuses the matrix product that makes the logits (`s · a·bᵀ`): one GEMM
/// forward and two backward, with the scale folded into the GEMMs.
enum SoftmaxCrossEntropy {
    /// `−log softmax(s · logits_i)[t_i]` for each row `i` of `logits` (`[n, C]`); targets must be in `0..<C`.
    static func losses(_ logits: Tensor, targets: [Int], scale: Float = 1) -> Tensor {
        precondition(logits.rank == 2 && logits.shape[0] == targets.count, "SoftmaxCrossEntropy: \(logits.shape) logits for \(targets.count) targets")
        let (n, c) = (logits.shape[0], logits.shape[1])
        let x = logits.detached().contiguous()
        let probabilities = TensorStorage(uninitializedCount: n * c)
        // The scale is applied in the row pass, which reads x and writes the softmax.
        let value = withExtendedLifetime(x) {
            forward(x.storage.pointer + x.offset, scale: scale, into: probabilities, n: n, c: c, targets: targets)
        }
        return value.recordingGradient(of: [logits], name: "softmaxCrossEntropy") { g in
            [backward(g, probabilities, n: n, c: c, targets: targets, scale: scale)]
        }
    }

    /// `−log softmax(s · a_i·bᵀ)[t_i]` for each row `i` of `a` (`[n, d]`), against the rows of `b` (`[C, d]`):
    /// `F.cross_entropy(s * a @ b.T, targets)` as one GEMM and a fused softmax. `a` and `b` may be the same tensor
    /// (the batch against itself); its gradient is then the sum of both.
    static func ofProduct(_ a: Tensor, _ b: Tensor, targets: [Int], scale: Float) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1] && a.shape[0] == targets.count,
                     "SoftmaxCrossEntropy: \(a.shape) · \(b.shape)ᵀ for \(targets.count) targets")
        let (n, c, d) = (a.shape[0], b.shape[0], a.shape[1])
        let ac = a.detached().contiguous(), bc = b.detached().contiguous()
        let logits = TensorStorage(uninitializedCount: n * c)
        ac.withUnsafeBufferPointer { pa in
            bc.withUnsafeBufferPointer { pb in
                BLAS.sgemm(transA: false, transB: true, m: n, n: c, k: d, alpha: scale, a: pa.baseAddress!, lda: d,
                           b: pb.baseAddress!, ldb: d, c: logits.pointer, ldc: c)
            }
        }
        let value = forward(logits.pointer, scale: 1, into: logits, n: n, c: c, targets: targets)
        let probabilities = logits
        return value.recordingGradient(of: [a, b], name: "softmaxCrossEntropyOfProduct") { g in
            // dL/dlogits = G (unscaled); d/da = s·G·b, d/db = s·Gᵀ·a.
            let grad = backward(g, probabilities, n: n, c: c, targets: targets, scale: 1)
            var da: Tensor?, db: Tensor?
            grad.withUnsafeBufferPointer { pg in
                if a.requiresGrad {
                    let out = TensorStorage(uninitializedCount: n * d)
                    bc.withUnsafeBufferPointer { pb in
                        BLAS.sgemm(transA: false, transB: false, m: n, n: d, k: c, alpha: scale, a: pg.baseAddress!, lda: c,
                                   b: pb.baseAddress!, ldb: d, c: out.pointer, ldc: d)
                    }
                    da = Tensor(storage: out, shape: [n, d])
                }
                if b.requiresGrad {
                    let out = TensorStorage(uninitializedCount: c * d)
                    ac.withUnsafeBufferPointer { pa in
                        BLAS.sgemm(transA: true, transB: false, m: c, n: d, k: n, alpha: scale, a: pg.baseAddress!, lda: c,
                                   b: pa.baseAddress!, ldb: d, c: out.pointer, ldc: d)
                    }
                    db = Tensor(storage: out, shape: [c, d])
                }
            }
            return [da, db]
        }
    }

    /// `−log softmax(s · a_i·aᵀ)[t_i]` for each row `i` of `a` (`[n, d]`): ``ofProduct(_:_:targets:scale:)`` of the
    /// batch against itself, using the symmetry of `a·aᵀ`: the forward GEMM computes only the blocks on and below
    /// the diagonal (the rest is mirrored), and the backward one GEMM `s·(G + Gᵀ)·a` instead of two.
    ///
    /// `normalizeRows`: the rows of `a` are L2-normalised first (`a.l2Normalized(axis: 1)`, ε 10⁻¹²), inside the op:
    /// the backward maps the gradient `g_q` of a normalised row `q` to `(g_q − (g_q·q) q) / ‖a_i‖` in one pass.
    static func ofGram(_ a: Tensor, targets: [Int], scale: Float, normalizeRows: Bool = false) -> Tensor {
        precondition(a.rank == 2 && a.shape[0] == targets.count, "SoftmaxCrossEntropy: \(a.shape) for \(targets.count) targets")
        let (n, d) = (a.shape[0], a.shape[1])
        var ac = a.detached().contiguous()
        var norms = [Float]()
        if normalizeRows {
            let q = TensorStorage(uninitializedCount: n * d), src = ac.storage.pointer + ac.offset
            norms = (0..<n).map { sk_dot_f32(src + $0 * d, src + $0 * d, d).squareRoot() }
            for i in 0..<n {
                let inverse = 1 / Swift.max(norms[i], 1e-12), row = src + i * d, dst = q.pointer + i * d
                for r in 0..<d { dst[r] = row[r] * inverse }
            }
            withExtendedLifetime(ac) {}
            ac = Tensor(storage: q, shape: [n, d])
        }
        let logits = TensorStorage(uninitializedCount: n * n)
        let block = 128
        ac.withUnsafeBufferPointer { pa in
            let base = pa.baseAddress!
            var row = 0
            while row < n {
                let rows = Swift.min(block, n - row)
                // Rows row..<row+rows against rows 0..<row+rows: the blocks left of and on the diagonal.
                BLAS.sgemm(transA: false, transB: true, m: rows, n: row + rows, k: d, alpha: scale, a: base + row * d, lda: d,
                           b: base, ldb: d, c: logits.pointer + row * n, ldc: n)
                row += rows
            }
        }
        mirrorLowerToUpper(logits.pointer, n: n)
        let value = forward(logits.pointer, scale: 1, into: logits, n: n, c: n, targets: targets)
        let probabilities = logits
        return value.recordingGradient(of: [a], name: "softmaxCrossEntropyOfGram") { g in
            let grad = backward(g, probabilities, n: n, c: n, targets: targets, scale: 1)
            addTransposeInPlace(grad.storage.pointer, n: n)
            let out = TensorStorage(uninitializedCount: n * d)
            ac.withUnsafeBufferPointer { pa in
                BLAS.sgemm(transA: false, transB: false, m: n, n: d, k: n, alpha: scale, a: grad.storage.pointer, lda: n,
                           b: pa.baseAddress!, ldb: d, c: out.pointer, ldc: d)
                if normalizeRows {
                    // Through q = a / max(‖a‖, ε): (g − (g·q) q) / ‖a‖, or g / ε where the norm was clamped.
                    for i in 0..<n {
                        let g = out.pointer + i * d, q = pa.baseAddress! + i * d
                        let projection = norms[i] >= 1e-12 ? sk_dot_f32(g, q, d) : 0
                        let inverse = 1 / Swift.max(norms[i], 1e-12)
                        for r in 0..<d { g[r] = (g[r] - projection * q[r]) * inverse }
                    }
                }
            }
            return [Tensor(storage: out, shape: [n, d])]
        }
    }

    /// Copies the strictly lower triangle of the `n×n` row-major matrix onto the upper one, in 8×8 tiles transposed
    /// in registers (`sk_mirror_lower_tile_row`), tile rows in parallel.
    private static func mirrorLowerToUpper(_ m: UnsafeMutablePointer<Float>, n: Int) {
        let level = Int32(SIMDKernels.level)
        forEachTileRow(n, tile: 8) { i0 in sk_mirror_lower_tile_row(level, m, n, i0) }
    }

    /// `M ← M + Mᵀ` for the `n×n` row-major matrix, in 8×8 tiles (`sk_add_transpose_tile_row`). Tile row `i0` owns the
    /// entries `(i, j)` and `(j, i)` with `i` in it and `j ≥ i`, so tile rows run in parallel.
    private static func addTransposeInPlace(_ m: UnsafeMutablePointer<Float>, n: Int) {
        let level = Int32(SIMDKernels.level)
        forEachTileRow(n, tile: 8) { i0 in sk_add_transpose_tile_row(level, m, n, i0) }
    }

    /// Runs `body(i0)` for the first row `i0` of every tile row of an upper triangle (`n` rows, tiles of `tile`), in
    /// parallel; tile rows are dealt first, last, second, second to last… so that contiguous chunks carry about the
    /// same share of the triangle.
    private static func forEachTileRow(_ n: Int, tile: Int, _ body: (Int) -> Void) {
        let rows = (n + tile - 1) / tile
        Threading.forEachChunk(of: rows, minChunk: Swift.max(1, rowPassChunk / Swift.max(n * tile, 1))) { _, range in
            for t in range { body((t % 2 == 0 ? t / 2 : rows - 1 - t / 2) * tile) }
        }
    }

    /// Elements a chunk of a parallel row pass covers at least (a worker's wake-up costs about as much as a pass
    /// over a few thousand floats).
    static let rowPassChunk = 1 << 15

    /// The losses (`[n]`) of the logits `s · src` (`[n, C]`), whose softmax goes to `probabilities` (which may be
    /// `src`'s storage): each row's maximum, exponentials, sum and normalisation in one kernel (`sk_softmax_row`,
    /// AVX-512 or AVX2 where the CPU has them), rows in parallel.
    private static func forward(_ src: UnsafePointer<Float>, scale: Float, into probabilities: TensorStorage, n: Int, c: Int,
                                targets: [Int]) -> Tensor {
        precondition(targets.allSatisfy { $0 >= 0 && $0 < c }, "SoftmaxCrossEntropy: targets must be in 0..<\(c)")
        let out = TensorStorage(uninitializedCount: n)
        let p = probabilities.pointer, o = out.pointer, level = Int32(SIMDKernels.level)
        targets.withUnsafeBufferPointer { t in
            Threading.forEachChunk(of: n, minChunk: Swift.max(1, rowPassChunk / Swift.max(c, 1))) { _, rows in
                for i in rows {
                    // loss = log Σ exp(s·x) − s·x_t (the target read before the row is overwritten).
                    let target = src[i * c + t[i]] * scale
                    o[i] = sk_softmax_row(level, src + i * c, nil, scale, c, -1, 0, p + i * c) - target
                }
            }
        }
        return Tensor(storage: out, shape: [n])
    }

    /// `s · g_i · (p_ij − [j = t_i])` as `[n, C]`, rows in parallel.
    private static func backward(_ g: Tensor, _ probabilities: TensorStorage, n: Int, c: Int, targets: [Int], scale: Float) -> Tensor {
        let gc = g.contiguous()
        let out = TensorStorage(uninitializedCount: n * c)
        let p = probabilities.pointer, d = out.pointer, gp = gc.storage.pointer + gc.offset
        targets.withUnsafeBufferPointer { t in
            Threading.forEachChunk(of: n, minChunk: Swift.max(1, rowPassChunk / Swift.max(c, 1))) { _, rows in
                for i in rows {
                    let w = gp[i] * scale
                    let src = p + i * c, dst = d + i * c
                    for j in 0..<c { dst[j] = src[j] * w }
                    dst[t[i]] -= w
                }
            }
        }
        return withExtendedLifetime(gc) { Tensor(storage: out, shape: [n, c]) }
    }
}
