import SiameseCore

/// The one finite-difference gradient check of the test suite.
///
/// Compares the gradients autograd computes with central differences `(f(x + ε) − f(x − ε)) / 2ε` of the scalar
/// objective `Σ r ⊙ f(inputs)`, where `r` is a fixed random weight of `f`'s shape (for a one-element output, such
/// as a loss, `r = 1`: the objective is the value itself). Every element of every input and every given
/// parameter is perturbed in turn; parameters are perturbed in place and restored.
///
/// The result is the worst `|analytic − numeric| / (atol + rtol·|numeric|)`: `≤ 1` means every element agrees.
///
/// ```swift
/// #expect(GradientCheck.worstError([a, b]) { matmul($0[0], $0[1]) } <= 1)
/// #expect(GradientCheck.worstError(x, parameters: layer.parameters()) { layer($0) } <= 1)
/// #expect(GradientCheck.worstError(embeddings, epsilon: 1e-3) { loss($0, labels: labels) } <= 1)
/// ```
public enum GradientCheck {
    /// Worst mismatch over `inputs` and `parameters` of `f`'s gradient (see ``GradientCheck``).
    ///
    /// - Parameters:
    ///   - inputs: the tensors `f` receives; copied, so the caller's storage is never touched.
    ///   - parameters: parameters `f` reads (a layer's `parameters()`); their gradients are cleared first.
    ///   - epsilon: the finite-difference step.
    ///   - atol: absolute tolerance per element.
    ///   - rtol: tolerance relative to the numeric derivative.
    ///   - weightSeed: seeds the random weight `r` of a multi-element output.
    public static func worstError(_ inputs: [Tensor], parameters: [Parameter] = [], epsilon: Float = 1e-2,
                                  atol: Float = 2e-3, rtol: Float = 2e-2, weightSeed: UInt64 = 99,
                                  _ f: ([Tensor]) -> Tensor) -> Float {
        for p in parameters { p.zeroGrad() }
        let leaves = inputs.map { $0.copied().requiringGrad() }
        let out = f(leaves)
        let weights = out.count == 1 ? [Float](repeating: 1, count: 1) : randomWeights(out.count, seed: weightSeed)
        (out * Tensor(weights, shape: out.shape)).sum().backward()
        let rs = weights.map(Double.init)
        func objective(_ xs: [Tensor]) -> Double {
            zip(withNoGrad { f(xs) }.scalars, rs).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        }
        var worst: Float = 0
        func record(analytic: Float, plus: Double, minus: Double) {
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let err = Swift.abs(analytic - numeric) / (atol + rtol * Swift.abs(numeric))
            worst = Swift.max(worst, err.isNaN ? .infinity : err)
        }
        let frozen = inputs.map { $0.copied() }
        for (i, x) in frozen.enumerated() {
            let analytic = leaves[i].grad?.scalars ?? [Float](repeating: 0, count: x.count)
            var base = x.scalars
            for j in 0..<base.count {
                let saved = base[j]
                var xs = frozen
                base[j] = saved + epsilon
                xs[i] = Tensor(base, shape: x.shape)
                let plus = objective(xs)
                base[j] = saved - epsilon
                xs[i] = Tensor(base, shape: x.shape)
                let minus = objective(xs)
                base[j] = saved
                record(analytic: analytic[j], plus: plus, minus: minus)
            }
        }
        for p in parameters {
            let analytic = p.grad?.scalars ?? [Float](repeating: 0, count: p.value.count)
            for j in 0..<p.value.count {
                p.withMutableValues { $0[j] += epsilon }
                let plus = objective(frozen)
                p.withMutableValues { $0[j] -= 2 * epsilon }
                let minus = objective(frozen)
                p.withMutableValues { $0[j] += epsilon }
                record(analytic: analytic[j], plus: plus, minus: minus)
            }
        }
        return worst
    }

    /// ``worstError(_:parameters:epsilon:atol:rtol:weightSeed:_:)`` for a function of one tensor.
    public static func worstError(_ input: Tensor, parameters: [Parameter] = [], epsilon: Float = 1e-2,
                                  atol: Float = 2e-3, rtol: Float = 2e-2, weightSeed: UInt64 = 99,
                                  _ f: (Tensor) -> Tensor) -> Float {
        worstError([input], parameters: parameters, epsilon: epsilon, atol: atol, rtol: rtol, weightSeed: weightSeed) { f($0[0]) }
    }

    /// Uniform weights in [-1, 1) with |r| ≥ 0.1, so no output element is ignored.
    static func randomWeights(_ count: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var v: Float
            repeat { v = -1 + 2 * g.nextUniform() } while Swift.abs(v) < 0.1
            return v
        }
    }
}
