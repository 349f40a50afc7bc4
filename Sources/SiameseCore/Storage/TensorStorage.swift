/// The flat block of `Float` values behind one or more tensors.
///
/// Tensors are immutable values that share storage; views (reshape, transpose, slice, expand)
/// share it with different layouts. Only parameters are written in place, by optimizers.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the buffer.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of floats in the buffer.
    public let count: Int

    /// Allocates `count` floats without initialising them; the caller must write every element.
    public init(uninitializedCount count: Int) {
        self.count = count
        self.pointer = BufferPool.shared.take(count)
    }

    /// Allocates `count` floats set to `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Copies `values` into new storage.
    convenience init(copying values: UnsafeBufferPointer<Float>) {
        self.init(uninitializedCount: values.count)
        if let base = values.baseAddress {
            pointer.update(from: base, count: values.count)
        }
    }

    deinit {
        BufferPool.shared.give(pointer, count: count)
    }

    /// A buffer view of the whole storage.
    var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
