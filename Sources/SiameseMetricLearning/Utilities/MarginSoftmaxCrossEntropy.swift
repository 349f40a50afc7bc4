import CSiameseKernels
import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The target logit of a margin softmax loss as a function of `c`, the cosine between an embedding and its class
/// weight, `a = ‖x‖` and `b = ‖w‖`: its value and its partial derivatives (the loss's scale included).
struct TargetLogit {
    var value: Float
    var dc: Float
    var da: Float = 0
    var db: Float = 0
}

/// What the forward pass keeps of each row's target for the backward: the column of its closest sub-centre, the cosine
/// to it and the target logit with its derivatives.
private struct TargetRow {
    var column = 0
    var cosine: Float = 0
    var logit = TargetLogit(value: 0, dc: 0)
}

/// Cross-entropy over the products of embeddings with learned class weights, with a margin on the target logit,
/// fused into one GEMM forward and two backward (the cross-entropy of ArcFace, CosFace, SphereFace, L-Softmax,
/// sub-centre ArcFace and the normalised softmax).
///
/// For `x` (`[n, d]`) and `W` (`[d, C·K]`, column `j·K + k` is sub-centre `k` of class `j`), with
/// `P = x·W`, `αᵢ = 1/max(‖xᵢ‖, ε)` when the embeddings are normalised (else 1), `β_col = 1/max(‖W_col‖, ε)` when
/// the weights are (else 1) and `ε = 10⁻¹²` (as `l2Normalized`), the logits are
///
/// - `ℓᵢⱼ = s · αᵢ · P_{i,col} · β_col` for `j ≠ tᵢ`, where `col = j·K + k` with `k` the sub-centre of largest
///   `P_{i,jK+k} β_{jK+k}` (the class's closest one);
/// - `ℓᵢₜ = target(c, ‖xᵢ‖, ‖W_col‖)` for the target class, where `c = P_{i,col} / (max(‖xᵢ‖, ε) · max(‖W_col‖, ε))`
///   is the cosine to its closest sub-centre;
///
/// and the loss of row `i` is `−log softmax(ℓᵢ)[tᵢ]`. The backward needs neither the cosine matrix nor the
/// normalised copies: with `H = g · (softmax − onehot)`, every gradient is `E·Wᵀ + diag(λ)·x` and
/// `xᵀ·E + W·diag(μ)`, where `E` (`[n, C·K]`) carries `H` times each logit's derivative in `P`, and `λ` and `μ`
/// carry the derivatives through the norms (and the target logit's own terms in `a` and `b`).
enum MarginSoftmaxCrossEntropy {
    /// The per-row losses (`[n]`). `target` is called once per row (from parallel chunks).
    static func losses(embeddings: Tensor, weights: Tensor, subCenters: Int = 1, targets: [Int], scale: Float,
                       normalizeEmbeddings: Bool, normalizeWeights: Bool,
                       target: (_ c: Float, _ a: Float, _ b: Float) -> TargetLogit) -> Tensor {
        precondition(embeddings.rank == 2 && weights.rank == 2 && embeddings.shape[1] == weights.shape[0]
                     && embeddings.shape[0] == targets.count && subCenters >= 1 && weights.shape[1] % subCenters == 0,
                     "MarginSoftmaxCrossEntropy: \(embeddings.shape) · \(weights.shape) for \(targets.count) targets")
        let (n, d, columns) = (embeddings.shape[0], embeddings.shape[1], weights.shape[1])
        let k = subCenters, classes = columns / k
        precondition(targets.allSatisfy { $0 >= 0 && $0 < classes }, "MarginSoftmaxCrossEntropy: targets must be in 0..<\(classes)")
        let xc = embeddings.detached().contiguous(), wc = weights.detached().contiguous()
        let x = xc.storage.pointer + xc.offset, w = wc.storage.pointer + wc.offset
        let epsilon: Float = 1e-12

        // Norms: ‖xᵢ‖ and the column norms ‖W_col‖ (accumulated row by row of W, contiguous).
        let rowNorm = (0..<n).map { sk_dot_f32(x + $0 * d, x + $0 * d, d).squareRoot() }
        var columnSquares = [Float](repeating: 0, count: columns)
        columnSquares.withUnsafeMutableBufferPointer { b in
            for r in 0..<d {
                let row = w + r * columns
                for col in 0..<columns { b[col] += row[col] * row[col] }
            }
        }
        let columnNorm = columnSquares.map { $0.squareRoot() }
        let alpha = rowNorm.map { normalizeEmbeddings ? 1 / Swift.max($0, epsilon) : 1 }
        let beta = columnNorm.map { normalizeWeights ? 1 / Swift.max($0, epsilon) : 1 }

        // P = x·W.
        let products = TensorStorage(uninitializedCount: n * columns)
        BLAS.sgemm(transA: false, transB: false, m: n, n: columns, k: d, alpha: 1, a: x, lda: d, b: w, ldb: columns,
                   c: products.pointer, ldc: columns)

        // Row pass: the target logit and its derivatives, then the logits' softmax and the loss in one kernel
        // (`sk_softmax_row`: AVX-512 or AVX2 where the CPU has them). With sub-centres, the closest ones' logits first.
        let logits = TensorStorage(uninitializedCount: k == 1 ? 1 : n * classes)
        let level = Int32(SIMDKernels.level)
        let probabilities = TensorStorage(uninitializedCount: n * classes)
        var chosen = [Int32](repeating: 0, count: k == 1 ? 0 : n * classes)
        var targetRows = [TargetRow](repeating: TargetRow(), count: n)
        let out = TensorStorage(uninitializedCount: n)
        let minRows = Swift.max(1, SoftmaxCrossEntropy.rowPassChunk / Swift.max(columns, 1))
        // The parallel rows read the arrays above directly and write through pointers; β is a pointer for the kernel.
        beta.withUnsafeBufferPointer { beta in
        chosen.withUnsafeMutableBufferPointer { chosen in
        targetRows.withUnsafeMutableBufferPointer { targetRows in
            let p = products.pointer, l = logits.pointer, q = probabilities.pointer, o = out.pointer
            Threading.forEachChunk(of: n, minChunk: minRows) { _, rows in
                for i in rows {
                    let pr = p + i * columns, rowScale = scale * alpha[i], ti = targets[i]
                    var col = ti, product = pr[ti]
                    if k > 1 {
                        let lr = l + i * classes, cr = chosen.baseAddress! + i * classes
                        for j in 0..<classes {
                            var best = pr[j * k] * beta[j * k], bestK = 0
                            for s in 1..<k where pr[j * k + s] * beta[j * k + s] > best {
                                best = pr[j * k + s] * beta[j * k + s]; bestK = s
                            }
                            cr[j] = Int32(bestK)
                            lr[j] = best * rowScale
                        }
                        col = ti * k + Int(cr[ti]); product = pr[col]
                    }
                    let c = product / (Swift.max(rowNorm[i], epsilon) * Swift.max(columnNorm[col], epsilon))
                    let logit = target(c, rowNorm[i], columnNorm[col])
                    targetRows[i] = TargetRow(column: col, cosine: c, logit: logit)
                    let lse = k == 1
                        ? sk_softmax_row(level, pr, beta.baseAddress!, rowScale, classes, ti, logit.value, q + i * classes)
                        : sk_softmax_row(level, l + i * classes, nil, 1, classes, ti, logit.value, q + i * classes)
                    o[i] = lse - logit.value
                }
            }
        } } }

        let x0 = embeddings, w0 = weights
        let (chosenSubCenter, targetRowsKept) = (chosen, targetRows)
        return Tensor(storage: out, shape: [n]).recordingGradient(of: [x0, w0], name: "marginSoftmaxCrossEntropy") { g in
            let gc = g.contiguous()
            let gp = gc.storage.pointer + gc.offset
            let x = xc.storage.pointer + xc.offset, w = wc.storage.pointer + wc.offset
            // E (zero at the sub-centres a row did not choose, zeroed row by row in the parallel pass), λ, and
            // per-chunk column sums for μ.
            let e = TensorStorage(uninitializedCount: n * columns)
            let chunks = Threading.chunkCount(of: n, minChunk: minRows)
            var lambda = [Float](repeating: 0, count: n)
            var columnSums = [Float](repeating: 0, count: chunks * columns)
            var targetMu = [Float](repeating: 0, count: n)
            let normX = normalizeEmbeddings, normW = normalizeWeights
            beta.withUnsafeBufferPointer { beta in
            chosenSubCenter.withUnsafeBufferPointer { chosen in
            lambda.withUnsafeMutableBufferPointer { lambda in
            columnSums.withUnsafeMutableBufferPointer { sums in
            targetMu.withUnsafeMutableBufferPointer { tmu in
                let l = logits.pointer, q = probabilities.pointer, ep = e.pointer, p = products.pointer
                Threading.forEachChunk(of: n, minChunk: minRows) { chunk, rows in
                    let acc = sums.baseAddress! + chunk * columns
                    for i in rows {
                        let gi = gp[i], qr = q + i * classes, er = ep + i * columns
                        let rowScale = scale * alpha[i], ti = targets[i]
                        // Every class as if off-target first: H = g·p, E = H·s·α·β, λ −= H·ℓ·α², μ −= H·ℓ·β²
                        // (ℓ·H = E·P). Then the target: undo its off-target terms and add its own.
                        var rowSum: Float, offTarget: Float
                        if k == 1 {
                            let pr = p + i * columns
                            rowSum = sk_margin_softmax_backward_row(level, qr, pr, beta.baseAddress!, gi, rowScale, classes, er, acc)
                            offTarget = er[ti] * pr[ti]
                        } else {
                            let lr = l + i * classes, cr = chosen.baseAddress! + i * classes
                            er.initialize(repeating: 0, count: columns)
                            rowSum = 0
                            for j in 0..<classes {
                                let col = j * k + Int(cr[j])
                                let h = gi * qr[j], hl = h * lr[j]
                                er[col] = h * rowScale * beta[col]
                                rowSum += hl
                                acc[col] += hl
                            }
                            offTarget = gi * qr[ti] * lr[ti]
                        }
                        let row = targetRowsKept[i], col = row.column, c = row.cosine, der = row.logit
                        let h = gi * (qr[ti] - 1), a = rowNorm[i], b = columnNorm[col]
                        rowSum -= offTarget
                        acc[col] -= offTarget
                        let ia = 1 / Swift.max(a, epsilon), ib = 1 / Swift.max(b, epsilon)
                        er[col] = h * der.dc * ia * ib
                        var rowTerm = a > 0 ? h * der.da / a : 0
                        if a >= epsilon { rowTerm -= h * der.dc * c * ia * ia }
                        var columnTerm = b > 0 ? h * der.db / b : 0
                        if b >= epsilon { columnTerm -= h * der.dc * c * ib * ib }
                        lambda[i] = rowTerm - (normX && a >= epsilon ? rowSum * ia * ia : 0)
                        tmu[i] = columnTerm
                    }
                }
            } } } } }
            // μ: the chunks' column sums in chunk order, times −β², plus the target terms.
            var mu = [Float](repeating: 0, count: columns)
            for chunk in 0..<chunks {
                for col in 0..<columns { mu[col] += columnSums[chunk * columns + col] }
            }
            for col in 0..<columns {
                let bc = columnNorm[col]
                mu[col] = normW && bc >= epsilon ? -mu[col] / (bc * bc) : 0
            }
            for i in 0..<n { mu[targetRowsKept[i].column] += targetMu[i] }

            var dx: Tensor?, dw: Tensor?
            if x0.requiresGrad {
                // dx = diag(λ)·x + E·Wᵀ.
                let o = TensorStorage(uninitializedCount: n * d)
                for i in 0..<n {
                    let li = lambda[i], src = x + i * d, dst = o.pointer + i * d
                    for r in 0..<d { dst[r] = li * src[r] }
                }
                BLAS.sgemm(transA: false, transB: true, m: n, n: d, k: columns, alpha: 1, a: e.pointer, lda: columns,
                           b: w, ldb: columns, beta: 1, c: o.pointer, ldc: d)
                dx = Tensor(storage: o, shape: [n, d])
            }
            if w0.requiresGrad {
                // dW = W·diag(μ) + xᵀ·E.
                let o = TensorStorage(uninitializedCount: d * columns)
                mu.withUnsafeBufferPointer { mu in
                    for r in 0..<d {
                        let src = w + r * columns, dst = o.pointer + r * columns
                        for col in 0..<columns { dst[col] = src[col] * mu[col] }
                    }
                }
                BLAS.sgemm(transA: true, transB: false, m: d, n: columns, k: n, alpha: 1, a: x, lda: d,
                           b: e.pointer, ldb: columns, beta: 1, c: o.pointer, ldc: columns)
                dw = Tensor(storage: o, shape: [d, columns])
            }
            return withExtendedLifetime((gc, xc, wc)) { [dx, dw] }
        }
    }
}
