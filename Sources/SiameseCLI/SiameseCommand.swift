import ArgumentParser

/// `siamese`: train, evaluate and use Siamese networks from the command line.
@main
struct SiameseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamese",
        abstract: "Similarity learning with Siamese networks.",
        subcommands: [DemoCommand.self, EvaluateCommand.self, CompareCommand.self, EmbedCommand.self]
    )
}
