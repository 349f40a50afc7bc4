#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Helpers that build constant tensors from raw kernels; derivative rules use them.
extension Tensor {
    /// `f` applied to every element, as a constant tensor of the same shape.
    @inline(__always)
    func mapValues(_ f: (Float) -> Float) -> Tensor {
        Tensor(storage: Kernels.map(self, f), shape: shape)
    }

    /// `f` applied elementwise to two broadcast tensors, as a constant tensor.
    @inline(__always)
    static func zipValues(_ a: Tensor, _ b: Tensor, _ op: String, _ f: (Float, Float) -> Float) -> Tensor {
        let shape = broadcastShape(a, b, op)
        return Tensor(storage: Kernels.zipBroadcast(a, b, outShape: shape, f), shape: shape)
    }

    static func broadcastShape(_ a: Tensor, _ b: Tensor, _ op: String) -> [Int] {
        guard let s = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) cannot be broadcast together")
        }
        return s
    }

    /// A differentiable unary op: `forward` per element; `rule(g, x, y)` returns the input gradient.
    ///
    /// Rules are written with ``zipValues(_:_:_:_:)`` and a closure literal, so the per-element derivative is
    /// inlined and vectorised (a stored per-element closure would be an indirect call per element).
    @inline(__always)
    func unary(_ name: String, _ forward: (Float) -> Float,
               rule: @escaping (_ g: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor) -> Tensor {
        let y = mapValues(forward)
        let x = self
        return y.attaching(inputs: [x], name: name) { g in [rule(g, x, y)] }
    }
}

// MARK: - Arithmetic with broadcasting

