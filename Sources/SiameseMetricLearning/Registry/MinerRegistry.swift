import SiameseCore

/// The miners a recipe can name (kind "miner"). `distance` parameters are distance specs
/// (see ``Distances``); defaults are those of the Swift initialisers.
///
/// `batch-hard` (`distance` lp-distance), `multi-similarity` (`epsilon` 0.1, `distance` cosine-similarity),
/// `pair-margin` (`posMargin` 0.2, `negMargin` 0.8, `distance` lp-distance), `triplet-margin` (`margin` 0.2,
/// `kind` all | hard | semihard | easy, `distance` lp-distance), `distance-weighted` (`cutoff` 0.5,
/// `nonzeroLossCutoff` 1.4; draws from ``GlobalGenerator``), `batch-easy-hard` (`positiveStrategy` easy,
/// `negativeStrategy` semihard, each hard | semihard | easy | all; `allowedPositiveRange`, `allowedNegativeRange`
/// optional `[low, high]`; `distance` lp-distance), `hdc` (`filterPercentage` 0.5, `distance` lp-distance),
/// `angular` (`angleDegrees` 20), `uniform-histogram` (`numBins` 100, `positivesPerBin` 10, `negativesPerBin` 10,
/// `distance` lp-distance; draws from ``GlobalGenerator``), `maximum-loss` (PML 1.7.3; `loss` and `outputBatchSize`
/// required, `numTrials` 5, `miner` optional; draws from ``GlobalGenerator``).
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
        registerIssue13Miners(registry)
        registry.register("maximum-loss", summary: "PML 1.7.3 MaximumLossMiner: of numTrials random subsets of outputBatchSize rows, the one with the largest loss, as its tuples; loss (required, a loss spec), outputBatchSize (required), numTrials 5, miner (optional, run on each subset); draws from GlobalGenerator") { reader, context in
            guard let lossSpec = try reader.optionalSpec("loss") else { throw reader.invalidValue("loss", "the loss that scores each subset is required") }
            guard let size = try reader.optionalInt("outputBatchSize") else { throw reader.invalidValue("outputBatchSize", "the subset size is required") }
            try reader.check(size > 0, "outputBatchSize", "outputBatchSize is \(size); it must be > 0")
            let trials = try reader.int("numTrials", default: 5)
            try reader.check(trials > 0, "numTrials", "numTrials is \(trials); it must be > 0")
            let inner = try reader.optionalSpec("miner").map { s throws(RegistryError) in try registry.make(s, context: context) }
            return MaximumLossMiner(loss: try Losses.registry.make(lossSpec, context: context), outputBatchSize: size, miner: inner, numTrials: trials)
        }
        return registry
    }()

    /// BatchEasyHard, HDC, Angular and UniformHistogram (PML 2.9).
    private static func registerIssue13Miners(_ registry: ComponentRegistry<any Miner>) {
        let eh = BatchEasyHardMiner()
        let strategies = BatchEasyHardMiner.Strategy.allCases.map(\.rawValue)
        registry.register("batch-easy-hard", summary: "one positive and one negative per anchor by strategy; positiveStrategy \(eh.positiveStrategy.rawValue), negativeStrategy \(eh.negativeStrategy.rawValue) (\(strategies.joined(separator: "|"))), allowedPositiveRange, allowedNegativeRange ([low, high], optional), distance") { reader, context in
            let pos = try reader.choice("positiveStrategy", default: eh.positiveStrategy.rawValue, from: strategies)
            let neg = try reader.choice("negativeStrategy", default: eh.negativeStrategy.rawValue, from: strategies)
            try reader.check(!(pos == "semihard" && neg == "semihard"), "negativeStrategy", "positiveStrategy and negativeStrategy cannot both be semihard")
            try reader.check(!((pos == "all" && neg == "semihard") || (neg == "all" && pos == "semihard")), "negativeStrategy",
                             "semihard cannot be combined with all")
            let posRange = try range(&reader, "allowedPositiveRange"), negRange = try range(&reader, "allowedNegativeRange")
            let distance = try reader.component("distance", from: Distances.registry, default: eh.distance, context: context)
            return BatchEasyHardMiner(positiveStrategy: BatchEasyHardMiner.Strategy(rawValue: pos) ?? .easy,
                                      negativeStrategy: BatchEasyHardMiner.Strategy(rawValue: neg) ?? .semihard,
                                      allowedPositiveRange: posRange, allowedNegativeRange: negRange, distance: distance)
        }
        let hdc = HDCMiner()
        registry.register("hdc", summary: "hard-aware cascaded mining: the hardest share of positive and negative pairs; filterPercentage \(hdc.filterPercentage), distance") { reader, context in
            let f = try reader.float("filterPercentage", default: hdc.filterPercentage)
            try reader.check(f > 0 && f <= 1, "filterPercentage", "filterPercentage is \(f); it must lie in (0, 1]")
            return HDCMiner(filterPercentage: f, distance: try reader.component("distance", from: Distances.registry, default: hdc.distance, context: context))
        }
        let angular = AngularMiner()
        registry.register("angular", summary: "triplets whose angle at the negative exceeds angleDegrees \(angular.angleDegrees) (alias angle, PML's name; degrees)") { reader, _ in
            let angle = try reader.optionalFloat("angle")   // PML's name for the same angle in degrees
            return AngularMiner(angleDegrees: try reader.float("angleDegrees", default: angle ?? angular.angleDegrees))
        }
        let uh = UniformHistogramMiner()
        registry.register("uniform-histogram", summary: "pairs drawn evenly over distance bins; numBins \(uh.numBins), positivesPerBin \(uh.positivesPerBin), negativesPerBin \(uh.negativesPerBin), distance") { reader, context in
            let bins = try reader.int("numBins", default: uh.numBins)
            let pos = try reader.int("positivesPerBin", default: uh.positivesPerBin), neg = try reader.int("negativesPerBin", default: uh.negativesPerBin)
            try reader.check(bins > 0, "numBins", "numBins is \(bins); it must be > 0")
            try reader.check(pos > 0, "positivesPerBin", "positivesPerBin is \(pos); it must be > 0")
            try reader.check(neg > 0, "negativesPerBin", "negativesPerBin is \(neg); it must be > 0")
            return UniformHistogramMiner(numBins: bins, positivesPerBin: pos, negativesPerBin: neg,
                                         distance: try reader.component("distance", from: Distances.registry, default: uh.distance, context: context))
        }
    }

    /// An optional `[low, high]` range with low ≤ high.
    private static func range(_ reader: inout ParameterReader, _ key: String) throws(RegistryError) -> ClosedRange<Float>? {
        guard let value = reader.value(key) else { return nil }
        guard case let .array(items) = value, items.count == 2, case let .number(low) = items[0], case let .number(high) = items[1] else {
            throw reader.wrongType(key, expected: "[low, high]")
        }
        try reader.check(low <= high, key, "\(key) is [\(low), \(high)]; low must not exceed high")
        return Float(low)...Float(high)
    }
}
