import SiameseCore

/// The miners a recipe can name (kind "miner"). `distance` parameters are distance specs
/// (see ``Distances``); defaults are those of the Swift initialisers.
///
/// `batch-hard` (`distance` lp-distance), `multi-similarity` (`epsilon` 0.1, `distance` cosine-similarity),
/// `pair-margin` (`posMargin` 0.2, `negMargin` 0.8, `distance` lp-distance), `triplet-margin` (`margin` 0.2,
/// `kind` all | hard | semihard | easy, `distance` lp-distance), `distance-weighted` (`cutoff` 0.5,
/// `nonzeroLossCutoff` 1.4; draws from ``GlobalGenerator``).
public enum Miners {
    /// Every built-in miner by name.
    public static let registry: ComponentRegistry<any Miner> = {
        let registry = ComponentRegistry<any Miner>(kind: "miner")
        let batchHard = BatchHardMiner()
        registry.register("batch-hard", summary: "hardest positive and negative per anchor; distance") { reader, context in
            BatchHardMiner(distance: try reader.component("distance", from: Distances.registry, default: batchHard.distance, context: context))
        }
        let ms = MultiSimilarityMiner()
        registry.register("multi-similarity", summary: "multi-similarity pair mining; epsilon \(ms.epsilon), distance") { reader, context in
            MultiSimilarityMiner(epsilon: try reader.float("epsilon", default: ms.epsilon),
                                 distance: try reader.component("distance", from: Distances.registry, default: ms.distance, context: context))
        }
        let pm = PairMarginMiner()
        registry.register("pair-margin", summary: "pairs violating their margins; posMargin \(pm.posMargin), negMargin \(pm.negMargin), distance") { reader, context in
            PairMarginMiner(posMargin: try reader.float("posMargin", default: pm.posMargin),
                            negMargin: try reader.float("negMargin", default: pm.negMargin),
                            distance: try reader.component("distance", from: Distances.registry, default: pm.distance, context: context))
        }
        let tm = TripletMarginMiner()
        let kinds = ["all", "hard", "semihard", "easy"]
        registry.register("triplet-margin", summary: "triplets by margin; margin \(tm.margin), kind \(tm.kind.rawValue) (\(kinds.joined(separator: "|"))), distance") { reader, context in
            let margin = try reader.float("margin", default: tm.margin)
            let kind = try reader.choice("kind", default: tm.kind.rawValue, from: kinds)
            let distance = try reader.component("distance", from: Distances.registry, default: tm.distance, context: context)
            guard let parsed = TripletMarginMiner.Kind(rawValue: kind) else { throw reader.invalidValue("kind", "unknown kind '\(kind)'") }
            return TripletMarginMiner(margin: margin, kind: parsed, distance: distance)
        }
        let dw = DistanceWeightedMiner()
        registry.register("distance-weighted", summary: "negatives drawn by inverse sphere density; cutoff \(dw.cutoff), nonzeroLossCutoff \(dw.nonzeroLossCutoff)") { reader, _ in
            let cutoff = try reader.float("cutoff", default: dw.cutoff)
            let nonzero = try reader.float("nonzeroLossCutoff", default: dw.nonzeroLossCutoff)
            try reader.check(cutoff > 0, "cutoff", "cutoff is \(cutoff); it must be > 0")
            return DistanceWeightedMiner(cutoff: cutoff, nonzeroLossCutoff: nonzero)
        }
        return registry
    }()
}
