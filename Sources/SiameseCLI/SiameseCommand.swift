import ArgumentParser
import SiameseCommandLine
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
