import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseMetricLearning
@testable import SiameseModels
@testable import SiameseTraining
import Yams

/// Eight classes of four random 12×12 images, split into six training and two held-out classes.
func syntheticData(classes: Int = 8, perClass: Int = 4, side: Int = 12, seed: UInt64 = 5) -> TrainingData {
    var g = SeededGenerator(seed: seed)
    var images: [Image] = [], labels: [Int] = []
    for c in 0..<classes {
        // Each class is a noisy copy of its own pattern, so training can separate them.
        let pattern = (0..<(side * side)).map { _ in Float.random(in: 0...1, using: &g) }
        for _ in 0..<perClass {
            images.append(Image(width: side, height: side, channels: 1, pixels: pattern.map { min(1, max(0, $0 + Float.random(in: -0.1...0.1, using: &g))) }))
            labels.append(c)
        }
    }
    let held = Set([classes - 2, classes - 1])
    let training = labels.indices.filter { !held.contains(labels[$0]) }, validation = labels.indices.filter { held.contains(labels[$0]) }
    return TrainingData(images: images, labels: labels, training: training, validation: validation, summary: "synthetic")
}

/// A small, fast recipe over ``syntheticData(classes:perClass:side:seed:)``.
func tinyRecipe(_ loss: ComponentSpec = "multi-similarity") -> TrainingRecipe {
    var r = TrainingRecipe()
    r.data = "synthetic"
    r.encoder = EncoderConfiguration(kind: .mlp, inputSide: 12, embeddingSize: 8, hidden: [16])
    r.loss = loss
    r.epochs = 1; r.stepsPerEpoch = 2; r.batchSize = 12; r.samplesPerClass = 2; r.warmupSteps = 0
    r.ways = 2; r.evaluationPairs = 20; r.augment = false; r.split = .classes
    return r
}

func temporaryFolder(_ name: String = "run") -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("siamese-\(name)-\(UUID().uuidString)")
}

@Suite struct TrainingRecipeTests {
    @Test func yamlRecipeReachesRegistryComponentsWithParameters() throws {
        let yaml = """
            data: mnist
            loss: {name: circle, m: 0.3, gamma: 64}
            miner: {name: triplet-margin, margin: 0.1, kind: semihard}
            distance: cosine
            objective: labelled
            """
        let r = try YAMLDecoder().decode(TrainingRecipe.self, from: Data(yaml.utf8))
        #expect(r.loss.name == "circle" && r.loss.parameters["m"] == .number(0.3))
        #expect(r.miner?.name == "triplet-margin" && r.distance.name == "cosine" && r.resolvedObjective == .labelled)
        #expect(r.problems.isEmpty, "\(r.problems)")
        guard case .labelled(let loss, let miner) = try r.makeObjective(classes: 4, embeddingSize: 8) else {
            Issue.record("not a labelled objective"); return
        }
        #expect(loss is CircleLoss && miner is TripletMarginMiner)
    }

    @Test func shortNamesKeepTheirMeaning() throws {
        var r = TrainingRecipe()
        r.loss = "contrastive"
        #expect(r.resolvedObjective == .pairs)
        guard case .pairs(let pair) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not pairs"); return }
        #expect((pair as? PairContrastiveLoss)?.margin == r.margin)
        r.objective = .labelled    // PML's ContrastiveLoss on labelled batches
        guard case .labelled(let pml, let none) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not labelled"); return }
        #expect(pml is ContrastiveLoss && none == nil)
        r = TrainingRecipe()
        r.loss = "triplet"; r.margin = 0.3
        guard case .labelled(let triplet, let miner) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not labelled"); return }
        #expect((triplet as? TripletMarginLoss)?.margin == 0.3 && miner is BatchHardMiner)
        r.miner = "none"
        guard case .labelled(_, let unmined) = try r.makeObjective(classes: 4, embeddingSize: 8) else { Issue.record("not labelled"); return }
        #expect(unmined == nil)
    }

