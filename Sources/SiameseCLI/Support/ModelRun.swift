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
    /// Whether to invert grey values first (Omniglot: strokes become 1 on 0).
    var invert: Bool
    var mean: Float
    var std: Float

    /// Inverts (when asked) and area-resizes one grey image to the encoder's input side.
    static func prepared(_ image: Image, size: Int, invert: Bool) -> Image {
        let flipped = invert ? Image(width: image.width, height: image.height, channels: 1, pixels: image.pixels.map { 1 - $0 }) : image
        return flipped.resized(height: size, width: size, method: .area)
    }

    func prepared(_ image: Image) -> Image { Self.prepared(image, size: size, invert: invert) }

    /// Normalises already prepared images and stacks them into `[n, 1, size, size]`.
    func stack(_ prepared: [Image]) -> Tensor {
        Tensor(prepared.flatMap { $0.pixels.map { ($0 - mean) / std } }, shape: [prepared.count, 1, size, size])
    }

    /// Prepared, normalised and stacked grey images (training and `compare` use the same recipe).
    func tensor(_ images: [Image]) -> Tensor { stack(images.map(prepared)) }
}

/// A trained model loaded from a run folder (checkpoint, input recipe and the calibrated threshold).
struct ModelRun {
    let network: SiameseNetwork<TutorialCNN>
    let recipe: InputRecipe
    let threshold: Double?

    init(folder: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.appendingPathComponent("checkpoint/checkpoint.json").path) else {
            throw ValidationError("\(folder.path) is not a run folder (no checkpoint/checkpoint.json)")
        }
        guard let recipeData = fm.contents(atPath: folder.appendingPathComponent("preprocessing.json").path),
              let recipe = try? JSONDecoder().decode(InputRecipe.self, from: recipeData) else {
            throw ValidationError("\(folder.path): preprocessing.json is missing or unreadable")
        }
        let info: Checkpoint.Info
        do {
            network = SiameseNetwork(encoder: TutorialCNN())
            info = try Checkpoint.load(from: folder.appendingPathComponent("checkpoint"), into: network)
        } catch {
            throw ValidationError("\(folder.path): incompatible or damaged checkpoint: \(error)")
        }
        guard info.architecture?.contains("TutorialCNN") ?? false else {
            throw ValidationError("\(folder.path): checkpoint architecture \(info.architecture ?? "unknown") is not the tutorial CNN")
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
            do { return try ImageDecoder.decode(contentsOf: url, mode: .grey) } catch let error as DataError {
                throw ValidationError(error.description)
            }
        }
        return embed(images)
    }

    /// Embeddings of decoded grey images, in batches, without a graph.
    func embed(_ images: [Image], batchSize: Int = 512) -> Tensor {
        withNoGrad {
            let parts = stride(from: 0, to: images.count, by: batchSize).map {
                network.embed(recipe.tensor(Array(images[$0..<Swift.min(images.count, $0 + batchSize)])))
            }
            return Tensor.concatenate(parts, axis: 0)
        }
    }
}
