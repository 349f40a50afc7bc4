/// One recorded operation in the autograd graph.
///
/// A node keeps its parents (the nodes of the inputs that need gradients) and the derivative rule
/// that maps the gradient of its output to gradients of those inputs. Leaves (tensors made with
/// ``Tensor/requiringGrad()`` and parameters) have no rule and accumulate their gradient in ``grad``.
final class GradNode: @unchecked Sendable {
    /// Input nodes, position-aligned with the gradients that ``rule`` returns (`nil` = constant input).
    let parents: [GradNode?]
    /// Maps the output gradient to one gradient per input (`nil` where the input needs none).
    let rule: ((Tensor) -> [Tensor?])?
    /// Name of the operation, for debugging and error messages.
    let name: String
    /// Accumulated gradient of a leaf.
    var grad: Tensor?

    init(parents: [GradNode?], name: String, rule: ((Tensor) -> [Tensor?])?) {
        self.parents = parents
        self.name = name
        self.rule = rule
    }

    var isLeaf: Bool { rule == nil }
}

extension Tensor {
    /// Returns `self` with an autograd node attached when gradients are enabled and an input needs them.
    ///
    /// `rule` receives the gradient of this output and returns one gradient per entry of `inputs`,
    /// each with that input's shape (or `nil`).
    func attaching(inputs: [Tensor], name: String, rule: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else { return self }
        let node = GradNode(parents: inputs.map(\.node), name: name, rule: rule)
        return Tensor(storage: storage, shape: shape, strides: strides, offset: offset, node: node)
    }

    /// Records a fused operation written outside the engine: `self` is its already computed result and
    /// `rule` maps the result's gradient to one gradient per input (or `nil`). Nothing is recorded when no
    /// input needs gradients or inside ``withNoGrad(_:)``.
    ///
    /// Use it for kernels that are measurably faster fused than composed from primitives.
    public func recordingGradient(of inputs: [Tensor], name: String, rule: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        attaching(inputs: inputs, name: name, rule: rule)
    }

    /// A leaf that records gradients: the same values, with a fresh node whose ``grad`` accumulates.
    public func requiringGrad() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset,
               node: GradNode(parents: [], name: "leaf", rule: nil))
    }

    /// The same values cut off from the graph: no gradient flows through the result.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, node: nil)
    }

    /// The gradient accumulated in this leaf by ``backward()``, or `nil`.
    public var grad: Tensor? { node?.grad }

    /// Clears the accumulated gradient of this leaf.
    public func zeroGrad() { node?.grad = nil }
}
