import SiameseCore
import SiameseModels
import SiameseNN

/// The episodic loss of relation networks (Sung et al. 2018): a learned ``RelationModule`` scores every (query, class)
/// pair, where a class's feature map is the sum of its support feature maps, and the scores regress onto the one-hot
/// match by mean squared error:
///
/// `cₖ = Σ{ f(x) : x ∈ Sₖ }`, `r_{q,k} = g([f(q) ‖ cₖ])`, `L = mean_{q,k} (r_{q,k} − 1[y_q = k])²`.
///
/// Embeddings are feature maps flattened by the encoder (`[n, C · side²]`), reshaped by the relation module. With the
/// module's `classMaps: .mean`, `cₖ` is the mean instead of the sum: one scale at every K, so a module trained on 1-shot
/// episodes scores K-shot episodes with maps of the scale it was trained on.
/// Reference: the authors' `LearningToCompare_FSL` code (MSE on one-hot, summed support features for K-shot).
///
/// ```swift
/// let loss = RelationLoss(relation: RelationModule(channels: 64, side: 3))
/// let value = loss(support: s, supportClasses: [0, 1, 2, 3, 4], query: q, queryClasses: [4, 3, 2, 1, 0])
/// ```
public final class RelationLoss: Module, EpisodicLoss {
    public let relation: RelationModule

    public init(relation: RelationModule) {
        self.relation = relation
        super.init()
    }

    /// The relation scores `r_{q,k}` in (0, 1), `[q, ways]`.
    public func scores(support: Tensor, supportClasses: [Int], query: Tensor) -> Tensor {
        let layout = EpisodeLayout("RelationLoss", support: support, supportClasses: supportClasses, query: query)
        return relations(support: support, query: query, layout: layout)
    }

    func relations(support: Tensor, query: Tensor, layout: EpisodeLayout) -> Tensor {
        let flatSupport = support.reshaped([support.shape[0], -1]), flatQuery = query.reshaped([query.shape[0], -1])
        let classes = matmul(layout.classMatrix(mean: relation.classMaps == .mean), flatSupport)          // [ways, d]
        let q = query.shape[0], ways = layout.ways
        // Every (query, class) pair, query-major.
        let left = flatQuery.indexSelect(axis: 0, (0..<(q * ways)).map { $0 / ways })
        let right = classes.indexSelect(axis: 0, (0..<(q * ways)).map { $0 % ways })
        return relation(left, right).reshaped([q, ways])
    }

    public func callAsFunction(support: Tensor, supportClasses: [Int], query: Tensor, queryClasses: [Int]) -> Tensor {
        let layout = EpisodeLayout("RelationLoss", support: support, supportClasses: supportClasses, query: query,
                                   queryClasses: queryClasses)
        return (relations(support: support, query: query, layout: layout) - layout.oneHot(queryClasses)).square().mean()
    }
}
