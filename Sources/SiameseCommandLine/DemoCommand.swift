import ArgumentParser
import Foundation
import SiameseCore
import SiameseModels
import SiameseTraining

/// `siamese demo` (and the `siamese-demo` program): trains a twin network on data bundled with the program and reports how well it works.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a Siamese CNN on bundled data and report one-shot or verification results.",
        discussion: """
        omniglot (default): trains a Conv-4 encoder with the multi-similarity loss on Omniglot's two minimal background \
        sets (242 characters, 4,840 drawings; 24 characters held out, the others also turned by 90°, 180°, 270° as new \
        characters) and reports accuracy on the 400 official 20-way one-shot trials, whose alphabets it never saw. \
        It is `siamese train --recipe recipes/omniglot-conv4.yaml`.
        mnist: trains on 7,000 of the bundled MNIST test digits and reports ROC-AUC, EER and accuracy on 2,000 \
        held-out digits. Every run writes a folder with its config, metrics, a checkpoint and a log.
        """
    )

    public init() {}

    enum Dataset: String, ExpressibleByArgument, CaseIterable, Codable { case omniglot, mnist }
    /// What the Omniglot demo optimises: twin pairs with the contrastive loss, or P×K batches with multi-similarity.
    enum Objective: String, ExpressibleByArgument, CaseIterable, Codable {
        case pairs
        case multiSimilarity = "multi-similarity"
    }

    @Option(help: "omniglot or mnist.") var dataset: Dataset = .omniglot
    @Option(help: "Training epochs (default: at most 12 for omniglot, with early stopping; 3 for mnist).") var epochs: Int?
    @Option(help: "Images per step (omniglot multi-similarity, default 256) or pairs per step (default 128).") var batchSize: Int?
    @Option(help: "Training images or pairs per epoch (default: 25600 for omniglot, 12000 for mnist).") var pairsPerEpoch: Int?
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Contrastive margin.") var margin: Float = 1
    @Option(help: "Held-out pairs for verification metrics (default: 4000 for omniglot, as the recipe; 8000 for mnist).")
    var evaluationPairs: Int?
    @Flag(inversion: .prefixedNo, help: "omniglot: Koch et al.'s random affine distortions of training images.") var augment = true
    @Option(help: "omniglot: multi-similarity (P×K batches, mined) or pairs (contrastive twin pairs).") var objective: Objective = .multiSimilarity
    @Option(help: "omniglot: stop after this many epochs without a better held-out one-shot accuracy.") var patience = 4
    @Option(help: "Random seed (weights, pairs, augmentation).") var seed: UInt64 = 42
    @Option(help: "omniglot: test-time augmentation of the final evaluation (default views-9: the mean over 9 fixed views; none, horizontal-flip, views-N).")
    var testTimeAugmentation: TestTimeAugmentation?
    @Option(help: "Threads for the engine and the BLAS (default: all cores).") var threads: Int?
    @Option(help: "Run folder (default: runs/demo-<dataset>-<time>).") var output: String?
    @Flag(help: "Print the final metrics as JSON on standard output.") var json = false
    @Flag(name: .customLong("no-report"), help: "Do not write report.html into the run folder.") var noReport = false

    var resolvedEvaluationPairs: Int { evaluationPairs ?? (dataset == .omniglot ? TrainingRecipe.omniglotDemo.evaluationPairs : 8000) }
    var resolvedEpochs: Int { epochs ?? (dataset == .omniglot ? TrainingRecipe.omniglotDemo.epochs : 3) }
    var resolvedBatchSize: Int { batchSize ?? (dataset == .omniglot && objective == .multiSimilarity ? 256 : 128) }
    var resolvedPairs: Int { pairsPerEpoch ?? (dataset == .omniglot ? 25_600 : 12_000) }

    public func validate() throws {
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive") }
        guard resolvedBatchSize > 1 else { throw ValidationError("--batch-size must be at least 2") }
        guard resolvedPairs >= resolvedBatchSize else { throw ValidationError("--pairs-per-epoch must be at least --batch-size") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be a positive number") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard resolvedEvaluationPairs >= 20 else { throw ValidationError("--evaluation-pairs must be at least 20") }
        guard patience >= 1 else { throw ValidationError("--patience must be at least 1") }
    }

    public func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        if let threads { Threading.threadCount = threads }
        let folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "demo-\(dataset.rawValue)",
                                   explicit: output.map { URL(fileURLWithPath: $0) })
        switch dataset {
        case .omniglot:
            try OmniglotDemo(settings: self, folder: folder).execute()
        case .mnist:
            try MNISTDemo(settings: self, folder: folder).execute()
        }
        writeReport(run: folder.url, enabled: !noReport)
    }

    /// Prints `report` as JSON (with `--json`) or as the human summary.
    func publish<R: Encodable>(_ report: R, summary: String) throws {
        if json {
            try printJSON(report)
        } else {
            print(summary)
        }
    }

}
