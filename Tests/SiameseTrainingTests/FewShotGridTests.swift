import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseMetricLearning
@testable import SiameseModels
import SiameseNN
@testable import SiameseTraining

/// The recipe's `fewShotGrid`: N-way K-shot tasks on the held-out classes, and how each method uses K shots.
@Suite struct FewShotGridTests {
    @Test func recipeReadsTheGridAndNamesBadTasks() throws {
        let folder = temporaryFolder("grid")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("r.yaml")
        try Data("fewShotGrid: [{ways: 5, shots: 1}, {ways: 20, shots: 5, episodes: 50}]\n".utf8).write(to: url)
        let recipe = try TrainingRecipe.load(url)
        #expect(recipe.fewShotGrid == [FewShotTask(ways: 5, shots: 1, episodes: 400), FewShotTask(ways: 20, shots: 5, episodes: 50)])
        #expect(recipe.problems.isEmpty, "\(recipe.problems)")
        // config.json round trip; a recipe without the key has no grid.
        let again = try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(recipe))
        #expect(again == recipe)
        #expect(try JSONDecoder().decode(TrainingRecipe.self, from: Data("{}".utf8)).fewShotGrid == nil)
        var bad = recipe
        bad.fewShotGrid = [FewShotTask(ways: 1, shots: 0, episodes: 0)]
        #expect(bad.problems.filter { $0.hasPrefix("fewShotGrid:") }.count == 3, "\(bad.problems)")
        try Data("fewShotGrid: [{ways: 5}]\n".utf8).write(to: url)
        #expect(throws: RecipeError.self) { try TrainingRecipe.load(url) }
    }

    @Test func adaptingNarrowsOrDropsTasksTheHeldOutClassesCannotHold() {
        // Two held-out classes of four images each.
        let data = syntheticData(classes: 8, perClass: 4)
        var recipe = tinyRecipe()
        recipe.fewShotGrid = [FewShotTask(ways: 5, shots: 1), FewShotTask(ways: 2, shots: 3), FewShotTask(ways: 2, shots: 4)]
        let (adapted, notes) = recipe.adapted(to: data)
        #expect(adapted.fewShotGrid == [FewShotTask(ways: 2, shots: 1), FewShotTask(ways: 2, shots: 3)])
        #expect(notes.contains { $0.contains("5-way 1-shot") && $0.contains("2-way") }, "\(notes)")
        #expect(notes.contains { $0.contains("dropped 2-way 4-shot") }, "\(notes)")
    }

    /// The grid is measured on the held-out embeddings with the one-shot episodes' seed: its N-way 1-shot task repeats
    /// the run's one-shot accuracy; it is stored, printed, and absent from older `metrics.json` files.
    @Test func runEvaluationMeasuresStoresAndPrintsTheGrid() throws {
        let data = syntheticData(classes: 8, perClass: 4)
        var recipe = tinyRecipe()
        recipe.fewShotGrid = [FewShotTask(ways: 2, shots: 1), FewShotTask(ways: 2, shots: 3, episodes: 30)]
        // A weak embedding (mean pixel plus noise by item), so accuracy is neither 0 nor 1.
        var g = SeededGenerator(seed: 9)
        let embed: ([Image]) throws -> Tensor = { images in
            Tensor(images.flatMap { [$0.pixels.reduce(0, +) / Float($0.pixels.count) + Float.random(in: -0.02...0.02, using: &g), 0] },
                   shape: [images.count, 2])
        }
        let e = try RunEvaluation.measure(data: data, recipe: recipe, embed: embed, embedRaw: embed)
        let grid = try #require(e.fewShot)
        #expect(grid.map(\.ways) == [2, 2] && grid.map(\.shots) == [1, 3])
        #expect(grid[0].accuracy == e.validationOneShot && grid[0].queries == e.queries && grid[0].episodes == 400)
        #expect(grid[1].episodes == 30 && grid[1].queries == 60)
        #expect(grid[1].interval95[0] <= grid[1].accuracy && grid[1].accuracy <= grid[1].interval95[1])
        #expect(grid[0].classifiedBy == "mean distance: euclidean")
        #expect(e.text.contains("Held-out 2-way 3-shot:"), "\(e.text)")
        // metrics.json round trip, and a file written before the grid existed.
        let json = try JSONEncoder().encode(e)
        #expect(try JSONDecoder().decode(RunEvaluation.self, from: json).fewShot == grid)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["fewShot"] = nil
        let older = try JSONDecoder().decode(RunEvaluation.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.fewShot == nil && !older.text.contains("3-shot"))
        recipe.fewShotGrid = nil
        #expect(try RunEvaluation.measure(data: data, recipe: recipe, embed: embed, embedRaw: embed).fewShot == nil)
    }

    /// One 2-way 2-shot episode over items 0…3 (supports: 0, 1 of class 0; 2, 3 of class 1) and query item 4.
    static func episode(answer: Int) -> FewShotEvaluator {
        FewShotEvaluator(episodes: [EpisodicSampler.Episode(support: [0, 1, 2, 3], supportClasses: [0, 0, 1, 1], query: [4], queryClasses: [answer])],
                         itemCount: 5, ways: 2, shots: 2, distance: LpDistance(normalizeEmbeddings: false))
    }

    /// Prototypical networks use the class mean: a query at 2 between supports 0 and 4 (class 0) is on their prototype,
    /// although class 1's supports (2.4, 2.6) are nearer on average, which is what the distance rule picks.
    @Test func prototypicalKShotUsesTheClassMean() throws {
        let x = Tensor([0, 4, 2.4, 2.6, 2], shape: [5, 1])
        #expect(try Self.episode(answer: 0).accuracy(x, scoredBy: PrototypicalLoss()).accuracy == 1)
        #expect(try Self.episode(answer: 0).accuracy(x).accuracy == 0)
    }

    /// Matching networks attend over all N·K supports and sum per class: with a sharp attention one support identical to
    /// the query (class 1, whose other support is opposite) outweighs two supports at 40° (class 0), which the mean
    /// cosine distance prefers.
    @Test func matchingKShotSumsAttentionOverEverySupport() throws {
        let a = Float(40 * Double.pi / 180)
        let x = Tensor([cos(a), sin(a), cos(a), -sin(a), 1, 0, -1, 0, 1, 0], shape: [5, 2])
        let cosine = try Distances.registry.make("cosine")
        let episode = FewShotEvaluator(episodes: Self.episode(answer: 1).episodes, itemCount: 5, ways: 2, shots: 2, distance: cosine)
        #expect(try episode.accuracy(x, scoredBy: MatchingLoss(scale: 10)).accuracy == 1)
        #expect(try episode.accuracy(x).accuracy == 0)
        // The scores are log Σ_{i ∈ class} softmax_i(10 · cos).
        let scores = MatchingLoss(scale: 10).scores(support: x.indexSelect(axis: 0, [0, 1, 2, 3]), supportClasses: [0, 0, 1, 1],
                                                    query: x.indexSelect(axis: 0, [4])).scalars
        let w = [cos(a), cos(a), 1, -1].map { exp(10 * $0) }, total = w.reduce(0, +)
        #expect(abs(scores[0] - log((w[0] + w[1]) / total)) < 1e-4 && abs(scores[1] - log((w[2] + w[3]) / total)) < 1e-4)
    }

    /// Koch et al.'s head scores a class by the mean logit over its K supports: with logit = −|a − b|, supports 0 and 4
    /// (class 0) beat 2.6 and 10 (class 1) for a query at 2, although 2.6 is the single nearest.
    @Test func kochKShotAveragesTheLogits() throws {
        let head = KochHead(features: 1)
        head.out.weight.update(Tensor([-1], shape: head.out.weight.shape))
        head.out.bias?.update(Tensor.zeros(head.out.bias!.shape))
        let x = Tensor([0, 4, 2.6, 10, 2], shape: [5, 1])
        #expect(try Self.episode(answer: 0).accuracy(x, scoredBy: KochPairLoss(head: head)).accuracy == 1)
        let scores = KochPairLoss(head: head).scores(support: x.indexSelect(axis: 0, [0, 1, 2, 3]), supportClasses: [0, 0, 1, 1],
                                                     query: x.indexSelect(axis: 0, [4])).scalars
        #expect(abs(scores[0] + 2) < 1e-5 && abs(scores[1] + 4.3) < 1e-5, "\(scores)")
    }

    /// Relation networks compare the query with the sum of a class's K feature maps.
    @Test func relationKShotSumsTheFeatureMaps() throws {
        var g = SeededGenerator(seed: 4)
        let maps = Tensor((0..<(5 * 2 * 2 * 2)).map { _ in Float.random(in: -1...1, using: &g) }, shape: [5, 8])
        // Seeded weights, so that the module is not constant on these maps (checked below).
        let loss = GlobalGenerator.withSeed(4) { RelationLoss(relation: RelationModule(channels: 2, side: 2, hidden: 4)) }
        loss.eval()
        let scores = loss.scores(support: maps.indexSelect(axis: 0, [0, 1, 2, 3]), supportClasses: [0, 0, 1, 1],
                                 query: maps.indexSelect(axis: 0, [4])).scalars
        let q = maps.indexSelect(axis: 0, [4, 4])
        let sums = Tensor.concatenate([maps.indexSelect(axis: 0, [0, 1]).sum(axis: 0, keepDims: true),
                                       maps.indexSelect(axis: 0, [2, 3]).sum(axis: 0, keepDims: true)], axis: 0)
        let expected = loss.relation(q, sums).scalars
        #expect(abs(scores[0] - expected[0]) < 1e-5 && abs(scores[1] - expected[1]) < 1e-5, "\(scores) vs \(expected)")
        // A mean of the maps gives other scores (so the check above can fail).
        let means = loss.relation(q, sums * 0.5).scalars
        #expect(abs(means[0] - expected[0]) > 1e-6 || abs(means[1] - expected[1]) > 1e-6)
        // classMaps: mean compares the query with the mean map, and a model folder's head keeps that choice.
        let meanLoss = GlobalGenerator.withSeed(4) { RelationLoss(relation: RelationModule(channels: 2, side: 2, hidden: 4, classMaps: .mean)) }
        meanLoss.eval()
        let meanScores = meanLoss.scores(support: maps.indexSelect(axis: 0, [0, 1, 2, 3]), supportClasses: [0, 0, 1, 1],
                                         query: maps.indexSelect(axis: 0, [4])).scalars
        let meanExpected = meanLoss.relation(q, sums * 0.5).scalars
        #expect(abs(meanScores[0] - meanExpected[0]) < 1e-5 && abs(meanScores[1] - meanExpected[1]) < 1e-5)
        let stage = ComparisonHeadStage(relation: meanLoss.relation)
        #expect(stage.configuration.classMaps == "mean" && ComparisonHeadStage(relation: loss.relation).configuration.classMaps == nil)
        guard case .relation(let rebuilt) = try stage.configuration.makeHead() else { Issue.record("not a relation head"); return }
        #expect(rebuilt.classMaps == .mean)
        let made = try EpisodicLosses.registry.make(ComponentSpec(name: "relation", parameters: ["channels": 2, "classMaps": "mean"]),
                                                    context: RegistryContext(embeddingSize: 8))
        #expect((made as? RelationLoss)?.relation.classMaps == .mean)
    }

    /// Every recipe of the comparison table (`siamese-bench fewshot-table`) loads without problems and measures a grid.
    @Test func comparisonTableRecipesAreUsable() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("recipes/fewshot")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count == 18, "\(names)")
        for name in names {
            let recipe = try TrainingRecipe.load(folder.appendingPathComponent(name))
            #expect(recipe.problems.isEmpty, "\(name): \(recipe.problems)")
            #expect((recipe.fewShotGrid?.count ?? 0) >= 2, "\(name)")
            #expect(recipe.testFraction != nil, "\(name): the grid is measured on a test part")
        }
    }
}
