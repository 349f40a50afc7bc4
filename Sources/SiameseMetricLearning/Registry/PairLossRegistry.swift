import SiameseCore

/// The twin-pair losses a recipe can name (kind "pair loss"): the ``PairLoss`` types, which are not
/// ``MetricLoss``es because they take aligned pairs and targets instead of a labelled batch.
///
/// `pair-contrastive` (`margin` 1), `online-contrastive` (`margin` 0.5), `cosine-similarity-regression` (none).
public enum PairLosses {
    /// Every built-in pair loss by name.
    public static let registry: ComponentRegistry<any PairLoss> = {
        let registry = ComponentRegistry<any PairLoss>(kind: "pair loss")
        let contrastive = PairContrastiveLoss()
        registry.register("pair-contrastive", summary: "Hadsell et al. contrastive loss on explicit pairs; margin \(contrastive.margin)") { reader, _ in
            PairContrastiveLoss(margin: try reader.float("margin", default: contrastive.margin))
        }
        let online = OnlineContrastiveLoss()
        registry.register("online-contrastive", summary: "contrastive loss on the hard pairs of a batch (cosine distance); margin \(online.margin)") { reader, _ in
            OnlineContrastiveLoss(margin: try reader.float("margin", default: online.margin))
        }
        registry.register("cosine-similarity-regression", summary: "squared error between cosine similarity and graded targets; no parameters") { _, _ in
            CosineSimilarityRegressionLoss()
        }
        return registry
    }()
}
