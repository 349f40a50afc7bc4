import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseMetricLearning
@testable import SiameseModels
@testable import SiameseNN
@testable import SiameseOptimizers
@testable import SiameseTraining

/// Writes an 8-bit PGM.
func writePGM(_ pixels: [UInt8], side: Int, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try (Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)).write(to: url)
}

/// A folder of `classes` class sub-folders with `perClass` 16×16 drawings each (a bar at a class-specific angle).
func imageFolder(classes: Int, perClass: Int, seed: UInt64 = 3) throws -> URL {
    let root = temporaryFolder("images")
    var g = SeededGenerator(seed: seed)
    for c in 0..<classes {
        for i in 0..<perClass {
            let angle = Double(c) * .pi / Double(classes)
            var pixels = [UInt8](repeating: 0, count: 256)
            for t in stride(from: -6.0, through: 6.0, by: 0.5) {
                let x = Int((7.5 + t * cos(angle) + Double.random(in: -0.7...0.7, using: &g)).rounded())
                let y = Int((7.5 + t * sin(angle) + Double.random(in: -0.7...0.7, using: &g)).rounded())
                if (0..<16).contains(x) && (0..<16).contains(y) { pixels[y * 16 + x] = 255 }
            }
            try writePGM(pixels, side: 16, to: root.appendingPathComponent("class\(c)/img\(i).pgm"))
        }
    }
    return root
}

/// The smallest recipe that trains on an ``imageFolder(classes:perClass:seed:)``: a 16×16 MLP to 8 dimensions, no
/// distortions, 40 evaluation pairs.
func tinyMLPRecipe(_ images: URL, epochs: Int, stepsPerEpoch: Int) -> TrainingRecipe {
    var recipe = TrainingRecipe()
    recipe.data = images.path
    recipe.encoder = EncoderConfiguration(kind: .mlp, inputSide: 16, embeddingSize: 8, hidden: [32])
    recipe.epochs = epochs; recipe.stepsPerEpoch = stepsPerEpoch; recipe.evaluationPairs = 40; recipe.augment = false
    return recipe
}

