import Testing
@testable import SiameseCore

/// Test helpers: random inputs and a finite-difference gradient check.
enum Check {
    /// Uniform values in [-1, 1) with |x| ≥ `awayFromZero`, so kinks (relu, abs) are not straddled by ε.
    static func random(_ shape: [Int], seed: UInt64, awayFromZero: Float = 0.05, low: Float = -1, high: Float = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        let values = (0..<Shape.count(shape)).map { _ -> Float in
            var v: Float
            repeat { v = low + (high - low) * g.nextUniform() } while Swift.abs(v) < awayFromZero
            return v
        }
        return Tensor(values, shape: shape)
    }

    /// Positive values in [low, high).
    static func positive(_ shape: [Int], seed: UInt64, low: Float = 0.5, high: Float = 2) -> Tensor {
        random(shape, seed: seed, awayFromZero: 0, low: low, high: high)
    }

    /// Largest mismatch between autograd and central differences of `Σ r ⊙ f(inputs)` for a random `r`.
    ///
    /// Returns the worst `|analytic − numeric| / (atol + rtol·|numeric|)`: ≤ 1 means every element agrees.
    static func gradientError(_ inputs: [Tensor], epsilon: Float = 1e-2, atol: Float = 2e-3, rtol: Float = 2e-2,
                              _ f: ([Tensor]) -> Tensor) -> Float {
        let leaves = inputs.map { $0.copied().requiringGrad() }
        let out = f(leaves)
        let r = random(out.shape, seed: 99, awayFromZero: 0.1)
        (out * r).sum().backward()
        let rs = r.scalars.map(Double.init)
        func objective(_ xs: [Tensor]) -> Double {
            let y = withNoGrad { f(xs) }.scalars
            return zip(y, rs).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        }
        var worst: Float = 0
        for (i, x) in inputs.enumerated() {
            let analytic = leaves[i].grad?.scalars ?? [Float](repeating: 0, count: x.count)
            var base = x.scalars
            for j in 0..<base.count {
                let saved = base[j]
                var xs = inputs
                base[j] = saved + epsilon
                xs[i] = Tensor(base, shape: x.shape)
                let plus = objective(xs)
                base[j] = saved - epsilon
                xs[i] = Tensor(base, shape: x.shape)
                let minus = objective(xs)
                base[j] = saved
                let numeric = Float((plus - minus) / (2 * Double(epsilon)))
                let err = Swift.abs(analytic[j] - numeric) / (atol + rtol * Swift.abs(numeric))
                worst = Swift.max(worst, err.isNaN ? .infinity : err)
            }
        }
        return worst
    }

    /// Elementwise closeness.
    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }
}
