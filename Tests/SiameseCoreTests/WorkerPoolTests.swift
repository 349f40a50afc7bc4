import Foundation
import Synchronization
import Testing
@testable import SiameseCore

@Suite struct WorkerPoolTests {
    /// Many short jobs from two threads at once: every chunk runs exactly once, and no worker may keep a
    /// job's closure after `run` returns (Swift traps if a closure escapes `withoutActuallyEscaping`, which
    /// a race between a late worker and the caller once caused).
    @Test func shortJobsFromTwoThreadsRunEveryChunkOnce() {
        let pool = WorkerPool(workers: 2)
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<5_000 {
                let counts = Mutex([Int](repeating: 0, count: 3))
                pool.run(chunks: 3) { c in counts.withLock { $0[c] += 1 } }
                let ok = counts.withLock { $0 == [1, 1, 1] }
                total.add(ok ? 1 : 0, ordering: .relaxed)
            }
        }
        #expect(total.load(ordering: .relaxed) == 10_000)
    }

    @Test func nestedJobsRunSeriallyInsideAChunk() {
        let pool = WorkerPool(workers: 1)
        let inner = Mutex(0)
        pool.run(chunks: 2) { _ in
            pool.run(chunks: 4) { _ in inner.withLock { $0 += 1 } }
        }
        #expect(inner.withLock { $0 } == 8)
    }

    @Test func splitMatmulMatchesANaiveProduct() {
        // Large enough to be split over the workers (with the default thread count on a multi-core machine):
        // along N, along M, along the inner dimension, and with transposed operands. The thread count is not
        // changed here: other suites run in parallel and rely on it.
        var g = SeededGenerator(seed: 21)
        for (m, k, n) in [(40, 64, 300), (300, 64, 40), (16, 40_000, 9)] {
            let a = Tensor.normal([m, k], generator: &g), b = Tensor.normal([k, n], generator: &g)
            let (pa, pb) = (a.scalars, b.scalars)
            var naive = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k { sum += Double(pa[i * k + p]) * Double(pb[p * n + j]) }
                    naive[i * n + j] = Float(sum)
                }
            }
            // Transposed views of contiguous transposes: the same values, handed to the BLAS as flags.
            let at = a.transposed(0, 1).contiguous().transposed(0, 1), bt = b.transposed(0, 1).contiguous().transposed(0, 1)
            let tolerance: Float = k > 1000 ? 2e-2 : 1e-3  // float sums of 40,000 products against double ones
            #expect(Check.close(matmul(a, b).scalars, naive, tolerance: tolerance))
            #expect(Check.close(matmul(at, bt).scalars, naive, tolerance: tolerance))
        }
    }
}
