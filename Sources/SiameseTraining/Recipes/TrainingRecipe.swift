import Foundation
import SiameseCore
import SiameseMetricLearning
import SiameseModels
import Yams

/// Everything `siamese train` needs to know, readable from a JSON or YAML file; each field has a default,
/// and command-line flags override the file. The resolved recipe is written to the run's `config.json`, which
/// is also what `--resume` reads back.
///
/// ```yaml
/// data: omniglot            # omniglot | mnist (bundled) | a folder of class sub-folders | an MNIST IDX folder
/// encoder: {kind: conv4, inputSide: 28, width: 64, blocks: 4}
/// loss: multi-similarity    # any name in Losses.registry or PairLosses.registry, or {name: …, parameters…}
/// miner: multi-similarity   # any name in Miners.registry, or none
/// epochs: 40
/// keep: best                # best (early stopping on the validation part) | last (all epochs, the final weights)
/// ```
public struct TrainingRecipe: Codable, Equatable, Sendable {
    /// How training batches are formed.
    public enum Objective: String, Codable, CaseIterable, Sendable {
        /// Twin pairs (half same-class) with a pair loss (`pair-contrastive`, `online-contrastive`, …).
        case pairs
        /// Labelled P×K batches (classes × samples per class) with any metric loss and an optional miner.
        case labelled
        /// N-way K-shot episodes with the prototypical loss (class means, squared Euclidean distance).
        case episodic
        /// Two augmented views of each sample of a batch, without labels, with a two-view loss (`vicreg`,
        /// `self-supervised`; see `TwoViewLosses`).
        case twoViews = "two-views"
    }

    public enum Optimizer: String, Codable, CaseIterable, Sendable { case adam, adamw }

    /// How held-out data is chosen: whole classes (tests recognition of unseen classes) or images of every class.
    public enum Split: String, Codable, CaseIterable, Sendable { case classes, images }

    /// What early stopping watches.
    public enum Criterion: String, Codable, CaseIterable, Sendable {
        /// N-way one-shot accuracy on episodes drawn from held-out data.
        case oneShot = "one-shot"
        /// Verification ROC-AUC on balanced held-out pairs.
        case rocAUC = "roc-auc"
    }

    public var data = "omniglot"
    public var encoder = EncoderConfiguration(kind: .convNet)
    /// Invert values (dark strokes on white → 1 on 0); default true for Omniglot only.
    public var invert: Bool?
    /// Read images as RGB (3 channels) instead of grey; sets the encoder's input channels.
    public var color = false
    /// Add each training class turned by 90°, 180° and 270° as three new classes.
    public var rotationClasses = false
    /// Random affine distortions (Koch et al.'s ranges, milder) of training images.
    public var augment = true
    /// Which distortions `augment` applies (``TrainingAugmentation``); `nil`: Koch et al.'s affine ranges with p = ½.
    public var augmentation: TrainingAugmentation?
    /// Test-time augmentation of the final evaluation's embeddings (and `siamese evaluate`'s), not of the per-epoch
    /// validation: `none` (default), `horizontal-flip`, or `{views: n}`, the mean of each image's embeddings under n
    /// fixed shifts, turns and scales (``TestTimeAugmentation``).
    public var testTimeAugmentation: TestTimeAugmentation = .none
    /// The loss, by name and parameters. Besides every name in `Losses.registry`, `PairLosses.registry` and
    /// `TwoViewLosses.registry` (these train on two views of each sample), three
    /// short names keep their earlier meaning: `multi-similarity` (with its miner), `triplet` (triplet margin with
    /// batch-hard mining) and `contrastive` (Hadsell et al.'s loss on twin pairs unless `objective: labelled` asks for
    /// PyTorch Metric Learning's `ContrastiveLoss`).
    public var loss: ComponentSpec = "multi-similarity"
    /// The miner for labelled batches (a name in `Miners.registry`, or `none`); by default the loss's usual one.
    public var miner: ComponentSpec?
    /// How batches are formed; by default pairs for pair losses, labelled P×K batches otherwise.
    public var objective: Objective?
    /// The batch sampler (a name in `Samplers.registry`); by default `m-per-class`, `balanced-pairs` or `episodic`
    /// from the sizes below.
    public var sampler: ComponentSpec?
    /// How the trained model compares embeddings (a name in `Distances.registry`), for evaluation and `similarity.json`.
    public var distance: ComponentSpec = "euclidean"
    /// Margin of the `triplet` and `contrastive` short names.
    public var margin: Float = 1
    /// L2-normalise embeddings (advised for multi-similarity, which works on cosine similarities).
    public var normalizeEmbeddings = true
    public var optimizer = Optimizer.adam
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 0
    public var warmupSteps = 50
    public var epochs = 30
    public var stepsPerEpoch = 100
    /// Images per step for P×K losses, pairs per step for the contrastive loss.
    public var batchSize = 256
    /// K of P×K batches: images of each class in a batch.
    public var samplesPerClass = 4
    /// Epochs without a better validation score before training stops (``keep`` `best` only).
    public var patience = 5
    /// Which epoch's weights the run keeps (``EarlyStopping/Keep``): `best` (default), the epoch with the best validation
    /// score, stopping after `patience` epochs without improvement; or `last`, the final epoch of a fixed schedule of
    /// `epochs` epochs (no early stopping, `patience` unused; validation, if any, is only logged). Only `last` allows
    /// `validationFraction: 0`, which trains on every class (or image) not in the test part.
    public var keep = EarlyStopping.Keep.best
    public var split = Split.classes
    /// Fraction of classes (or of each class's images) held out for validation, strictly between 0 and 1; or 0 with
    /// `keep: last` and a test part (`testFraction` or `testData`): no validation part, everything else trains.
    public var validationFraction = 0.1
    /// Fraction of classes (or of each class's images) set apart as a test part before the validation split: never
    /// trained on nor used for early stopping; the final evaluation measures it (see ``TrainingData/test``). `nil`: none.
    public var testFraction: Double?
    /// A separate test set, used whole as the test part: a folder of class sub-folders, or an MNIST-style IDX images file
    /// (`…/t10k-images.idx3-ubyte.gz`, its labels file beside it). Its labels must mean what the training data's mean
    /// (with `split: images`); `nil`: none. Not together with `testFraction`.
    public var testData: String?
    public var criterion: Criterion?
    /// N of the N-way one-shot validation episodes (capped by the held-out classes).
    public var ways = 20
    public var evaluationPairs = 4000
    public var seed: UInt64 = 42
    /// N-way K-shot tasks measured on the held-out classes after training (``FewShotTask``), besides the N-way one-shot
    /// accuracy every run reports; results in ``RunEvaluation/fewShot``. `nil`: none.
    public var fewShotGrid: [FewShotTask]?

