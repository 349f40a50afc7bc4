/// The joint probabilities `P` of t-SNE: conditional `p(j|i)` per point at the wanted perplexity, symmetrised
/// as `(p(j|i) + p(i|j))` and normalised to sum to 1 (scikit-learn's `_joint_probabilities` and
/// `_joint_probabilities_nn`).
enum TSNEAffinities {
    /// Dense `N×N` P from all pairwise squared distances (the exact method).
    static func dense(_ x: PointMatrix, perplexity: Double) -> [Double] {
        let n = x.count
        var conditional = [Double](repeating: 0, count: n * n)
        conditional.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            parallelRanges(n, minimum: 8) { rows in
                var d = [Double](repeating: 0, count: n)
                for i in rows {
                    for j in 0..<n { d[j] = x.squaredDistance(i, j) }
                    d.withUnsafeBufferPointer { dp in
                        PerplexitySearch.conditional(distances: dp.baseAddress!, count: n, skip: i,
                                                     perplexity: perplexity, into: out.base + i * n)
                    }
                }
            }
        }
        var p = [Double](repeating: 0, count: n * n)
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let v = conditional[i * n + j] + conditional[j * n + i]
                p[i * n + j] = v
                total += v
            }
        }
        let scale = 1 / max(total, Double.ulpOfOne)
        for k in 0..<(n * n) { p[k] = max(p[k] * scale, Double.ulpOfOne) }
        for i in 0..<n { p[i * n + i] = 0 }
        return p
    }

    /// Sparse P from the `k` nearest neighbours of each point (the Barnes-Hut method).
    static func sparse(_ x: PointMatrix, neighbours k: Int, perplexity: Double) -> SparseAffinities {
        let n = x.count
        let knn = NearestNeighbours.search(x, k: k)
        var conditional = [Double](repeating: 0, count: n * k)
        conditional.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            parallelRanges(n, minimum: 64) { rows in
                knn.distances.withUnsafeBufferPointer { d in
                    for i in rows {
                        PerplexitySearch.conditional(distances: d.baseAddress! + i * k, count: k, skip: -1,
                                                     perplexity: perplexity, into: out.base + i * k)
                    }
                }
            }
        }
        // P + Pᵀ: gather (row, column, value) from both directions, sort by row then column and merge.
        var entries: [(Int32, Int32, Double)] = []
        entries.reserveCapacity(2 * n * k)
        for i in 0..<n {
            for t in 0..<k {
                let j = knn.indices[i * k + t], v = conditional[i * k + t]
                entries.append((Int32(i), Int32(j), v))
                entries.append((Int32(j), Int32(i), v))
            }
        }
        entries.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var rowStart = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = [], values: [Double] = []
        columns.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        for e in entries {
            if let last = columns.last, values.count > rowStart[Int(e.0)], last == e.1 {
                values[values.count - 1] += e.2
            } else {
                columns.append(e.1)
                values.append(e.2)
            }
            rowStart[Int(e.0) + 1] = columns.count
        }
        for r in 0..<n where rowStart[r + 1] < rowStart[r] { rowStart[r + 1] = rowStart[r] }
        let total = values.reduce(0, +)
        let scale = 1 / max(total, Double.ulpOfOne)
        for t in 0..<values.count { values[t] *= scale }
        return SparseAffinities(rowStart: rowStart, columns: columns, values: values)
    }
}

/// A sparse symmetric P in compressed rows.
struct SparseAffinities: Sendable {
    var rowStart: [Int]
    var columns: [Int32]
    var values: [Double]
}
