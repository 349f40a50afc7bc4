import CSiameseKernels

extension Tensor {
    /// 2-D max pooling over NCHW input; padding counts as −∞. Backward routes each gradient to its arg-max.
    ///
    /// - Parameters:
    ///   - kernel: window `(height, width)`.
    ///   - stride: defaults to the kernel size.
    ///   - padding: implicit −∞ border.
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
        let p = PoolGeometry(self, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
        let x = contiguous().detached()
        let out = TensorStorage(uninitializedCount: p.planes * p.outH * p.outW)
        // Arg-max offsets within each plane, kept as floats (exact below 2²⁴) in pooled storage: a fresh
        // allocation per call costs page faults that were measured to dominate this op.
        let argBox = TensorStorage(uninitializedCount: Swift.max(out.count, 1))
        let argmax = argBox.pointer
        let src = UncheckedSendable(value: x.storage.pointer + x.offset), dst = UncheckedSendable(value: out.pointer)
        let arg = UncheckedSendable(value: argmax)
        let is2x2 = p.kernelH == 2 && p.kernelW == 2 && p.strideH == 2 && p.strideW == 2 && p.padH == 0 && p.padW == 0
        let simd = Int32(SIMDKernels.level)
        if is2x2 && simd >= 2 {
            parallelChunks(p.planes, minChunk: 8) { planes in
                let offset = planes.lowerBound * p.height * p.width, outOffset = planes.lowerBound * p.outH * p.outW
                _ = sk_maxpool2x2_forward(simd, src.value + offset, planes.count, Int32(p.height), Int32(p.width),
                                          dst.value + outOffset, arg.value + outOffset)
            }
        } else { parallelChunks(p.planes, minChunk: 8) { planes in
            for plane in planes {
                let s = src.value + plane * p.height * p.width
                let d = dst.value + plane * p.outH * p.outW, a = arg.value + plane * p.outH * p.outW
                if p.padH == 0 && p.padW == 0 {
                    // Every window lies inside the image: no bounds checks. Geometry in locals, since stores
                    // through the output pointers would otherwise force reloads from the captured struct.
                    let (outH, outW, width) = (p.outH, p.outW, p.width)
                    let (strideH, strideW, kernelH, kernelW) = (p.strideH, p.strideW, p.kernelH, p.kernelW)
                    if kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 {
                        Kernels.maxPool2x2(s, width: width, outH: outH, outW: outW, values: d, argmax: a)
                        continue
                    }
                    for oh in 0..<outH {
                        for ow in 0..<outW {
                            let origin = oh * strideH * width + ow * strideW
                            var best = s[origin], bestIndex = origin
                            for kh in 0..<kernelH {
                                let row = origin + kh * width
                                for kw in 0..<kernelW {
                                    let v = s[row + kw]
                                    if v > best || v.isNaN { best = v; bestIndex = row + kw }
                                }
                            }
                            d[oh * outW + ow] = best
                            a[oh * outW + ow] = Float(bestIndex)
                        }
                    }
                    continue
                }
                for oh in 0..<p.outH {
                    for ow in 0..<p.outW {
                        var best = -Float.infinity, bestIndex = -1
                        for kh in 0..<p.kernelH {
                            let ih = oh * p.strideH - p.padH + kh
                            if ih < 0 || ih >= p.height { continue }
                            for kw in 0..<p.kernelW {
                                let iw = ow * p.strideW - p.padW + kw
                                if iw < 0 || iw >= p.width { continue }
                                let v = s[ih * p.width + iw]
                                if v > best || bestIndex < 0 || v.isNaN { best = v; bestIndex = ih * p.width + iw }
                            }
                        }
                        d[oh * p.outW + ow] = best
                        a[oh * p.outW + ow] = Float(bestIndex)
                    }
                }
            }
        } }
        let inShape = shape
        return Tensor(storage: out, shape: p.outShape).attaching(inputs: [self], name: "maxPool2d") { g in
            let gc = g.contiguous()
            if p.kernelH == 2 && p.kernelW == 2 && p.strideH == 2 && p.strideW == 2 && p.padH == 0 && p.padW == 0 {
                return [Tensor(storage: Kernels.maxPool2x2Backward(gc.storage.pointer + gc.offset, argBox.pointer, p), shape: inShape)]
            }
            let dx = TensorStorage(count: Shape.count(inShape), repeating: 0)
            let pg = gc.storage.pointer + gc.offset, a = argBox.pointer
            let per = p.outH * p.outW
            for plane in 0..<p.planes {
                let d = dx.pointer + plane * p.height * p.width
                for i in 0..<per {
                    let k = Int(a[plane * per + i])
                    if k >= 0 { d[k] += pg[plane * per + i] }
                }
            }
            return [Tensor(storage: dx, shape: inShape)]
        }
    }

