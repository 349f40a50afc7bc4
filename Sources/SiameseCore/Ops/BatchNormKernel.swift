extension Tensor {
    /// Training-mode batch normalisation as one fused kernel over `[N, C, …]` input: per-channel mean and
    /// (biased) variance, then `γ·(x − μ)/√(σ² + ε) + β`, and a hand-derived backward
    /// `dx = γ/σ̂ · (dy − mean(dy) − x̂·mean(dy·x̂))`, `dγ = Σ dy·x̂`, `dβ = Σ dy`.
    ///
    /// Composed from primitives this op took eight passes forward and more backward; fused it reads the
    /// input three times forward and twice backward.
    func fusedBatchNorm(gamma: Tensor?, beta: Tensor?, epsilon: Float) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let n = shape[0], c = shape[1], s = shape.dropFirst(2).reduce(1, *)
        let m = n * s
        check(m > 0, "batchNorm: no elements per channel in \(shape)")
        for (name, t) in [("gamma", gamma), ("beta", beta)] {
            if let t { check(t.count == c, "batchNorm: \(name) has \(t.count) values for \(c) channels") }
        }
        let x = contiguous().detached()
        let g = gamma?.contiguous().detached(), b = beta?.contiguous().detached()
        let out = TensorStorage(uninitializedCount: count)
        let meanBox = TensorStorage(uninitializedCount: c), varBox = TensorStorage(uninitializedCount: c)
        let src = UncheckedSendable(value: x.storage.pointer + x.offset), dst = UncheckedSendable(value: out.pointer)
        let mu = UncheckedSendable(value: meanBox.pointer), va = UncheckedSendable(value: varBox.pointer)
        let gp = UncheckedSendable(value: g.map { $0.storage.pointer + $0.offset })
        let bp = UncheckedSendable(value: b.map { $0.storage.pointer + $0.offset })
        parallelChunks(c, minChunk: 1) { channels in
            for ch in channels {
                var total = 0.0
                for i in 0..<n {
                    let row = src.value + (i &* c &+ ch) &* s
                    var partial: Float = 0
                    for j in 0..<s { partial += row[j] }
                    total += Double(partial)
                }
                let mean = Float(total / Double(m))
                var squares = 0.0
                for i in 0..<n {
                    let row = src.value + (i &* c &+ ch) &* s
                    var partial: Float = 0
                    for j in 0..<s { let d = row[j] - mean; partial += d * d }
                    squares += Double(partial)
                }
                let variance = Float(squares / Double(m))
                mu.value[ch] = mean
                va.value[ch] = variance
                let scale = (gp.value?[ch] ?? 1) / (variance + epsilon).squareRoot()
                let shift = (bp.value?[ch] ?? 0) - mean * scale
                for i in 0..<n {
                    let offset = (i &* c &+ ch) &* s
                    let row = src.value + offset, o = dst.value + offset
                    for j in 0..<s { o[j] = row[j] * scale + shift }
                }
            }
        }
        let meanTensor = Tensor(storage: meanBox, shape: [c]), varianceTensor = Tensor(storage: varBox, shape: [c])
        let inputs = [self] + [gamma, beta].compactMap { $0 }
        let hasGamma = gamma != nil, hasBeta = beta != nil
        let output = Tensor(storage: out, shape: shape).attaching(inputs: inputs, name: "batchNorm") { [meanBox, varBox] grad in
            // The statistics' storage must outlive the forward call: the raw pointers below do not retain it.
            let mu = UncheckedSendable(value: meanBox.pointer), va = UncheckedSendable(value: varBox.pointer)
            let dy = grad.contiguous()
            let dxBox = TensorStorage(uninitializedCount: x.count)
            let dgBox = TensorStorage(uninitializedCount: c), dbBox = TensorStorage(uninitializedCount: c)
            let gy = UncheckedSendable(value: dy.storage.pointer + dy.offset), dx = UncheckedSendable(value: dxBox.pointer)
            let dg = UncheckedSendable(value: dgBox.pointer), db = UncheckedSendable(value: dbBox.pointer)
            parallelChunks(c, minChunk: 1) { channels in
                for ch in channels {
                    let mean = mu.value[ch], invStd = 1 / (va.value[ch] + epsilon).squareRoot()
                    var sumDy = 0.0, sumDyXhat = 0.0
                    for i in 0..<n {
                        let offset = (i &* c &+ ch) &* s
                        let row = src.value + offset, d = gy.value + offset
                        var a: Float = 0, bb: Float = 0
                        for j in 0..<s { a += d[j]; bb += d[j] * (row[j] - mean) }
                        sumDy += Double(a); sumDyXhat += Double(bb)
                    }
                    sumDyXhat *= Double(invStd)
                    dg.value[ch] = Float(sumDyXhat)
                    db.value[ch] = Float(sumDy)
                    let k = (gp.value?[ch] ?? 1) * invStd
                    let meanDy = Float(sumDy / Double(m)), meanDyXhat = Float(sumDyXhat / Double(m))
                    for i in 0..<n {
                        let offset = (i &* c &+ ch) &* s
                        let row = src.value + offset, d = gy.value + offset, o = dx.value + offset
                        for j in 0..<s { o[j] = k * (d[j] - meanDy - (row[j] - mean) * invStd * meanDyXhat) }
                    }
                }
            }
            var grads: [Tensor?] = [Tensor(storage: dxBox, shape: x.shape)]
            if hasGamma { grads.append(Tensor(storage: dgBox, shape: gamma!.shape)) }
            if hasBeta { grads.append(Tensor(storage: dbBox, shape: beta!.shape)) }
            return grads
        }
        return (output, meanTensor, varianceTensor)
    }
}
