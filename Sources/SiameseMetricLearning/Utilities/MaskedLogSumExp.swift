import SiameseCore

extension Tensor {
    /// log Σ exp over `axis`, counting only entries where `keep` is non-zero; optionally with an extra 0 term
    /// (`log(1 + Σ exp)`). Rows with nothing kept give 0 and pass no gradient (PML's `lmu.logsumexp`).
    func maskedLogSumExp(keep: Tensor, addOne: Bool, axis: Int) -> Tensor {
        let hasAny = keep.sum(axis: axis, keepDims: true).gt(0)
        // Rows with nothing kept use every entry instead, so no −∞ reaches a log; their result is replaced by 0.
        let effective = Tensor.maximum(keep.ne(Tensor(scalar: 0)), 1 - hasAny)
        var x = Tensor.where(effective, self, Tensor(scalar: -.infinity))
        if addOne {
            var zerosShape = shape
            zerosShape[axis] = 1
            x = Tensor.concatenate([x, Tensor.zeros(zerosShape)], axis: axis)
        }
        return Tensor.where(hasAny, x.logSumExp(axis: axis, keepDims: true), Tensor(scalar: 0))
    }
}