    /// 2-D average pooling over NCHW input; zero padding is counted in the average (PyTorch's default).
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
        let p = PoolGeometry(self, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
        let x = contiguous().detached()
        let out = TensorStorage(uninitializedCount: p.planes * p.outH * p.outW)
        let scale = 1 / Float(p.kernelH * p.kernelW)
        let src = UncheckedSendable(value: x.storage.pointer + x.offset), dst = UncheckedSendable(value: out.pointer)
        parallelChunks(p.planes, minChunk: 8) { planes in
            for plane in planes {
                let s = src.value + plane * p.height * p.width, d = dst.value + plane * p.outH * p.outW
                for oh in 0..<p.outH {
                    for ow in 0..<p.outW {
                        var total: Float = 0
                        p.forEachInput(oh, ow) { total += s[$0] }
                        d[oh * p.outW + ow] = total * scale
                    }
                }
            }
        }
        let inShape = shape
        return Tensor(storage: out, shape: p.outShape).attaching(inputs: [self], name: "avgPool2d") { g in
            let gc = g.contiguous()
            let dx = TensorStorage(count: Shape.count(inShape), repeating: 0)
            let pg = gc.storage.pointer + gc.offset
            for plane in 0..<p.planes {
                let d = dx.pointer + plane * p.height * p.width, gp = pg + plane * p.outH * p.outW
                for oh in 0..<p.outH {
                    for ow in 0..<p.outW {
                        let v = gp[oh * p.outW + ow] * scale
                        p.forEachInput(oh, ow) { d[$0] += v }
                    }
                }
            }
            return [Tensor(storage: dx, shape: inShape)]
        }
    }
}

/// Window arithmetic shared by the pooling kernels.
struct PoolGeometry: Sendable {
    let planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW: Int
    let outShape: [Int]

    init(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), op: String) {
        check(x.rank == 4, "\(op): input must be [N, C, H, W], got \(x.shape)")
        check(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0, "\(op): kernel and stride must be positive")
        check(padding.0 * 2 <= kernel.0 && padding.1 * 2 <= kernel.1, "\(op): padding must be at most half the kernel")
        planes = x.shape[0] * x.shape[1]
        height = x.shape[2]; width = x.shape[3]
        kernelH = kernel.0; kernelW = kernel.1; strideH = stride.0; strideW = stride.1; padH = padding.0; padW = padding.1
        outH = (height + 2 * padH - kernelH) / strideH + 1
        outW = (width + 2 * padW - kernelW) / strideW + 1
        check(outH > 0 && outW > 0, "\(op): kernel \(kernel) does not fit input \(x.shape)")
        outShape = [x.shape[0], x.shape[1], outH, outW]
    }

    /// Calls `body` with the flat in-plane index of every in-bounds input under window (oh, ow).
    @inline(__always)
    func forEachInput(_ oh: Int, _ ow: Int, _ body: (Int) -> Void) {
        for kh in 0..<kernelH {
            let ih = oh * strideH - padH + kh
            if ih < 0 || ih >= height { continue }
            for kw in 0..<kernelW {
                let iw = ow * strideW - padW + kw
                if iw >= 0 && iw < width { body(ih * width + iw) }
            }
        }
    }
}

