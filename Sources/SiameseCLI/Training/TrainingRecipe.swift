import ArgumentParser
import Foundation
import SiameseMetricLearning
import Yams

/// Everything `siamese train` needs to know, readable from a JSON or YAML file; each field has a default,
/// and command-line flags override the file. The resolved recipe is written to the run's `config.json`, which
/// is also what `--resume` reads back.
///
/// ```yaml
/// data: omniglot            # omniglot | mnist (bundled) | a folder of class sub-folders | an MNIST IDX folder
/// encoder: {kind: conv4, inputSide: 28, width: 64, blocks: 4}
/// loss: multi-similarity    # multi-similarity | triplet | contrastive
/// epochs: 40
/// ```
struct TrainingRecipe: Codable, Equatable {
    enum Loss: String, Codable, CaseIterable, ExpressibleByArgument {
        /// Multi-similarity loss on P×K batches with its miner (Wang et al. 2019).
        case multiSimilarity = "multi-similarity"
        /// Triplet margin loss on P×K batches with batch-hard mining.
        case triplet
        /// Hadsell et al.'s contrastive loss on balanced twin pairs.
        case contrastive
    }

    enum Optimizer: String, Codable, CaseIterable, ExpressibleByArgument { case adam, adamw }

    /// How held-out data is chosen: whole classes (tests recognition of unseen classes) or images of every class.
    enum Split: String, Codable, CaseIterable, ExpressibleByArgument { case classes, images }

    /// What early stopping watches.
    enum Criterion: String, Codable, CaseIterable, ExpressibleByArgument {
        /// N-way one-shot accuracy on episodes drawn from held-out data.
        case oneShot = "one-shot"
        /// Verification ROC-AUC on balanced held-out pairs.
        case rocAUC = "roc-auc"
    }

    var data = "omniglot"
    var encoder = EncoderConfiguration(kind: .convNet)
    /// Invert values (dark strokes on white → 1 on 0); default true for Omniglot only.
    var invert: Bool?
    /// Read images as RGB (3 channels) instead of grey; sets the encoder's input channels.
    var color = false
    /// Add each training class turned by 90°, 180° and 270° as three new classes.
    var rotationClasses = false
    /// Random affine distortions (Koch et al.'s ranges, milder) of training images.
    var augment = true
    var loss = Loss.multiSimilarity
    /// Margin of the triplet and contrastive losses.
    var margin: Float = 1
    /// L2-normalise embeddings (advised for multi-similarity, which works on cosine similarities).
    var normalizeEmbeddings = true
    var optimizer = Optimizer.adam
    var learningRate: Float = 1e-3
    var weightDecay: Float = 0
    var warmupSteps = 50
    var epochs = 30
    var stepsPerEpoch = 100
    /// Images per step for P×K losses, pairs per step for the contrastive loss.
    var batchSize = 256
    /// K of P×K batches: images of each class in a batch.
    var samplesPerClass = 4
    var patience = 5
    var split = Split.classes
    /// Fraction of classes (or of each class's images) held out for validation.
    var validationFraction = 0.1
    var criterion: Criterion?
    /// N of the N-way one-shot validation episodes (capped by the held-out classes).
    var ways = 20
    var evaluationPairs = 4000
    var seed: UInt64 = 42

    init() {}

    /// The early-stopping criterion, defaulting to one-shot accuracy for a class split and ROC-AUC otherwise.
    var resolvedCriterion: Criterion { criterion ?? (split == .classes ? .oneShot : .rocAUC) }
    var resolvedInvert: Bool { invert ?? (data == "omniglot") }

    /// Problems that make the recipe unusable, each a line naming the field.
    var problems: [String] {
        var out = encoder.problems.map { "encoder: \($0)" }
        if color && (data == "omniglot" || data == "mnist") { out.append("color: the bundled \(data) images are grey") }
        if encoder.inputChannels != (color ? 3 : 1) {
            out.append("encoder: inputChannels \(encoder.inputChannels) does not match color: \(color)")
        }
        if epochs < 1 { out.append("epochs must be positive") }
        if stepsPerEpoch < 1 { out.append("stepsPerEpoch must be positive") }
        if batchSize < 2 { out.append("batchSize must be at least 2") }
        if loss != .contrastive && (samplesPerClass < 2 || batchSize < 2 * samplesPerClass) {
            out.append("samplesPerClass must be at least 2 and batchSize at least twice samplesPerClass")
        }
        if !(learningRate > 0 && learningRate.isFinite) { out.append("learningRate must be a positive number") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { out.append("weightDecay must be zero or positive") }
        if !(margin > 0 && margin.isFinite) { out.append("margin must be a positive number") }
        if warmupSteps < 0 { out.append("warmupSteps must not be negative") }
        if patience < 1 { out.append("patience must be at least 1") }
        if !(validationFraction > 0 && validationFraction < 1) { out.append("validationFraction must lie strictly between 0 and 1") }
        if ways < 2 { out.append("ways must be at least 2") }
        if evaluationPairs < 20 { out.append("evaluationPairs must be at least 20") }
        return out
    }

    /// Reads a recipe from `url`: YAML for `.yaml`/`.yml`, JSON otherwise. Unknown keys are errors, so a typo
    /// does not silently fall back to a default.
    static func load(_ url: URL) throws -> TrainingRecipe {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("cannot read recipe \(url.path)")
        }
        let yaml = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        do {
            return yaml ? try YAMLDecoder().decode(TrainingRecipe.self, from: data)
                        : try JSONDecoder().decode(TrainingRecipe.self, from: data)
        } catch let error as DecodingError {
            throw ValidationError("recipe \(url.lastPathComponent): \(Self.describe(error))")
        } catch let error as ValidationError {
            throw ValidationError("recipe \(url.lastPathComponent): \(error.message)")
        } catch {
            throw ValidationError("recipe \(url.lastPathComponent) is not valid \(yaml ? "YAML" : "JSON"): \(error)")
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
            if let inner = c.underlyingError as? ValidationError { return inner.message }
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
        case data, encoder, invert, color, rotationClasses, augment, loss, margin, normalizeEmbeddings, optimizer, learningRate
        case weightDecay, warmupSteps, epochs, stepsPerEpoch, batchSize, samplesPerClass, patience, split
        case validationFraction, criterion, ways, evaluationPairs, seed
    }

    init(from decoder: Decoder) throws {
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
        if let first = unknown.sorted().first {
            throw ValidationError("unknown key '\(first)' (known: \(known.sorted().joined(separator: ", ")))")
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
        try read(.split, into: &split)
        try read(.validationFraction, into: &validationFraction)
        criterion = try c.decodeIfPresent(Criterion.self, forKey: .criterion)
        try read(.ways, into: &ways)
        try read(.evaluationPairs, into: &evaluationPairs)
        try read(.seed, into: &seed)
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
