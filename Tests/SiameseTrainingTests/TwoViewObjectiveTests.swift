import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseMetricLearning
@testable import SiameseModels
import SiameseNN
@testable import SiameseTraining

/// The two-view objective: VICReg and the self-supervised wrapper trained from recipes on two augmented views of
/// each sample.
@Suite(.serialized) struct TwoViewObjectiveTests {
    static func recipe(_ loss: ComponentSpec) -> TrainingRecipe {
        var r = tinyRecipe(loss)
        r.augment = true
        r.stepsPerEpoch = 30
        r.batchSize = 8
        r.learningRate = 3e-3
        return r
    }

    @Test func twoViewLossesResolveToTheTwoViewObjective() throws {
        for name in TwoViewLosses.registry.names {
            let r = Self.recipe(ComponentSpec(name: name))
            #expect(r.resolvedObjective == .twoViews, "\(name)")
            #expect(r.problems.isEmpty, "\(name): \(r.problems)")
        }
        var wrong = Self.recipe("triplet-margin")
        wrong.objective = .twoViews
        #expect(wrong.problems.contains { $0.contains("two-view loss") }, "\(wrong.problems)")
    }

    @Test(arguments: ["vicreg", "self-supervised", "self-supervised-sup-con"])
    func trainsOnTwoAugmentedViews(_ which: String) throws {
        let spec: ComponentSpec = which == "self-supervised-sup-con"
            ? ComponentSpec(name: "self-supervised", parameters: ["loss": .object(["name": .string("sup-con"), "temperature": 0.2])])
            : ComponentSpec(name: which)
        let recipe = Self.recipe(spec)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(recipe: recipe, data: syntheticData(), folder: folder)
        guard case .twoViews = trainer.objective else {
            Issue.record("\(which): objective \(trainer.objective.kind)")
            return
        }
        var losses: [Float] = []
        for result in try trainer.batches(epoch: 0).epoch(0) {
            let batch = try result.get()
            // The same 8 distinct images twice, under independently drawn distortions.
            let x2 = try #require(batch.x2)
            #expect(batch.x1.shape == x2.shape && batch.x1.shape[0] == 8 && Set(batch.labels).count >= 2)
            #expect(batch.x1.scalars != x2.scalars, "\(which): the two views are identical")
            losses.append(try trainer.step(batch))
        }
        #expect(losses.count == 30 && losses.allSatisfy(\.isFinite), "\(which): \(losses)")
        let first = losses.prefix(8).reduce(0, +) / 8, last = losses.suffix(8).reduce(0, +) / 8
        #expect(last < first, "\(which): mean loss of the first 8 steps \(first), of the last 8 \(last)")
    }

    @Test func viewsAreTheSameImagesWithoutAugmentation() throws {
        var recipe = Self.recipe("vicreg")
        recipe.augment = false
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(recipe: recipe, data: syntheticData(), folder: folder)
        let batch = try #require(trainer.batches(epoch: 0).epoch(0).makeIterator().next()).get()
        #expect(batch.x1.scalars == batch.x2?.scalars)
    }
}
