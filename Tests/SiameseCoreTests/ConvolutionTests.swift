import Testing
@testable import SiameseCore
import SiameseTestSupport

@Suite struct ConvolutionTests {
    /// Direct convolution by definition, the reference for the im2col path.
    static func direct(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                       dilation: (Int, Int), groups: Int) -> [Float] {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
        let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
        let og = o / groups
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var s: Float = bias.map { $0[oc] } ?? 0
            let grp = oc / og
            for ci in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride.0 - padding.0 + i * dilation.0, ix = xx * stride.1 - padding.1 + j * dilation.1
                if iy >= 0 && iy < h && ix >= 0 && ix < wd { s += x[b, grp * cg + ci, iy, ix] * w[oc, ci, i, j] }
            } } }
            out[((b * o + oc) * oh + y) * ow + xx] = s
        } } } }
        _ = c
        return out
    }

    struct Case: Sendable, CustomStringConvertible {
        let input: [Int], weight: [Int], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int
        var description: String { "x\(input) w\(weight) s\(stride) p\(padding) d\(dilation) g\(groups)" }
    }

    static let cases: [Case] = [
        Case(input: [2, 1, 6, 6], weight: [3, 1, 3, 3], stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1),
        Case(input: [2, 3, 7, 6], weight: [4, 3, 3, 2], stride: (2, 1), padding: (1, 2), dilation: (1, 1), groups: 1),
        Case(input: [1, 4, 8, 8], weight: [6, 2, 3, 3], stride: (1, 2), padding: (2, 1), dilation: (2, 1), groups: 2),
        Case(input: [3, 2, 5, 5], weight: [2, 1, 2, 2], stride: (3, 3), padding: (1, 1), dilation: (1, 2), groups: 2),
    ]

    @Test(arguments: cases)
    func forwardMatchesDirectConvolution(_ c: Case) {
        let x = Check.random(c.input, seed: 1), w = Check.random(c.weight, seed: 2), b = Check.random([c.weight[0]], seed: 3)
        let y = x.conv2d(weight: w, bias: b, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        let ref = Self.direct(x, w, bias: b, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        #expect(Check.close(y.scalars, ref, tolerance: 1e-5))
    }

    @Test(arguments: cases)
    func gradients(_ c: Case) {
        let x = Check.random(c.input, seed: 4), w = Check.random(c.weight, seed: 5), b = Check.random([c.weight[0]], seed: 6)
        let err = GradientCheck.worstError([x, w, b]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        }
        #expect(err <= 1)
    }

    @Test func chunkingOverImagesGivesTheSameResult() {
        // Enough images that the column buffer is split into several chunks.
        let x = Check.random([12, 8, 30, 30], seed: 7), w = Check.random([2, 8, 7, 7], seed: 8)
        let geo = ConvGeometry(batch: 12, inChannels: 8, height: 30, width: 30, outChannels: 2, kernelH: 7, kernelW: 7,
                               strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1)
        #expect(geo.imagesPerChunk() < 12)
        let y = x.conv2d(weight: w)
        let ref = Self.direct(x, w, bias: nil, stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1)
        #expect(Check.close(y.scalars, ref, tolerance: 1e-4))
    }

    @Test func firstLayerSkipsInputGradient() {
        let x = Check.random([2, 1, 5, 5], seed: 9)
        let w = Check.random([2, 1, 3, 3], seed: 10).requiringGrad()
        x.conv2d(weight: w).sum().backward()
        // d Σy / d w[o, 0, i, j] = Σ over images and positions of the input under that tap.
        var expected: Float = 0
        for b in 0..<2 { for yy in 0..<3 { for xx in 0..<3 { expected += x[b, 0, yy, xx] } } }
        #expect(Swift.abs(w.grad![0, 0, 0, 0] - expected) < 1e-4)
    }
}
