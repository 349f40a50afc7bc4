import SiameseCore
import SiameseData

/// Test-time augmentation of embeddings: each image is embedded as it is and as its views, and the embeddings are
/// averaged, then L2-normalised again when the model normalises its embeddings:
///
///     e(x) = (1/V) Σ_v f(v(x)),  then e / ‖e‖₂ when `normalize`.
///
/// The same idea as timm's `--tta` / `ttach`'s `ClassificationTTAWrapper` with `merge_mode="mean"`, applied to the
/// embeddings rather than to class scores. The views are fixed (no randomness), so a model gives the same embeddings
/// every time.
///
/// - `none`: the image alone.
/// - `horizontalFlip` (`horizontal-flip`): the image and its left–right mirror. For faces and other left–right
///   symmetric subjects; never for characters or digits, whose mirror is another symbol.
/// - `affine(views: n)` (`{views: n}`, n in 1…9): the first n of ``affineViews`` — the image itself; one-pixel shifts right,
///   left, down and up; turns by +6° and −6°; scales 1.1 and 0.9 — each made by ``Image/affineTransformed(theta:shear:scale:translation:fill:)``
///   about the centre, filling with 0. Shifts are in pixels of a 28-pixel image (`width / 28` pixels of the image
///   given), well inside the training distortions (Koch et al.'s ±10°, scales 0.8–1.2, ±1 such pixel), so every view
///   is a drawing the encoder was trained on. They act on the encoder's input (inverted and resized: strokes on a 0
///   background), which is what ``RunEvaluation`` hands them. For drawings and digits; a one-shot support drawing then
///   stands for a few plausible redrawings of itself rather than one pen trace.
///
/// In a recipe: `testTimeAugmentation: none` (default), `horizontal-flip`, or `{views: 9}`; on the command line
/// (``description``): `none`, `horizontal-flip`, `views-9`.
///
/// ```swift
/// let tta = TestTimeAugmentation.affine(views: 9)
/// let e = try tta.embed(prepared, normalize: true) { try model.embed(prepared: $0) }
/// ```
public enum TestTimeAugmentation: Hashable, Sendable {
    /// The image alone (no augmentation).
    case none
    /// The image and its left–right mirror.
    case horizontalFlip
    /// The first `n` (1…``maximumViews``) of ``affineViews``, the image itself first.
    case affine(views: Int)

    /// One fixed affine view: a turn and a scale about the centre, then a shift.
    public struct AffineView: Hashable, Sendable {
        /// Degrees: the turn of ``Image/affineTransformed(theta:shear:scale:translation:fill:)`` (x toward y).
        public let rotation: Float
        /// Isotropic scale.
        public let scale: Float
        /// Shift right (x) and down (y), in pixels of a 28-pixel image.
        public let shiftX: Float, shiftY: Float

        public init(rotation: Float = 0, scale: Float = 1, shiftX: Float = 0, shiftY: Float = 0) {
            self.rotation = rotation; self.scale = scale; self.shiftX = shiftX; self.shiftY = shiftY
        }

        public var isIdentity: Bool { rotation == 0 && scale == 1 && shiftX == 0 && shiftY == 0 }

        /// `image` under this view; shifts scale with the width (`width / 28` pixels per unit); outside pixels are `fill`.
        public func apply(to image: Image, fill: Float = 0) -> Image {
            guard !isIdentity else { return image }
            let unit = Float(image.width) / 28
            return image.affineTransformed(theta: rotation * Float.pi / 180, shear: (0, 0), scale: (scale, scale),
                                           translation: (shiftX * unit, shiftY * unit), fill: fill)
        }
    }

    /// The views `affine(views: n)` takes the first n of: the image; shifts by one 28-pixel-image pixel right, left, down, up;
    /// turns by +6° and −6°; scales 1.1 and 0.9.
    public static let affineViews: [AffineView] = [
        AffineView(),
        AffineView(shiftX: 1), AffineView(shiftX: -1), AffineView(shiftY: 1), AffineView(shiftY: -1),
        AffineView(rotation: 6), AffineView(rotation: -6),
        AffineView(scale: 1.1), AffineView(scale: 0.9),
    ]

    /// The most views `affine(views:)` can take.
    public static var maximumViews: Int { affineViews.count }

