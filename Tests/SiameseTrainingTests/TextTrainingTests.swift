import Foundation
import Testing
import SiameseCore
import SiameseMetricLearning
import SiameseModels
import SiameseOptimizers
import SiameseText
@testable import SiameseTraining

/// Text recipes end to end on a tiny vocabulary: a small Transformer trained from scratch on a handful of pairs.
@Suite struct TextTrainingTests {
    static let words = ["cat", "dog", "sits", "runs", "on", "the", "mat", "grass", "a", "sleeps", "bird", "flies", "sky", "in"]

    /// A temporary folder with `vocab.txt`, `pairs.tsv` (score<TAB>a<TAB>b) and `recipe.json`.
    static func workspace(loss: String, steps: Int = 12, extra: [String: Any] = [:]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("text-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words).joined(separator: "\n")
            .write(to: root.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        let pairs = [
            (5.0, "the cat sits on the mat", "a cat sits on a mat"), (0.0, "the cat sits on the mat", "a bird flies in the sky"),
            (4.0, "the dog runs on the grass", "a dog runs on grass"), (1.0, "the dog runs on the grass", "the cat sleeps"),
            (5.0, "a bird flies in the sky", "the bird flies in a sky"), (0.0, "a bird flies in the sky", "the dog sits on the mat"),
            (3.0, "the cat sleeps", "a cat sleeps on the mat"), (0.5, "the cat sleeps", "a dog runs in the sky"),
        ]
        try pairs.map { "\($0.0)\t\($0.1)\t\($0.2)" }.joined(separator: "\n")
            .write(to: root.appendingPathComponent("pairs.tsv"), atomically: true, encoding: .utf8)
        var recipe: [String: Any] = [
            "kind": "text", "train": root.appendingPathComponent("pairs.tsv").path, "dev": root.appendingPathComponent("pairs.tsv").path,
            "scratch": ["vocabulary": root.path, "layers": 1, "hidden": 16, "heads": 2, "intermediate": 32, "maxLength": 16],
            "loss": loss, "epochs": steps, "batchSize": 8, "learningRate": 3e-3, "warmupFraction": 0.1, "weightDecay": 0,
        ]
        for (k, v) in extra { recipe[k] = v }
        try JSONSerialization.data(withJSONObject: recipe).write(to: root.appendingPathComponent("recipe.json"))
        return root
    }

    @Test(arguments: ["cosent", "cosine-similarity-regression", "multiple-negatives-ranking"])
    func tinyRecipeTrainsAndTheRunLoadsBack(loss: String) throws {
        let root = try Self.workspace(loss: loss)
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("recipe.json")
        #expect(TextRecipe.isTextRecipe(url))
        let recipe = try TextRecipe.load(url)
        #expect(recipe.problems.isEmpty)
        let runURL = root.appendingPathComponent("run")
        let report = try TextTrainingRun.execute(recipe: recipe, folder: RunFolder(root: root, name: "", explicit: runURL))
        #expect(report.steps == 12)
        let losses = report.epochLosses
        #expect(losses.count == 12)
        // Every epoch is the same batch of 8 pairs (shuffled), so the loss must fall.
        #expect(losses.suffix(3).reduce(0, +) < losses.prefix(3).reduce(0, +), "losses \(losses)")
        // The run folder's model loads back, as the sentence-transformers folder and as an EmbeddingModel.
        #expect(TextTrainingRun.isTextRun(runURL))
        let reloaded = try SentenceTransformer(folder: runURL.appendingPathComponent("model"))
        let again = try TextTrainingRun.evaluate(run: runURL)
        #expect(again.count == 1)
        #expect(Swift.abs(again[0].spearman - report.after[0].spearman) < 1e-6)
        let model = try EmbeddingModel.loadText(from: runURL.appendingPathComponent("model"))
        #expect(try model.embed(texts: ["the cat sits"]).shape == [1, reloaded.dimension])
    }

    /// An embedding + BiLSTM twin from scratch: the loss falls, the run's model folder loads back (as the recurrent
    /// kind) and gives the run's figures again.
    @Test func recurrentTwinTrainsAndLoadsBack() throws {
        let root = try Self.workspace(loss: "cosent", extra: ["learningRate": 2e-2])
        defer { try? FileManager.default.removeItem(at: root) }
        // The workspace's recipe trains a Transformer: swap its scratch section for a recurrent one.
        let url = root.appendingPathComponent("recipe.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        json.removeValue(forKey: "scratch")
        json["recurrent"] = ["vocabulary": root.path, "embedding": 8, "hidden": 6, "maxLength": 12]
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let recipe = try TextRecipe.load(url)
        #expect(recipe.problems.isEmpty, "\(recipe.problems)")
        let runURL = root.appendingPathComponent("run")
        let report = try TextTrainingRun.execute(recipe: recipe, folder: RunFolder(root: root, name: "", explicit: runURL))
        let losses = report.epochLosses
        #expect(losses.suffix(3).reduce(0, +) < losses.prefix(3).reduce(0, +), "losses \(losses)")
        let loaded = try TextModelFolder.load(runURL.appendingPathComponent("model"))
        #expect(loaded is RecurrentTextEncoder && loaded.dimension == 12)
        let again = try TextTrainingRun.evaluate(run: runURL)
        #expect(Swift.abs(again[0].spearman - report.after[0].spearman) < 1e-6)
    }

    /// The optimiser follows sentence-transformers: no weight decay on biases and LayerNorm, a linear schedule.
    @Test func fineTuneOptimizerMatchesSentenceTransformers() throws {
        let root = try Self.workspace(loss: "cosent")
        defer { try? FileManager.default.removeItem(at: root) }
        let recipe = try TextRecipe.load(root.appendingPathComponent("recipe.json"))
        let trainer = try TextTrainer(model: TextTrainingRun.initialModel(recipe), recipe: recipe,
                                      pairs: ScoredPairs.read(URL(fileURLWithPath: recipe.train)))
        let exempt = trainer.optimizer.decayExempt
        #expect(exempt.contains("embeddings.LayerNorm.weight") && exempt.contains("encoder.layer.0.attention.self.query.bias"))
        #expect(!exempt.contains("encoder.layer.0.attention.self.query.weight") && !exempt.contains("embeddings.word_embeddings.weight"))
        #expect(trainer.schedule is WarmupLinearSchedule)
        // 12 steps, warm-up ⌈1.2⌉ = 2: 0, lr/2, then linear decay to 0 at step 12.
        #expect(trainer.schedule.rate(at: 0) == 0 && abs(trainer.schedule.rate(at: 1) - 1.5e-3) < 1e-9)
        #expect(abs(trainer.schedule.rate(at: 7) - 3e-3 * 5 / 10) < 1e-7 && trainer.schedule.rate(at: 12) == 0)
    }

    @Test func augmentationChangesTrainingTextsOnly() throws {
        let root = try Self.workspace(loss: "cosent", extra: ["wordDropout": 0.3, "wordSwaps": 1])
        defer { try? FileManager.default.removeItem(at: root) }
        let recipe = try TextRecipe.load(root.appendingPathComponent("recipe.json"))
        let trainer = try TextTrainer(model: TextTrainingRun.initialModel(recipe), recipe: recipe,
                                      pairs: ScoredPairs.read(URL(fileURLWithPath: recipe.train)))
        var g = SeededGenerator(seed: 1)
        let texts = (0..<20).map { _ in trainer.augmented("the cat sits on the mat", generator: &g) }
        #expect(texts.contains { $0 != "the cat sits on the mat" })
        #expect(texts.allSatisfy { !$0.isEmpty })
        #expect(trainer.scoreScale == 5)
    }

    @Test func recipeProblemsAndUnknownKeysAreNamed() throws {
        let root = try Self.workspace(loss: "triplet-margin", extra: ["epochs": 0])
        defer { try? FileManager.default.removeItem(at: root) }
        let recipe = try TextRecipe.load(root.appendingPathComponent("recipe.json"))
        #expect(recipe.problems.contains { $0.hasPrefix("loss: 'triplet-margin' is not a pair loss") })
        #expect(recipe.problems.contains("epochs must be positive"))
        let bad = root.appendingPathComponent("bad.json")
        try Data(#"{"kind": "text", "train": "x", "model": "m", "epoch": 3}"#.utf8).write(to: bad)
        do {
            _ = try TextRecipe.load(bad)
            Issue.record("an unknown key must be refused")
        } catch {
            #expect("\(error)".contains("unknown key 'epoch'"), "\(error)")
        }
    }
}
