/// Rows of points checked and packed into one row-major `Double` buffer (internal to the projections).
struct PointMatrix: Sendable {
    let count: Int
    let dimensions: Int
    var values: [Double]

    /// Checks `points` (non-empty, equal row lengths, finite values) and copies them.
    init(_ points: [[Float]]) throws {
        guard let first = points.first else { throw ProjectionError.empty }
        guard !first.isEmpty else { throw ProjectionError.zeroDimensions }
        let d = first.count
        var values = [Double](repeating: 0, count: points.count * d)
        for (r, row) in points.enumerated() {
            guard row.count == d else { throw ProjectionError.raggedRows(row: r, count: row.count, expected: d) }
            for (c, v) in row.enumerated() {
                guard v.isFinite else { throw ProjectionError.nonFinite(row: r, column: c) }
                values[r * d + c] = Double(v)
            }
        }
        count = points.count
        dimensions = d
        self.values = values
    }

    init(count: Int, dimensions: Int, values: [Double]) {
        self.count = count
        self.dimensions = dimensions
        self.values = values
    }

    /// The rows as `Float` arrays.
    func rows() -> [[Float]] {
        (0..<count).map { r in (0..<dimensions).map { Float(values[r * dimensions + $0]) } }
    }

    /// Squared Euclidean distance between rows `i` and `j`.
    @inline(__always)
    func squaredDistance(_ i: Int, _ j: Int) -> Double {
        values.withUnsafeBufferPointer { v in
            var s = 0.0
            let a = i * dimensions, b = j * dimensions
            for k in 0..<dimensions { let t = v[a + k] - v[b + k]; s += t * t }
            return s
        }
    }
}