extension Kernels {
    /// The common 2×2, stride-2 max-pool of one plane, unrolled with wrapping index arithmetic (the checked
    /// general loop spent most of its time on overflow checks). `!(v <= best)` also picks NaN, as PyTorch does.
    @inline(__always)
    static func maxPool2x2(_ s: UnsafeMutablePointer<Float>, width: Int, outH: Int, outW: Int,
                           values d: UnsafeMutablePointer<Float>, argmax a: UnsafeMutablePointer<Float>) {
        for oh in 0..<outH {
            let top = (2 &* oh) &* width, bottom = top &+ width
            let dRow = d + oh &* outW, aRow = a + oh &* outW
            for ow in 0..<outW {
                // Bit masks, not branches or selects: which of four activations wins is unpredictable, and
                // LLVM turns selects in such loops back into jumps; the mispredictions made this loop cost more
                // than the convolution before it. A later value wins only if greater (or NaN), as in a scan.
                let c = 2 &* ow
                let (b01, i01) = Self.later(s[top &+ c], top &+ c, over: s[top &+ c &+ 1], top &+ c &+ 1)
                let (b23, i23) = Self.later(s[bottom &+ c], bottom &+ c, over: s[bottom &+ c &+ 1], bottom &+ c &+ 1)
                let (best, index) = Self.later(b01, i01, over: b23, i23)
                dRow[ow] = best
                aRow[ow] = Float(index)
            }
        }
    }

    /// `(b, ib)` if `!(b <= a)` (b greater, or NaN), else `(a, ia)`, computed with masks instead of a branch.
    @inline(__always)
    static func later(_ a: Float, _ ia: Int, over b: Float, _ ib: Int) -> (Float, Int) {
        let take = Int(truncatingIfNeeded: unsafeBitCast(!(b <= a), to: UInt8.self))
        let mask = 0 &- take
        let bits = UInt32(truncatingIfNeeded: mask)
        return (Float(bitPattern: (a.bitPattern & ~bits) | (b.bitPattern & bits)), (ia & ~mask) | (ib & mask))
    }

    /// Backward of ``maxPool2x2(_:width:outH:outW:values:argmax:)``: windows do not overlap, so every input
    /// position is written exactly once (the gradient at the window's arg-max, 0 elsewhere) and the buffer needs
    /// no zero-filling first.
    static func maxPool2x2Backward(_ g: UnsafePointer<Float>, _ argmax: UnsafePointer<Float>, _ p: PoolGeometry) -> TensorStorage {
        let (height, width, outH, outW) = (p.height, p.width, p.outH, p.outW)
        let dx = TensorStorage(uninitializedCount: p.planes &* height &* width)
        let src = UncheckedSendable(value: g), arg = UncheckedSendable(value: argmax), dst = UncheckedSendable(value: dx.pointer)
        let simd = Int32(SIMDKernels.level)
        if simd >= 2 {
            parallelChunks(p.planes, minChunk: 8) { planes in
                let offset = planes.lowerBound * height * width, outOffset = planes.lowerBound * outH * outW
                _ = sk_maxpool2x2_backward(simd, src.value + outOffset, arg.value + outOffset, planes.count, Int32(height),
                                           Int32(width), dst.value + offset)
            }
            return dx
        }
        parallelChunks(p.planes, minChunk: 8) { planes in
            for plane in planes {
                let d = dst.value + plane &* height &* width
                let gp = src.value + plane &* outH &* outW, ap = arg.value + plane &* outH &* outW
                for oh in 0..<outH {
                    let top = (2 &* oh) &* width, bottom = top &+ width
                    for ow in 0..<outW {
                        let c = 2 &* ow
                        d[top &+ c] = 0; d[top &+ c &+ 1] = 0; d[bottom &+ c] = 0; d[bottom &+ c &+ 1] = 0
                        d[Int(ap[oh &* outW &+ ow])] = gp[oh &* outW &+ ow]
                    }
                }
                // Odd sizes leave a last row or column outside every window.
                if height > 2 &* outH { for x in 0..<width { d[(height &- 1) &* width &+ x] = 0 } }
                if width > 2 &* outW { for y in 0..<height { d[y &* width &+ width &- 1] = 0 } }
            }
        }
        return dx
    }
}
