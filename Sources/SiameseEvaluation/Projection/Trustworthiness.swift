/// How well an embedding keeps local neighbourhoods (scikit-learn's `sklearn.manifold.trustworthiness`, Euclidean).
///
/// With `r(i, j)` the rank of `j` among the neighbours of `i` in the original space (1 for the nearest) and
/// `U_k(i)` the `k` nearest neighbours of `i` in the embedding:
///
///     T(k) = 1 − 2 / (N·k·(2N − 3k − 1)) · Σᵢ Σ_{j ∈ U_k(i)} max(0, r(i, j) − k)
///
/// 1 means every embedded neighbour is also an original neighbour. Distances are computed in double precision; points
/// at equal distance are ranked by index.
///
/// - Parameters:
///   - original: N points in the input space.
///   - embedded: the same N points in the embedding.
///   - neighbours: `k` (default 5, as scikit-learn); must be below N / 2.
/// - Throws: ``ProjectionError`` for empty, ragged or non-finite input, different counts, or too few points.
public func trustworthiness(original: [[Float]], embedded: [[Float]], neighbours: Int = 5) throws -> Double {
    let x = try PointMatrix(original)
    let y = try PointMatrix(embedded)
    guard x.count == y.count else { throw ProjectionError.countMismatch(original: x.count, embedded: y.count) }
    guard neighbours >= 1 else {
        throw ProjectionError.invalidParameter(name: "neighbours", value: "\(neighbours)", rule: "it must be at least 1")
    }
    let n = x.count, k = neighbours
    guard Double(k) < Double(n) / 2 else { throw ProjectionError.tooFewPointsForNeighbours(count: n, neighbours: k) }
    var penalties = [Double](repeating: 0, count: n)
    penalties.withUnsafeMutableBufferPointer { buffer in
        let out = SharedBuffer(base: buffer.baseAddress!)
        parallelRanges(n, minimum: 16) { rows in
            var dx = [Double](repeating: 0, count: n)
            var dy = [Double](repeating: 0, count: n)
            for i in rows {
                for j in 0..<n { dx[j] = x.squaredDistance(i, j); dy[j] = y.squaredDistance(i, j) }
                // The k nearest in the embedding (self excluded, ties by index).
                let nearest = smallest(k, of: dy, excluding: i)
                var penalty = 0.0
                for j in nearest {
                    // Rank of j among the original neighbours of i: 1 + how many come before it.
                    let dij = dx[j]
                    var before = 0
                    for m in 0..<n where m != i && (dx[m] < dij || (dx[m] == dij && m < j)) { before += 1 }
                    let rank = before + 1
                    if rank > k { penalty += Double(rank - k) }
                }
                out[i] = penalty
            }
        }
    }
    let total = penalties.reduce(0, +)
    let nn = Double(n), kk = Double(k)
    return 1 - total * (2 / (nn * kk * (2 * nn - 3 * kk - 1)))
}

/// Indices of the `k` smallest values of `values` other than index `excluding`, nearest first (ties by index).
func smallest(_ k: Int, of values: [Double], excluding: Int) -> [Int] {
    var best: [(Double, Int)] = []
    best.reserveCapacity(k + 1)
    for (j, v) in values.enumerated() where j != excluding {
        if best.count == k, let last = best.last, !(v < last.0) { continue }
        var at = best.count
        while at > 0 && v < best[at - 1].0 { at -= 1 }
        best.insert((v, j), at: at)
        if best.count > k { best.removeLast() }
    }
    return best.map(\.1)
}
