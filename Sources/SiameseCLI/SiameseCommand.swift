import ArgumentParser
import SiameseMetricLearning
import SiameseModels
import SiameseTraining

/// `siamese`: train, evaluate and use Siamese networks from the command line.
@main
struct SiameseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamese",
        abstract: "Similarity learning with Siamese networks.",
        subcommands: [TrainCommand.self, DemoCommand.self, EvaluateCommand.self, CompareCommand.self, EmbedCommand.self,
                      ConvertCommand.self, ReportCommand.self, GalleryCommand.self, ServeCommand.self]
    )
}

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
