/// An immutable n-dimensional array of integers, for class labels and indices.
public struct IntTensor: Sendable, Equatable {
    /// The size of each dimension.
    public let shape: [Int]
    /// The values in row-major order.
    public let scalars: [Int]

    /// Values with a shape; stops if the counts disagree.
    public init(_ values: [Int], shape: [Int]) {
        check(values.count == Shape.count(shape), "IntTensor: shape \(shape) needs \(Shape.count(shape)) values, got \(values.count)")
        self.shape = shape
        self.scalars = values
    }

    /// A 1-D tensor.
    public init(_ values: [Int]) { self.init(values, shape: [values.count]) }

    /// `0..<n`.
    public static func arange(_ n: Int) -> IntTensor { IntTensor(Array(0..<n)) }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The values as floats.
    public var asFloat: Tensor { Tensor(scalars.map(Float.init), shape: shape) }

    /// For 1-D labels: the `n×n` mask with 1 where `labels[i] == labels[j]`.
    public func equalityMatrix() -> Tensor {
        check(rank == 1, "equalityMatrix: labels must be 1-D, got shape \(shape)")
        let n = count
        let s = TensorStorage(uninitializedCount: n * n)
        scalars.withUnsafeBufferPointer { l in
            for i in 0..<n {
                let li = l[i], row = s.pointer + i * n
                for j in 0..<n { row[j] = l[j] == li ? 1 : 0 }
            }
        }
        return Tensor(storage: s, shape: [n, n])
    }

    /// Throws unless every value lies in `0..<bound`.
    public func validateIndices(below bound: Int, operation: String) throws {
        if let bad = scalars.first(where: { $0 < 0 || $0 >= bound }) {
            throw TensorError.indexOutOfRange(operation: operation, index: bad, bound: bound)
        }
    }
}
