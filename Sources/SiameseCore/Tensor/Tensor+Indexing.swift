extension Tensor {
    /// Selects entries along `axis` at `indices` (repeats allowed). Backward scatters and adds.
    ///
    /// `x.indexSelect(axis: 0, [2, 0])` takes rows 2 and 0. This is also the embedding lookup.
    public func indexSelect(axis: Int, _ indices: [Int]) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "indexSelect")
        let n = shape[a]
        for i in indices { check(i >= 0 && i < n, "indexSelect: index \(i) out of range for dimension \(a) of size \(n)") }
        let c = contiguous().detached()
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = indices.count
        let out = TensorStorage(uninitializedCount: Shape.count(outShape))
        let src = c.storage.pointer + c.offset
        if inner == 1 {
            // Scalar gathers (matrix entries): a plain loop, no copy call per element.
            for o in 0..<outer {
                let d = out.pointer + o * indices.count, s = src + o * n
                for (j, idx) in indices.enumerated() { d[j] = s[idx] }
            }
        } else {
            for o in 0..<outer {
                for (j, idx) in indices.enumerated() {
                    (out.pointer + (o * indices.count + j) * inner).update(from: src + (o * n + idx) * inner, count: inner)
                }
            }
        }
        let inShape = shape
        return Tensor(storage: out, shape: outShape).attaching(inputs: [self], name: "indexSelect") { g in
            [Tensor.zeros(inShape).indexAdd(axis: a, indices, g)]
        }
    }

    /// Returns `self` plus `source` added at `indices` along `axis` (entries with repeated indices accumulate).
    public func indexAdd(axis: Int, _ indices: [Int], _ source: Tensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "indexAdd")
        var expected = shape
        expected[a] = indices.count
        check(source.shape == expected, "indexAdd: source shape \(source.shape) should be \(expected)")
        let n = shape[a]
        for i in indices { check(i >= 0 && i < n, "indexAdd: index \(i) out of range for dimension \(a) of size \(n)") }
        let out = copied()
        let s = source.contiguous()
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let ps = s.storage.pointer + s.offset
        for o in 0..<outer {
            if inner == 1 {
                let d = out.storage.pointer + o * n, src = ps + o * indices.count
                for (j, idx) in indices.enumerated() { d[idx] += src[j] }
                continue
            }
            for (j, idx) in indices.enumerated() {
                let d = out.storage.pointer + (o * n + idx) * inner, src = ps + (o * indices.count + j) * inner
                for i in 0..<inner { d[i] += src[i] }
            }
        }
        return out.attaching(inputs: [self, source], name: "indexAdd") { g in
            [g, source.requiresGrad ? g.indexSelect(axis: a, indices) : nil]
        }
    }

    /// `torch.gather`: `out[…, j, …] = self[…, index[…, j, …], …]` along `axis`.
    ///
    /// `index` has the same rank as `self` and the same size in every other dimension.
    public func gather(axis: Int, _ index: IntTensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "gather")
        check(index.rank == rank && index.shape.enumerated().allSatisfy { $0.offset == a || $0.element == shape[$0.offset] },
              "gather: index shape \(index.shape) does not fit \(shape) outside axis \(a)")
        let n = shape[a], m = index.shape[a]
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let c = contiguous().detached()
        let out = TensorStorage(uninitializedCount: index.count)
        let src = c.storage.pointer + c.offset
        for o in 0..<outer {
            for j in 0..<m {
                for i in 0..<inner {
                    let flat = (o * m + j) * inner + i
                    let k = index.scalars[flat]
                    check(k >= 0 && k < n, "gather: index \(k) out of range for dimension \(a) of size \(n)")
                    out.pointer[flat] = src[(o * n + k) * inner + i]
                }
            }
        }
        let inShape = shape
        return Tensor(storage: out, shape: index.shape).attaching(inputs: [self], name: "gather") { g in
            [Tensor.zeros(inShape).scatterAdd(axis: a, index, g)]
        }
    }

    /// `torch.scatter_add`: returns `self` with `source[…, j, …]` added at `self[…, index[…, j, …], …]`.
    public func scatterAdd(axis: Int, _ index: IntTensor, _ source: Tensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "scatterAdd")
        check(source.shape == index.shape, "scatterAdd: source shape \(source.shape) differs from index shape \(index.shape)")
        check(index.rank == rank && index.shape.enumerated().allSatisfy { $0.offset == a || $0.element == shape[$0.offset] },
              "scatterAdd: index shape \(index.shape) does not fit \(shape) outside axis \(a)")
        let n = shape[a], m = index.shape[a]
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let out = copied()
        let s = source.contiguous()
        let ps = s.storage.pointer + s.offset
        for o in 0..<outer {
            for j in 0..<m {
                for i in 0..<inner {
                    let flat = (o * m + j) * inner + i
                    let k = index.scalars[flat]
                    check(k >= 0 && k < n, "scatterAdd: index \(k) out of range for dimension \(a) of size \(n)")
                    out.storage.pointer[(o * n + k) * inner + i] += ps[flat]
                }
            }
        }
        return out.attaching(inputs: [self, source], name: "scatterAdd") { g in
            [g, source.requiresGrad ? g.gather(axis: a, index) : nil]
        }
    }

    /// Rows of an embedding table: `table.embedding(ids)` has shape `ids.shape + [dim]`.
    public func embedding(_ ids: IntTensor) -> Tensor {
        check(rank == 2, "embedding: table must be [vocabulary, dim], got \(shape)")
        return indexSelect(axis: 0, ids.scalars).reshaped(ids.shape + [shape[1]])
    }
}

