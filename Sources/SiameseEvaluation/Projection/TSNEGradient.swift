import Foundation

/// The gradient of t-SNE's Kullback–Leibler objective `KL(P‖Q)` with respect to the 2-D positions, with Student-t
/// similarities `q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Z` (one degree of freedom):
///
///     ∂KL/∂y_i = 4 · Σ_j (p_ij − q_ij) · (1 + ‖y_i − y_j‖²)⁻¹ · (y_i − y_j)
///
/// computed exactly over all pairs, or with Barnes-Hut (attraction over the sparse P, repulsion from a
/// ``QuadTree``), as scikit-learn's `_kl_divergence` and `_kl_divergence_bh`.
enum TSNEGradient {
    /// Exact gradient into `gradient` (2N values) for the dense P scaled by `exaggeration`; returns the KL
    /// divergence when `withError`, else 0.
    static func exact(positions y: [Double], affinities p: [Double], count n: Int, exaggeration: Double,
                      withError: Bool, gradient: inout [Double]) -> Double {
        // Per point: attraction Σ p·w·(y_i − y_j), repulsion Σ w²·(y_i − y_j), Σ w, and for the error Σ p·log w.
        var rows = [Double](repeating: 0, count: 6 * n)
        rows.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            y.withUnsafeBufferPointer { yb in
            p.withUnsafeBufferPointer { pb in
                let yp = UncheckedPointer(base: yb.baseAddress!), pp = UncheckedPointer(base: pb.baseAddress!)
                parallelRanges(n, minimum: 32) { range in
                    for i in range {
                        let xi = yp.base[2 * i], yi = yp.base[2 * i + 1]
                        let prow = pp.base + i * n
                        var ax = 0.0, ay = 0.0, rx = 0.0, ry = 0.0, s = 0.0, plogw = 0.0
                        for j in 0..<n where j != i {
                            let dx = xi - yp.base[2 * j], dy = yi - yp.base[2 * j + 1]
                            let w = 1 / (1 + dx * dx + dy * dy)
                            let pw = prow[j] * exaggeration * w
                            ax += pw * dx; ay += pw * dy
                            let w2 = w * w
                            rx += w2 * dx; ry += w2 * dy
                            s += w
                        }
                        if withError {
                            for j in 0..<n where j != i {
                                let dx = xi - yp.base[2 * j], dy = yi - yp.base[2 * j + 1]
                                let pij = prow[j] * exaggeration
                                plogw += pij * (log(max(pij, Double.ulpOfOne)) + log(1 + dx * dx + dy * dy))
                            }
                        }
                        out[6 * i] = ax; out[6 * i + 1] = ay; out[6 * i + 2] = rx; out[6 * i + 3] = ry
                        out[6 * i + 4] = s; out[6 * i + 5] = plogw
                    }
                }
            }}
        }
        var z = 0.0, error = 0.0, mass = 0.0
        for i in 0..<n { z += rows[6 * i + 4]; error += rows[6 * i + 5] }
        for i in 0..<n {
            gradient[2 * i] = 4 * (rows[6 * i] - rows[6 * i + 2] / z)
            gradient[2 * i + 1] = 4 * (rows[6 * i + 1] - rows[6 * i + 3] / z)
        }
        if withError {
            for v in p { mass += v }
            // KL = Σ p log p − Σ p log w + (Σ p) log Z, with log p − log w accumulated above.
            error += mass * exaggeration * log(z)
        }
        return withError ? error : 0
    }

    /// Barnes-Hut gradient into `gradient` (2N values) for the sparse P scaled by `exaggeration`, with the
    /// opening angle `theta`; returns the KL divergence when `withError`, else 0.
    static func barnesHut(positions y: [Double], affinities p: SparseAffinities, count n: Int, exaggeration: Double,
                          theta: Double, withError: Bool, gradient: inout [Double]) -> Double {
        let tree = QuadTree(positions: y, count: n)
        let thetaSquared = theta * theta
        // Per point: repulsion x, y, Σq; then attraction x, y and the error term.
        var rows = [Double](repeating: 0, count: 6 * n)
        rows.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            parallelRanges(n, minimum: 64) { range in
                let stack = UnsafeMutablePointer<Int32>.allocate(capacity: QuadTree.stackCapacity)
                defer { stack.deallocate() }
                y.withUnsafeBufferPointer { yp in
                    for i in range {
                        let r = tree.repulsion(point: i, x: yp[2 * i], y: yp[2 * i + 1], thetaSquared: thetaSquared,
                                               stack: stack)
                        out[6 * i] = r.fx; out[6 * i + 1] = r.fy; out[6 * i + 2] = r.sumQ
                    }
                }
            }
        }
        var z = 0.0
        for i in 0..<n { z += rows[6 * i + 2] }
        let sumQ = z
        rows.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            parallelRanges(n, minimum: 64) { range in
                p.rowStart.withUnsafeBufferPointer { rs in
                p.columns.withUnsafeBufferPointer { cols in
                p.values.withUnsafeBufferPointer { vals in
                y.withUnsafeBufferPointer { yp in
                    for i in range {
                        let xi = yp[2 * i], yi = yp[2 * i + 1]
                        var ax = 0.0, ay = 0.0, e = 0.0
                        for t in rs[i]..<rs[i + 1] {
                            let j = Int(cols[t])
                            let dx = xi - yp[2 * j], dy = yi - yp[2 * j + 1]
                            let w = 1 / (1 + dx * dx + dy * dy)
                            let pij = vals[t] * exaggeration
                            ax += pij * w * dx; ay += pij * w * dy
                            if withError {
                                let tiny = Double(Float.leastNormalMagnitude)
                                e += pij * log(max(pij, tiny) / max(w / sumQ, tiny))
                            }
                        }
                        out[6 * i + 3] = ax; out[6 * i + 4] = ay; out[6 * i + 5] = e
                    }
                }}}}
            }
        }
        var error = 0.0
        for i in 0..<n {
            gradient[2 * i] = 4 * (rows[6 * i + 3] - rows[6 * i] / z)
            gradient[2 * i + 1] = 4 * (rows[6 * i + 4] - rows[6 * i + 1] / z)
            error += rows[6 * i + 5]
        }
        return withError ? error : 0
    }
}
