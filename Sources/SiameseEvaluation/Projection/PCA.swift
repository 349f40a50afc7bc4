/// Principal component analysis: the centred points projected on the leading eigenvectors of their covariance.
///
/// With `X` the points minus their mean and `C = XᵀX / (N − 1)`, the projection is `X·V` where the columns of `V`
/// are the eigenvectors of `C` with the largest eigenvalues (found by Jacobi rotations in double precision). Each
/// component's sign follows scikit-learn's `PCA` (`svd_flip` with `u_based_decision=False`, scikit-learn ≥ 1.5):
/// the component's entry of largest magnitude is positive. The result matches
/// `sklearn.decomposition.PCA(n_components).fit_transform(X)` up to rounding.
public enum PCA {
    /// The `dimensions` leading principal coordinates of `points` (N rows of D values), N rows of `dimensions`.
    ///
    /// - Throws: ``ProjectionError`` for empty, ragged or non-finite input, or `dimensions` outside `1...D`.
    public static func project(_ points: [[Float]], dimensions: Int = 2) throws -> [[Float]] {
        let m = try PointMatrix(points)
        guard dimensions >= 1, dimensions <= m.dimensions else {
            throw ProjectionError.invalidParameter(name: "dimensions", value: "\(dimensions)",
                                                   rule: "PCA needs 1 ≤ dimensions ≤ \(m.dimensions) (the input's)")
        }
        return project(m, dimensions: dimensions).rows()
    }

    /// The projection on checked points (also t-SNE's initialisation).
    static func project(_ m: PointMatrix, dimensions: Int) -> PointMatrix {
        let n = m.count, d = m.dimensions
        var centred = m.values
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for c in 0..<d { mean[c] += centred[r * d + c] } }
        for c in 0..<d { mean[c] /= Double(n) }
        for r in 0..<n { for c in 0..<d { centred[r * d + c] -= mean[c] } }
        var cov = [Double](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { x in
            cov.withUnsafeMutableBufferPointer { cv in
                for r in 0..<n {
                    let row = x.baseAddress! + r * d
                    for i in 0..<d {
                        let xi = row[i]
                        if xi == 0 { continue }
                        for j in i..<d { cv[i * d + j] += xi * row[j] }
                    }
                }
            }
        }
        for i in 0..<d { for j in i..<d { cov[j * d + i] = cov[i * d + j] } }
        let (_, vectors) = SymmetricEigen.decompose(cov, n: d)
        var out = [Double](repeating: 0, count: n * dimensions)
        for k in 0..<dimensions {
            var v = vectors[k]
            var big = 0
            for c in 1..<max(1, d) where abs(v[c]) > abs(v[big]) { big = c }
            if v[big] < 0 { v = v.map { -$0 } }
            for r in 0..<n {
                var s = 0.0
                for c in 0..<d { s += centred[r * d + c] * v[c] }
                out[r * dimensions + k] = s
            }
        }
        return PointMatrix(count: n, dimensions: dimensions, values: out)
    }
}
