import SiameseCore
import SiameseNN

/// Updates parameters from their accumulated gradients.
///
/// An optimizer holds named parameters (from ``SiameseNN/Module/trainableParameters()``) and per-parameter
/// state. Its learning rate may be changed between steps (schedules do this). The whole state can be
/// exported and restored, so training resumes exactly where it stopped.
public protocol Optimizer: AnyObject {
    /// The parameters being optimised, by name.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// The learning rate used by the next ``step()``.
    var learningRate: Float { get set }
    /// Number of steps taken so far.
    var stepCount: Int { get }
    /// Applies one update using each parameter's current gradient (parameters without one are skipped).
    func step()
    /// The optimizer's state as named tensors (for checkpoints); keys are `<parameter>.<slot>`.
    func stateTensors() -> [String: Tensor]
    /// Restores state written by ``stateTensors()``, plus the step count.
    func loadState(_ tensors: [String: Tensor], stepCount: Int) throws
}

extension Optimizer {
    /// Clears the gradients of every optimised parameter.
    public func zeroGrad() {
        for (_, p) in parameters { p.zeroGrad() }
    }
}

/// Problems restoring optimizer state.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A state tensor has a different shape from its parameter.
    case stateShapeMismatch(key: String, expected: [Int], actual: [Int])

    public var description: String {
        switch self {
        case let .stateShapeMismatch(key, expected, actual):
            return "optimizer state '\(key)' has shape \(actual), expected \(expected)"
        }
    }
}

/// Per-parameter float buffers keyed by `<parameter>.<slot>`, shared by the optimizers.
final class SlotStore {
    private(set) var slots: [String: [Float]] = [:]

    func get(_ key: String, count: Int) -> [Float] { slots[key] ?? [Float](repeating: 0, count: count) }

    /// Runs `body` on two slots' values in place (zeros if new). The arrays are taken out of the store for the
    /// call, so they are uniquely referenced and nothing is copied per step.
    func update<R>(_ first: String, _ second: String, count: Int,
                   _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> R) -> R {
        var a = slots.removeValue(forKey: first) ?? [Float](repeating: 0, count: count)
        var b = slots.removeValue(forKey: second) ?? [Float](repeating: 0, count: count)
        defer {
            slots[first] = a
            slots[second] = b
        }
        return a.withUnsafeMutableBufferPointer { pa in b.withUnsafeMutableBufferPointer { pb in body(pa, pb) } }
    }
    func has(_ key: String) -> Bool { slots[key] != nil }
    func set(_ key: String, _ values: [Float]) { slots[key] = values }

    func export(shapes: [String: [Int]]) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (k, v) in slots {
            let paramName = String(k[..<k.lastIndex(of: ".")!])
            out[k] = Tensor(v, shape: shapes[paramName] ?? [v.count])
        }
        return out
    }

    func load(_ tensors: [String: Tensor], shapes: [String: [Int]]) throws {
        var loaded: [String: [Float]] = [:]
        for (k, t) in tensors {
            guard let dot = k.lastIndex(of: "."), let shape = shapes[String(k[..<dot])] else { continue }
            guard t.shape == shape else { throw OptimizerError.stateShapeMismatch(key: k, expected: shape, actual: t.shape) }
            loaded[k] = t.scalars
        }
        slots = loaded
    }
}

extension Parameter {
    /// The dense gradient values, or `nil` before any backward pass.
    var gradientValues: [Float]? { grad?.scalars }
}
