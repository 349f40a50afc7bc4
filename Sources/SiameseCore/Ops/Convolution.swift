extension Tensor {
    /// 2-D cross-correlation over NCHW input, as PyTorch's `conv2d`.
    ///
    /// - Parameters:
    ///   - weight: `[outChannels, inChannels / groups, kernelH, kernelW]`.
    ///   - bias: `[outChannels]`, optional.
    ///   - stride, padding, dilation: `(height, width)` pairs.
    ///   - groups: input and output channels are split into this many independent groups.
    /// - Returns: `[batch, outChannels, outH, outW]`, with `outH = (H + 2·padH − dilationH·(kH − 1) − 1) / strideH + 1`.
    ///
    /// Stride-1 ungrouped convolutions run as direct AVX2/AVX-512 kernels where the CPU has them
    /// (see ``SIMDKernels``); the rest as im2col plus one GEMM per group over chunks of images.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                       dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        check(rank == 4, "conv2d: input must be [N, C, H, W], got \(shape)")
        check(weight.rank == 4, "conv2d: weight must be [O, C/groups, kH, kW], got \(weight.shape)")
        check(groups >= 1 && shape[1] % groups == 0 && weight.shape[0] % groups == 0,
              "conv2d: channels \(shape[1]) → \(weight.shape[0]) are not divisible by groups \(groups)")
        check(weight.shape[1] * groups == shape[1],
              "conv2d: weight \(weight.shape) expects \(weight.shape[1] * groups) input channels, input \(shape) has \(shape[1])")
        if let bias { check(bias.shape == [weight.shape[0]], "conv2d: bias shape \(bias.shape) should be [\(weight.shape[0])]") }
        check(stride.0 > 0 && stride.1 > 0 && dilation.0 > 0 && dilation.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
              "conv2d: stride and dilation must be positive and padding non-negative")
        let geo = ConvGeometry(batch: shape[0], inChannels: shape[1], height: shape[2], width: shape[3],
                               outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
                               strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
                               dilationH: dilation.0, dilationW: dilation.1, groups: groups)
        check(geo.outH > 0 && geo.outW > 0, "conv2d: kernel \(weight.shape) does not fit input \(shape) with padding \(padding)")
        let x = contiguous().detached(), w = weight.contiguous().detached()
        let y = Kernels.conv2dForward(x, w, bias: bias?.contiguous().detached(), geo)
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        let needX = requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        return y.attaching(inputs: inputs, name: "conv2d") { g in
            let (dx, dw, db) = Kernels.conv2dBackward(g.contiguous(), x, w, geo, needInput: needX, needWeight: needW, needBias: needB)
            return [dx, dw, db]
        }
    }
}

