import Foundation
import SiameseCore
import SiameseMetricLearning
import SiameseNN
import SiameseText

/// Runs a ``TextRecipe`` into a run folder: `config.json` (the recipe), `model/` (a text model folder that
/// ``SiameseText/TextModelFolder/load(_:)`` reads: for a BERT model a sentence-transformers folder that
/// `EmbeddingModel.loadText(from:)` and Python's `SentenceTransformer` load too; for an LSTM twin a
/// ``SiameseText/RecurrentTextEncoder`` folder), `metrics.json` (``TextTrainingReport``) and `log.txt`.
public enum TextTrainingRun {
    /// The model a recipe starts from: the pretrained folder, a new BERT-style Transformer of `scratch`'s sizes
    /// over the vocabulary of `scratch.vocabulary`, or a new embedding + LSTM encoder of `recurrent`'s sizes (weights
    /// drawn from the recipe's seed).
    ///
    /// - Throws: ``SiameseText/TextError`` for a missing or malformed model or vocabulary.
    public static func initialModel(_ recipe: TextRecipe) throws -> any SentenceEncoder {
        if let path = recipe.model { return try TextModelFolder.load(URL(fileURLWithPath: (path as NSString).expandingTildeInPath)) }
        if let r = recipe.recurrent {
            let tokenizer = try WordPieceTokenizer(folder: URL(fileURLWithPath: (r.vocabulary as NSString).expandingTildeInPath))
            var configuration = RecurrentTextConfiguration(vocabularySize: tokenizer.tokens.count)
            configuration.embeddingSize = r.embedding; configuration.hiddenSize = r.hidden; configuration.layerCount = r.layers
            configuration.bidirectional = r.bidirectional; configuration.pooling = r.pooling; configuration.dropout = r.dropout
            configuration.maxLength = r.maxLength
            return try GlobalGenerator.withSeed(recipe.seed) { try RecurrentTextEncoder(tokenizer: tokenizer, configuration: configuration) }
        }
        guard let s = recipe.scratch else { throw RecipeError.unusable("give either model or scratch") }
        let tokenizer = try WordPieceTokenizer(folder: URL(fileURLWithPath: (s.vocabulary as NSString).expandingTildeInPath))
        let configuration = BertConfiguration(vocabularySize: tokenizer.tokens.count, hiddenSize: s.hidden, layerCount: s.layers,
                                              headCount: s.heads, intermediateSize: s.intermediate, maxPositions: s.maxLength,
                                              paddingID: tokenizer.paddingID)
        let bert = GlobalGenerator.withSeed(recipe.seed) { BertModel(configuration) }
        bert.eval()   // as a loaded model: the trainer switches training mode (dropout) on for its steps only
        return SentenceTransformer(tokenizer: tokenizer, bert: bert, pooling: Pooling(rawValue: s.pooling) ?? .mean,
                                   normalizes: true, maxLength: s.maxLength)
    }

    /// Trains and writes the run folder.
    ///
    /// - Parameter log: receives each line written to `log.txt` (epoch summaries, evaluations).
    public static func execute(recipe: TextRecipe, folder: RunFolder, progress: ((TrainingProgress) -> Void)? = nil,
                               log: @escaping (String) -> Void = { _ in }) throws -> TextTrainingReport {
        if let problem = recipe.problems.first { throw RecipeError.unusable(problem) }
        func note(_ line: String) { folder.log(line); log(line) }
        let pairs = try ScoredPairs.read(URL(fileURLWithPath: recipe.train))
        let model = try initialModel(recipe)
        try folder.writeJSON(recipe, "config.json")
        let files = [recipe.dev, recipe.test].compactMap { $0 }
        var before: [TextPairsEvaluation] = []
        if recipe.model != nil {
            for file in files {
                let e = try TextPairsEvaluation.measure(model, file: file)
                before.append(e)
                note("before training: " + e.text)
            }
        }
        let trainer = try TextTrainer(model: model, recipe: recipe, pairs: pairs)
        let what = recipe.model.map { "fine-tuning \($0)" }
            ?? recipe.scratch.map { "training a \($0.layers)-layer Transformer from scratch" }
            ?? recipe.recurrent.map { "training a \($0.layers)-layer \($0.bidirectional ? "Bi" : "")LSTM twin from scratch" } ?? ""
        note("\(what), "
             + "loss \(recipe.loss.name), \(pairs.count) pairs, \(trainer.totalSteps) steps of \(recipe.batchSize), \(Threading.threadCount) threads → \(folder.url.path)")
        var epochLosses: [Float] = []
        let seconds = try trainer.fit(progress: progress) { epoch, loss in
            epochLosses.append(loss)
            var line = String(format: "epoch %d: mean loss %.4f", epoch, loss)
            if let dev = recipe.dev { line += "; dev " + (try TextPairsEvaluation.measure(model, file: dev)).text }
            note(line)
        }
        try model.save(to: folder.url.appendingPathComponent("model"))
        var after: [TextPairsEvaluation] = []
        for file in files {
            let e = try TextPairsEvaluation.measure(model, file: file)
            after.append(e)
            note("after training: " + e.text)
        }
        let report = TextTrainingReport(trainingPairs: pairs.count, steps: trainer.losses.count, trainingSeconds: seconds,
                                        epochLosses: epochLosses, before: before, after: after)
        try folder.writeJSON(report, "metrics.json")
        note(String(format: "trained %d steps in %.1f s", trainer.losses.count, seconds))
        return report
    }

    /// Whether `folder` is a text run (its `config.json` says `kind: text`).
    public static func isTextRun(_ folder: URL) -> Bool {
        TextRecipe.isTextRecipe(folder.appendingPathComponent("config.json"))
    }

    /// Re-measures a text run's model on its recipe's dev and test files (or `files` when given).
    public static func evaluate(run folder: URL, files: [String]? = nil) throws -> [TextPairsEvaluation] {
        let recipe = try TextRecipe.load(folder.appendingPathComponent("config.json"))
        let model = try TextModelFolder.load(folder.appendingPathComponent("model"))
        let chosen = files ?? [recipe.dev, recipe.test].compactMap { $0 }
        guard !chosen.isEmpty else { throw RecipeError.unusable("\(folder.path): the recipe names no dev or test file to evaluate on") }
        return try chosen.map { try TextPairsEvaluation.measure(model, file: $0) }
    }
}
