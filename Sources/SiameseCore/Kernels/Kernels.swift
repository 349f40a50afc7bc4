/// Raw-buffer kernels behind the tensor operations. They know nothing of autograd.
enum Kernels {
    /// Work below this many elements stays on one thread (kernels with a per-element closure always do:
    /// handing such a closure to another thread stops the compiler from inlining and vectorising it, which
    /// was measured at 8× slower than one thread's vectorised loop).
    static let parallelThreshold = 1 << 16

    /// Copies a strided tensor's elements, in row-major order, into `out`.
    static func copyStrided(from t: Tensor, into out: UnsafeMutablePointer<Float>) {
        let src = t.storage.pointer + t.offset
        let n = t.count
        if n == 0 { return }
        if t.rank == 0 { out[0] = src[0]; return }
        if t.isContiguous { out.update(from: src, count: n); return }
        forEachRow(shape: t.shape, strides: [t.strides]) { row, offsets in
            let inner = t.shape[t.rank - 1]
            let s = t.strides[t.rank - 1]
            let dst = out + row * inner
            let base = src + offsets[0]
            if s == 1 {
                dst.update(from: base, count: inner)
            } else {
                for j in 0..<inner { dst[j] = base[j * s] }
            }
        }
    }

    /// Calls `body(rowIndex, offsets)` for every index of all but the last dimension of `shape`,
    /// where `offsets[i]` is the element offset of that row under `strides[i]`.
    @inline(__always)
    static func forEachRow(shape: [Int], strides: [[Int]], _ body: (Int, [Int]) -> Void) {
        let outer = shape.dropLast().reduce(1, *)
        let dims = shape.count - 1
        var index = [Int](repeating: 0, count: max(dims, 0))
        var offsets = [Int](repeating: 0, count: strides.count)
        for row in 0..<outer {
            body(row, offsets)
            // Advance the multi-index like an odometer, updating offsets incrementally.
            var d = dims - 1
            while d >= 0 {
                index[d] += 1
                for k in 0..<strides.count { offsets[k] += strides[k][d] }
                if index[d] < shape[d] { break }
                for k in 0..<strides.count { offsets[k] -= strides[k][d] * shape[d] }
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Strides of `t` aligned to the broadcast shape `outShape` (0 where `t` is broadcast).
    static func broadcastStrides(_ t: Tensor, to outShape: [Int]) -> [Int] {
        let lead = outShape.count - t.rank
        return (0..<outShape.count).map { d in
            d < lead || t.shape[d - lead] == 1 ? 0 : t.strides[d - lead]
        }
    }

    /// `out[i] = f(x[i])` for a contiguous input (one thread, vectorised).
    @inline(__always)
    static func map(_ x: Tensor, _ f: (Float) -> Float) -> TensorStorage {
        let c = x.contiguous()
        let n = c.count
        let out = TensorStorage(uninitializedCount: n)
        let s = c.storage.pointer + c.offset, d = out.pointer
        for i in 0..<n { d[i] = f(s[i]) }
        return out
    }

    /// `out = f(a, b)` elementwise with NumPy broadcasting to `outShape` (one thread, vectorised).
    @inline(__always)
    static func zipBroadcast(_ a: Tensor, _ b: Tensor, outShape: [Int], _ f: (Float, Float) -> Float) -> TensorStorage {
        let n = Shape.count(outShape)
        let out = TensorStorage(uninitializedCount: n)
        let pa = a.storage.pointer + a.offset, pb = b.storage.pointer + b.offset
        let d = out.pointer
        if n == 0 { return out }
        let denseA = a.shape == outShape && a.isContiguous
        let denseB = b.shape == outShape && b.isContiguous
        if denseA && denseB {
            for i in 0..<n { d[i] = f(pa[i], pb[i]) }
            return out
        }
        if denseA && b.count == 1 {
            let y = pb[0]
            for i in 0..<n { d[i] = f(pa[i], y) }
            return out
        }
        if denseB && a.count == 1 {
            let x = pa[0]
            for i in 0..<n { d[i] = f(x, pb[i]) }
            return out
        }
        let stA = broadcastStrides(a, to: outShape), stB = broadcastStrides(b, to: outShape)
        if outShape.isEmpty { d[0] = f(pa[0], pb[0]); return out }
        let inner = outShape[outShape.count - 1]
        let ia = stA[stA.count - 1], ib = stB[stB.count - 1]
        forEachRow(shape: outShape, strides: [stA, stB]) { row, offsets in
            let x = pa + offsets[0], y = pb + offsets[1], o = d + row * inner
            if ia == 1 && ib == 1 {
                for j in 0..<inner { o[j] = f(x[j], y[j]) }
            } else if ia == 1 && ib == 0 {
                let yv = y[0]
                for j in 0..<inner { o[j] = f(x[j], yv) }
            } else if ia == 0 && ib == 1 {
                let xv = x[0]
                for j in 0..<inner { o[j] = f(xv, y[j]) }
            } else {
                for j in 0..<inner { o[j] = f(x[j * ia], y[j * ib]) }
            }
        }
        return out
    }

    /// Sum of `n` contiguous floats with SIMD accumulators (the compiler will not reorder float adds itself).
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            acc1 += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }
}