    @Test func unknownNamesAreOneLineProblems() throws {
        var r = TrainingRecipe()
        r.loss = "tripplet-margin"
        #expect(r.problems.contains { $0.contains("tripplet-margin") && $0.contains("triplet-margin") }, "\(r.problems)")
        r = TrainingRecipe()
        r.miner = "hardest"
        #expect(r.problems.contains { $0.contains("hardest") }, "\(r.problems)")
        r = TrainingRecipe()
        r.distance = "hamming"
        #expect(r.problems.contains { $0.contains("hamming") }, "\(r.problems)")
        r = TrainingRecipe()
        r.loss = ComponentSpec(name: "triplet-margin", parameters: ["marjin": 0.2])
        #expect(r.problems.contains { $0.contains("marjin") }, "\(r.problems)")
        #expect(throws: RecipeError.self) {
            let url = temporaryFolder("recipe").appendingPathExtension("yaml")
            try Data("epochs: 3\nepocs: 4\n".utf8).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try TrainingRecipe.load(url)
        }
    }

    /// Every registered loss, pair loss, miner, reducer, distance, sampler and encoder kind is reachable from a recipe by name,
    /// and a recipe naming it trains a step and validates on small synthetic data.
    @Test func everyRegisteredNameBuildsAndTrainsFromARecipe() throws {
        var recipes: [(String, TrainingRecipe)] = []
        // Wrappers name the loss they wrap (and the regulariser they add): the one required parameter each has.
        let wrapped: [String: [String: RecipeValue]] = [
            "cross-batch-memory": ["loss": .object(["name": .string("contrastive")]), "memorySize": 16],
            "regularized": ["loss": .object(["name": .string("contrastive")]), "embeddingRegularizer": .object(["name": .string("lp")])],
        ]
        for name in Losses.registry.names {
            recipes.append(("loss \(name)", { var r = tinyRecipe(ComponentSpec(name: name, parameters: wrapped[name] ?? [:])); r.objective = .labelled; return r }()))
        }
        for name in PairLosses.registry.names { recipes.append(("pair loss \(name)", tinyRecipe(ComponentSpec(name: name)))) }
        for name in TwoViewLosses.registry.names { recipes.append(("two-view loss \(name)", tinyRecipe(ComponentSpec(name: name)))) }
        // maximum-loss names the loss that scores its subsets and the subset size (both required, as in PML 1.7.3).
        let minerParameters: [String: [String: RecipeValue]] = ["maximum-loss": ["loss": .object(["name": .string("triplet-margin")]), "outputBatchSize": 4]]
        for name in Miners.registry.names {
            recipes.append(("miner \(name)", { var r = tinyRecipe("triplet-margin"); r.miner = ComponentSpec(name: name, parameters: minerParameters[name] ?? [:]); return r }()))
        }
        for name in Reducers.registry.names {
            var r = tinyRecipe(ComponentSpec(name: "contrastive", parameters: ["reducer": .object(["name": .string(name)])]))
            r.objective = .labelled
            recipes.append(("reducer \(name)", r))
        }
        for name in Distances.registry.names { recipes.append(("distance \(name)", { var r = tinyRecipe(); r.distance = ComponentSpec(name: name); return r }())) }
        for name in Samplers.registry.names {
            var r = tinyRecipe(name == "balanced-pairs" ? "pair-contrastive" : "triplet-margin")
            var parameters: [String: RecipeValue] = [:]
            switch name {
            case "m-per-class": parameters = ["batchSize": 8, "samplesPerClass": 2]
            case "episodic": parameters = ["ways": 2, "shots": 1, "queries": 1]
            case "fixed-triplets", "triplets", "balanced-pairs": parameters = ["batchSize": 6]
            default: break
            }
            r.sampler = ComponentSpec(name: name, parameters: parameters)
            recipes.append(("sampler \(name)", r))
        }
        var episodic = tinyRecipe("prototypical")
        episodic.sampler = ComponentSpec(name: "episodic", parameters: ["ways": 3, "shots": 1, "queries": 2])
        recipes.append(("objective episodic", episodic))
        for kind in EncoderConfiguration.Kind.allCases where kind != .koch && kind != .tutorialCNN {
            var r = tinyRecipe()
            r.encoder = EncoderConfiguration(kind: kind, inputSide: 12, width: 4, blocks: 2, embeddingSize: 8, hidden: [16])
            recipes.append(("encoder \(kind)", r))
        }
        let data = syntheticData()
        for (what, recipe) in recipes {
            #expect(recipe.problems.isEmpty, "\(what): \(recipe.problems)")
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            do {
                let trainer = try Trainer(recipe: recipe, data: data, folder: folder)
                try trainer.fit()
                #expect(trainer.stopping.history.count == 1 && trainer.stopping.history[0].trainingLoss.isFinite, "\(what)")
            } catch {
                Issue.record("\(what): \(error)")
            }
        }
    }
}
