import SiameseCore
import SiameseData

/// Test-time augmentation of embeddings: each image is embedded as it is and as its views (for `horizontal-flip`, its
/// left–right mirror), and the embeddings are averaged, then L2-normalised again when the model normalises its
/// embeddings:  e(x) = mean_v f(v(x)),  then e / ‖e‖₂ when `normalize`.
///
/// The same idea as timm's `--tta` / `ttach`'s `ClassificationTTAWrapper` with `merge_mode="mean"`, applied to the
/// embeddings rather than to class scores. For faces and other left–right symmetric subjects; never for characters or
/// digits, whose mirror is another symbol.
///
/// ```swift
/// let tta = TestTimeAugmentation.horizontalFlip
/// let e = try tta.embed(images, normalize: true) { try model.embed(images: $0) }
/// ```
public enum TestTimeAugmentation: String, Codable, CaseIterable, Sendable {
    /// The image alone (no augmentation).
    case none
    /// The image and its left–right mirror.
    case horizontalFlip = "horizontal-flip"

    /// The views of `image` whose embeddings are averaged (the image itself first).
    public func views(_ image: Image) -> [Image] {
        switch self {
        case .none: return [image]
        case .horizontalFlip: return [image, image.mirroredLeftRight()]
        }
    }

    /// Embeddings of `images` under this augmentation, `[images.count, d]`: `embed` runs once on all views of all images.
    ///
    /// - Parameters:
    ///   - normalize: L2-normalise the averaged embeddings (as the model does to each).
    ///   - embed: images → embeddings `[n, d]`, in order.
    public func embed(_ images: [Image], normalize: Bool, _ embed: ([Image]) throws -> Tensor) rethrows -> Tensor {
        guard self != .none, !images.isEmpty else { return try embed(images) }
        let perImage = views(images[0]).count
        // All first views, then all second views, …: one call, so batch statistics and batching stay as they were.
        let all = (0..<perImage).flatMap { v in images.map { views($0)[v] } }
        let e = try embed(all)
        let n = images.count, d = e.shape[1]
        let values = e.scalars
        var out = [Float](repeating: 0, count: n * d)
        for v in 0..<perImage {
            for i in 0..<n { for j in 0..<d { out[i * d + j] += values[(v * n + i) * d + j] } }
        }
        let scale = 1 / Float(perImage)
        for i in 0..<n {
            var norm: Float = 0
            for j in 0..<d { out[i * d + j] *= scale; norm += out[i * d + j] * out[i * d + j] }
            if normalize {
                let inverse = 1 / Swift.max(norm.squareRoot(), 1e-12)
                for j in 0..<d { out[i * d + j] *= inverse }
            }
        }
        return Tensor(out, shape: [n, d])
    }
}

extension Image {
    /// The image mirrored left–right (every channel).
    public func mirroredLeftRight() -> Image {
        var out = pixels
        for c in 0..<channels { for y in 0..<height {
            let row = (c * height + y) * width
            for x in 0..<width { out[row + x] = pixels[row + width - 1 - x] }
        } }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }
}
