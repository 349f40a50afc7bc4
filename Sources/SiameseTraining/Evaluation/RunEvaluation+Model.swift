import SiameseData
import SiameseEvaluation
import SiameseModels

extension RunEvaluation {
    /// Measures a saved model as `siamese train` measured it when it was trained: its own embeddings, and its learned
    /// head (when it has one) for the one-shot queries and the verification pairs, else the recipe's distance.
    public static func measure(_ model: EmbeddingModel, data: TrainingData, recipe: TrainingRecipe) throws -> RunEvaluation {
        try measure(data: data, recipe: recipe,
                    embed: { try model.embed(prepared: $0) }, embedRaw: { try model.embed(images: $0) },
                    scorer: model.comparisonHead?.episodicLoss,
                    verificationDistance: model.similarity.usesLearnedHead ? try model.makeDistance() : nil)
    }

    /// Accuracy of a saved model on Omniglot's official 20-way one-shot trials, by its learned head when it has one,
    /// else by its own distance.
    public static func officialAccuracy(_ runs: OmniglotOneShotRuns, model: EmbeddingModel) throws -> FewShotAccuracy {
        try officialAccuracy(runs, distance: try model.makeDistance(), embedRaw: { try model.embed(images: $0) },
                             scorer: model.comparisonHead?.episodicLoss)
    }
}
