import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation
@testable import SiameseModels
@testable import SiameseTraining

@Suite struct TestSplitTests {
    @Test func classSplitKeepsTestPeopleOutOfTrainingAndValidation() throws {
        // 40 "people" of 10 images, as AT&T: the test people are every fifth class, the ones the two-way split held out.
        let labels = (0..<40).flatMap { Array(repeating: $0, count: 10) }
        var recipe = TrainingRecipe()
        recipe.split = .classes
        recipe.validationFraction = 0.125
        let (training, validation, test, _) = try TrainingData.splitWithTest(labels: labels, classes: Array(0..<40), recipe: recipe,
                                                                              testFraction: 0.2)
        let testClasses = Set(test.map { labels[$0] }), validationClasses = Set(validation.map { labels[$0] })
        let trainingClasses = Set(training.map { labels[$0] })
        #expect(testClasses == Set(stride(from: 4, to: 40, by: 5)))
        let twoWay = try TrainingData.split(labels: labels, classes: Array(0..<40), recipe: { var r = recipe; r.validationFraction = 0.2; return r }())
        #expect(Set(twoWay.validation.map { labels[$0] }) == testClasses)
        #expect(validationClasses.count == 4 && trainingClasses.count == 28)
        #expect(testClasses.isDisjoint(with: trainingClasses) && testClasses.isDisjoint(with: validationClasses))
        #expect(validationClasses.isDisjoint(with: trainingClasses))
        #expect(Set(training + validation + test) == Set(labels.indices) && training.count + validation.count + test.count == labels.count)
    }

    @Test func imageSplitHoldsOutEveryKthImageOfEachClass() throws {
        let labels = (0..<100).map { $0 % 10 }
        var recipe = TrainingRecipe()
        recipe.split = .images
        recipe.validationFraction = 0.125
        let (training, validation, test, _) = try TrainingData.splitWithTest(labels: labels, classes: Array(0..<10), recipe: recipe,
                                                                              testFraction: 0.2)
        // Image i is the (i / 10)-th of class i % 10: every fifth of each class is i / 10 ∈ {4, 9}.
        #expect(Set(test) == Set(labels.indices.filter { ($0 / 10) % 5 == 4 }))
        #expect(Set(test).isDisjoint(with: training) && Set(test).isDisjoint(with: validation) && Set(validation).isDisjoint(with: training))
        #expect(Set(validation.map { labels[$0] }).count == 10 && training.count + validation.count + test.count == 100)
    }

    @Test func tooFewClassesOrABadFractionAreErrors() {
        var recipe = TrainingRecipe()
        recipe.split = .classes
        #expect(throws: RecipeError.self) {
            _ = try TrainingData.splitWithTest(labels: [0, 0, 1, 1, 2, 2], classes: [0, 1, 2], recipe: recipe, testFraction: 0.2)
        }
        #expect(throws: RecipeError.self) {
            _ = try TrainingData.splitWithTest(labels: Array(0..<40), classes: Array(0..<40), recipe: recipe, testFraction: 1.5)
        }
    }

    @Test func finalEvaluationMeasuresTheTestPart() throws {
        var data = syntheticData(classes: 10, perClass: 4)
        // Classes 8 and 9 stay the validation part; 6 and 7 become the test part.
        data.test = data.training.filter { [6, 7].contains(data.labels[$0]) }
        data.training.removeAll { [6, 7].contains(data.labels[$0]) }
        var recipe = tinyRecipe()
        recipe.ways = 2
        var seen: [[Float]] = []
        // Each image's embedding is its own mean pixel and its class's: enough to tell what was measured.
        _ = try RunEvaluation.measure(data: data, recipe: recipe, embed: { images in
            seen += images.map(\.pixels)
            return Tensor(images.flatMap { [$0.pixels.reduce(0, +) / Float($0.pixels.count), 1] }, shape: [images.count, 2])
        }, embedRaw: { _ in Issue.record("no official trials here"); return Tensor.zeros([0, 2]) })
        #expect(seen == data.test.map { data.images[$0].pixels })
    }

    /// Writes `classes` sub-folders of `perClass` 8×8 grey PGM images under `root`.
    static func writeFolder(_ root: URL, classes: [String], perClass: Int, shade: Int) throws {
        for (c, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let pixels = (0..<64).map { UInt8(truncatingIfNeeded: shade + 20 * c + 3 * i + $0) }
                try (Data("P5\n8 8\n255\n".utf8) + Data(pixels)).write(to: folder.appendingPathComponent("\(i).pgm"))
            }
        }
    }

    @Test func testDataFolderBecomesTheTestPartAndNothingElse() throws {
        let root = temporaryFolder("test-data")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.writeFolder(root.appendingPathComponent("train"), classes: ["a", "b", "c"], perClass: 6, shade: 0)
        try Self.writeFolder(root.appendingPathComponent("test"), classes: ["a", "b"], perClass: 2, shade: 100)
        var recipe = TrainingRecipe()
        recipe.data = root.appendingPathComponent("train").path
        recipe.testData = root.appendingPathComponent("test").path
        recipe.encoder = EncoderConfiguration(kind: .mlp, inputSide: 8)
        recipe.split = .images
        recipe.validationFraction = 0.34
        #expect(recipe.problems.isEmpty, "\(recipe.problems)")
        let data = try TrainingData.load(recipe)
        #expect(data.test == Array(18..<22) && data.images.count == 22)
        #expect(Set(data.training + data.validation) == Set(0..<18))
        #expect(data.test.map { data.labels[$0] } == [0, 0, 1, 1])
        // The test images are the other folder's (shade 100 and up), never the training folder's.
        #expect(data.test.allSatisfy { data.images[$0].pixels[0] >= Float(100) / 255 - 1e-6 })
        recipe.testFraction = 0.2
        #expect(recipe.problems.contains { $0.contains("testData and testFraction") })
    }
}