extension Kernels {
    static func conv2dForward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ geo: ConvGeometry) -> Tensor {
        if DirectConvolution.handles(geo) { return DirectConvolution.forward(x, w, bias: bias, geo) }
        let out = TensorStorage(uninitializedCount: geo.batch * geo.outChannels * geo.positions)
        let chunk = geo.imagesPerChunk()
        let col = TensorStorage(uninitializedCount: geo.colRows * chunk * geo.positions)
        let result = TensorStorage(uninitializedCount: geo.outChannels * chunk * geo.positions)
        let px = x.storage.pointer + x.offset, pw = w.storage.pointer + w.offset
        let og = geo.outChannels / geo.groups
        var first = 0
        while first < geo.batch {
            let images = Swift.min(chunk, geo.batch - first)
            let cols = images * geo.positions
            geo.im2col(px, first: first, images: images, into: col.pointer)
            if geo.gemmPerImage {
                forwardPerImage(geo, w: pw, bias: bias, col: col.pointer, cols: cols, first: first, images: images, out: out.pointer)
                first += images
                continue
            }
            for grp in 0..<geo.groups {
                BLAS.sgemm(transA: false, transB: false, m: og, n: cols, k: geo.groupRows,
                           a: pw + grp * og * geo.groupRows, lda: geo.groupRows,
                           b: col.pointer + grp * geo.groupRows * cols, ldb: cols,
                           c: result.pointer + grp * og * cols, ldc: cols)
            }
            // [O, images·P] → [images, O, P], adding the bias on the way.
            let pb = bias.map { $0.storage.pointer + $0.offset }
            for img in 0..<images {
                for o in 0..<geo.outChannels {
                    let src = result.pointer + o * cols + img * geo.positions
                    let dst = out.pointer + ((first + img) * geo.outChannels + o) * geo.positions
                    if let pb {
                        let b = pb[o]
                        for p in 0..<geo.positions { dst[p] = src[p] + b }
                    } else {
                        dst.update(from: src, count: geo.positions)
                    }
                }
            }
            first += images
        }
        return Tensor(storage: out, shape: [geo.batch, geo.outChannels, geo.outH, geo.outW])
    }

    /// One GEMM per image and group, writing `[O, P]` blocks straight into the output (bias as the initial C).
    private static func forwardPerImage(_ geo: ConvGeometry, w: UnsafePointer<Float>, bias: Tensor?,
                                        col: UnsafeMutablePointer<Float>, cols: Int, first: Int, images: Int,
                                        out: UnsafeMutablePointer<Float>) {
        let og = geo.outChannels / geo.groups
        let pb = bias.map { $0.storage.pointer + $0.offset }
        for img in 0..<images {
            let dst = out + (first + img) * geo.outChannels * geo.positions
            if let pb {
                for o in 0..<geo.outChannels { (dst + o * geo.positions).update(repeating: pb[o], count: geo.positions) }
            }
            for grp in 0..<geo.groups {
                BLAS.sgemm(transA: false, transB: false, m: og, n: geo.positions, k: geo.groupRows,
                           a: w + grp * og * geo.groupRows, lda: geo.groupRows,
                           b: col + grp * geo.groupRows * cols + img * geo.positions, ldb: cols,
                           beta: pb == nil ? 0 : 1, c: dst + grp * og * geo.positions, ldc: geo.positions)
            }
        }
    }

    static func conv2dBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, _ geo: ConvGeometry,
                               needInput: Bool, needWeight: Bool, needBias: Bool) -> (Tensor?, Tensor?, Tensor?) {
        if DirectConvolution.handles(geo) {
            let pdy = UnsafePointer(dy.storage.pointer + dy.offset)
            let dx = needInput ? DirectConvolution.inputGradient(pdy, w.storage.pointer + w.offset, geo) : nil
            if needWeight {
                let (dw, db) = DirectConvolution.weightGradient(pdy, x.storage.pointer + x.offset, geo, bias: needBias)
                return (dx.map { Tensor(storage: $0, shape: x.shape) }, Tensor(storage: dw, shape: w.shape),
                        db.map { Tensor(storage: $0, shape: [geo.outChannels]) })
            }
            return (dx.map { Tensor(storage: $0, shape: x.shape) }, nil, needBias ? dy.sum(axes: [0, 2, 3]) : nil)
        }
        let chunk = geo.imagesPerChunk()
        let og = geo.outChannels / geo.groups
        let pdy = dy.storage.pointer + dy.offset, px = x.storage.pointer + x.offset, pw = w.storage.pointer + w.offset
        let dx = needInput ? TensorStorage(count: x.count, repeating: 0) : nil
        let dw = needWeight ? TensorStorage(count: w.count, repeating: 0) : nil
        let col = TensorStorage(uninitializedCount: geo.colRows * chunk * geo.positions)
        let dyChunk = TensorStorage(uninitializedCount: geo.outChannels * chunk * geo.positions)
        var first = 0
        while first < geo.batch && (needInput || needWeight) {
            let images = Swift.min(chunk, geo.batch - first)
            let cols = images * geo.positions
            // [images, O, P] → [O, images·P]
            for img in 0..<images {
                for o in 0..<geo.outChannels {
                    (dyChunk.pointer + o * cols + img * geo.positions)
                        .update(from: pdy + ((first + img) * geo.outChannels + o) * geo.positions, count: geo.positions)
                }
            }
            if let dw {
                geo.im2col(px, first: first, images: images, into: col.pointer)
                for grp in 0..<geo.groups {
                    BLAS.sgemm(transA: false, transB: true, m: og, n: geo.groupRows, k: cols,
                               a: dyChunk.pointer + grp * og * cols, lda: cols,
                               b: col.pointer + grp * geo.groupRows * cols, ldb: cols,
                               beta: 1, c: dw.pointer + grp * og * geo.groupRows, ldc: geo.groupRows)
                }
            }
            if let dx {
                for grp in 0..<geo.groups {
                    BLAS.sgemm(transA: true, transB: false, m: geo.groupRows, n: cols, k: og,
                               a: pw + grp * og * geo.groupRows, lda: geo.groupRows,
                               b: dyChunk.pointer + grp * og * cols, ldb: cols,
                               c: col.pointer + grp * geo.groupRows * cols, ldc: cols)
                }
                geo.col2im(col.pointer, first: first, images: images, into: dx.pointer)
            }
            first += images
        }
        var db: Tensor?
        if needBias {
            db = dy.sum(axes: [0, 2, 3])
        }
        return (dx.map { Tensor(storage: $0, shape: x.shape) }, dw.map { Tensor(storage: $0, shape: w.shape) }, db)
    }
}
