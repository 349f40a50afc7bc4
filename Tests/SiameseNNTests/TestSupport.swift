import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseNN

/// Helpers shared by the layer tests.
enum Support {
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, generator: &g)
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }

    /// Worst ratio of |analytic − numeric| to the tolerance, over the input and every parameter of `module`.
    static func gradientError(_ module: Module, input: Tensor, epsilon: Float = 1e-2, atol: Float = 3e-3, rtol: Float = 3e-2,
                              _ f: (Tensor) -> Tensor) -> Float {
        module.zeroGrad()
        let leaf = input.requiringGrad()
        let out = f(leaf)
        let r = random(out.shape, seed: 77)
        (out * r).sum().backward()
        let rs = r.scalars.map(Double.init)
        func objective(_ x: Tensor) -> Double {
            zip(withNoGrad { f(x) }.scalars, rs).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        }
        var worst: Float = 0
        func compare(_ analytic: [Float], count: Int, perturb: (Int, Float) -> Void) {
            for j in 0..<count {
                perturb(j, epsilon)
                let plus = objective(input)
                perturb(j, -2 * epsilon)
                let minus = objective(input)
                perturb(j, epsilon)
                let numeric = Float((plus - minus) / (2 * Double(epsilon)))
                let err = Swift.abs(analytic[j] - numeric) / (atol + rtol * Swift.abs(numeric))
                worst = Swift.max(worst, err.isNaN ? .infinity : err)
            }
        }
        // Input gradient: perturb a private copy's storage in place.
        let inputGrad = leaf.grad?.scalars ?? [Float](repeating: 0, count: input.count)
        let base = input.contiguous()
        compare(inputGrad, count: input.count) { j, delta in base.storage.pointer[base.offset + j] += delta }
        for (_, p) in module.namedParameters() {
            let analytic = p.grad?.scalars ?? [Float](repeating: 0, count: p.value.count)
            compare(analytic, count: p.value.count) { j, delta in p.withMutableValues { $0[j] += delta } }
        }
        return worst
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("siamesekit-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
