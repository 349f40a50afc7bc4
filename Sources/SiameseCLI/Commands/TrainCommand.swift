import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseCore
import SiameseMetricLearning
import SiameseNN
import SiameseText
import SiameseTraining

/// `siamese train`: trains a Siamese encoder from a recipe (file and/or flags), with early stopping, a run
/// folder and resumable checkpoints, then evaluates it on held-out data.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Siamese encoder from a JSON/YAML recipe or flags; evaluate it on held-out classes.",
        discussion: """
        Data: omniglot or mnist (bundled), a folder of class sub-folders of images (PNG, JPEG, PGM/PPM), or a folder \
        of MNIST-style IDX files. Flags override the recipe file. The run folder receives config.json (the resolved \
        recipe), preprocessing.json, checkpoint/ (best epoch), last/ (latest epoch, for --resume), metrics.json, log.txt and report.html.
        """
    )

    @Option(help: "Recipe file (.json, .yaml or .yml).") var recipe: String?
    @Option(help: ArgumentHelp("Continue an interrupted run from its folder's last/ checkpoint (its config.json is the recipe).",
                               discussion: "A different --epochs also stretches the learning-rate schedule."))
    var resume: String?
    @Option(help: "omniglot, mnist, or a folder.") var data: String?
    @Option(help: "Encoder.") var encoder: EncoderConfiguration.Kind?
    @Option(help: "Input image side in pixels (default: the encoder's; 28 for conv4).") var inputSide: Int?
    @Option(help: "Channels of conv4/residual blocks.") var width: Int?
    @Option(help: "conv4 blocks or residual stages.") var blocks: Int?
    @Option(help: "Embedding size (residual, mlp).") var embeddingSize: Int?
    @Option(help: ArgumentHelp("Loss, by name: multi-similarity, triplet, contrastive, any metric or pair loss of the library, or a few-shot one (prototypical, matching, relation, koch).",
                               discussion: "Parameters go in a recipe file: loss: {name: circle, m: 0.25}.")) var loss: String?
    @Option(help: "Miner for labelled batches (a miner name, or none).") var miner: String?
    @Option(help: "pairs, labelled, episodic or two-views (default: from the loss).") var objective: TrainingRecipe.Objective?
    @Option(help: "How the model compares embeddings: euclidean, cosine, … (default euclidean).") var distance: String?
    @Option(help: "Margin of the triplet and contrastive losses.") var margin: Float?
    @Option(help: "adam or adamw.") var optimizer: TrainingRecipe.Optimizer?
    @Option(help: "Peak learning rate (warm-up, then cosine decay to 1/20 of it).") var learningRate: Float?
    @Option(help: "Weight decay.") var weightDecay: Float?
    @Option(help: "Most epochs to train.") var epochs: Int?
    @Option(help: "Optimisation steps per epoch.") var stepsPerEpoch: Int?
    @Option(help: "Images per step (P×K losses) or pairs per step (contrastive).") var batchSize: Int?
    @Option(help: "K of P×K batches.") var samplesPerClass: Int?
    @Option(help: "Stop after this many epochs without a better validation score.") var patience: Int?
    @Option(help: "Keep the best validated epoch (early stopping) or the last of all --epochs: best or last.") var keep: EarlyStopping.Keep?
    @Option(help: "Hold out whole classes or images of every class: classes or images.") var split: TrainingRecipe.Split?
    @Option(help: "Early-stopping score: one-shot or roc-auc.") var criterion: TrainingRecipe.Criterion?
    @Option(help: "Fraction of classes (or images) held out.") var validationFraction: Double?
    @Option(help: "N of the N-way one-shot validation episodes.") var ways: Int?
    @Option(help: "Held-out pairs for the verification metrics.") var evaluationPairs: Int?
    @Option(help: "Learning-rate warm-up steps.") var warmupSteps: Int?
    @Flag(inversion: .prefixedNo, help: "Random affine distortions of training images.") var augment: Bool?
    @Flag(inversion: .prefixedNo, help: "Read images as RGB (3 channels) instead of grey.") var color: Bool?
    @Flag(inversion: .prefixedNo, help: "Add each training class turned by 90°, 180°, 270° as new classes.") var rotationClasses: Bool?
    @Option(help: ArgumentHelp("Train at most this many epochs in this call, then stop resumably (continue with --resume).",
                               discussion: "The schedule still spans all --epochs, so a paused and resumed run equals an uninterrupted one."))
    var pauseAfter: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(help: "Test-time augmentation of the final evaluation: none, horizontal-flip, or views-N (the mean over N of 9 fixed views).")
    var testTimeAugmentation: TestTimeAugmentation?
    @Option(help: "Threads for the engine and the BLAS (default: all cores).") var threads: Int?
    @Option(help: "Run folder (default: runs/train-<time>).") var output: String?
    @Flag(help: "Print the resolved recipe as JSON and stop without training.") var dryRun = false
    @Flag(help: "No progress bar.") var quiet = false
    @Flag(help: "Print the final metrics as JSON on standard output.") var json = false
    @Flag(name: .customLong("no-report"), help: "Do not write report.html into the run folder.") var noReport = false

    /// Flags that change the recipe (not allowed with --resume, except --epochs and --patience).
    private var recipeFlags: [String] {
        var out: [String] = []
        func note(_ value: Any?, _ name: String) { if value != nil { out.append(name) } }
        note(recipe, "--recipe"); note(data, "--data"); note(encoder, "--encoder"); note(inputSide, "--input-side")
        note(width, "--width"); note(blocks, "--blocks"); note(embeddingSize, "--embedding-size"); note(loss, "--loss"); note(miner, "--miner"); note(objective, "--objective"); note(distance, "--distance")
        note(margin, "--margin"); note(optimizer, "--optimizer"); note(learningRate, "--learning-rate")
        note(weightDecay, "--weight-decay"); note(stepsPerEpoch, "--steps-per-epoch"); note(batchSize, "--batch-size")
        note(samplesPerClass, "--samples-per-class"); note(split, "--split"); note(criterion, "--criterion")
        note(validationFraction, "--validation-fraction"); note(ways, "--ways"); note(evaluationPairs, "--evaluation-pairs")
        note(warmupSteps, "--warmup-steps"); note(keep, "--keep")
        note(augment, "--augment"); note(color, "--color"); note(rotationClasses, "--rotation-classes"); note(seed, "--seed"); note(testTimeAugmentation, "--test-time-augmentation"); note(output, "--output")
        return out
    }

    /// The recipe file (or defaults) with the flags applied.
    func resolvedRecipe() throws -> TrainingRecipe {
        var r = try recipe.map { try TrainingRecipe.load(URL(fileURLWithPath: $0)) } ?? TrainingRecipe()
        if let data { r.data = data }
        if let encoder, encoder != r.encoder.kind { r.encoder = EncoderConfiguration(kind: encoder, inputChannels: r.encoder.inputChannels) }
        if let color {
            r.color = color
            r.encoder.inputChannels = color ? 3 : 1
        }
        if let inputSide { r.encoder.inputSide = inputSide }
        if let width { r.encoder.width = width }
        if let blocks { r.encoder.blocks = blocks }
        if let embeddingSize { r.encoder.embeddingSize = embeddingSize }
        if let loss { r.loss = ComponentSpec(name: loss) }
        if let miner { r.miner = ComponentSpec(name: miner) }
        if let objective { r.objective = objective }
        if let distance { r.distance = ComponentSpec(name: distance) }
        if let margin { r.margin = margin }
        if let optimizer { r.optimizer = optimizer }
        if let learningRate { r.learningRate = learningRate }
        if let weightDecay { r.weightDecay = weightDecay }
        if let epochs { r.epochs = epochs }
        if let stepsPerEpoch { r.stepsPerEpoch = stepsPerEpoch }
        if let batchSize { r.batchSize = batchSize }
        if let samplesPerClass { r.samplesPerClass = samplesPerClass }
        if let patience { r.patience = patience }
        if let keep { r.keep = keep }
        if let split { r.split = split }
        if let criterion { r.criterion = criterion }
        if let validationFraction { r.validationFraction = validationFraction }
        if let ways { r.ways = ways }
        if let evaluationPairs { r.evaluationPairs = evaluationPairs }
        if let warmupSteps { r.warmupSteps = warmupSteps }
        if let augment { r.augment = augment }
        if let rotationClasses { r.rotationClasses = rotationClasses }
        if let seed { r.seed = seed }
        if let testTimeAugmentation { r.testTimeAugmentation = testTimeAugmentation }
        return r
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let pauseAfter, pauseAfter < 1 { throw ValidationError("--pause-after must be at least 1") }
        if resume != nil, let flag = recipeFlags.first {
            throw ValidationError("\(flag) cannot be combined with --resume: a resumed run keeps its recipe (only --epochs and --patience may change)")
        }
    }

    func run() throws { try reportingPlainly(execute) }

    private func execute() throws {
        if let threads { Threading.threadCount = threads }
        if let recipe, TextRecipe.isTextRecipe(URL(fileURLWithPath: recipe)) { return try trainText(URL(fileURLWithPath: recipe)) }
        var recipe: TrainingRecipe
        let folder: RunFolder
        if let resume {
            let url = URL(fileURLWithPath: resume)
            let config = url.appendingPathComponent("config.json")
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("last/checkpoint.json").path) else {
                throw ValidationError("\(resume) has no last/ checkpoint to resume from")
            }
            recipe = try TrainingRecipe.load(config)
            if let epochs { recipe.epochs = epochs }
            if let patience { recipe.patience = patience }
            folder = try RunFolder(root: url, name: "", explicit: url)
        } else {
            recipe = try resolvedRecipe()
            if let problem = recipe.problems.first { throw ValidationError("recipe: \(problem)") }
            if dryRun {
                try printJSON(recipe)
                return
            }
            folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "train", explicit: output.map { URL(fileURLWithPath: $0) })
        }
        if let problem = recipe.problems.first { throw ValidationError("recipe: \(problem)") }
        if !quiet { status("siamese train: loading \(recipe.data)…") }
        let report = try TrainingRun.execute(
            recipe: recipe, folder: folder, resuming: resume != nil, pauseAfter: pauseAfter,
            callbacks: .terminal(quiet: quiet, unit: recipe.resolvedObjective == .pairs ? "pairs" : "images"),
            notes: { status("siamese train: note: " + $0) })
        if json {
            try printJSON(report)
        } else {
            print(report.evaluation.text)
            print(String(format: "Training: %.1f s in this call; weights of epoch %d of %d. Run folder: %@",
                         report.trainingSeconds, report.bestEpoch, report.history.count, folder.url.path))
        }
        // A paused run is not finished: its report comes when it is.
        writeReport(run: folder.url, enabled: !noReport && (pauseAfter == nil || report.history.count >= recipe.epochs))
    }

    /// `kind: text` recipes: fine-tune or train a sentence-transformers model on scored pairs.
    private func trainText(_ url: URL) throws {
        if let flag = recipeFlags.first(where: { !["--recipe", "--output", "--seed", "--epochs", "--batch-size", "--learning-rate"].contains($0) }) ?? (resume != nil ? "--resume" : nil) {
            throw ValidationError("\(flag) does not apply to a text recipe (only --output, --seed, --epochs, --batch-size, --learning-rate)")
        }
        var recipe = try TextRecipe.load(url)
        if let seed { recipe.seed = seed }
        if let epochs { recipe.epochs = epochs }
        if let batchSize { recipe.batchSize = batchSize }
        if let learningRate { recipe.learningRate = learningRate }
        if let problem = recipe.problems.first { throw ValidationError("recipe: \(problem)") }
        if dryRun { return try printJSON(recipe) }
        let folder = try RunFolder(root: URL(fileURLWithPath: "runs"), name: "text", explicit: output.map { URL(fileURLWithPath: $0) })
        let bar = TrainingCallbacks.terminal(quiet: quiet, unit: "pairs")
        let report = try TextTrainingRun.execute(recipe: recipe, folder: folder, progress: bar.progress, log: { status("siamese train: " + $0) })
        if json {
            try printJSON(report)
        } else {
            for e in report.after { print(e.text) }
            print(String(format: "Training: %d steps in %.1f s. Run folder: %@ (model in model/)", report.steps, report.trainingSeconds, folder.url.path))
        }
    }
}
