import SiameseCore

/// The average of the positive hinge terms `[sign · (d − margin)]₊` over the masked entries of a distance
/// matrix, fused into one pass forward and one backward.
///
/// This is what ``ContrastiveLoss`` with ``AvgNonZeroReducer`` computes for each of its two pair sets; composed
/// from primitives it takes about a dozen passes over the `n×n` matrix.
enum FusedHinge {
    static func averageOfPositive(_ mat: Tensor, mask: Tensor, margin: Float, sign: Float) -> Tensor {
        let m = mat.contiguous(), k = mask.contiguous()
        let n = m.count
        let pm = m.storage.pointer + m.offset, pk = k.storage.pointer + k.offset
        let active = TensorStorage(uninitializedCount: n)
        var total: Float = 0, count: Float = 0
        for i in 0..<n {
            let v = sign * (pm[i] - margin)
            let on: Float = pk[i] != 0 && v > 0 ? 1 : 0
            active.pointer[i] = on
            total += on * v
            count += on
        }
        let value = Tensor(scalar: count > 0 ? total / count : 0)
        let shape = m.shape
        return value.recordingGradient(of: [mat], name: "averageOfPositiveHinge") { g in
            guard count > 0 else { return [Tensor.zeros(shape)] }
            let scale = g.item * sign / count
            let out = TensorStorage(uninitializedCount: n)
            for i in 0..<n { out.pointer[i] = active.pointer[i] * scale }
            return [Tensor(storage: out, shape: shape)]
        }
    }
}
