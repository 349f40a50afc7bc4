import SiameseCore

/// Input checks and preparation shared by ``ExactIndex`` and ``HNSWIndex``.
enum IndexInput {
    /// Rows of a `[d]` or `[n, d]` tensor, checking its last dimension.
    static func rowCount(of t: Tensor, dimension: Int, operation: String) throws(IndexError) -> Int {
        switch t.rank {
        case 1:
            guard t.shape[0] == dimension else { throw .dimensionMismatch(operation: operation, expected: dimension, actual: t.shape[0]) }
            return 1
        case 2:
            guard t.shape[1] == dimension else { throw .dimensionMismatch(operation: operation, expected: dimension, actual: t.shape[1]) }
            return t.shape[0]
        default:
            throw .invalidShape(operation: operation, shape: t.shape)
        }
    }

    static func checkFinite(_ values: [Float], dimension: Int, operation: String) throws(IndexError) {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(operation: operation, row: i / dimension, column: i % dimension)
        }
    }

    /// Divides each row by its L2 norm (accumulated in Double); zero rows stay zero.
    static func normalizeRows(_ values: inout [Float], dimension: Int) {
        values.withUnsafeMutableBufferPointer { p in
            for r in 0..<(p.count / dimension) {
                let row = p.baseAddress! + r * dimension
                var sum = 0.0
                for j in 0..<dimension { sum += Double(row[j]) * Double(row[j]) }
                guard sum > 0 else { continue }
                let scale = Float(1 / sum.squareRoot())
                for j in 0..<dimension { row[j] *= scale }
            }
        }
    }

    /// `‖row‖²` for each row (accumulated in Double).
    static func squaredNorms(_ values: [Float], dimension: Int) -> [Float] {
        values.withUnsafeBufferPointer { p in
            (0..<(p.count / dimension)).map { r in
                var sum = 0.0
                for j in 0..<dimension { sum += Double(p[r * dimension + j]) * Double(p[r * dimension + j]) }
                return Float(sum)
            }
        }
    }
}
