import SiameseCore

/// Base class of every layer and model: owns parameters, buffers and child modules.
///
/// Parameters are discovered by reflection over stored properties, so a model is just a class with
/// `Parameter`, `Buffer`, `Module` (or arrays and optionals of them) properties. Names follow
/// PyTorch's dotted convention, e.g. `encoder.conv1.weight`, so checkpoints carry over.
///
/// ```swift
/// final class Encoder: Module, UnaryLayer {
///     let fc1 = Linear(784, 128), fc2 = Linear(128, 64)
///     func callAsFunction(_ x: Tensor) -> Tensor { fc2(fc1(x).relu()) }
/// }
/// Encoder().namedParameters().map(\.name)   // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
/// ```
open class Module {
    /// Whether the module is in training mode (dropout active, batch-norm using batch statistics).
    public private(set) var isTraining = true

    public init() {}

    /// The direct children and own state of this module, by property name.
    ///
    /// Override to rename or hide entries; the default reflects over stored properties.
    open func children() -> [(String, Any)] {
        var out: [(String, Any)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var chain: [Mirror] = []
        while let m = mirror { chain.append(m); mirror = m.superclassMirror }
        for m in chain.reversed() {
            for child in m.children {
                guard let label = child.label else { continue }
                out.append((label.hasPrefix("_") ? String(label.dropFirst()) : label, child.value))
            }
        }
        return out
    }

    /// Walks the tree, calling `visit` with the dotted path of every parameter, buffer and module.
    public func visit(prefix: String = "", _ visitor: (String, ModuleEntry) -> Void) {
        visitor(prefix, .module(self))
        for (name, value) in children() {
            Self.visitValue(value, path: prefix.isEmpty ? name : "\(prefix).\(name)", visitor)
        }
    }

    private static func visitValue(_ value: Any, path: String, _ visitor: (String, ModuleEntry) -> Void) {
        switch value {
        case let p as Parameter: visitor(path, .parameter(p))
        case let b as Buffer: visitor(path, .buffer(b))
        case let m as Module: m.visit(prefix: path, visitor)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let some = mirror.children.first { visitValue(some.value, path: path, visitor) }
            } else if mirror.displayStyle == .collection {
                for (i, element) in mirror.children.enumerated() { visitValue(element.value, path: "\(path).\(i)", visitor) }
            }
        }
    }

    /// Every parameter with its dotted name, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var out: [(String, Parameter)] = []
        var seen = Set<ObjectIdentifier>()
        visit { path, entry in
            if case let .parameter(p) = entry, seen.insert(ObjectIdentifier(p)).inserted { out.append((path, p)) }
        }
        return out
    }

    /// Every parameter.
    public func parameters() -> [Parameter] { namedParameters().map(\.parameter) }

    /// Parameters that are not frozen.
    public func trainableParameters() -> [(name: String, parameter: Parameter)] {
        namedParameters().filter { !$0.parameter.isFrozen }
    }

    /// Every buffer (non-trainable state such as batch-norm running statistics) with its dotted name.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        var out: [(String, Buffer)] = []
        visit { path, entry in if case let .buffer(b) = entry { out.append((path, b)) } }
        return out
    }

    /// Every module in the tree, this one first.
    public func modules() -> [Module] {
        var out: [Module] = []
        visit { _, entry in if case let .module(m) = entry { out.append(m) } }
        return out
    }

    /// The random-generator states of stochastic layers (dropout), by module path.
    public var randomStates: [String: [UInt64]] {
        get {
            var out: [String: [UInt64]] = [:]
            visit { path, entry in if case let .module(m) = entry, let d = m as? Dropout { out[path] = d.generatorState } }
            return out
        }
        set {
            visit { path, entry in
                if case let .module(m) = entry, let d = m as? Dropout, let state = newValue[path] { d.generatorState = state }
            }
        }
    }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.value.count } }

    /// Switches this module and all children to training (`true`) or evaluation (`false`) mode.
    public func train(_ on: Bool = true) {
        for m in modules() { m.isTraining = on }
    }

    /// Switches to evaluation mode.
    public func eval() { train(false) }

    /// Freezes (or unfreezes) every parameter: the optimizer skips them and no gradients are recorded.
    public func freeze(_ frozen: Bool = true) {
        for p in parameters() { p.setFrozen(frozen) }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for p in parameters() { p.zeroGrad() }
    }
}

/// One node met while walking a module tree.
public enum ModuleEntry {
    case module(Module)
    case parameter(Parameter)
    case buffer(Buffer)
}

/// A module that maps one tensor to one tensor, usable inside ``Sequential``.
public protocol UnaryLayer: Module {
    /// Applies the layer.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// Non-trainable state saved with the weights, such as batch-norm running statistics.
public final class Buffer {
    /// The current value.
    public var value: Tensor
    /// Whether it is stored as integers in checkpoints (for example `num_batches_tracked`).
    public let isInteger: Bool

    public init(_ value: Tensor, isInteger: Bool = false) {
        self.value = value.detached()
        self.isInteger = isInteger
    }
}