    public init() {}

    /// The early-stopping criterion, defaulting to one-shot accuracy for a class split and ROC-AUC otherwise.
    public var resolvedCriterion: Criterion { criterion ?? (split == .classes ? .oneShot : .rocAUC) }
    public var resolvedInvert: Bool { invert ?? (data == "omniglot") }

    /// Problems that make the recipe unusable, each a line naming the field.
    public var problems: [String] {
        var out = encoder.problems.map { "encoder: \($0)" }
        if color && (data == "omniglot" || data == "mnist") { out.append("color: the bundled \(data) images are grey") }
        if encoder.inputChannels != (color ? 3 : 1) {
            out.append("encoder: inputChannels \(encoder.inputChannels) does not match color: \(color)")
        }
        if epochs < 1 { out.append("epochs must be positive") }
        if stepsPerEpoch < 1 { out.append("stepsPerEpoch must be positive") }
        if batchSize < 2 { out.append("batchSize must be at least 2") }
        if resolvedObjective == .labelled && (samplesPerClass < 2 || batchSize < 2 * samplesPerClass) {
            out.append("samplesPerClass must be at least 2 and batchSize at least twice samplesPerClass")
        }
        if !(learningRate > 0 && learningRate.isFinite) { out.append("learningRate must be a positive number") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { out.append("weightDecay must be zero or positive") }
        if !(margin > 0 && margin.isFinite) { out.append("margin must be a positive number") }
        if warmupSteps < 0 { out.append("warmupSteps must not be negative") }
        if patience < 1 { out.append("patience must be at least 1") }
        if validationFraction == 0 && keep == .last {
            if testFraction == nil && testData == nil {
                out.append("validationFraction 0 leaves nothing to measure the trained model on; set testFraction or testData")
            }
        } else if validationFraction == 0 {
            out.append("validationFraction 0 (no validation part) needs keep: last; keep: best chooses the epoch on the validation part")
        } else if !(validationFraction > 0 && validationFraction < 1) {
            out.append("validationFraction must lie strictly between 0 and 1 (or be 0 with keep: last)")
        }
        if ways < 2 { out.append("ways must be at least 2") }
        if evaluationPairs < 20 { out.append("evaluationPairs must be at least 20") }
        if let problem = objectiveProblem { out.append(problem) }
        if let augmentation { out += augmentation.problems }
        out += testTimeAugmentation.problems
        if let testFraction, !(testFraction > 0 && testFraction < 1) { out.append("testFraction must lie strictly between 0 and 1") }
        if testData != nil && testFraction != nil { out.append("testData and testFraction both set a test part apart; give one") }
        for task in fewShotGrid ?? [] { out += task.problems }
        if !Distances.registry.contains(distance.name) {
            out.append("distance: unknown '\(distance.name)' (known: \(Distances.registry.names.joined(separator: ", ")))")
        }
        return out
    }

    /// Reads a recipe from `url`: YAML for `.yaml`/`.yml`, JSON otherwise. Unknown keys are errors, so a typo
    /// does not silently fall back to a default.
    public static func load(_ url: URL) throws -> TrainingRecipe {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RecipeError.unreadable(path: url.path)
        }
        let yaml = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        do {
            return yaml ? try YAMLDecoder().decode(TrainingRecipe.self, from: data)
                        : try JSONDecoder().decode(TrainingRecipe.self, from: data)
        } catch let error as DecodingError {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: Self.describe(error))
        } catch let error as RecipeKeyError {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: error.message)
        } catch {
            throw RecipeError.invalid(file: url.lastPathComponent, reason: "not valid \(yaml ? "YAML" : "JSON"): \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "\(path(c)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c)): missing \(key.stringValue)"
        case .dataCorrupted(let c):
            // YAMLDecoder wraps errors thrown while decoding (an unknown key) in dataCorrupted.
            if let inner = c.underlyingError as? RecipeKeyError { return inner.message }
            let detail = c.underlyingError.map { "\(c.debugDescription) (\($0))" } ?? c.debugDescription
            return path(c).isEmpty ? detail : "\(path(c)): \(detail)"
        @unknown default:
            return "\(error)"
        }
    }
}

