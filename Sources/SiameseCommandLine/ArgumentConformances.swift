import ArgumentParser
import SiameseMetricLearning
import SiameseModels
import SiameseTraining

// The library's option types as command-line values, for every command of `siamese` and `siamese-demo`.

extension EncoderConfiguration.Kind: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
extension TrainingRecipe.Optimizer: ExpressibleByArgument {}
extension TrainingRecipe.Split: ExpressibleByArgument {}
extension TrainingRecipe.Criterion: ExpressibleByArgument {}
extension EarlyStopping.Keep: ExpressibleByArgument {}
extension TrainingRecipe.Objective: ExpressibleByArgument {}
extension TestTimeAugmentation: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["none", "horizontal-flip"] + (2...maximumViews).map { "views-\($0)" } }
}
