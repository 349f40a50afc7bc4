// Views share storage with their input and only change the layout.
extension Tensor {
    /// The same elements in a new shape (one dimension may be -1). Copies only when the layout requires it.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            check(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) into \(newShape)")
            target[inferred] = count / known
        }
        check(Shape.count(target) == count, "reshape: cannot reshape \(shape) (\(count) elements) into \(newShape)")
        if target == shape { return self }
        let source = isContiguous ? self : contiguous()
        let view = Tensor(storage: source.storage, shape: target, strides: Shape.contiguousStrides(target),
                          offset: source.offset, node: nil)
        let inShape = shape
        return view.attaching(inputs: [source], name: "reshape") { g in [g.reshaped(inShape)] }
    }

    /// Flattens dimensions `startAxis...` into one.
    public func flattened(from startAxis: Int = 1) -> Tensor {
        let a = Shape.axis(startAxis, rank: rank, "flatten")
        return reshaped(Array(shape[..<a]) + [shape[a...].reduce(1, *)])
    }

    /// Reorders the dimensions: result dimension `i` is input dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        check(order.count == rank && Set(order) == Set(0..<rank), "permute: \(order) is not a permutation of 0..<\(rank)")
        let view = Tensor(storage: storage, shape: order.map { shape[$0] }, strides: order.map { strides[$0] },
                          offset: offset, node: nil)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return view.attaching(inputs: [self], name: "permute") { g in [g.permuted(inverse)] }
    }

    /// Swaps two dimensions (the last two by default).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        let x = Shape.axis(a, rank: rank, "transpose"), y = Shape.axis(b, rank: rank, "transpose")
        var order = Array(0..<rank)
        order.swapAt(x, y)
        return permuted(order)
    }

    /// The slice `start..<start+length` along `axis`.
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let a = Shape.axis(axis, rank: rank, "narrow")
        check(start >= 0 && length >= 0 && start + length <= shape[a],
              "narrow: range \(start)..<\(start + length) is outside dimension \(a) of size \(shape[a])")
        var newShape = shape
        newShape[a] = length
        let view = Tensor(storage: storage, shape: newShape, strides: strides, offset: offset + start * strides[a], node: nil)
        let inShape = shape
        return view.attaching(inputs: [self], name: "narrow") { g in
            let z = Tensor.zeros(inShape)
            Kernels.assign(g, into: z.narrowed(axis: a, start: start, length: length))
            return [z]
        }
    }

    /// Broadcasts size-1 (or missing leading) dimensions to `newShape` without copying.
    public func expanded(to newShape: [Int]) -> Tensor {
        check(Shape.broadcast(shape, newShape) == newShape, "expand: cannot expand \(shape) to \(newShape)")
        if newShape == shape { return self }
        let st = Kernels.broadcastStrides(self, to: newShape)
        let view = Tensor(storage: storage, shape: newShape, strides: st, offset: offset, node: nil)
        let inShape = shape
        return view.attaching(inputs: [self], name: "expand") { g in [g.reduced(toShape: inShape)] }
    }

    /// Inserts a size-1 dimension at `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        check(a >= 0 && a <= rank, "unsqueeze: axis \(axis) out of range for rank \(rank)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes size-1 dimensions (only `axis`, when given).
    public func squeezed(_ axis: Int? = nil) -> Tensor {
        if let axis {
            let a = Shape.axis(axis, rank: rank, "squeeze")
            check(shape[a] == 1, "squeeze: dimension \(a) has size \(shape[a]), not 1")
            var s = shape
            s.remove(at: a)
            return reshaped(s)
        }
        return reshaped(shape.filter { $0 != 1 })
    }

    /// Sums a broadcast gradient back to `target` (the shape of the input before broadcasting).
    public func reduced(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }
}

extension Kernels {
    /// Writes `src` (broadcast to `dst.shape`) into the possibly strided view `dst`.
    static func assign(_ src: Tensor, into dst: Tensor) {
        check(Shape.broadcast(src.shape, dst.shape) == dst.shape, "assign: \(src.shape) does not fit \(dst.shape)")
        if dst.count == 0 { return }
        let ps = src.storage.pointer + src.offset, pd = dst.storage.pointer + dst.offset
        if dst.rank == 0 { pd[0] = ps[0]; return }
        let ss = broadcastStrides(src, to: dst.shape)
        let inner = dst.shape[dst.rank - 1]
        let si = ss[ss.count - 1], di = dst.strides[dst.rank - 1]
        forEachRow(shape: dst.shape, strides: [ss, dst.strides]) { _, off in
            let s = ps + off[0], d = pd + off[1]
            if si == 1 && di == 1 {
                d.update(from: s, count: inner)
            } else {
                for j in 0..<inner { d[j * di] = s[j * si] }
            }
        }
    }
}
