import SiameseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random image distortions, each driven by an explicit generator so the same seed gives the same batch.
///
/// ```swift
/// var g = SeededGenerator(seed: 1)
/// let koch = ImageAugmentation.kochAffine            // Koch et al.'s distortions
/// let distorted = koch.apply(image, generator: &g)
/// ```
public struct ImageAugmentation: Sendable {
    /// One distortion.
    public enum Step: Sendable {
        /// Rotation (degrees), shear, scale and translation (pixels) drawn uniformly from the ranges; each applied
        /// with probability `probability`, as Koch et al. do. Pixels from outside the image are `fill`.
        case affine(rotation: ClosedRange<Float>, shear: ClosedRange<Float>, scale: ClosedRange<Float>,
                    translation: ClosedRange<Float>, probability: Float, fill: Float)
        /// Mirror left–right with probability `probability`.
        case horizontalFlip(probability: Float)
        /// Add N(0, std²) noise to every pixel.
        case gaussianNoise(std: Float)
        /// Multiply brightness by a factor in `1 ± brightness` and stretch contrast around the mean by `1 ± contrast`.
        case colorJitter(brightness: Float, contrast: Float)
        /// With probability `probability`, set a random rectangle covering `area` of the image (aspect in
        /// `aspect`) to `value` (Zhong et al.'s random erasing).
        case randomErasing(probability: Float, area: ClosedRange<Float>, aspect: ClosedRange<Float>, value: Float)
    }

    public let steps: [Step]
    public init(_ steps: [Step]) { self.steps = steps }

    /// Koch et al. (2015): θ ∈ [−10°, 10°], shear ∈ [−0.3, 0.3], scale ∈ [0.8, 1.2], translation ∈ [−2, 2] px,
    /// each component applied with probability ½; background 1 (white, for Omniglot's strokes on white).
    public static let kochAffine = ImageAugmentation([
        .affine(rotation: -10...10, shear: -0.3...0.3, scale: 0.8...1.2, translation: -2...2, probability: 0.5, fill: 1),
    ])

    /// Applies every step in order.
    public func apply(_ image: Image, generator g: inout SeededGenerator) -> Image {
        steps.reduce(image) { Self.apply($1, to: $0, &g) }
    }

    static func uniform(_ r: ClosedRange<Float>, _ g: inout SeededGenerator) -> Float {
        r.lowerBound + (r.upperBound - r.lowerBound) * g.nextUniform()
    }

    static func apply(_ step: Step, to image: Image, _ g: inout SeededGenerator) -> Image {
        switch step {
        case let .affine(rotation, shear, scale, translation, p, fill):
            func maybe(_ r: ClosedRange<Float>, neutral: Float) -> Float {
                let v = uniform(r, &g)
                return g.nextUniform() < p ? v : neutral
            }
            let theta = maybe(rotation, neutral: 0) * Float.pi / 180
            let shx = maybe(shear, neutral: 0), shy = maybe(shear, neutral: 0)
            let sx = maybe(scale, neutral: 1), sy = maybe(scale, neutral: 1)
            let tx = maybe(translation, neutral: 0), ty = maybe(translation, neutral: 0)
            return image.affineTransformed(theta: theta, shear: (shx, shy), scale: (sx, sy), translation: (tx, ty), fill: fill)
        case let .horizontalFlip(p):
            guard g.nextUniform() < p else { return image }
            var out = image.pixels
            for c in 0..<image.channels { for y in 0..<image.height { for x in 0..<image.width {
                out[(c * image.height + y) * image.width + x] = image[c, y, image.width - 1 - x]
            } } }
            return Image(width: image.width, height: image.height, channels: image.channels, pixels: out)
        case let .gaussianNoise(std):
            return Image(width: image.width, height: image.height, channels: image.channels,
                         pixels: image.pixels.map { $0 + std * g.nextNormal() })
        case let .colorJitter(brightness, contrast):
            let b = 1 + uniform(-brightness...brightness, &g), c = 1 + uniform(-contrast...contrast, &g)
            let mean = image.pixels.reduce(0, +) / Float(Swift.max(image.pixels.count, 1)) * b
            return Image(width: image.width, height: image.height, channels: image.channels,
                         pixels: image.pixels.map { Swift.min(Swift.max(($0 * b - mean) * c + mean, 0), 1) })
        case let .randomErasing(p, area, aspect, value):
            guard g.nextUniform() < p else { return image }
            let target = uniform(area, &g) * Float(image.width * image.height)
            let ratio = uniform(aspect, &g)
            let h = Swift.min(image.height, Swift.max(1, Int((target * ratio).squareRoot())))
            let w = Swift.min(image.width, Swift.max(1, Int((target / ratio).squareRoot())))
            let top = g.nextInt(below: image.height - h + 1), left = g.nextInt(below: image.width - w + 1)
            var out = image.pixels
            for c in 0..<image.channels { for y in top..<(top + h) { for x in left..<(left + w) {
                out[(c * image.height + y) * image.width + x] = value
            } } }
            return Image(width: image.width, height: image.height, channels: image.channels, pixels: out)
        }
    }
}

