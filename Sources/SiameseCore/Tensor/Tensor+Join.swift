extension Tensor {
    /// Joins tensors along an existing `axis`; all other dimensions must match.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        check(!tensors.isEmpty, "concatenate: no tensors given")
        let first = tensors[0]
        let a = Shape.axis(axis, rank: first.rank, "concatenate")
        for t in tensors {
            check(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                  "concatenate: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
        }
        var outShape = first.shape
        outShape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        let out = Tensor(storage: TensorStorage(uninitializedCount: Shape.count(outShape)), shape: outShape)
        var start = 0
        var starts: [Int] = []
        for t in tensors {
            starts.append(start)
            Kernels.assign(t, into: out.narrowed(axis: a, start: start, length: t.shape[a]))
            start += t.shape[a]
        }
        return out.attaching(inputs: tensors, name: "concatenate") { g in
            zip(tensors, starts).map { t, s in t.requiresGrad ? g.narrowed(axis: a, start: s, length: t.shape[a]) : nil }
        }
    }

    /// Stacks equally shaped tensors along a new `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        check(!tensors.isEmpty, "stack: no tensors given")
        return concatenate(tensors.map { $0.unsqueezed(axis) }, axis: axis)
    }

    /// Splits along `axis` into pieces of the given sizes (views; gradients flow).
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, "split")
        check(sizes.reduce(0, +) == shape[a], "split: sizes \(sizes) do not add up to dimension \(a) of size \(shape[a])")
        var start = 0
        return sizes.map { len in
            defer { start += len }
            return narrowed(axis: a, start: start, length: len)
        }
    }
}
