import Foundation
import SiameseCore
import SiameseData
import SiameseNN

/// The input stage of an image model: inverts values when asked, area-resizes to the encoder's square input side,
/// normalises with the training data's mean and standard deviation and stacks images into
/// `pixel_values` `[n, channels, size, size]`. Its `config.json` is also what training writes as `preprocessing.json`.
public final class ImageInput: ModelStage, Sendable {
    public static let typeName = "SiameseKit.ImageInput"

    /// What the stage does, as stored in `0_ImageInput/config.json`.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Input side (square) in pixels, e.g. 28 for the tutorial CNN.
        public var size: Int
        /// Whether to invert values first (Omniglot: dark strokes on white become 1 on 0).
        public var invert: Bool
        /// Normalisation: `(x − mean) / std`.
        public var mean: Float
        public var std: Float
        /// 1 (grey) or 3 (RGB); files written before colour support hold no value and mean grey.
        public var channels: Int

        public init(size: Int, invert: Bool = false, mean: Float = 0, std: Float = 1, channels: Int = 1) {
            self.size = size; self.invert = invert; self.mean = mean; self.std = std; self.channels = channels
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            size = try c.decode(Int.self, forKey: .size)
            invert = try c.decodeIfPresent(Bool.self, forKey: .invert) ?? false
            mean = try c.decodeIfPresent(Float.self, forKey: .mean) ?? 0
            std = try c.decodeIfPresent(Float.self, forKey: .std) ?? 1
            channels = try c.decodeIfPresent(Int.self, forKey: .channels) ?? 1
        }

        /// Problems that make the configuration unusable, in words.
        public var problems: [String] {
            var out: [String] = []
            if size < 1 || size > 4096 { out.append("size \(size) must lie in 1…4096") }
            if channels != 1 && channels != 3 { out.append("channels must be 1 or 3 (got \(channels))") }
            if !(std > 0 && std.isFinite) { out.append("std must be a positive number (got \(std))") }
            if !mean.isFinite { out.append("mean must be finite") }
            return out
        }
    }

    public let configuration: Configuration
    public var folderName: String { "ImageInput" }
    public var module: Module? { nil }
    /// The colour mode images are decoded in.
    public var colorMode: ColorMode { configuration.channels == 3 ? .rgb : .grey }

    /// - Throws: ``ModelFolderError/invalidConfiguration(path:reason:)`` for an unusable configuration.
    public init(configuration: Configuration) throws {
        if let problem = configuration.problems.first {
            throw ModelFolderError.invalidConfiguration(path: "ImageInput", reason: problem)
        }
        self.configuration = configuration
    }

    public func configurationJSON() throws -> Data? { try ModelJSON.encode(configuration) }

    /// Inverts (when configured) and area-resizes one image to the input side: what training caches.
    public func prepare(_ image: Image) -> Image {
        Self.prepare(image, size: configuration.size, invert: configuration.invert)
    }

    /// Inverts (when asked) and area-resizes one image.
    public static func prepare(_ image: Image, size: Int, invert: Bool) -> Image {
        let flipped = invert ? Image(width: image.width, height: image.height, channels: image.channels, pixels: image.pixels.map { 1 - $0 }) : image
        return flipped.width == size && flipped.height == size ? flipped : flipped.resized(height: size, width: size, method: .area)
    }

    /// Normalises prepared images and stacks them into `[n, channels, size, size]`.
    public func stack(_ prepared: [Image]) -> Tensor {
        let (mean, std) = (configuration.mean, configuration.std)
        return Tensor(prepared.flatMap { $0.pixels.map { ($0 - mean) / std } },
                      shape: [prepared.count, configuration.channels, configuration.size, configuration.size])
    }

    public func forward(_ features: inout ModelFeatures) throws {
        if let bad = features.images.firstIndex(where: { $0.channels != configuration.channels }) {
            throw ModelFolderError.invalidInput("image \(bad) has \(features.images[bad].channels) channels; the model takes \(configuration.channels)")
        }
        features.tensors[ModelFeatures.pixelValues] = stack(features.images.map(prepare))
    }
}
