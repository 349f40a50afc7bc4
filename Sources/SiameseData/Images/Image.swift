import SiameseCore

/// A decoded image: `channels` planes of `height × width` floats in [0, 1], channel-major (CHW).
public struct Image: Sendable, Equatable {
    public let width: Int, height: Int, channels: Int
    /// Pixel values, `[channel][row][column]` flattened.
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(pixels.count == width * height * channels, "Image: \(pixels.count) values for \(channels)×\(height)×\(width)")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// The image as a `[channels, height, width]` tensor.
    public var tensor: Tensor { Tensor(pixels, shape: [channels, height, width]) }

    /// Value at (channel, row, column).
    public subscript(c: Int, y: Int, x: Int) -> Float { pixels[(c * height + y) * width + x] }
}

/// The colour layout to decode into.
public enum ColorMode: String, Sendable, Codable {
    /// One channel (luminance).
    case grey
    /// Three channels, red, green, blue.
    case rgb

    public var channels: Int { self == .grey ? 1 : 3 }
}