// MARK: - Comparisons and selection

extension Tensor {
    /// 1 where `self == other` (broadcast), else 0. Not differentiable.
    public func eq(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "eq") { $0 == $1 ? 1 : 0 } }
    /// 1 where `self != other`, else 0.
    public func ne(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "ne") { $0 != $1 ? 1 : 0 } }
    /// 1 where `self < other`, else 0.
    public func lt(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "lt") { $0 < $1 ? 1 : 0 } }
    /// 1 where `self <= other`, else 0.
    public func le(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "le") { $0 <= $1 ? 1 : 0 } }
    /// 1 where `self > other`, else 0.
    public func gt(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "gt") { $0 > $1 ? 1 : 0 } }
    /// 1 where `self >= other`, else 0.
    public func ge(_ other: Tensor) -> Tensor { Tensor.zipValues(self, other, "ge") { $0 >= $1 ? 1 : 0 } }
    /// 1 where `self > value`, else 0.
    public func gt(_ value: Float) -> Tensor { mapValues { $0 > value ? 1 : 0 } }
    /// 1 where `self < value`, else 0.
    public func lt(_ value: Float) -> Tensor { mapValues { $0 < value ? 1 : 0 } }

    /// Picks `a` where `condition` is non-zero and `b` elsewhere, all three broadcast together.
    ///
    /// Unlike `c·a + (1−c)·b` it never mixes in a NaN or infinity from the branch not taken.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = Shape.broadcast(a.shape, b.shape), let shape = Shape.broadcast(condition.shape, ab) else {
            preconditionFailure("where: shapes \(condition.shape), \(a.shape), \(b.shape) cannot be broadcast together")
        }
        let c = condition.detached().expanded(to: shape).contiguous()
        let ea = a.detached().expanded(to: shape).contiguous(), eb = b.detached().expanded(to: shape).contiguous()
        let out = TensorStorage(uninitializedCount: Shape.count(shape))
        let pc = c.storage.pointer, pa = ea.storage.pointer, pb = eb.storage.pointer
        for i in 0..<out.count { out.pointer[i] = pc[i] != 0 ? pa[i] : pb[i] }
        return Tensor(storage: out, shape: shape).attaching(inputs: [a, b], name: "where") { g in
            [a.requiresGrad ? Tensor.zipValues(g, c, "where") { $1 != 0 ? $0 : 0 }.reduced(toShape: a.shape) : nil,
             b.requiresGrad ? Tensor.zipValues(g, c, "where") { $1 != 0 ? 0 : $0 }.reduced(toShape: b.shape) : nil]
        }
    }
}
