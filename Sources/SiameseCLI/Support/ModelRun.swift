import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseMetricLearning
import SiameseNN
import SiameseOptimizers

/// How a run's model expects its input images: written by training as `preprocessing.json`.
struct InputRecipe: Codable, Sendable {
    /// Encoder input side (square), e.g. 28 for the tutorial CNN.
    var size: Int
    /// Whether to invert values first (Omniglot: strokes become 1 on 0).
    var invert: Bool
    var mean: Float
    var std: Float
    /// 1 (grey) or 3 (RGB); files written before colour support hold no value and mean grey.
    var channels: Int = 1

    var colorMode: ColorMode { channels == 3 ? .rgb : .grey }

    init(size: Int, invert: Bool, mean: Float, std: Float, channels: Int = 1) {
        self.size = size; self.invert = invert; self.mean = mean; self.std = std; self.channels = channels
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.decode(Int.self, forKey: .size)
        invert = try c.decode(Bool.self, forKey: .invert)
        mean = try c.decode(Float.self, forKey: .mean)
        std = try c.decode(Float.self, forKey: .std)
        channels = try c.decodeIfPresent(Int.self, forKey: .channels) ?? 1
    }

    /// Inverts (when asked) and area-resizes one image to the encoder's input side.
    static func prepared(_ image: Image, size: Int, invert: Bool) -> Image {
        let flipped = invert ? Image(width: image.width, height: image.height, channels: image.channels, pixels: image.pixels.map { 1 - $0 }) : image
        return flipped.resized(height: size, width: size, method: .area)
    }

    func prepared(_ image: Image) -> Image { Self.prepared(image, size: size, invert: invert) }

    /// Normalises already prepared images and stacks them into `[n, channels, size, size]`.
    func stack(_ prepared: [Image]) -> Tensor {
        Tensor(prepared.flatMap { $0.pixels.map { ($0 - mean) / std } }, shape: [prepared.count, channels, size, size])
    }

    /// Embeddings of prepared images, `batchSize` at a time, in evaluation mode and without a graph (what
    /// training's validation, `evaluate` and `compare` all use).
    func embed(_ prepared: [Image], with network: SiameseNetwork<AnyEncoder>, batchSize: Int = 512) -> Tensor {
        let parts = stride(from: 0, to: prepared.count, by: batchSize).map {
            network.embedAll(stack(Array(prepared[$0..<Swift.min(prepared.count, $0 + batchSize)])), batchSize: batchSize)
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }
}

/// What a run's checkpoint stores as its architecture: the encoder and whether embeddings are L2-normalised.
struct NetworkArchitecture: Codable, Equatable {
    var encoder: EncoderConfiguration
    var normalizeEmbeddings: Bool

    var jsonString: String {
        let coder = JSONEncoder()
        coder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? coder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads an architecture text; early demo runs stored only `{"encoder":"TutorialCNN",…}`.
    init(text: String) throws {
        if let decoded = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) {
            self = decoded
        } else {
            self.init(encoder: try EncoderConfiguration(architecture: text), normalizeEmbeddings: false)
        }
    }

    init(encoder: EncoderConfiguration, normalizeEmbeddings: Bool) {
        self.encoder = encoder
        self.normalizeEmbeddings = normalizeEmbeddings
    }
}

/// A trained model loaded from a run folder (checkpoint, input recipe and the calibrated threshold).
struct ModelRun {
    let network: SiameseNetwork<AnyEncoder>
    let architecture: NetworkArchitecture
    let recipe: InputRecipe
    let threshold: Double?

    init(folder: URL) throws {
        let fm = FileManager.default
        let checkpoint = folder.appendingPathComponent("checkpoint")
        guard fm.fileExists(atPath: checkpoint.appendingPathComponent("checkpoint.json").path) else {
            throw ValidationError("\(folder.path) is not a run folder (no checkpoint/checkpoint.json)")
        }
        guard let recipeData = fm.contents(atPath: folder.appendingPathComponent("preprocessing.json").path),
              let recipe = try? JSONDecoder().decode(InputRecipe.self, from: recipeData) else {
            throw ValidationError("\(folder.path): preprocessing.json is missing or unreadable")
        }
        do {
            let info = try Checkpoint.readInfo(from: checkpoint)
            architecture = try NetworkArchitecture(text: info.architecture ?? "")
            network = SiameseNetwork(encoder: try architecture.encoder.makeEncoder(),
                                     normalizeEmbeddings: architecture.normalizeEmbeddings)
            try Checkpoint.load(from: checkpoint, into: network)
        } catch {
            throw ValidationError("\(folder.path): incompatible or damaged checkpoint: \(error)")
        }
        guard recipe.channels == architecture.encoder.inputChannels else {
            throw ValidationError("\(folder.path): preprocessing.json gives \(recipe.channels) channels but the encoder takes \(architecture.encoder.inputChannels)")
        }
        guard recipe.size == architecture.encoder.inputSide else {
            throw ValidationError("\(folder.path): preprocessing.json resizes to \(recipe.size) but the encoder takes \(architecture.encoder.inputSide)")
        }
        network.eval()
        self.recipe = recipe
        struct Threshold: Decodable { let threshold: Double? }
        threshold = fm.contents(atPath: folder.appendingPathComponent("metrics.json").path)
            .flatMap { try? JSONDecoder().decode(Threshold.self, from: $0) }?.threshold
    }

    /// Embeddings of image files, in order.
    func embed(_ files: [URL]) throws -> Tensor {
        let images = try files.map { url -> Image in
            do { return try ImageDecoder.decode(contentsOf: url, mode: recipe.colorMode) } catch let error as DataError {
                throw ValidationError(error.description)
            }
        }
        return embed(images)
    }

    /// Embeddings of decoded images (any size, the recipe's colour mode), in batches, without a graph.
    func embed(_ images: [Image], batchSize: Int = 512) -> Tensor {
        embedPrepared(images.map(recipe.prepared), batchSize: batchSize)
    }

    /// Embeddings of images already inverted and resized by the recipe.
    func embedPrepared(_ images: [Image], batchSize: Int = 512) -> Tensor {
        recipe.embed(images, with: network, batchSize: batchSize)
    }
}
