import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct PoolingTests {
    let x = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])

    @Test func maxPoolValues() {
        #expect(x.maxPool2d(kernel: (2, 2)).scalars == [5, 7, 13, 15])
        #expect(x.maxPool2d(kernel: (3, 3), stride: (1, 1)).scalars == [10, 11, 14, 15])
        #expect(x.maxPool2d(kernel: (2, 2), stride: (2, 2), padding: (1, 1)).scalars == [0, 2, 3, 8, 10, 11, 12, 14, 15])
    }

    @Test func avgPoolValuesCountPadding() {
        #expect(x.avgPool2d(kernel: (2, 2)).scalars == [2.5, 4.5, 10.5, 12.5])
        let padded = x.avgPool2d(kernel: (2, 2), stride: (2, 2), padding: (1, 1))
        #expect(padded.scalars[0] == 0)
        #expect(padded.scalars[1] == 0.75)  // (1 + 2) / 4
    }

    @Test func gradients() {
        let r = Check.random([2, 3, 6, 5], seed: 31)
        #expect(GradientCheck.worstError([r]) { $0[0].maxPool2d(kernel: (2, 2)) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].maxPool2d(kernel: (3, 2), stride: (1, 2), padding: (1, 1)) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].avgPool2d(kernel: (2, 2)) } <= 1)
        #expect(GradientCheck.worstError([r]) { $0[0].avgPool2d(kernel: (3, 3), stride: (2, 1), padding: (1, 1)) } <= 1)
    }

    @Test func twoByTwoFastPathGradientWithOddSizes() {
        // 5×7 planes: the last row and column lie outside every 2×2 window and must get a zero gradient.
        // Distinct values 0.1 apart, so the finite-difference step never changes which element is the maximum.
        var g0 = SeededGenerator(seed: 33)
        var values = (0..<140).map { Float($0) * 0.1 - 7 }
        values.shuffle(using: &g0)
        let r = Tensor(values, shape: [2, 2, 5, 7])
        #expect(GradientCheck.worstError([r]) { $0[0].maxPool2d(kernel: (2, 2)) } <= 1)
        let leaf = r.requiringGrad()
        leaf.maxPool2d(kernel: (2, 2)).sum().backward()
        let g = leaf.grad!
        #expect((0..<7).allSatisfy { g[0, 0, 4, $0] == 0 } && (0..<5).allSatisfy { g[1, 1, $0, 6] == 0 })
        #expect(g.sum().item == 2 * 2 * 2 * 3)
    }

    @Test func oddSizesFloorLikePyTorch() {
        let odd = Check.random([1, 2, 5, 5], seed: 32)
        #expect(odd.maxPool2d(kernel: (2, 2)).shape == [1, 2, 2, 2])
    }

    /// The AVX-512 2×2 max-pool against the portable Swift loop: values, arg-max routing, ties, NaN, odd sizes,
    /// and rows longer than one vector of windows.
    @Test(arguments: [[3, 2, 7, 9], [2, 1, 26, 26], [1, 3, 12, 41], [2, 2, 36, 36]])
    func vectorKernelMatchesThePortableLoop(_ shape: [Int]) throws {
        try #require(SIMDKernels.hardwareLevel >= 2, "no AVX-512 on this CPU: the portable loop is the only path")
        var values = Check.random(shape, seed: 11).scalars
        for i in stride(from: 0, to: values.count - 1, by: 7) { values[i] = values[i + 1] }  // ties
        values[5] = .nan
        values[values.count / 2] = .infinity
        let r = Check.random([shape[0], shape[1], shape[2] / 2, shape[3] / 2], seed: 12)
        func run(_ level: Int) -> ([Float], [Float]) {
            SIMDKernels.$maximumLevel.withValue(level) {
                let x = Tensor(values, shape: shape).requiringGrad()
                let y = x.maxPool2d(kernel: (2, 2))
                (y * r).sum().backward()
                return (y.scalars, x.grad!.scalars)
            }
        }
        let (portable, vector) = (run(0), run(2))
        #expect(portable.0.count == vector.0.count)
        for (a, b) in zip(portable.0, vector.0) { #expect(a == b || (a.isNaN && b.isNaN)) }
        for (a, b) in zip(portable.1, vector.1) { #expect(a == b || (a.isNaN && b.isNaN)) }
    }
}