// Decoding: every key optional (the defaults above), unknown keys rejected, and `encoder` given either as a
// kind name ("conv4") or as a full object.
extension TrainingRecipe {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case data, encoder, invert, color, rotationClasses, augment, loss, miner, objective, sampler, distance, margin
        case normalizeEmbeddings, optimizer, learningRate
        case weightDecay, warmupSteps, epochs, stepsPerEpoch, batchSize, samplesPerClass, patience, keep, split
        case validationFraction, criterion, ways, evaluationPairs, seed
        case augmentation, testTimeAugmentation, testFraction, testData, fewShotGrid
    }

    public init(from decoder: Decoder) throws {
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
        if let first = unknown.sorted().first {
            throw RecipeKeyError(message: "unknown key '\(first)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try read(.data, into: &data)
        if let kind = try? c.decodeIfPresent(EncoderConfiguration.Kind.self, forKey: .encoder) {
            encoder = EncoderConfiguration(kind: kind)
        } else if c.contains(.encoder) {
            encoder = try c.decode(EncoderSpec.self, forKey: .encoder).configuration
        }
        invert = try c.decodeIfPresent(Bool.self, forKey: .invert)
        try read(.color, into: &color)
        if color { encoder.inputChannels = 3 }
        try read(.rotationClasses, into: &rotationClasses)
        try read(.augment, into: &augment)
        try read(.loss, into: &loss)
        miner = try c.decodeIfPresent(ComponentSpec.self, forKey: .miner)
        objective = try c.decodeIfPresent(Objective.self, forKey: .objective)
        sampler = try c.decodeIfPresent(ComponentSpec.self, forKey: .sampler)
        try read(.distance, into: &distance)
        try read(.margin, into: &margin)
        try read(.normalizeEmbeddings, into: &normalizeEmbeddings)
        try read(.optimizer, into: &optimizer)
        try read(.learningRate, into: &learningRate)
        try read(.weightDecay, into: &weightDecay)
        try read(.warmupSteps, into: &warmupSteps)
        try read(.epochs, into: &epochs)
        try read(.stepsPerEpoch, into: &stepsPerEpoch)
        try read(.batchSize, into: &batchSize)
        try read(.samplesPerClass, into: &samplesPerClass)
        try read(.patience, into: &patience)
        try read(.keep, into: &keep)
        try read(.split, into: &split)
        try read(.validationFraction, into: &validationFraction)
        criterion = try c.decodeIfPresent(Criterion.self, forKey: .criterion)
        try read(.ways, into: &ways)
        try read(.evaluationPairs, into: &evaluationPairs)
        try read(.seed, into: &seed)
        augmentation = try c.decodeIfPresent(TrainingAugmentation.self, forKey: .augmentation)
        try read(.testTimeAugmentation, into: &testTimeAugmentation)
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction)
        testData = try c.decodeIfPresent(String.self, forKey: .testData)
        fewShotGrid = try c.decodeIfPresent([FewShotTask].self, forKey: .fewShotGrid)
    }
}

/// An encoder object in a recipe: `kind` plus any of the sizes; the rest take the kind's defaults.
private struct EncoderSpec: Decodable {
    let configuration: EncoderConfiguration

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, inputSide, inputChannels, width, blocks, embeddingSize, hidden
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(EncoderConfiguration.Kind.self, forKey: .kind)
        configuration = EncoderConfiguration(
            kind: kind, inputSide: try c.decodeIfPresent(Int.self, forKey: .inputSide),
            inputChannels: try c.decodeIfPresent(Int.self, forKey: .inputChannels) ?? 1,
            width: try c.decodeIfPresent(Int.self, forKey: .width), blocks: try c.decodeIfPresent(Int.self, forKey: .blocks),
            embeddingSize: try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? 64,
            hidden: try c.decodeIfPresent([Int].self, forKey: .hidden) ?? [256])
    }
}

/// An unknown key in a recipe (thrown while decoding, reported as ``RecipeError/invalid(file:reason:)``).
struct RecipeKeyError: Error {
    let message: String
}
