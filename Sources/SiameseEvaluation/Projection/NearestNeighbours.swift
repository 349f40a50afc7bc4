import SiameseCore

/// Exact k-nearest-neighbour search by squared Euclidean distance (internal to t-SNE's Barnes-Hut affinities).
///
/// Candidate distances come from blocks of `‖a‖² + ‖b‖² − 2·a·b` (single-precision GEMM); the chosen neighbours'
/// distances are then recomputed in double precision and ordered (ties by index).
enum NearestNeighbours {
    struct Result: Sendable {
        /// `N×k` neighbour indices, nearest first, the point itself excluded.
        var indices: [Int]
        /// The matching squared distances.
        var distances: [Double]
    }

    static func search(_ x: PointMatrix, k: Int) -> Result {
        let n = x.count, d = x.dimensions
        let xf = x.values.map { Float($0) }
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s: Float = 0
            for c in 0..<d { s += xf[i * d + c] * xf[i * d + c] }
            norms[i] = s
        }
        var indices = [Int](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        let block = max(1, min(n, (1 << 22) / max(n, 1)))
        var products = [Float](repeating: 0, count: block * n)
        let candidates = min(n - 1, k + 8)  // a few spare candidates against single-precision rounding
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            xf.withUnsafeBufferPointer { a in
                products.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(transA: false, transB: true, m: rows, n: n, k: d, alpha: 1,
                               a: a.baseAddress! + start * d, lda: d, b: a.baseAddress!, ldb: d,
                               beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
            let first = start
            indices.withUnsafeMutableBufferPointer { ib in
                distances.withUnsafeMutableBufferPointer { db in
                    products.withUnsafeBufferPointer { pb in
                        let outI = SharedBuffer(base: ib.baseAddress!), outD = SharedBuffer(base: db.baseAddress!)
                        let prod = UncheckedPointer(base: pb.baseAddress!)
                        norms.withUnsafeBufferPointer { nb in
                            let nrm = UncheckedPointer(base: nb.baseAddress!)
                            parallelRanges(rows, minimum: 16) { range in
                                var approx = [Double](repeating: 0, count: n)
                                for r in range {
                                    let i = first + r
                                    for j in 0..<n {
                                        approx[j] = Double(nrm.base[i] + nrm.base[j] - 2 * prod.base[r * n + j])
                                    }
                                    var chosen = smallest(candidates, of: approx, excluding: i)
                                        .map { ($0, x.squaredDistance(i, $0)) }
                                    chosen.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
                                    for t in 0..<k {
                                        outI[i * k + t] = chosen[t].0
                                        outD[i * k + t] = chosen[t].1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            start += rows
        }
        return Result(indices: indices, distances: distances)
    }
}
