import CSiameseKernels
import Foundation

/// Direct (im2col-free) convolution for stride-1, dilation-1, ungrouped layers, in AVX2 or AVX-512 kernels chosen
/// at run time (C target `CSiameseKernels`).
///
/// Why: the GEMM path writes a column matrix `kH·kW` times the input's size and reads it back (twice per training
/// step), and a single-input-channel first layer makes a GEMM with an inner dimension of 9. Convolving in place
/// removes both. Other geometries, and CPUs without AVX2, keep the im2col + GEMM path.
/// ``SIMDKernels/level`` picks the instruction set (or none).
enum DirectConvolution {
    /// Tests set this to run every eligible geometry direct, whatever its lane efficiency.
    @TaskLocal static var ignoresShape = false

    /// Whether the banded kernels may run; tests turn this off to run the wide kernels everywhere, and
    /// `SIAMESEKIT_BANDS=0` does so for a whole process (for comparisons).
    @TaskLocal static var allowsBands = ProcessInfo.processInfo.environment["SIAMESEKIT_BANDS"] != "0"

    static var level: Int { SIMDKernels.level }

    /// The banded forward pass runs for layers with a short inner dimension (cin·kh·kw ≤ 64: first layers), where
    /// the wide kernels' per-row stores weigh against a few taps, and wherever it keeps clearly more vector lanes
    /// busy than the wide kernels, which compute past every row's end (Koch conv3: 96 % against 84 %).
    static func usesBandedForward(_ geo: ConvGeometry) -> Bool {
        guard allowsBands else { return false }
        if geo.inChannels * geo.kernelH * geo.kernelW <= 64 { return true }
        let lanes = level >= 2 ? 16 : 8
        let banded = sk_banded_conv_forward_lane_use(Int32(lanes), Int32(geo.inChannels), Int32(geo.height),
                                                    Int32(geo.width), Int32(geo.kernelH), Int32(geo.kernelW),
                                                    Int32(geo.padH), Int32(geo.padW))
        return banded >= laneEfficiency(geo) + 0.05
    }

    /// The banded weight gradient runs for first layers (cin·kh·kw ≤ 64): the wide kernels would widen the output
    /// gradient in a separate pass, which for a few taps costs as much as the arithmetic.
    static func usesBandedWeightGradient(_ geo: ConvGeometry) -> Bool {
        allowsBands && geo.inChannels * geo.kernelH * geo.kernelW <= 64
    }

    static func handles(_ geo: ConvGeometry) -> Bool {
        guard level > 0 && geo.groups == 1 && geo.strideH == 1 && geo.strideW == 1 && geo.dilationH == 1 && geo.dilationW == 1
        else { return false }
        return ignoresShape || geo.inChannels * geo.kernelH * geo.kernelW <= 64 || laneEfficiency(geo) >= 0.7
    }

    /// Share of vector lanes that compute kept outputs: each output row is computed on the padded input's full
    /// width, so small images with wide kernels waste lanes (Koch conv4, 6×6 outputs on rows of 9: 56 %), and
    /// there the GEMM path, which wastes none, is faster. Layers with a short inner dimension (first layers)
    /// always run direct: their GEMMs are far slower still.
    static func laneEfficiency(_ geo: ConvGeometry) -> Double {
        let wp = geo.width + 2 * geo.padW
        let span = (geo.outH - 1) * wp + geo.outW
        let lanes = level >= 2 ? 16 : 8
        return Double(geo.positions) / Double((span + lanes - 1) / lanes * lanes)
    }

