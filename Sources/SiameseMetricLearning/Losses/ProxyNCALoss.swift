import SiameseCore
import SiameseNN

/// Proxy-NCA loss (Movshovitz-Attias et al. 2017): one learned proxy per class; each embedding is pulled to
/// its class proxy by a softmax over negative squared distances to all proxies:
/// `−log( exp(−s·‖x − p_y‖²) / Σ_z exp(−s·‖x − p_z‖²) )`, on L2-normalised embeddings and proxies.
///
/// Defaults: softmax scale 1, ``MeanReducer``.
public final class ProxyNCALoss: Module, MetricLoss {
    public let proxies: Parameter
    public let softmaxScale: Float
    public let distance: any Distance = LpDistance(power: 2)
    public let reducer: any Reducer = MeanReducer()
    /// PML's `weight_regularizer` on the proxies, added times ``weightRegWeight``.
    public let weightRegularizer: (any Regularizer)?
    public let weightRegWeight: Float

    public init(numClasses: Int, embeddingSize: Int, softmaxScale: Float = 1,
                weightRegularizer: (any Regularizer)? = nil, weightRegWeight: Float = 1) {
        proxies = Parameter(Initializer.normal([numClasses, embeddingSize]))
        self.softmaxScale = softmaxScale
        self.weightRegularizer = weightRegularizer; self.weightRegWeight = weightRegWeight
        super.init()
    }

    public func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
        let classes = proxies.shape[0]
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "ProxyNCALoss: labels must be in 0..<\(classes)")
        let logits = distance.matrix(embeddings, proxies.value) * (-softmaxScale)
        let logProb = logits.logSoftmax(axis: 1)
        var out = ["loss": LossTerm(losses: -logProb.entries(rows: Array(labels.indices), cols: labels), kind: .element)]
        if let weightRegularizer {
            out["weight_reg_loss"] = LossTerm(losses: (weightRegularizer(proxies.value) * weightRegWeight).reshaped([1]), kind: .alreadyReduced)
        }
        return out
    }
}
