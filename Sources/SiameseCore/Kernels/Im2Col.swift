/// Geometry of a 2-D convolution over NCHW input, and the im2col/col2im kernels that turn it into GEMMs.
struct ConvGeometry: Sendable {
    let batch, inChannels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padH, padW, dilationH, dilationW, groups: Int

    var outH: Int { (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1 }
    /// Output positions per image.
    var positions: Int { outH * outW }
    /// im2col rows: one per (input channel, kernel row, kernel column).
    var colRows: Int { inChannels * kernelH * kernelW }
    /// im2col rows of one group.
    var groupRows: Int { (inChannels / groups) * kernelH * kernelW }

    /// Images per chunk: the column buffer stays near `budget` floats (cache-sized), but each GEMM
    /// still gets at least ~4096 columns, below which the BLAS runs far from its peak.
    func imagesPerChunk(budget: Int = 1 << 21) -> Int {
        let byBudget = budget / Swift.max(colRows * positions, 1)
        let byGEMMWidth = (4096 + positions - 1) / Swift.max(positions, 1)
        return Swift.max(1, Swift.min(batch, Swift.max(byBudget, byGEMMWidth)))
    }

    /// Large images get one GEMM each, written straight into the NCHW output; small ones share a GEMM.
    var gemmPerImage: Bool { positions >= 512 }

    /// Fills `col[colRows, images·positions]` from images `first..<first+images` of `x`.
    func im2col(_ x: UnsafePointer<Float>, first: Int, images: Int, into col: UnsafeMutablePointer<Float>) {
        let cols = images * positions
        let src = UncheckedSendable(value: x), dst = UncheckedSendable(value: col)
        let g = self
        parallelChunks(colRows, minChunk: Swift.max(1, 4096 / Swift.max(cols, 1))) { rows in
            for r in rows {
                let c = r / (g.kernelH * g.kernelW), kh = (r / g.kernelW) % g.kernelH, kw = r % g.kernelW
                for img in 0..<images {
                    let plane = src.value + ((first + img) * g.inChannels + c) * g.height * g.width
                    let out = dst.value + r * cols + img * g.positions
                    g.fillRow(plane: plane, kh: kh, kw: kw, out: out)
                }
            }
        }
    }

    /// Whether every window lies inside the image with unit steps (the common case: no padding, stride 1,
    /// dilation 1), so rows are plain shifted copies without bounds logic.
    var isDense: Bool { padH == 0 && padW == 0 && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 }

    /// One kernel offset of one image plane: `out[oh·outW + ow] = plane[ih, iw]` (0 in the padding).
    @inline(__always)
    private func fillRow(plane: UnsafePointer<Float>, kh: Int, kw: Int, out: UnsafeMutablePointer<Float>) {
        if isDense {
            // Wrapping arithmetic: the checked version spent most of its time on overflow checks.
            let (outH, outW, width) = (self.outH, self.outW, self.width)
            var src = plane + (kh &* width &+ kw), dst = out
            for _ in 0..<outH {
                for ow in 0..<outW { dst[ow] = src[ow] }
                src += width
                dst += outW
            }
            return
        }
        let (lo, hi) = validColumns(kw)
        for oh in 0..<outH {
            let ih = oh * strideH - padH + kh * dilationH
            let row = out + oh * outW
            if ih < 0 || ih >= height {
                row.update(repeating: 0, count: outW)
                continue
            }
            let line = plane + ih * width
            for ow in 0..<lo { row[ow] = 0 }
            let base = kw * dilationW - padW
            if strideW == 1 {
                // A plain loop: rows are short, and a memmove call per row costs more than the copy.
                let from = line + base
                for ow in lo..<Swift.max(lo, hi) { row[ow] = from[ow] }
            } else {
                for ow in lo..<Swift.max(lo, hi) { row[ow] = line[ow * strideW + base] }
            }
            for ow in Swift.max(lo, hi)..<outW { row[ow] = 0 }
        }
    }

    /// Output columns `lo..<hi` whose input column for kernel column `kw` lies inside the image.
    @inline(__always)
    private func validColumns(_ kw: Int) -> (Int, Int) {
        let base = kw * dilationW - padW
        // smallest ow with ow·s + base ≥ 0, and smallest ow with ow·s + base ≥ width
        let lo = base >= 0 ? 0 : (-base + strideW - 1) / strideW
        let hiRaw = width - base <= 0 ? 0 : (width - base + strideW - 1) / strideW
        return (Swift.min(lo, outW), Swift.min(Swift.max(hiRaw, 0), outW))
    }

    /// Adds `col[colRows, images·positions]` back into the image gradient `dx` (the adjoint of im2col).
    func col2im(_ col: UnsafePointer<Float>, first: Int, images: Int, into dx: UnsafeMutablePointer<Float>) {
        let cols = images * positions
        let src = UncheckedSendable(value: col), dst = UncheckedSendable(value: dx)
        let g = self
        // Parallel over input channels: each channel's rows write only that channel's planes.
        parallelChunks(inChannels, minChunk: 1) { channels in
            for c in channels {
                for k in 0..<(g.kernelH * g.kernelW) {
                    let kh = k / g.kernelW, kw = k % g.kernelW
                    let r = c * g.kernelH * g.kernelW + k
                    let (lo, hi) = g.validColumns(kw)
                    let base = kw * g.dilationW - g.padW
                    if g.isDense {
                        let (outH, outW, width, positions) = (g.outH, g.outW, g.width, g.positions)
                        for img in 0..<images {
                            let planeIndex: Int = (first + img) &* g.inChannels &+ c
                            let lineOffset: Int = planeIndex &* g.height &* width &+ kh &* width &+ kw
                            let rowOffset: Int = r &* cols &+ img &* positions
                            var line = dst.value + lineOffset
                            var row = src.value + rowOffset
                            for _ in 0..<outH {
                                for ow in 0..<outW { line[ow] += row[ow] }
                                line += width
                                row += outW
                            }
                        }
                        continue
                    }
                    for img in 0..<images {
                        let plane = dst.value + ((first + img) * g.inChannels + c) * g.height * g.width
                        let rowBase = src.value + r * cols + img * g.positions
                        for oh in 0..<g.outH {
                            let ih = oh * g.strideH - g.padH + kh * g.dilationH
                            if ih < 0 || ih >= g.height { continue }
                            let line = plane + ih * g.width, row = rowBase + oh * g.outW
                            if g.strideW == 1 {
                                for ow in lo..<Swift.max(lo, hi) { line[ow + base] += row[ow] }
                            } else {
                                for ow in lo..<Swift.max(lo, hi) { line[ow * g.strideW + base] += row[ow] }
                            }
                        }
                    }
                }
            }
        }
    }
}
