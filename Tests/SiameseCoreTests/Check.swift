import Testing
@testable import SiameseCore

/// Test helpers: random inputs and closeness (the gradient check is `GradientCheck` in SiameseTestSupport).
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

    /// Elementwise closeness.
    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }
}
