import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        let scaled = TensorStorage(uninitializedCount: n * c)
        x.withUnsafeBufferPointer { src in
            let from = src.baseAddress!, to = scaled.pointer
            Threading.forEachChunk(of: n * c, minChunk: rowPassChunk) { _, range in
                for k in range { to[k] = from[k] * scale }
            }
        }
        let (value, probabilities) = forward(scaled, n: n, c: c, targets: targets)
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
        let (value, probabilities) = forward(logits, n: n, c: c, targets: targets)
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
    static func ofGram(_ a: Tensor, targets: [Int], scale: Float) -> Tensor {
        precondition(a.rank == 2 && a.shape[0] == targets.count, "SoftmaxCrossEntropy: \(a.shape) for \(targets.count) targets")
        let (n, d) = (a.shape[0], a.shape[1])
        let ac = a.detached().contiguous()
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
        let (value, probabilities) = forward(logits, n: n, c: n, targets: targets)
        return value.recordingGradient(of: [a], name: "softmaxCrossEntropyOfGram") { g in
            let grad = backward(g, probabilities, n: n, c: n, targets: targets, scale: 1)
            addTransposeInPlace(grad.storage.pointer, n: n)
            let out = TensorStorage(uninitializedCount: n * d)
            ac.withUnsafeBufferPointer { pa in
                BLAS.sgemm(transA: false, transB: false, m: n, n: d, k: n, alpha: scale, a: grad.storage.pointer, lda: n,
                           b: pa.baseAddress!, ldb: d, c: out.pointer, ldc: d)
            }
            return [Tensor(storage: out, shape: [n, d])]
        }
    }

    /// Copies the strictly lower triangle of the `n×n` row-major matrix onto the upper one, tile by tile (tiles of 8:
    /// a column walk touches one cache line per row, and rows 4 KiB apart share an L1 set), tile rows in parallel.
    private static func mirrorLowerToUpper(_ m: UnsafeMutablePointer<Float>, n: Int) {
        let tile = 8
        forEachTileRow(n, tile: tile) { i0 in
            for j0 in stride(from: i0, to: n, by: tile) {
                // Upper tile (i0, j0) from lower tile (j0, i0).
                for i in i0..<Swift.min(i0 + tile, n) {
                    let jStart = Swift.max(j0, i + 1), jEnd = Swift.min(j0 + tile, n)
                    guard jStart < jEnd else { continue }
                    for j in jStart..<jEnd { m[i * n + j] = m[j * n + i] }
                }
            }
        }
    }

    /// `M ← M + Mᵀ` for the `n×n` row-major matrix, tile by tile (of 8, as ``mirrorLowerToUpper(_:n:)``). Tile row
    /// `i0` owns the entries `(i, j)` and `(j, i)` with `i` in it and `j ≥ i`, so tile rows run in parallel.
    private static func addTransposeInPlace(_ m: UnsafeMutablePointer<Float>, n: Int) {
        let tile = 8
        forEachTileRow(n, tile: tile) { i0 in
            for j0 in stride(from: i0, to: n, by: tile) {
                for i in i0..<Swift.min(i0 + tile, n) {
                    let jStart = Swift.max(j0, i), jEnd = Swift.min(j0 + tile, n)
                    guard jStart < jEnd else { continue }
                    for j in jStart..<jEnd {
                        let s = m[i * n + j] + m[j * n + i]
                        m[i * n + j] = s
                        m[j * n + i] = s
                    }
                }
            }
        }
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

    /// The largest of `count` floats (−∞ for none; NaN is skipped), eight independent lanes at a time.
    @inline(__always)
    private static func maximum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
        var j = 0
        while j &+ 8 <= count {
            m0 = p[j] > m0 ? p[j] : m0; m1 = p[j &+ 1] > m1 ? p[j &+ 1] : m1
            m2 = p[j &+ 2] > m2 ? p[j &+ 2] : m2; m3 = p[j &+ 3] > m3 ? p[j &+ 3] : m3
            m4 = p[j &+ 4] > m4 ? p[j &+ 4] : m4; m5 = p[j &+ 5] > m5 ? p[j &+ 5] : m5
            m6 = p[j &+ 6] > m6 ? p[j &+ 6] : m6; m7 = p[j &+ 7] > m7 ? p[j &+ 7] : m7
            j &+= 8
        }
        while j < count { m0 = p[j] > m0 ? p[j] : m0; j &+= 1 }
        return Swift.max(Swift.max(Swift.max(m0, m1), Swift.max(m2, m3)), Swift.max(Swift.max(m4, m5), Swift.max(m6, m7)))
    }

    /// The sum of `count` floats, eight independent lanes at a time.
    @inline(__always)
    private static func total(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0, s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var j = 0
        while j &+ 8 <= count {
            s0 += p[j]; s1 += p[j &+ 1]; s2 += p[j &+ 2]; s3 += p[j &+ 3]
            s4 += p[j &+ 4]; s5 += p[j &+ 5]; s6 += p[j &+ 6]; s7 += p[j &+ 7]
            j &+= 8
        }
        while j < count { s0 += p[j]; j &+= 1 }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// Elements a chunk of a parallel row pass covers at least (a worker's wake-up costs about as much as a pass
    /// over a few thousand floats).
    static let rowPassChunk = 1 << 15

    /// Writes `softmax(src)` (`count` floats) to `dst` (which may be `src`) and returns the log-sum-exp
    /// `m + log Σ exp(x − m)`: the row maximum `m` (0 if not finite), the exponentials (vectorised), their sum in
    /// eight lanes, then one scaling pass, all on a row that stays in L1.
    @inline(__always)
    static func softmaxRow(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, _ count: Int) -> Float {
        var m = maximum(src, count)
        if !m.isFinite { m = 0 }
        for j in 0..<count { dst[j] = FastMath.exp(src[j] - m) }
        let sum = total(dst, count)
        let inverse = 1 / sum
        for j in 0..<count { dst[j] *= inverse }
        return m + logf(sum)
    }

    /// The losses (`[n]`) and the softmax (`[n, C]`) of scaled logits (whose storage is overwritten), rows in parallel.
    private static func forward(_ logits: TensorStorage, n: Int, c: Int, targets: [Int]) -> (Tensor, TensorStorage) {
        precondition(targets.allSatisfy { $0 >= 0 && $0 < c }, "SoftmaxCrossEntropy: targets must be in 0..<\(c)")
        let out = TensorStorage(uninitializedCount: n)
        let p = logits.pointer, o = out.pointer
        targets.withUnsafeBufferPointer { t in
            Threading.forEachChunk(of: n, minChunk: Swift.max(1, rowPassChunk / Swift.max(c, 1))) { _, rows in
                for i in rows {
                    let row = p + i * c
                    // loss = log Σ exp(x) − x_t.
                    let target = row[t[i]]
                    o[i] = softmaxRow(row, into: row, c) - target
                }
            }
        }
        return (Tensor(storage: out, shape: [n]), logits)
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