extension Tensor {
    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        zipValues(a, b, "add", +).attaching(inputs: [a, b], name: "add") { g in
            [a.requiresGrad ? g.reduced(toShape: a.shape) : nil, b.requiresGrad ? g.reduced(toShape: b.shape) : nil]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        zipValues(a, b, "sub", -).attaching(inputs: [a, b], name: "sub") { g in
            [a.requiresGrad ? g.reduced(toShape: a.shape) : nil, b.requiresGrad ? (-g).reduced(toShape: b.shape) : nil]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        zipValues(a, b, "mul", *).attaching(inputs: [a, b], name: "mul") { g in
            [a.requiresGrad ? (g * b).reduced(toShape: a.shape) : nil, b.requiresGrad ? (g * a).reduced(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        zipValues(a, b, "div", /).attaching(inputs: [a, b], name: "div") { g in
            let ga = a.requiresGrad ? (g / b).reduced(toShape: a.shape) : nil
            let gb = b.requiresGrad ? zipValues(g * a, b, "div") { n, d in -n / (d * d) }.reduced(toShape: b.shape) : nil
            return [ga, gb]
        }
    }

    /// Elementwise negation.
    public static prefix func - (x: Tensor) -> Tensor {
        x.mapValues { -$0 }.attaching(inputs: [x], name: "neg") { g in [g.mapValues { -$0 }] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        a.mapValues { $0 + s }.attaching(inputs: [a], name: "add") { g in [g] }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor {
        a.mapValues { s - $0 }.attaching(inputs: [a], name: "rsub") { g in [g.mapValues { -$0 }] }
    }
    public static func * (a: Tensor, s: Float) -> Tensor {
        a.mapValues { $0 * s }.attaching(inputs: [a], name: "scale") { g in [g.mapValues { $0 * s }] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor {
        let y = a.mapValues { s / $0 }
        return y.attaching(inputs: [a], name: "rdiv") { g in
            [zipValues(g, a, "rdiv") { gv, x in -gv * s / (x * x) }]
        }
    }

    /// `self` raised to a constant power, elementwise; for `p < 1` the gradient at 0 is taken as 0 instead of ∞.
    public func pow(_ p: Float) -> Tensor {
        if p == 2 {
            return unary("square", { $0 * $0 }, rule: { g, x, _ in Tensor.zipValues(g, x, "square") { g, x in g * (2 * x) } })
        }
        // For p < 1 the derivative is infinite at 0; use 0 there (the subgradient torch.norm uses), so that roots of
        // zero distances (a point to itself) do not turn the whole gradient into NaN.
        return unary("pow", { powf($0, p) }, rule: { g, x, _ in
            Tensor.zipValues(g, x, "pow") { g, x in x == 0 && p < 1 ? 0 : g * (p * powf(x, p - 1)) }
        })
    }

    /// Elementwise maximum of two broadcast tensors; on ties the gradient is split equally.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipValues(a, b, "maximum") { Swift.max($0, $1) }.attaching(inputs: [a, b], name: "maximum") { g in
            let wa = zipValues(a, b, "maximum") { x, y in x > y ? 1 : (x == y ? 0.5 : 0) }
            return [(g * wa).reduced(toShape: a.shape), (g * (1 - wa)).reduced(toShape: b.shape)]
        }
    }

    /// Elementwise minimum of two broadcast tensors; on ties the gradient is split equally.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipValues(a, b, "minimum") { Swift.min($0, $1) }.attaching(inputs: [a, b], name: "minimum") { g in
            let wa = zipValues(a, b, "minimum") { x, y in x < y ? 1 : (x == y ? 0.5 : 0) }
            return [(g * wa).reduced(toShape: a.shape), (g * (1 - wa)).reduced(toShape: b.shape)]
        }
    }

    /// Limits every element to `[min, max]`; the gradient passes where the input lies inside the range.
    public func clamped(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        unary("clamp", { Swift.min(Swift.max($0, lo), hi) },
              rule: { g, x, _ in Tensor.zipValues(g, x, "clamp") { g, x in x >= lo && x <= hi ? g : 0 } })
    }
}

// MARK: - Elementwise math

extension Tensor {
    /// eˣ elementwise.
    public func exp() -> Tensor { unary("exp", { FastMath.exp($0) }, rule: { g, _, y in g * y }) }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { unary("log", { logf($0) }, rule: { g, x, _ in Tensor.zipValues(g, x, "log") { g, x in g * (1 / x) } }) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }, rule: { g, _, y in Tensor.zipValues(g, y, "sqrt") { g, y in g * (0.5 / y) } }) }
    /// Absolute value elementwise (gradient 0 at 0).
    public func abs() -> Tensor {
        unary("abs", { Swift.abs($0) }, rule: { g, x, _ in Tensor.zipValues(g, x, "abs") { g, x in g * (x > 0 ? 1 : (x < 0 ? -1 : 0)) } })
    }
    /// Square elementwise.
    public func square() -> Tensor { pow(2) }
}

// MARK: - Activations

extension Tensor {
    /// max(0, x).
    public func relu() -> Tensor {
        unary("relu", { Swift.max($0, 0) }, rule: { g, x, _ in Tensor.zipValues(g, x, "relu") { g, x in x > 0 ? g : 0 } })
    }

    /// x for x > 0, `slope`·x otherwise.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        unary("leakyRelu", { $0 > 0 ? $0 : slope * $0 }, rule: { g, x, _ in Tensor.zipValues(g, x, "leakyRelu") { g, x in g * (x > 0 ? 1 : slope) } })
    }

    /// 1 / (1 + e⁻ˣ).
    public func sigmoid() -> Tensor {
        unary("sigmoid", { Tensor.sigmoidValue($0) }, rule: { g, _, y in Tensor.zipValues(g, y, "sigmoid") { g, y in g * (y * (1 - y)) } })
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        unary("tanh", { tanhf($0) }, rule: { g, _, y in Tensor.zipValues(g, y, "tanh") { g, y in g * (1 - y * y) } })
    }

    /// Gaussian error linear unit, exact form: x · Φ(x) = x/2 · (1 + erf(x/√2)).
    public func gelu() -> Tensor {
        unary("gelu", { x in 0.5 * x * (1 + erff(x * 0.70710678)) }, rule: { g, x, _ in
            Tensor.zipValues(g, x, "gelu") { g, x in
                let cdf = 0.5 * (1 + erff(x * 0.70710678))
                let pdf = FastMath.exp(-0.5 * x * x) * 0.39894228
                return g * (cdf + x * pdf)
            }
        })
    }

    /// log(1 + eˣ), computed without overflow.
    public func softplus() -> Tensor {
        unary("softplus", { x in Swift.max(x, 0) + log1pf(expf(-Swift.abs(x))) },
              rule: { g, x, _ in Tensor.zipValues(g, x, "softplus") { g, x in g * Tensor.sigmoidValue(x) } })
    }

    @inline(__always)
    static func sigmoidValue(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }
}
