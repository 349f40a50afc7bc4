extension Tensor {
    /// Matrix product with NumPy semantics.
    ///
    /// - `[m, k] × [k, n] → [m, n]`;
    /// - batched: `[…, m, k] × […, k, n]`, batch dimensions broadcast;
    /// - a 1-D operand is treated as a row (left) or column (right) vector and that dimension is dropped.
    ///
    /// Transposed views are handed to the BLAS as transpose flags, so `a.transposed()` costs no copy.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        check(a.rank >= 1 && b.rank >= 1, "matmul: operands must have rank ≥ 1, got \(a.shape) and \(b.shape)")
        if a.rank == 1 { return matmul(a.unsqueezed(0), b).squeezed(-2) }
        if b.rank == 1 { return matmul(a, b.unsqueezed(1)).squeezed(-1) }
        let k = a.shape[a.rank - 1]
        check(b.shape[b.rank - 2] == k, "matmul: inner dimensions differ: \(a.shape) × \(b.shape)")
        // A stack of matrices times one matrix is a single GEMM over the folded rows.
        if b.rank == 2 && a.rank > 2 {
            let folded = matmul(a.reshaped([-1, k]), b)
            return folded.reshaped(Array(a.shape.dropLast()) + [b.shape[1]])
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard let batch = Shape.broadcast(batchA, batchB) else {
            preconditionFailure("matmul: batch dimensions \(batchA) and \(batchB) cannot be broadcast")
        }
        let ea = a.expanded(to: batch + Array(a.shape.suffix(2)))
        let eb = b.expanded(to: batch + Array(b.shape.suffix(2)))
        return batchedProduct(ea, eb)
    }

    /// The GEMM primitive over equal batch shapes, with its derivative rule.
    private static func batchedProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = Kernels.batchedGEMM(a, b)
        return out.attaching(inputs: [a, b], name: "matmul") { g in
            [a.requiresGrad ? batchedProduct(g, b.transposed()) : nil,
             b.requiresGrad ? batchedProduct(a.transposed(), g) : nil]
        }
    }
}

extension Kernels {
    /// How a stack of matrices sits in memory, in the terms the BLAS takes.
    struct MatrixOperand {
        let tensor: Tensor
        let transposed: Bool
        let leadingDimension: Int
        let batchStride: Int
    }

    /// Describes `t` (shape `[batch…, r, c]`) as BLAS operands, copying only when no stride pattern fits.
    static func matrixOperand(_ t: Tensor) -> MatrixOperand {
        let r = t.shape[t.rank - 2], c = t.shape[t.rank - 1]
        let rs = t.strides[t.rank - 2], cs = t.strides[t.rank - 1]
        let batchShape = Array(t.shape.dropLast(2)), batchStrides = Array(t.strides.dropLast(2))
        func batchStride(_ matrixSize: Int) -> Int? {
            // Either every batch matrix is the same one (broadcast) or they are packed densely.
            let live = zip(batchShape, batchStrides).filter { $0.0 != 1 }
            if live.allSatisfy({ $0.1 == 0 }) { return 0 }
            let dense = Shape.contiguousStrides(batchShape).map { $0 * matrixSize }
            for (i, d) in batchShape.enumerated() where d != 1 && batchStrides[i] != dense[i] { return nil }
            return matrixSize
        }
        if (cs == 1 || c == 1) && (rs == c || r == 1), let bs = batchStride(r * c) {
            return MatrixOperand(tensor: t, transposed: false, leadingDimension: Swift.max(c, 1), batchStride: bs)
        }
        if (rs == 1 || r == 1) && (cs == r || c == 1), let bs = batchStride(r * c) {
            return MatrixOperand(tensor: t, transposed: true, leadingDimension: Swift.max(r, 1), batchStride: bs)
        }
        let dense = t.detached().contiguous()
        return MatrixOperand(tensor: dense, transposed: false, leadingDimension: Swift.max(c, 1), batchStride: r * c)
    }

    /// `[batch…, m, k] × [batch…, k, n]` with identical batch shapes, one GEMM per batch entry.
    static func batchedGEMM(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let batchShape = Array(a.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        let out = TensorStorage(uninitializedCount: batch * m * n)
        let oa = matrixOperand(a), ob = matrixOperand(b)
        let pa = oa.tensor.storage.pointer + oa.tensor.offset, pb = ob.tensor.storage.pointer + ob.tensor.offset
        for i in 0..<batch {
            BLAS.sgemm(transA: oa.transposed, transB: ob.transposed, m: m, n: n, k: k,
                       a: pa + i * oa.batchStride, lda: oa.leadingDimension,
                       b: pb + i * ob.batchStride, ldb: ob.leadingDimension,
                       c: out.pointer + i * m * n, ldc: Swift.max(n, 1))
        }
        return Tensor(storage: out, shape: batchShape + [m, n])
    }
}

/// Matrix product; see ``Tensor/matmul(_:_:)``.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { Tensor.matmul(a, b) }
