/// An immutable n-dimensional array of `Float` with optional gradient tracking.
///
/// A tensor is shared storage plus a layout (shape, strides, offset) plus, when gradients are
/// wanted, the autograd node of the operation that produced it. Views share storage; operations
/// return new tensors. Reverse-mode differentiation starts from a scalar with ``backward()``.
///
/// ```swift
/// let x = Tensor([1, 2, 3]).requiringGrad()
/// let y = (x * x + 5 * x + 4).sum()
/// y.backward()
/// x.grad  // [7, 9, 11]
/// ```
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension.
    public let shape: [Int]
    /// Element steps between neighbours along each dimension (0 for broadcast dimensions).
    public let strides: [Int]
    /// Index of the first element in ``storage``.
    public let offset: Int
    /// The shared values.
    public let storage: TensorStorage
    /// The autograd node that produced this tensor, or `nil` for a constant.
    let node: GradNode?

    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, node: GradNode?) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.node = node
    }

    /// A constant dense tensor over `storage`, which must hold exactly the shape's element count
    /// (for kernels written outside the engine, which fill a fresh ``TensorStorage`` directly).
    public init(storage: TensorStorage, shape: [Int]) {
        check(storage.count == Shape.count(shape), "Tensor: storage of \(storage.count) floats does not fit shape \(shape)")
        self.init(storage: storage, shape: shape, node: nil)
    }

    /// A contiguous tensor over `storage` (which must hold exactly the shape's element count).
    init(storage: TensorStorage, shape: [Int], node: GradNode?) {
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0, node: node)
    }

    /// A constant tensor from values and a shape; stops if the counts disagree.
    public init(_ values: [Float], shape: [Int]) {
        let n = Shape.count(shape)
        check(values.count == n, "Tensor: shape \(shape) needs \(n) values, got \(values.count)")
        let s = values.withUnsafeBufferPointer { TensorStorage(copying: $0) }
        self.init(storage: s, shape: shape)
    }

    /// A constant tensor from values and a shape, throwing on bad data.
    ///
    /// - Throws: ``TensorError/elementCountMismatch(operation:shape:expected:actual:)`` or
    ///   ``TensorError/invalidShape(operation:shape:)``.
    public init(validating values: [Float], shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError.invalidShape(operation: "Tensor", shape: shape) }
        let n = Shape.count(shape)
        guard values.count == n else {
            throw TensorError.elementCountMismatch(operation: "Tensor", shape: shape, expected: n, actual: values.count)
        }
        self.init(values, shape: shape)
    }

    /// A 1-D constant tensor.
    public init(_ values: [Float]) { self.init(values, shape: [values.count]) }

    /// A 2-D constant tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        check(rows.allSatisfy { $0.count == cols }, "Tensor: rows have different lengths")
        self.init(rows.flatMap { $0 }, shape: [rows.count, cols])
    }

    /// A 0-D (scalar) constant tensor.
    public init(scalar value: Float) { self.init([value], shape: []) }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Total number of elements.
    public var count: Int { Shape.count(shape) }
    /// Whether the elements are laid out densely in row-major order starting at ``offset``.
    public var isContiguous: Bool { Shape.isContiguous(shape: shape, strides: strides) }
    /// Whether gradients flow back through this tensor.
    public var requiresGrad: Bool { node != nil }

    /// The elements in row-major order.
    public var scalars: [Float] {
        let c = contiguous()
        return Array(UnsafeBufferPointer(start: c.storage.pointer + c.offset, count: c.count))
    }

    /// Calls `body` with the elements in row-major order, without copying when the tensor is contiguous.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let c = contiguous()
        return try withExtendedLifetime(c) { try body(UnsafeBufferPointer(start: c.storage.pointer + c.offset, count: c.count)) }
    }

    /// The single value of a one-element tensor.
    public var item: Float {
        check(count == 1, "item: tensor of shape \(shape) has \(count) elements, expected 1")
        return storage.pointer[offset]
    }

    /// Reads one element by its multi-dimensional index.
    public subscript(index: Int...) -> Float {
        check(index.count == rank, "subscript: \(index.count) indices for a rank-\(rank) tensor")
        var flat = offset
        for (d, i) in index.enumerated() {
            check(i >= 0 && i < shape[d], "subscript: index \(i) out of range for dimension \(d) of size \(shape[d])")
            flat += i * strides[d]
        }
        return storage.pointer[flat]
    }

    /// A dense copy (or `self`, when already contiguous from offset 0). Gradients flow through.
    public func contiguous() -> Tensor {
        if isContiguous && offset == 0 && storage.count == count { return self }
        let out = TensorStorage(uninitializedCount: count)
        Kernels.copyStrided(from: self, into: out.pointer)
        let result = Tensor(storage: out, shape: shape)
        return result.attaching(inputs: [self], name: "contiguous") { g in [g] }
    }

    /// Throws if any element is NaN or infinite.
    ///
    /// - Parameter operation: names the caller in the error.
    public func checkFinite(_ operation: String = "checkFinite") throws {
        let c = contiguous()
        let p = c.storage.pointer + c.offset
        for i in 0..<c.count where !p[i].isFinite {
            throw TensorError.nonFinite(operation: operation, index: i)
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars
        let shown = values.prefix(16).map { String($0) }.joined(separator: ", ")
        let more = values.count > 16 ? ", …" : ""
        return "Tensor(shape: \(shape), [\(shown)\(more)]\(requiresGrad ? ", requiresGrad" : ""))"
    }
}
