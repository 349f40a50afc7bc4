#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
import Glibc
#endif

/// The small shim over the system BLAS: OpenBLAS on Linux, Accelerate on macOS.
public enum BLAS {
    /// Row-major single-precision GEMM: `C = alpha · op(A) · op(B) + beta · C`.
    ///
    /// `op(A)` is `m×k` and `op(B)` is `k×n`; `lda`, `ldb`, `ldc` are row strides of the stored matrices.
    @inline(__always)
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS may leave C untouched for k = 0; make beta's meaning explicit.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        #if !canImport(Accelerate)
        let threads = Threading.threadCount
        if threads > 1 && engineThreads && m * n <= 1 << 14 && k >= 8192 * threads {
            // A small C with a long inner dimension (a first layer's weight gradient, 16×9 over every pixel of
            // every image): slabs of C would be too thin, so each worker takes a slab of k and the partial
            // products are added in a fixed order (results do not depend on timing).
            splitInner(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                       beta: beta, c: c, ldc: ldc, parts: threads)
            return
        }
        if threads > 1 && engineThreads && m * n * k >= splitThreshold {
            // OpenBLAS runs single-threaded here; the engine's parked workers each take a slab of C. Idle
            // OpenBLAS threads spin in sched_yield between calls, which on a small machine steals the
            // cores the engine's own kernels and the data loader need.
            let alongN = n >= m
            let extent = alongN ? n : m
            let parts = Swift.min(threads, Swift.max(1, extent / 16))
            if parts > 1 {
                let (pa, pb, pc) = (UncheckedSendable(value: a), UncheckedSendable(value: b), UncheckedSendable(value: c))
                WorkerPool.shared.run(chunks: parts) { part in
                    // Slab boundaries on multiples of 16 keep the micro-kernels on full tiles.
                    let lo = (extent * part / parts) & ~15, hi = part == parts - 1 ? extent : (extent * (part + 1) / parts) & ~15
                    guard hi > lo else { return }
                    if alongN {
                        let bOffset = transB ? lo * ldb : lo
                        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                    Int32(m), Int32(hi - lo), Int32(k), alpha, pa.value, Int32(lda), pb.value + bOffset, Int32(ldb),
                                    beta, pc.value + lo, Int32(ldc))
                    } else {
                        let aOffset = transA ? lo : lo * lda
                        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                    Int32(hi - lo), Int32(n), Int32(k), alpha, pa.value + aOffset, Int32(lda), pb.value, Int32(ldb),
                                    beta, pc.value + lo * ldc, Int32(ldc))
                    }
                }
                return
            }
        }
        #endif
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    #if !canImport(Accelerate)
    /// `C = alpha · op(A) · op(B) + beta · C` as `parts` products over slabs of the inner dimension.
    private static func splitInner(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                   a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                   beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parts: Int) {
        // Part 0 writes C itself (with beta); the others write dense m×n scratch buffers.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: (parts - 1) * m * n)
        defer { scratch.deallocate() }
        let (pa, pb, pc, ps) = (UncheckedSendable(value: a), UncheckedSendable(value: b), UncheckedSendable(value: c),
                                UncheckedSendable(value: scratch))
        WorkerPool.shared.run(chunks: parts) { part in
            let lo = k * part / parts, hi = k * (part + 1) / parts
            let aPart = pa.value + (transA ? lo * lda : lo), bPart = pb.value + (transB ? lo : lo * ldb)
            let (out, ldo, betaPart) = part == 0 ? (pc.value, ldc, beta) : (ps.value + (part - 1) * m * n, n, Float(0))
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(hi - lo), alpha, aPart, Int32(lda), bPart, Int32(ldb), betaPart, out, Int32(ldo))
        }
        for part in 1..<parts {
            let partial = scratch + (part - 1) * m * n
            for i in 0..<m {
                let row = c + i * ldc, add = partial + i * n
                for j in 0..<n { row[j] += add[j] }
            }
        }
    }
    #endif

    /// Products with fewer multiply-adds than this run on one thread (splitting costs more than it saves).
    static let splitThreshold = 1 << 18

    /// Whether the engine splits large products over its own workers and keeps OpenBLAS single-threaded
    /// (the default), or leaves threading to OpenBLAS (`SIAMESEKIT_BLAS_THREADS=openblas`, for comparison).
    public static let engineThreads: Bool = {
        #if canImport(Accelerate)
        return false
        #else
        let openblasThreads = getenv("SIAMESEKIT_BLAS_THREADS").map { String(cString: $0) } == "openblas"
        if !openblasThreads { openblas_set_num_threads(1) }
        return !openblasThreads
        #endif
    }()

    /// Sets the number of threads the BLAS uses (one when the engine splits products itself).
    static func setThreadCount(_ n: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(engineThreads ? 1 : n))
        #endif
    }
}
