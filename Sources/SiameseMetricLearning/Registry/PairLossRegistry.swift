import SiameseCore

/// The twin-pair losses a recipe can name (kind "pair loss"): the ``PairLoss`` types, which are not
/// ``MetricLoss``es because they take aligned pairs and targets instead of a labelled batch.
///
/// `pair-contrastive` (`margin` 1), `online-contrastive` (`margin` 0.5), `cosine-similarity-regression` (none),
/// `multiple-negatives-ranking` (`scale` 20, `symmetric` false), `cosent` (`scale` 20).
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
        let ranking = MultipleNegativesRankingLoss()
        registry.register("multiple-negatives-ranking", summary: "in-batch negatives ranking (InfoNCE) on positive pairs; scale \(ranking.scale), symmetric \(ranking.symmetric)") { reader, _ in
            let scale = try reader.float("scale", default: ranking.scale)
            try reader.check(scale > 0 && scale.isFinite, "scale", "must be a positive number")
            return MultipleNegativesRankingLoss(scale: scale, symmetric: try reader.bool("symmetric", default: ranking.symmetric))
        }
        let cosent = CoSENTLoss()
        registry.register("cosent", summary: "CoSENT ranking of cosine similarities by graded targets; scale \(cosent.scale)") { reader, _ in
            let scale = try reader.float("scale", default: cosent.scale)
            try reader.check(scale > 0 && scale.isFinite, "scale", "must be a positive number")
            return CoSENTLoss(scale: scale)
        }
        return registry
    }()
}
