import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's thread-count setting, shared by its own kernels and the BLAS.
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// Number of threads kernels may use (defaults to the number of active processors).
    ///
    /// Setting it also sets the BLAS thread count. Values below 1 are treated as 1.
    public static var threadCount: Int {
        get {
            let c = configured.load(ordering: .relaxed)
            return c > 0 ? c : defaultCount
        }
        set {
            let n = max(1, newValue)
            configured.store(n, ordering: .relaxed)
            BLAS.setThreadCount(n)
        }
    }

    static let defaultCount: Int = {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Splits `0..<count` into ``chunkCount(of:minChunk:)`` contiguous chunks (at most ``threadCount``, each of at
    /// least `minChunk` items) and runs `body(chunk, range)` on each, on the engine's worker threads when there is
    /// more than one; returns when all are done. The split depends only on `count`, `minChunk` and ``threadCount``.
    ///
    /// For fused kernels outside the engine (row passes over a matrix): `body` runs concurrently with itself, so
    /// each chunk must write only memory that no other chunk reads or writes (per-chunk partial sums go to slot
    /// `chunk` of a scratch array, added in chunk order afterwards). Inside a worker, or while another parallel
    /// kernel runs, the chunks run one after another on the caller.
    public static func forEachChunk(of count: Int, minChunk: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        let chunks = chunkCount(of: count, minChunk: minChunk)
        if chunks <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        WorkerPool.shared.run(chunks: chunks) { c in
            body(c, (count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }

    /// The number of chunks ``forEachChunk(of:minChunk:_:)`` splits `count` items into (to size per-chunk scratch).
    public static func chunkCount(of count: Int, minChunk: Int) -> Int {
        Swift.max(1, Swift.min(threadCount, count / Swift.max(minChunk, 1)))
    }
}

/// Wraps a value that is only read concurrently (raw buffers handed to parallel kernels).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}

/// Splits `0..<count` into at most `Threading.threadCount` chunks of at least `minChunk` items and
/// runs `body` on each, in parallel when there is more than one chunk.
@inline(__always)
func parallelChunks(_ count: Int, minChunk: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(Threading.threadCount, count / max(minChunk, 1))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    WorkerPool.shared.run(chunks: chunks) { c in
        body((count * c / chunks)..<(count * (c + 1) / chunks))
    }
}
