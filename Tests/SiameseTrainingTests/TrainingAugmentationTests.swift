import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseModels
@testable import SiameseTraining
import Yams

@Suite struct TrainingAugmentationTests {
    static func ramp(_ side: Int) -> Image {
        Image(width: side, height: side, channels: 1, pixels: (0..<(side * side)).map { Float($0) / Float(side * side) })
    }

    @Test func recipeReadsAugmentationTestTimeAugmentationAndTestFraction() throws {
        let yaml = """
            data: mnist
            augmentation: {rotation: 5, scale: 0.1, horizontalFlip: 0.5, erasing: 0.25}
            testTimeAugmentation: horizontal-flip
            testFraction: 0.2
            """
        let r = try YAMLDecoder().decode(TrainingRecipe.self, from: Data(yaml.utf8))
        let a = try #require(r.augmentation)
        #expect(a.rotation == 5 && a.scale == 0.1 && a.horizontalFlip == 0.5 && a.erasing == 0.25)
        #expect(a.shear == TrainingAugmentation.standard.shear && a.translation == 1)
        #expect(r.testTimeAugmentation == .horizontalFlip && r.testFraction == 0.2)
        #expect(r.problems.isEmpty, "\(r.problems)")
        // Round trip through config.json, which is what --resume and `siamese evaluate` read.
        let again = try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(r))
        #expect(again == r)
        // Without the keys: no test part, no test-time augmentation, the standard distortions.
        let plain = try YAMLDecoder().decode(TrainingRecipe.self, from: Data("data: mnist".utf8))
        #expect(plain.augmentation == nil && plain.testTimeAugmentation == .none && plain.testFraction == nil)
    }

    @Test func recipeReadsTestTimeViewsAndNamesBadOnes() throws {
        let folder = temporaryFolder("tta-recipe")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.yaml")
        try Data("data: omniglot\ntestTimeAugmentation: {views: 5}\n".utf8).write(to: good)
        let r = try TrainingRecipe.load(good)
        #expect(r.testTimeAugmentation == .affine(views: 5) && r.problems.isEmpty, "\(r.problems)")
        // config.json keeps it.
        #expect(try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(r)) == r)
        for (text, says) in [("{views: 12}", "got 12"), ("{views: 0}", "got 0"), ("{turns: 3}", "turns"), ("flip", "flip")] {
            let file = folder.appendingPathComponent("bad.yaml")
            try Data("testTimeAugmentation: \(text)\n".utf8).write(to: file)
            do {
                _ = try TrainingRecipe.load(file)
                Issue.record("testTimeAugmentation: \(text) was accepted")
            } catch let error as RecipeError {
                guard case let .invalid(name, reason) = error else { Issue.record("\(error)"); continue }
                #expect(name == "bad.yaml" && reason.contains(says), "\(reason)")
            }
        }
        var built = TrainingRecipe()
        built.testTimeAugmentation = .affine(views: 10)
        #expect(built.problems.contains { $0.contains("testTimeAugmentation") && $0.contains("got 10") }, "\(built.problems)")
    }

    @Test func unknownOrOutOfRangeSettingsAreNamed() throws {
        let folder = temporaryFolder("augmentation-recipe")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml")
        try Data("augmentation: {flip: 0.5}\n".utf8).write(to: file)
        do {
            _ = try TrainingRecipe.load(file)
            Issue.record("an unknown augmentation key was accepted")
        } catch let error as RecipeError {
            #expect("\(error)".contains("flip") && "\(error)".contains("horizontalFlip"), "\(error)")
        }
        var r = TrainingRecipe()
        var a = TrainingAugmentation()
        a.horizontalFlip = 1.5
        r.augmentation = a
        r.testFraction = 1
        #expect(r.problems.contains { $0.contains("augmentation.horizontalFlip") }, "\(r.problems)")
        #expect(r.problems.contains { $0.contains("testFraction") }, "\(r.problems)")
    }

    @Test func standardSettingsDistortLikeTheTrainersDefault() throws {
        // The same seed gives the same distortion through `augmentation:` left out and through `.standard` spelled out.
        var recipe = tinyRecipe()
        recipe.augment = true
        let folder = temporaryFolder("augmentation")
        defer { try? FileManager.default.removeItem(at: folder) }
        let byDefault = try Trainer(recipe: recipe, data: syntheticData(), folder: folder).augmentation
        recipe.augmentation = .standard
        let spelledOut = try Trainer(recipe: recipe, data: syntheticData(), folder: folder).augmentation
        let image = Self.ramp(12)
        var changed = 0
        for seed in 0..<20 as Range<UInt64> {
            var g1 = SeededGenerator(seed: seed), g2 = SeededGenerator(seed: seed)
            let a = byDefault.apply(image, generator: &g1), b = spelledOut.apply(image, generator: &g2)
            #expect(a.pixels == b.pixels)
            if a.pixels != image.pixels { changed += 1 }
        }
        #expect(changed > 10, "the standard distortions changed only \(changed) of 20 images")
    }

    @Test func chosenStepsAreTheOnesApplied() throws {
        var settings = TrainingAugmentation()
        settings.rotation = 0; settings.shear = 0; settings.scale = 0; settings.translation = 0
        settings.horizontalFlip = 1
        var recipe = tinyRecipe()
        recipe.augment = true
        recipe.augmentation = settings
        let folder = temporaryFolder("augmentation")
        defer { try? FileManager.default.removeItem(at: folder) }
        let augmentation = try Trainer(recipe: recipe, data: syntheticData(), folder: folder).augmentation
        #expect(augmentation.steps.count == 1)
        var g = SeededGenerator(seed: 3)
        let image = Self.ramp(12)
        #expect(augmentation.apply(image, generator: &g).pixels == image.mirroredLeftRight().pixels)
        // augment: false still turns every distortion off.
        recipe.augment = false
        #expect(try Trainer(recipe: recipe, data: syntheticData(), folder: folder).augmentation.steps.isEmpty)
        // Every kind asked for becomes a step, in the documented order.
        var all = TrainingAugmentation()
        all.horizontalFlip = 0.5; all.brightness = 0.2; all.contrast = 0.2; all.erasing = 0.3
        let steps = all.make(side: 56).steps
        #expect(steps.count == 4)
        guard case let .affine(_, _, scale, translation, p, _) = steps[0] else { Issue.record("affine first"); return }
        #expect(scale == (1 - all.scale)...(1 + all.scale) && translation == -2...2 && p == 0.5)
        guard case .horizontalFlip = steps[1], case .colorJitter = steps[2], case .randomErasing = steps[3] else {
            Issue.record("steps out of order: \(steps)"); return
        }
    }
}
