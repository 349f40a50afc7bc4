#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
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
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets the number of threads the BLAS uses.
    static func setThreadCount(_ n: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(n))
        #endif
    }
}
