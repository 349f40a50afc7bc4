import Testing
@testable import SiameseCore
import SiameseTestSupport

/// The AVX2 / AVX-512 direct convolution against the im2col + GEMM path and the definition, values and gradients.
@Suite struct DirectConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        let input: [Int], weight: [Int], padding: (Int, Int)
        var description: String { "x\(input) w\(weight) p\(padding)" }
    }

    static let cases: [Case] = [
        Case(input: [3, 1, 28, 28], weight: [16, 1, 3, 3], padding: (0, 0)),   // tutorial conv1
        Case(input: [2, 16, 13, 13], weight: [32, 16, 3, 3], padding: (0, 0)), // tutorial conv2
        Case(input: [2, 3, 9, 11], weight: [5, 3, 3, 3], padding: (1, 1)),     // Conv-4 style, odd channel tail
        Case(input: [2, 4, 12, 10], weight: [7, 4, 4, 4], padding: (2, 1)),
        Case(input: [2, 3, 5, 5], weight: [3, 3, 1, 1], padding: (0, 0)),
        Case(input: [2, 2, 5, 4], weight: [3, 2, 5, 4], padding: (0, 0)),      // one output position
        Case(input: [1, 2, 20, 19], weight: [3, 2, 7, 7], padding: (3, 0)),    // 49 taps: several tap groups
        Case(input: [2, 1, 24, 24], weight: [4, 1, 10, 10], padding: (0, 0)),  // Koch conv1's 10×10 kernel
        Case(input: [2, 1, 40, 70], weight: [3, 1, 5, 5], padding: (0, 0)),    // banded: 9 bands of 4 rows
        Case(input: [9, 1, 12, 12], weight: [5, 1, 3, 3], padding: (1, 1)),    // banded: 3 groups of images
        Case(input: [2, 2, 40, 50], weight: [4, 2, 5, 5], padding: (0, 0)),   // banded forward: 2 channel groups × 2 bands
    ]

    /// Levels to compare: the im2col path (0) and every instruction set this CPU has.
    static var levels: [Int] { Array(1...Swift.max(1, SIMDKernels.hardwareLevel)).filter { $0 <= SIMDKernels.hardwareLevel } }

    static func run(_ c: Case, level: Int, bands: Bool = true, partialBudget: Int = DirectConvolution.partialBudget)
        -> (y: [Float], dx: [Float], dw: [Float], db: [Float]) {
        DirectConvolution.$partialBudget.withValue(partialBudget) { DirectConvolution.$allowsBands.withValue(bands) {
        DirectConvolution.$ignoresShape.withValue(true) { SIMDKernels.$maximumLevel.withValue(level) {
            let x = Check.random(c.input, seed: 1).requiringGrad(), w = Check.random(c.weight, seed: 2).requiringGrad()
            let b = Check.random([c.weight[0]], seed: 3).requiringGrad()
            let y = x.conv2d(weight: w, bias: b, padding: c.padding)
            let r = Check.random(y.shape, seed: 4)
            (y * r).sum().backward()
            return (y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars)
        } } } }
    }

    @Test(arguments: cases)
    func matchesTheGEMMPathAndTheDefinition(_ c: Case) throws {
        try #require(SIMDKernels.hardwareLevel > 0, "no AVX2 on this CPU: the direct path is not used")
        let reference = Self.run(c, level: 0)
        let x = Check.random(c.input, seed: 1), w = Check.random(c.weight, seed: 2), b = Check.random([c.weight[0]], seed: 3)
        let definition = ConvolutionTests.direct(x, w, bias: b, stride: (1, 1), padding: c.padding, dilation: (1, 1), groups: 1)
        // Short inner dimensions run the banded kernels by default; the wide ones must stay right for them too.
        let banded = c.weight[1] * c.weight[2] * c.weight[3] <= 64
        for level in Self.levels {
            #expect(SIMDKernels.$maximumLevel.withValue(level) { SIMDKernels.level } == level)
            // Banded weight gradients split by image groups (default) or, past a budget of partial sums, by channel.
            for (bands, budget) in banded ? [(true, 1 << 20), (true, 0), (false, 1 << 20)] : [(true, 1 << 20)] {
                let direct = Self.run(c, level: level, bands: bands, partialBudget: budget)
                let path = "level \(level)\(banded && bands ? " banded\(budget == 0 ? " by channel" : "")" : "")"
                #expect(Check.close(direct.y, definition, tolerance: 1e-4), "\(path) forward")
                #expect(Check.close(direct.y, reference.y, tolerance: 1e-4), "\(path) forward vs GEMM")
                #expect(Check.close(direct.dx, reference.dx, tolerance: 1e-4), "\(path) input gradient")
                #expect(Check.close(direct.dw, reference.dw, tolerance: 1e-3), "\(path) weight gradient")
                #expect(Check.close(direct.db, reference.db, tolerance: 1e-4), "\(path) bias gradient")
            }
        }
    }

    @Test func finiteDifferencesThroughEachInstructionSet() throws {
        try #require(SIMDKernels.hardwareLevel > 0, "no AVX2 on this CPU: the direct path is not used")
        for level in Self.levels {
            let x = Check.random([2, 3, 6, 7], seed: 5), w = Check.random([5, 3, 3, 2], seed: 6), b = Check.random([5], seed: 7)
            let err = SIMDKernels.$maximumLevel.withValue(level) {
                GradientCheck.worstError([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], padding: (1, 2)) }
            }
            #expect(err <= 1, "level \(level)")
            // A first layer (banded kernels; the input gradient still comes from the wide ones).
            let x1 = Check.random([3, 1, 7, 6], seed: 8), w1 = Check.random([4, 1, 3, 3], seed: 9)
            let err1 = SIMDKernels.$maximumLevel.withValue(level) {
                GradientCheck.worstError([x1, w1, Check.random([4], seed: 10)]) { $0[0].conv2d(weight: $0[1], bias: $0[2], padding: (0, 1)) }
            }
            #expect(err1 <= 1, "level \(level) banded")
        }
    }

    @Test func smallImagesWithWideKernelsKeepTheGEMMPath() throws {
        try #require(SIMDKernels.hardwareLevel > 0, "no AVX2 on this CPU: the direct path is not used")
        // Koch conv4: 6×6 outputs computed on rows of 9 waste most lanes; tutorial conv2 does not.
        let koch4 = ConvGeometry(batch: 1, inChannels: 128, height: 9, width: 9, outChannels: 256, kernelH: 4, kernelW: 4,
                                 strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        let tutorial2 = ConvGeometry(batch: 1, inChannels: 16, height: 13, width: 13, outChannels: 32, kernelH: 3, kernelW: 3,
                                     strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        #expect(!DirectConvolution.handles(koch4))
        #expect(DirectConvolution.handles(tutorial2))
        #expect(DirectConvolution.$ignoresShape.withValue(true) { DirectConvolution.handles(koch4) })
    }

    @Test func bandedForwardWhereItKeepsMoreLanesBusy() throws {
        try #require(SIMDKernels.hardwareLevel >= 2, "the lane counts below are AVX-512's")
        func geometry(_ c: Int, _ h: Int, _ o: Int, _ k: Int) -> ConvGeometry {
            ConvGeometry(batch: 1, inChannels: c, height: h, width: h, outChannels: o, kernelH: k, kernelW: k,
                         strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        }
        let tutorial1 = geometry(1, 28, 16, 3), koch1 = geometry(1, 105, 64, 10), koch3 = geometry(128, 21, 128, 4)
        #expect(DirectConvolution.usesBandedForward(tutorial1) && DirectConvolution.usesBandedWeightGradient(tutorial1))
        // 18-wide rows of a 21-wide input: 84 % of the wide kernels' lanes, 96 % banded (4 channels per group).
        #expect(DirectConvolution.usesBandedForward(koch3) && !DirectConvolution.usesBandedWeightGradient(koch3))
        // One row of a 10×10 kernel on 96 outputs already needs 38 KB of columns: the wide kernels stay.
        #expect(!DirectConvolution.usesBandedForward(koch1))
        #expect(DirectConvolution.$allowsBands.withValue(false) { !DirectConvolution.usesBandedForward(tutorial1) })
    }

    @Test func aCapOfZeroSelectsTheGEMMPath() {
        let geo = ConvGeometry(batch: 1, inChannels: 1, height: 8, width: 8, outChannels: 2, kernelH: 3, kernelW: 3,
                               strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        #expect(SIMDKernels.$maximumLevel.withValue(0) { !DirectConvolution.handles(geo) })
        #expect(DirectConvolution.handles(geo) == (SIMDKernels.hardwareLevel > 0))
        let strided = ConvGeometry(batch: 1, inChannels: 1, height: 8, width: 8, outChannels: 2, kernelH: 3, kernelW: 3,
                                   strideH: 2, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        #expect(!DirectConvolution.handles(strided))
    }
}
