import SiameseCore
import SiameseData
import SiameseMetricLearning

extension TrainingRecipe {
    /// The objective: the recipe's own, or pairs for pair losses (and the short name `contrastive`, and `koch`),
    /// episodes for the few-shot losses (`prototypical`, `matching`, `relation`), two views of each sample for the
    /// two-view losses (`vicreg`, `self-supervised`), labelled batches otherwise.
    public var resolvedObjective: Objective {
        if let objective { return objective }
        if loss.name == "contrastive" || loss.name == "koch" || PairLosses.registry.contains(loss.name) { return .pairs }
        if EpisodicLosses.registry.contains(loss.name) { return .episodic }
        if TwoViewLosses.registry.contains(loss.name) { return .twoViews }
        return .labelled
    }

    /// `spec` with `margin` filled in from the recipe's `margin` unless the spec gives one.
    private func withMargin(_ name: String) -> ComponentSpec {
        var spec = ComponentSpec(name: name, parameters: loss.parameters)
        if spec.parameters["margin"] == nil { spec.parameters["margin"] = RecipeValue(margin) }
        return spec
    }

    /// Builds the objective the recipe describes through the registries.
    ///
    /// - Parameters:
    ///   - classes: distinct training classes (for losses with learned proxies or class weights).
    ///   - embeddingSize: the encoder's output size (same).
    /// - Throws: ``RecipeError/unusable(_:)`` naming the loss, miner or parameter at fault.
    public func makeObjective(classes: Int, embeddingSize: Int) throws -> TrainingObjective {
        let context = RegistryContext(numClasses: classes, embeddingSize: embeddingSize)
        do {
            switch resolvedObjective {
            case .pairs:
                if loss.name == "koch", let koch = try EpisodicLosses.registry.make(loss, context: context) as? KochPairLoss {
                    return .learnedPairs(loss: koch)
                }
                let spec = loss.name == "contrastive" ? withMargin("pair-contrastive") : loss
                guard PairLosses.registry.contains(spec.name) else {
                    throw RecipeError.unusable("loss '\(loss.name)' does not work on pairs (pair losses: \(PairLosses.registry.names.joined(separator: ", ")))")
                }
                return .pairs(loss: try PairLosses.registry.make(spec, context: context))
            case .labelled:
                var spec = loss, defaultMiner: ComponentSpec?
                switch loss.name {
                case "triplet": spec = withMargin("triplet-margin"); defaultMiner = "batch-hard"
                case "multi-similarity": defaultMiner = "multi-similarity"
                default: break
                }
                guard Losses.registry.contains(spec.name) else {
                    throw RecipeError.unusable("loss '\(loss.name)' is not a metric loss (known: \(Losses.registry.names.joined(separator: ", ")))")
                }
                let made = try Losses.registry.make(spec, context: context)
                let minerSpec = miner ?? defaultMiner
                let mined = try minerSpec.flatMap { $0.name == "none" ? nil : try Miners.registry.make($0, context: context) }
                if mined != nil && !made.acceptsMinedTuples {
                    throw RecipeError.unusable("\(MetricLossError.minerNotSupported(loss: "loss '\(loss.name)'"))")
                }
                return .labelled(loss: made, miner: mined)
            case .episodic:
                // Episodes train with a few-shot loss; the recipe's default loss is read as "not chosen" (prototypical).
                let spec: ComponentSpec = loss == TrainingRecipe().loss ? "prototypical" : loss
                guard EpisodicLosses.registry.contains(spec.name) else {
                    throw RecipeError.unusable("objective episodic trains with a few-shot loss (\(EpisodicLosses.registry.names.joined(separator: ", "))); got '\(loss.name)'")
                }
                let e = episodeShape
                return .episodic(loss: try EpisodicLosses.registry.make(spec, context: context), ways: e.ways, shots: e.shots, queries: e.queries)
            case .twoViews:
                guard TwoViewLosses.registry.contains(loss.name) else {
                    throw RecipeError.unusable("objective two-views trains with a two-view loss (\(TwoViewLosses.registry.names.joined(separator: ", "))); got '\(loss.name)'")
                }
                return .twoViews(loss: try TwoViewLosses.registry.make(loss, context: context))
            }
        } catch let error as RegistryError {
            throw RecipeError.unusable("\(error)")
        }
    }

    /// Ways, shots and queries of training episodes: the `sampler`'s parameters when given, else `ways` (capped later at
    /// the classes available), 1 shot and `samplesPerClass − 1` queries.
    public var episodeShape: (ways: Int, shots: Int, queries: Int) {
        func int(_ key: String) -> Int? {
            if case .number(let v)? = sampler?.parameters[key] { return Int(v) }
            return nil
        }
        return (int("ways") ?? ways, int("shots") ?? 1, int("queries") ?? Swift.max(1, samplesPerClass - 1))
    }

    /// The embedding size the encoder will give, where it follows from the configuration (Conv-4, Koch), else the
    /// configured size: what recipe checks pass to losses that depend on it (relation networks need a square map).
    var placeholderEmbeddingSize: Int {
        switch encoder.kind {
        case .convNet: return Swift.max(1, encoder.width * (encoder.inputSide >> Swift.min(encoder.blocks, 30)) * (encoder.inputSide >> Swift.min(encoder.blocks, 30)))
        case .koch: return 4096
        default: return Swift.max(1, encoder.embeddingSize)
        }
    }

    /// Why the loss, miner or sampler cannot be built, if so (checked without data: learned losses get placeholders).
    var objectiveProblem: String? {
        do {
            _ = try makeObjective(classes: 2, embeddingSize: placeholderEmbeddingSize)
            if let sampler, !Samplers.registry.contains(sampler.name) {
                return "sampler: unknown '\(sampler.name)' (known: \(Samplers.registry.names.joined(separator: ", ")))"
            }
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: "recipe: ", with: "")
        }
    }
}