    /// Problems that make the value unusable, in words (a view count outside 1…``maximumViews``).
    public var problems: [String] {
        if case let .affine(n) = self, !(1...Self.maximumViews).contains(n) {
            return ["testTimeAugmentation: views must lie in 1…\(Self.maximumViews) (got \(n))"]
        }
        return []
    }

    /// Whether the views move pixels about (shifts, turns, scales), so that they must act on the encoder's prepared
    /// input rather than on raw images (whose background may be white, and whose size is not the input side).
    public var movesPixels: Bool {
        if case let .affine(n) = self { return n > 1 }
        return false
    }

    /// The views of `image` whose embeddings are averaged (the image itself first).
    public func views(_ image: Image) -> [Image] {
        switch self {
        case .none: return [image]
        case .horizontalFlip: return [image, image.mirroredLeftRight()]
        case let .affine(n): return Self.affineViews.prefix(Swift.min(Swift.max(n, 1), Self.maximumViews)).map { $0.apply(to: image) }
        }
    }

    /// Embeddings of `images` under this augmentation, `[images.count, d]`: `embed` runs once on all views of all images.
    ///
    /// - Parameters:
    ///   - normalize: L2-normalise the averaged embeddings (as the model does to each).
    ///   - embed: images → embeddings `[n, d]`, in order.
    public func embed(_ images: [Image], normalize: Bool, _ embed: ([Image]) throws -> Tensor) rethrows -> Tensor {
        guard !images.isEmpty else { return try embed(images) }
        let perImage = images.map(views)
        let count = perImage[0].count
        guard count > 1 else { return try embed(images) }
        // All first views, then all second views, …: one call, so batch statistics and batching stay as they were.
        let all = (0..<count).flatMap { v in perImage.map { $0[v] } }
        let e = try embed(all)
        let n = images.count, d = e.shape[1]
        let values = e.scalars
        var out = [Float](repeating: 0, count: n * d)
        for v in 0..<count {
            for i in 0..<n { for j in 0..<d { out[i * d + j] += values[(v * n + i) * d + j] } }
        }
        let scale = 1 / Float(count)
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

extension TestTimeAugmentation: CustomStringConvertible, LosslessStringConvertible {
    /// One word: `none`, `horizontal-flip` or `views-n` (the command line's spelling).
    public var description: String {
        switch self {
        case .none: return "none"
        case .horizontalFlip: return "horizontal-flip"
        case let .affine(n): return "views-\(n)"
        }
    }

    /// Reads ``description``'s spelling; nil for anything else (a view count outside 1…``maximumViews`` included).
    public init?(_ description: String) {
        switch description {
        case "none": self = .none
        case "horizontal-flip": self = .horizontalFlip
        default:
            guard description.hasPrefix("views-"), let n = Int(description.dropFirst(6)), (1...Self.maximumViews).contains(n) else { return nil }
            self = .affine(views: n)
        }
    }
}

/// In a recipe: the string `none` or `horizontal-flip`, or the object `{views: n}`. Anything else (an unknown name, an
/// unknown key, a view count outside 1…9) is a decoding error naming it.
extension TestTimeAugmentation: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case views }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let spellings = "none, horizontal-flip or {views: n} with n in 1…\(maximumViews)"

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            switch name {
            case "none": self = .none
            case "horizontal-flip": self = .horizontalFlip
            default:
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "unknown test-time augmentation '\(name)' (known: \(Self.spellings))")
            }
            return
        }
        guard let any = try? decoder.container(keyedBy: AnyKey.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected \(Self.spellings)"))
        }
        let keys = any.allKeys.map(\.stringValue)
        if let unknown = keys.filter({ $0 != CodingKeys.views.rawValue }).sorted().first {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown key '\(unknown)' (known: views)"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let n = try c.decode(Int.self, forKey: .views)
        guard (1...Self.maximumViews).contains(n) else {
            throw DecodingError.dataCorruptedError(forKey: .views, in: c, debugDescription: "views must lie in 1…\(Self.maximumViews) (got \(n))")
        }
        self = .affine(views: n)
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .none, .horizontalFlip:
            var c = encoder.singleValueContainer()
            try c.encode(description)
        case let .affine(n):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(n, forKey: .views)
        }
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