extension Image {
    /// The image under the affine map (about its centre) of rotation `theta` (radians), shear, scale and
    /// translation (pixels), sampled bilinearly; pixels from outside are `fill`.
    public func affineTransformed(theta: Float, shear: (Float, Float), scale: (Float, Float), translation: (Float, Float),
                                  fill: Float = 0) -> Image {
        // Forward map A = R(θ) · Shear · Scale; sample the input at A⁻¹ (p − centre − t) + centre.
        let (c, s) = (cosf(theta), sinf(theta))
        let m00 = (c - s * shear.1) * scale.0, m01 = (c * shear.0 - s) * scale.1
        let m10 = (s + c * shear.1) * scale.0, m11 = (s * shear.0 + c) * scale.1
        let det = m00 * m11 - m01 * m10
        guard Swift.abs(det) > 1e-8 else { return self }
        let i00 = m11 / det, i01 = -m01 / det, i10 = -m10 / det, i11 = m00 / det
        let cy = Float(height - 1) / 2, cx = Float(width - 1) / 2
        var out = [Float](repeating: fill, count: pixels.count)
        for ch in 0..<channels {
            let base = ch * height * width
            for y in 0..<height {
                for x in 0..<width {
                    let dx = Float(x) - cx - translation.0, dy = Float(y) - cy - translation.1
                    let sxp = i00 * dx + i01 * dy + cx, syp = i10 * dx + i11 * dy + cy
                    out[base + y * width + x] = sampleBilinear(channelBase: base, y: syp, x: sxp, clampToEdge: false, fill: fill)
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }
}

/// Random edits of tokenised text, for text-pair training; seeded.
public enum TextAugmentation {
    /// Replaces each token with `mask` with probability `probability`.
    public static func masked(_ tokens: [String], probability: Float, mask: String = "[MASK]", generator g: inout SeededGenerator) -> [String] {
        tokens.map { g.nextUniform() < probability ? mask : $0 }
    }

    /// Drops each token with probability `probability` (never all of them).
    public static func dropped(_ tokens: [String], probability: Float, generator g: inout SeededGenerator) -> [String] {
        let kept = tokens.filter { _ in g.nextUniform() >= probability }
        return kept.isEmpty && !tokens.isEmpty ? [tokens[g.nextInt(below: tokens.count)]] : kept
    }

    /// Swaps `count` random pairs of positions.
    public static func swapped(_ tokens: [String], count: Int, generator g: inout SeededGenerator) -> [String] {
        guard tokens.count >= 2 else { return tokens }
        var out = tokens
        for _ in 0..<count {
            let i = g.nextInt(below: out.count)
            var j = g.nextInt(below: out.count - 1)
            if j >= i { j += 1 }
            out.swapAt(i, j)
        }
        return out
    }
}
