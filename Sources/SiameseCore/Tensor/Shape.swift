/// Shape arithmetic shared by every operation: element counts, strides and broadcasting.
public enum Shape {
    /// Product of the dimensions (1 for a scalar).
    @inline(__always)
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides of a dense tensor.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = acc
            acc *= shape[d]
        }
        return strides
    }

    /// Whether `strides` describe a dense row-major layout of `shape` (size-1 dimensions may have any stride).
    public static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// The NumPy broadcast of two shapes, or `nil` when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Normalises a possibly negative axis for a tensor of `rank`; stops when out of range.
    @inline(__always)
    static func axis(_ axis: Int, rank: Int, _ op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        check(a >= 0 && a < max(rank, 1), "\(op): axis \(axis) is out of range for rank \(rank)")
        return a
    }
}
