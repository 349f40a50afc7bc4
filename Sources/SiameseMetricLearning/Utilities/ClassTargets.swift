import SiameseCore

/// Helpers shared by the losses that classify embeddings against learned class weights.
enum ClassTargets {
    /// The `[labels.count, classes]` one-hot matrix of `labels`.
    static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var values = [Float](repeating: 0, count: labels.count * classes)
        for (i, l) in labels.enumerated() where l >= 0 && l < classes { values[i * classes + l] = 1 }
        return Tensor(values, shape: [labels.count, classes])
    }

    /// Per-row cross-entropy `−log softmax(logits)[i, target_i]` as a `[n]` vector, given the one-hot targets.
    static func crossEntropy(_ logits: Tensor, oneHot: Tensor) -> Tensor {
        -(logits.logSoftmax(axis: 1) * oneHot).sum(axis: 1)
    }

    /// Checks that every label indexes one of `classes` classes.
    static func check(_ labels: [Int], classes: Int, _ loss: String) {
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "\(loss): labels must be in 0..<\(classes)")
    }
}

extension Tensor {
    /// Cumulative sum along the last axis of a matrix (`torch.cumsum(x, dim=-1)`), as a product with an upper
    /// triangular matrix of ones so that it is differentiable.
    func cumulativeSumAlongLastAxis() -> Tensor {
        let k = shape[rank - 1]
        var upper = [Float](repeating: 0, count: k * k)
        for i in 0..<k { for j in i..<k { upper[i * k + j] = 1 } }
        let flat = reshaped([-1, k])
        return Tensor.matmul(flat, Tensor(upper, shape: [k, k])).reshaped(shape)
    }

    /// `self` raised to a non-negative integer power by repeated multiplication (valid for negative bases).
    func integerPower(_ k: Int) -> Tensor {
        guard k > 0 else { return Tensor.ones(shape) }
        var out = self
        for _ in 1..<k { out = out * self }
        return out
    }
}

extension Float {
    /// `self` limited to `[lo, hi]` (before converting a bin position to an integer).
    func clamped(_ lo: Float, _ hi: Float) -> Float { Swift.min(Swift.max(self, lo), hi) }
}