    static func forward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ geo: ConvGeometry) -> Tensor {
        let out = TensorStorage(uninitializedCount: geo.batch * geo.outChannels * geo.positions)
        let lvl = Int32(level)
        let px = UncheckedSendable(value: x.storage.pointer + x.offset)
        let pw = UncheckedSendable(value: w.storage.pointer + w.offset)
        let pb = UncheckedSendable(value: bias.map { UnsafePointer($0.storage.pointer + $0.offset) })
        let py = UncheckedSendable(value: out.pointer)
        let g = geo
        let inImage = geo.inChannels * geo.height * geo.width, outImage = geo.outChannels * geo.positions
        if usesBandedForward(geo) {
            parallelChunks(geo.batch, minChunk: 1) { images in
                sk_banded_conv_forward(lvl, px.value + images.lowerBound * inImage, images.count, Int32(g.inChannels),
                                       Int32(g.height), Int32(g.width), pw.value, pb.value, Int32(g.outChannels),
                                       Int32(g.kernelH), Int32(g.kernelW), Int32(g.padH), Int32(g.padW),
                                       py.value + images.lowerBound * outImage)
            }
            return Tensor(storage: out, shape: [geo.batch, geo.outChannels, geo.outH, geo.outW])
        }
        let scratch = sk_conv_forward_scratch(Int32(g.inChannels), Int32(g.height), Int32(g.width), Int32(g.outChannels),
                                              Int32(g.kernelH), Int32(g.kernelW), Int32(g.padH), Int32(g.padW))
        parallelChunks(geo.batch, minChunk: 1) { images in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            defer { buffer.deallocate() }
            sk_conv_forward(lvl, px.value + images.lowerBound * inImage, images.count, Int32(g.inChannels), Int32(g.height),
                            Int32(g.width), pw.value, pb.value, Int32(g.outChannels), Int32(g.kernelH), Int32(g.kernelW),
                            Int32(g.padH), Int32(g.padW), py.value + images.lowerBound * outImage, buffer)
        }
        return Tensor(storage: out, shape: [geo.batch, geo.outChannels, geo.outH, geo.outW])
    }

    /// dx: each tap's share of dy, summed over output channels, added into the (padded) input plane.
    static func inputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ geo: ConvGeometry) -> TensorStorage {
        let g = geo
        let (c, h, wd, o) = (Int32(g.inChannels), Int32(g.height), Int32(g.width), Int32(g.outChannels))
        let (kh, kw, ph, pw) = (Int32(g.kernelH), Int32(g.kernelW), Int32(g.padH), Int32(g.padW))
        let dx = TensorStorage(uninitializedCount: g.batch * g.inChannels * g.height * g.width)
        let lvl = Int32(level)
        let pdy = UncheckedSendable(value: dy), pw8 = UncheckedSendable(value: w), pdx = UncheckedSendable(value: dx.pointer)
        let outImage = g.outChannels * g.positions, inImage = g.inChannels * g.height * g.width
        let scratch = sk_conv_backward_input_scratch(c, h, wd, o, kh, kw, ph, pw)
        parallelChunks(g.batch, minChunk: 1) { images in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            defer { buffer.deallocate() }
            sk_conv_backward_input(lvl, pdy.value + images.lowerBound * outImage, images.count, c, h, wd, pw8.value, o,
                                   kh, kw, ph, pw, pdx.value + images.lowerBound * inImage, buffer)
        }
        return dx
    }

    /// dw[co, ci, ky, kx] = Σ over images and output positions of dy · the input under that tap.
    /// With `bias`, also the bias gradient (Σ dy per channel), from the planes the weight gradient reads anyway.
    static func weightGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ geo: ConvGeometry,
                               bias: Bool) -> (TensorStorage, TensorStorage?) {
        let g = geo
        let (n, c, h, wd) = (g.batch, Int32(g.inChannels), Int32(g.height), Int32(g.width))
        let (o, kh, kw, ph, pw) = (Int32(g.outChannels), Int32(g.kernelH), Int32(g.kernelW), Int32(g.padH), Int32(g.padW))
        let px = UncheckedSendable(value: x), pdy = UncheckedSendable(value: dy)
        let dw = TensorStorage(uninitializedCount: g.outChannels * g.inChannels * g.kernelH * g.kernelW)
        let pdw = UncheckedSendable(value: dw.pointer)
        let db = bias ? TensorStorage(uninitializedCount: g.outChannels) : nil
        let pdb = UncheckedSendable(value: db?.pointer)
        let lvl = Int32(level)
        if usesBandedWeightGradient(geo) { return bandedWeightGradient(dy, x, geo, dw: dw, db: db) }
        // Output-channel pairs per worker: each writes its own rows of dw, so no reduction across threads.
        parallelChunks((g.outChannels + 1) / 2, minChunk: 1) { pairs in
            let lo = Int32(pairs.lowerBound * 2), hi = Int32(Swift.min(g.outChannels, pairs.upperBound * 2))
            sk_conv_weight_grad(lvl, px.value, pdy.value, n, c, h, wd, o, kh, kw, ph, pw, lo, hi, pdw.value, pdb.value)
        }
        return (dw, db)
    }

    /// The banded weight gradient, split into fixed groups of images (not one per thread, so the sums do not depend
    /// on the thread count), each adding into its own vector partial sums, reduced in order at the end. When those
    /// partial sums would pass `partialBudget` floats (many output channels), the split is by output channel
    /// instead: every worker then copies every image's columns, but they are shared by many channels.
    private static func bandedWeightGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ geo: ConvGeometry,
                                             dw: TensorStorage, db: TensorStorage?) -> (TensorStorage, TensorStorage?) {
        let g = geo
        let k = g.inChannels * g.kernelH * g.kernelW
        let perGroup = Swift.max(4, (g.batch + 31) / 32)
        let block = g.outChannels * (k + 1) * 16
        let imageGroups = (g.batch + perGroup - 1) / perGroup
        let byChannel = imageGroups * block > partialBudget
        let groups = byChannel ? 1 : imageGroups
        let part = UnsafeMutablePointer<Float>.allocate(capacity: groups * block)
        defer { part.deallocate() }
        part.initialize(repeating: 0, count: groups * block)
        let px = UncheckedSendable(value: x), pdy = UncheckedSendable(value: dy), pp = UncheckedSendable(value: part)
        let inImage = g.inChannels * g.height * g.width, outImage = g.outChannels * g.positions
        let lvl = Int32(level)
        let run = { (first: Int, count: Int, co: Range<Int>, into: UnsafeMutablePointer<Float>) in
            sk_banded_conv_weight_grad(lvl, px.value + first * inImage, pdy.value + first * outImage, count,
                                       Int32(g.inChannels), Int32(g.height), Int32(g.width), Int32(g.outChannels),
                                       Int32(g.kernelH), Int32(g.kernelW), Int32(g.padH), Int32(g.padW),
                                       Int32(co.lowerBound), Int32(co.upperBound), into)
        }
        if byChannel {
            parallelChunks((g.outChannels + 7) / 8, minChunk: 1) { blocks in
                let co = (blocks.lowerBound * 8)..<Swift.min(g.outChannels, blocks.upperBound * 8)
                run(0, g.batch, co, pp.value + co.lowerBound * (k + 1) * 16)
            }
        } else {
            parallelChunks(groups, minChunk: 1) { range in
                for group in range {
                    let first = group * perGroup
                    run(first, Swift.min(perGroup, g.batch - first), 0..<g.outChannels, pp.value + group * block)
                }
            }
        }
        sk_banded_conv_weight_grad_reduce(part, groups, Int32(g.outChannels), Int32(k), dw.pointer, db?.pointer)
        return (dw, db)
    }

    /// Floats of partial sums the banded weight gradient may hold before it splits by output channel instead.
    @TaskLocal static var partialBudget = 1 << 20
}
