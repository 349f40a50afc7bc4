import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NT-Xent / InfoNCE / multiple-negatives ranking loss. Per positive pair `(a, p)` with similarity `s`:
/// `−log( exp(s_ap/τ) / (exp(s_ap/τ) + Σ_n exp(s_an/τ)) )`, the negatives being those of the same anchor.
/// `scale = 1/τ` is sentence-transformers' name for the same thing.
///
/// Defaults: τ 0.07, ``CosineSimilarity``, ``MeanReducer`` over positive pairs.
public struct NTXentLoss: MetricLoss, ReferenceMetricLoss {
    public let temperature: Float
    public let distance: any Distance
    public let reducer: any Reducer

    public init(temperature: Float = 0.07, distance: any Distance = CosineSimilarity(), reducer: any Reducer = MeanReducer()) {
        self.temperature = temperature; self.distance = distance; self.reducer = reducer
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?, reference: ReferenceSet?) -> [String: LossTerm] {
        let (a1, p, a2, n) = (tuples ?? .allPairs(labels, reference: reference?.labels)).asPairs
        guard !a1.isEmpty, !a2.isEmpty else { return [:] }
        var mat = distance.matrix(embeddings, reference?.embeddings)
        if !distance.isInverted { mat = -mat }
        mat = mat * (1 / temperature)
        let rows = labels.count, cols = reference?.labels.count ?? labels.count
        // Row i of `negatives` holds the scores of anchor a1[i]'s negative pairs, −∞ elsewhere.
        var negMask = [Float](repeating: 0, count: rows * cols)
        for (i, j) in zip(a2, n) { negMask[i * cols + j] = 1 }
        let negRows = Tensor.where(Tensor(negMask, shape: [rows, cols]), mat, Tensor(scalar: -.infinity)).indexSelect(axis: 0, a1)
        let positive = mat.entries(rows: a1, cols: p).unsqueezed(1)
        let logits = Tensor.concatenate([positive, negRows], axis: 1)
        let losses = -logits.logSoftmax(axis: 1).narrowed(axis: 1, start: 0, length: 1).reshaped([-1])
        return ["loss": LossTerm(losses: losses, kind: .positivePair, anchors: a1)]
    }
}
