import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseMetricLearning
@testable import SiameseModels
import SiameseNN
@testable import SiameseTraining

/// Prototypical, matching, relation networks and Koch et al.'s twin trained through the library trainer.
@Suite(.serialized) struct FewShotTrainingTests {
    /// A recipe on the synthetic bar drawings: Conv-4 (8 channels, 2 blocks, so 8 maps of 4×4) on 16×16 images.
    static func recipe(loss: ComponentSpec, data: URL) -> TrainingRecipe {
        var recipe = TrainingRecipe()
        recipe.data = data.path
        recipe.encoder = EncoderConfiguration(kind: .convNet, inputSide: 16, width: 8, blocks: 2)
        recipe.loss = loss
        recipe.normalizeEmbeddings = false
        recipe.augment = false
        recipe.ways = 4; recipe.samplesPerClass = 3; recipe.batchSize = 16
        recipe.learningRate = 3e-3; recipe.warmupSteps = 0
        recipe.epochs = 1; recipe.stepsPerEpoch = 40; recipe.evaluationPairs = 40
        recipe.validationFraction = 0.25
        return recipe
    }

    @Test(arguments: ["prototypical", "matching", "relation", "koch"])
    func trainingLowersTheLoss(method: String) throws {
        let images = try imageFolder(classes: 8, perClass: 8)
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: images); try? FileManager.default.removeItem(at: run) }
        let spec: ComponentSpec = method == "matching" ? ComponentSpec(name: "matching", parameters: ["scale": 10])
            : method == "relation" ? ComponentSpec(name: "relation", parameters: ["channels": 8]) : ComponentSpec(name: method)
        var recipe = Self.recipe(loss: spec, data: images)
        // Unnormalised squared distances between these easy drawings start the prototypical loss near zero.
        recipe.normalizeEmbeddings = method == "prototypical"
        let data = try TrainingData.load(recipe)
        let trainer = try Trainer(recipe: recipe, data: data, folder: run)
        #expect(trainer.objective.episodeScorer != nil)
        #expect(recipe.resolvedObjective == (method == "koch" ? .pairs : .episodic))
        var losses: [Float] = []
        for batch in try trainer.batches(epoch: 0).epoch(0) { losses.append(try trainer.step(try batch.get())) }
        #expect(losses.count == 40)
        let first = losses.prefix(8).reduce(0, +) / 8, last = losses.suffix(8).reduce(0, +) / 8
        #expect(last < 0.8 * first, "\(method): mean loss of the first 8 steps \(first), of the last 8 \(last)")
    }

    /// A whole run with a learned comparison: validation and the final one-shot accuracy are scored by the relation
    /// module, the module is checkpointed with the encoder, and the accuracy on these easy classes beats chance.
    @Test func relationRunScoresEpisodesWithTheLearnedModule() throws {
        let images = try imageFolder(classes: 8, perClass: 8)
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: images); try? FileManager.default.removeItem(at: run) }
        var recipe = Self.recipe(loss: ComponentSpec(name: "relation", parameters: ["channels": 8]), data: images)
        recipe.epochs = 2; recipe.stepsPerEpoch = 30
        let report = try TrainingRun.execute(recipe: recipe, folder: RunFolder(root: run, name: "", explicit: run), resuming: false)
        #expect(report.evaluation.oneShotWays == 2)
        #expect(report.evaluation.validationOneShot > 0.5, "2-way one-shot \(report.evaluation.validationOneShot)")
        let names = try Safetensors.read(run.appendingPathComponent("last/model.safetensors")).tensors.keys
        #expect(names.contains { $0.hasPrefix("loss.relation.") }, "\(names.sorted())")
    }

    /// A run's model folder keeps the learned head (relation module, Koch's weighted L1): loaded back, the model scores
    /// the held-out one-shot episodes and verification pairs as the run did, and its calibrated threshold is on the
    /// head's probability.
    @Test(arguments: ["relation", "koch"])
    func runModelKeepsTheLearnedHead(method: String) throws {
        let images = try imageFolder(classes: 8, perClass: 8)
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: images); try? FileManager.default.removeItem(at: run) }
        var recipe = Self.recipe(loss: method == "relation" ? ComponentSpec(name: "relation", parameters: ["channels": 8]) : "koch", data: images)
        recipe.stepsPerEpoch = 15
        let report = try TrainingRun.execute(recipe: recipe, folder: RunFolder(root: run, name: "", explicit: run), resuming: false)
        let model = try EmbeddingModel.load(from: run.appendingPathComponent("model"))
        #expect(model.comparisonHead?.configuration.kind == (method == "relation" ? .relation : .koch))
        #expect(model.similarity.usesLearnedHead && model.similarity.greaterIsCloser)
        let threshold = try #require(model.similarity.threshold)
        #expect(threshold.value > 0 && threshold.value < 1, "a probability threshold, got \(threshold.value)")
        let data = try TrainingData.load(recipe)
        let again = try RunEvaluation.measure(data: data, recipe: recipe.adapted(to: data).recipe, embed: { try model.embed(prepared: $0) },
                                              embedRaw: { try model.embed(images: $0) }, scorer: model.comparisonHead?.episodicLoss,
                                              verificationDistance: try model.makeDistance())
        #expect(again.validationOneShot == report.evaluation.validationOneShot)
        #expect(abs(again.validationROCAUC - report.evaluation.validationROCAUC) < 1e-9)
        #expect(abs(again.threshold - threshold.value) < 1e-6)
    }

    @Test func recipesNameTheFewShotObjectives() throws {
        var r = TrainingRecipe()
        r.loss = "matching"
        guard case .episodic(let matching, _, _, _) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not episodic"); return }
        #expect(matching is MatchingLoss)
        r.loss = ComponentSpec(name: "matching", parameters: ["fullContext": true, "steps": 3])
        guard case .episodic(let fce, _, _, _) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not episodic"); return }
        #expect((fce as? MatchingLoss)?.fullContext?.steps == 3)
        r.loss = "koch"
        guard case .learnedPairs = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not learned pairs"); return }
        r.loss = "prototypical"
        r.objective = .pairs
        #expect(throws: RecipeError.self) { try r.makeObjective(classes: 4, embeddingSize: 8) }
        r.objective = .episodic
        r.loss = "triplet"
        #expect(throws: RecipeError.self) { try r.makeObjective(classes: 4, embeddingSize: 8) }
    }

    /// The shipped Omniglot recipes of the few-shot family load and have no problems (the data are bundled).
    @Test(arguments: ["omniglot-protonet", "omniglot-matching", "omniglot-matching-fce", "omniglot-relation", "omniglot-koch", "omniglot-koch-conv4"])
    func shippedRecipesAreUsable(name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("recipes/\(name).yaml")
        let recipe = try TrainingRecipe.load(url)
        #expect(recipe.problems.isEmpty, "\(recipe.problems)")
        #expect(recipe.resolvedObjective == (name.hasPrefix("omniglot-koch") ? .pairs : .episodic))
    }
}
