/// A trainable tensor: a gradient-recording leaf whose values an optimizer updates in place.
///
/// Layers hold parameters; each forward pass reads ``value``, ``Tensor/backward(seed:)`` accumulates
/// into ``grad``, and an optimizer writes new values into the same storage with ``update(_:)``.
public final class Parameter: @unchecked Sendable {
    /// The current values, a leaf that records gradients (unless frozen).
    public private(set) var value: Tensor
    /// Whether the optimizer should skip this parameter and gradients should not be recorded.
    public private(set) var isFrozen = false

    /// Wraps `initial` (copied to dense storage) as a trainable parameter.
    public init(_ initial: Tensor) {
        value = initial.detached().contiguous().copied().requiringGrad()
    }

    /// The shape of the parameter.
    public var shape: [Int] { value.shape }

    /// The accumulated gradient, or `nil` before the first backward pass.
    public var grad: Tensor? { value.grad }

    /// Clears the accumulated gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// Replaces the accumulated gradient (used by gradient clipping).
    public func setGrad(_ gradient: Tensor?) {
        if let gradient { check(gradient.shape == shape, "Parameter.setGrad: shape \(gradient.shape) differs from \(shape)") }
        value.node?.grad = gradient?.detached()
    }

    /// Stops (or resumes) gradient recording for this parameter.
    public func setFrozen(_ frozen: Bool) {
        isFrozen = frozen
        value = frozen ? value.detached() : value.detached().requiringGrad()
    }

    /// Overwrites the values in place with those of `newValue` (same shape); used by optimizers and loaders.
    public func update(_ newValue: Tensor) {
        check(newValue.shape == shape, "Parameter.update: shape \(newValue.shape) differs from \(shape)")
        let src = newValue.contiguous()
        value.storage.pointer.update(from: src.storage.pointer + src.offset, count: value.count)
    }

    /// Direct access to the values for optimizer kernels.
    public func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: value.storage.pointer, count: value.count))
    }
}

extension Tensor {
    /// A dense copy that never shares storage with `self`, cut off from the graph.
    public func copied() -> Tensor {
        let c = contiguous()
        let s = TensorStorage(copying: UnsafeBufferPointer(start: c.storage.pointer + c.offset, count: c.count))
        return Tensor(storage: s, shape: shape)
    }
}