@Suite(.serialized) struct TrainingRunTests {
    /// The newcomer's case: a folder of 6 classes with every default. The held-out split and the classes per batch adapt
    /// to the data and say so; training finishes and writes a loadable model folder with a calibrated threshold.
    @Test func defaultsAdaptToASmallImageFolder() throws {
        let images = try imageFolder(classes: 6, perClass: 6)
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: images); try? FileManager.default.removeItem(at: run) }
        let recipe = tinyMLPRecipe(images, epochs: 2, stepsPerEpoch: 3)
        var notes: [String] = []
        let report = try TrainingRun.execute(recipe: recipe, folder: RunFolder(root: run, name: "", explicit: run), resuming: false,
                                             notes: { notes.append($0) })
        #expect(notes.contains { $0.contains("held out 2 of 6 classes") }, "\(notes)")
        #expect(notes.contains { $0.contains("classes per batch") && $0.contains("batchSize 16") }, "\(notes)")
        #expect(notes.contains { $0.contains("2-way") }, "\(notes)")
        #expect(report.trainingClasses == 4 && report.validationClasses == 2 && report.evaluation.oneShotWays == 2)
        // Retrieval among the 12 held-out images (2 classes of 6): k = 5, every metric in [0, 1].
        let retrieval = try #require(report.evaluation.retrieval)
        #expect(retrieval["k"] == 5 && retrieval["queries"] == 12)
        for key in ["precisionAt1", "rPrecision", "meanAveragePrecisionAtR", "meanAveragePrecision", "meanReciprocalRank", "nmi", "ami"] {
            let v = try #require(retrieval[key], "\(key)")
            #expect(v >= -1 && v <= 1, "\(key) = \(v)")
        }
        #expect(report.evaluation.text.contains("MAP@R"))
        let config = try JSONDecoder().decode(TrainingRecipe.self, from: Data(contentsOf: run.appendingPathComponent("config.json")))
        #expect(config.batchSize == 16 && config.ways == 2)
        // The run's model folder loads on its own and decides with the calibrated threshold.
        let model = try EmbeddingModel.load(from: run.appendingPathComponent("model"))
        #expect(model.similarity.threshold?.value == report.evaluation.threshold)
        #expect(model.similarity.operatingPoints.count == 2)
        let verdict = try model.compare(images.appendingPathComponent("class0/img0.pgm"), images.appendingPathComponent("class0/img1.pgm"))
        #expect(verdict.same != nil && verdict.distance.isFinite)
        #expect(model.info.recipe != nil && model.info.contentHash.count == 64)
        // The same model through the run folder.
        #expect(try EmbeddingModel.load(run: run).info.contentHash == model.info.contentHash)
    }

    @Test func threeClassesFallBackToHoldingOutImages() throws {
        let images = try imageFolder(classes: 3, perClass: 10)
        defer { try? FileManager.default.removeItem(at: images) }
        var recipe = TrainingRecipe()
        recipe.data = images.path
        recipe.encoder = EncoderConfiguration(kind: .mlp, inputSide: 16)
        let data = try TrainingData.load(recipe)
        #expect(data.notes.contains { $0.contains("holding out images") }, "\(data.notes)")
        #expect(data.trainingClasses == 3 && data.validationClasses == 3)
    }

    @Test func oneClassIsRefusedWithAReason() throws {
        let images = try imageFolder(classes: 1, perClass: 4)
        defer { try? FileManager.default.removeItem(at: images) }
        var recipe = TrainingRecipe()
        recipe.data = images.path
        recipe.encoder = EncoderConfiguration(kind: .mlp, inputSide: 16)
        #expect(throws: RecipeError.data("\(images.path): needs at least two classes (found 1)")) { try TrainingData.load(recipe) }
    }

    /// A loss that turns NaN in the second epoch stops training with a typed error; the first epoch's checkpoints stay
    /// intact and load.
    @Test func nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        final class Counter: @unchecked Sendable { var steps = 0 }
        struct TurnsNaN: MetricLoss {
            let counter: Counter
            var distance: any Distance { LpDistance() }
            var reducer: any Reducer { MeanReducer() }
            func terms(embeddings: Tensor, labels: [Int], tuples: MinedTuples?) -> [String: LossTerm] {
                counter.steps += 1
                let base = embeddings.square().sum(axis: 1)
                return ["x": LossTerm(losses: counter.steps > 2 ? base * Float.nan : base, kind: .element)]
            }
        }
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: run) }
        var recipe = tinyRecipe()
        recipe.epochs = 3
        let trainer = try Trainer(recipe: recipe, data: syntheticData(), folder: run,
                                  objective: .labelled(loss: TurnsNaN(counter: Counter()), miner: nil))
        #expect(throws: TrainingError.self) { try trainer.fit() }
        #expect(trainer.stopping.history.count == 1)
        let network = SiameseNetwork(encoder: try recipe.encoder.makeEncoder(), normalizeEmbeddings: true)
        try Checkpoint.load(from: run.appendingPathComponent("last"), into: network)
        try Checkpoint.load(from: run.appendingPathComponent("checkpoint"), into: network)
        #expect(network.parameters().allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) })
    }

    /// Losses with learned weights (proxies) are optimised and checkpointed with the network, so a resumed run matches.
    @Test func proxyLossParametersAreTrainedAndCheckpointed() throws {
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: run) }
        let recipe = tinyRecipe("proxy-anchor")
        let trainer = try Trainer(recipe: recipe, data: syntheticData(), folder: run)
        guard let proxies = trainer.objective.lossModule?.parameters().first else { Issue.record("no proxies"); return }
        let before = proxies.value.scalars
        try trainer.fit()
        #expect(proxies.value.scalars != before)
        let saved = try Safetensors.read(run.appendingPathComponent("last/model.safetensors"))
        #expect(saved.tensors.keys.contains { $0.hasPrefix("loss.") } && saved.tensors.keys.contains { $0.hasPrefix("encoder.") })
    }
}
