import Testing
@testable import SiameseCore

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
        #expect(Check.gradientError([r]) { $0[0].maxPool2d(kernel: (2, 2)) } <= 1)
        #expect(Check.gradientError([r]) { $0[0].maxPool2d(kernel: (3, 2), stride: (1, 2), padding: (1, 1)) } <= 1)
        #expect(Check.gradientError([r]) { $0[0].avgPool2d(kernel: (2, 2)) } <= 1)
        #expect(Check.gradientError([r]) { $0[0].avgPool2d(kernel: (3, 3), stride: (2, 1), padding: (1, 1)) } <= 1)
    }

    @Test func twoByTwoFastPathGradientWithOddSizes() {
        // 5×7 planes: the last row and column lie outside every 2×2 window and must get a zero gradient.
        // Distinct values 0.1 apart, so the finite-difference step never changes which element is the maximum.
        var g0 = SeededGenerator(seed: 33)
        var values = (0..<140).map { Float($0) * 0.1 - 7 }
        values.shuffle(using: &g0)
        let r = Tensor(values, shape: [2, 2, 5, 7])
        #expect(Check.gradientError([r]) { $0[0].maxPool2d(kernel: (2, 2)) } <= 1)
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
}
