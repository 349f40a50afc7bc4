import Foundation
import Testing
@testable import SiameseModels
@testable import SiameseTraining

/// The default demo's recipe exists once, in the library; the shipped YAML file must say the same.
@Suite struct OmniglotDemoRecipeTests {
    static let yaml = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recipes/omniglot-conv4.yaml")

    @Test func theShippedYAMLIsTheLibrarysDemoRecipe() throws {
        let loaded = try TrainingRecipe.load(Self.yaml)
        #expect(loaded == TrainingRecipe.omniglotDemo)
        #expect(TrainingRecipe.omniglotDemo.problems.isEmpty, "\(TrainingRecipe.omniglotDemo.problems)")
    }

    @Test func aChangedValueIsNoticed() throws {
        // The comparison above can fail: one changed key makes the recipes differ.
        var changed = try TrainingRecipe.load(Self.yaml)
        changed.epochs += 1
        #expect(changed != TrainingRecipe.omniglotDemo)
        changed = try TrainingRecipe.load(Self.yaml)
        changed.testTimeAugmentation = .none
        #expect(changed != TrainingRecipe.omniglotDemo)
    }
}
