import SiameseCore
import SiameseNN

/// Proxy-Anchor loss (Kim et al. 2020) with one learned proxy per class (`proxies`: `[numClasses, embeddingSize]`).
///
/// With cosine similarity `s(x, p)`:
/// `1/|P⁺| Σ_{p∈P⁺} log(1 + Σ_{x∈X_p⁺} exp(−α(s − δ))) + 1/|P| Σ_p log(1 + Σ_{x∈X_p⁻} exp(α(s + δ)))`,
/// where `P⁺` are the proxies with a positive in the batch. Defaults: δ (margin) 0.1, α 32, ``DivisorReducer``
/// (terms `pos_loss` and `neg_loss`, divided by `|P⁺|` and `|P|`).
public final class ProxyAnchorLoss: Module, MetricLoss {
    public let proxies: Parameter
    public let margin: Float, alpha: Float
    public let distance: any Distance = CosineSimilarity()
    public let reducer: any Reducer
    /// PML's `weight_regularizer` on the proxies, added times ``weightRegWeight``.
    public let weightRegularizer: (any Regularizer)?
    public let weightRegWeight: Float

    public init(numClasses: Int, embeddingSize: Int, margin: Float = 0.1, alpha: Float = 32, reducer: any Reducer = DivisorReducer(),
                weightRegularizer: (any Regularizer)? = nil, weightRegWeight: Float = 1) {
        // Kaiming-normal (fan-out) as PML: std = √(2 / numClasses).
        proxies = Parameter(Initializer.normal([numClasses, embeddingSize], std: (2 / Float(numClasses)).squareRoot()))
        self.margin = margin; self.alpha = alpha; self.reducer = reducer
        self.weightRegularizer = weightRegularizer; self.weightRegWeight = weightRegWeight
        super.init()
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = proxies.shape[0]
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "ProxyAnchorLoss: labels must be in 0..<\(classes)")
        let cos = distance.matrix(embeddings, proxies.value)
        var oneHot = [Float](repeating: 0, count: labels.count * classes)
        for (i, l) in labels.enumerated() { oneHot[i * classes + l] = 1 }
        let pos = Tensor(oneHot, shape: [labels.count, classes])
        let proxiesWithPositives = Float(Set(labels).count)
        let posTerm = ((margin - cos) * alpha).maskedLogSumExp(keep: pos, addOne: true, axis: 0).reshaped([-1])
        let negTerm = ((cos + margin) * alpha).maskedLogSumExp(keep: 1 - pos, addOne: true, axis: 0).reshaped([-1])
        var out = ["neg_loss": LossTerm(losses: negTerm, kind: .element, divisor: Float(classes)),
                   "pos_loss": LossTerm(losses: posTerm, kind: .element, divisor: proxiesWithPositives)]
        if let weightRegularizer {
            out["weight_reg_loss"] = LossTerm(losses: (weightRegularizer(proxies.value) * weightRegWeight).reshaped([1]), kind: .alreadyReduced)
        }
        return out
    }
}
