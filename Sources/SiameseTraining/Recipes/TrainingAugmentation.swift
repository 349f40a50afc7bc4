import SiameseData

/// The distortions of training images a recipe asks for (`augmentation:`), built into an ``ImageAugmentation`` for the
/// encoder's input side. Without it, a recipe with `augment: true` gets ``standard``: Koch et al.'s affine ranges, each
/// component with p = ½, the translation scaled from 28-pixel units to the input side.
///
/// ```yaml
/// augmentation: {rotation: 8, shear: 0.1, scale: 0.1, translation: 2, horizontalFlip: 0.5, erasing: 0.25}
/// ```
///
/// Steps run in this order: affine (rotation θ ~ U[−rotation, rotation] degrees, shear ~ U[−shear, shear] on each axis,
/// scale ~ U[1 − scale, 1 + scale] on each axis, translation ~ U[−t, t] · side / 28 pixels on each axis, each drawn
/// component kept with probability `probability`, torchvision's `RandomAffine` without the per-component coin), then the
/// left–right mirror (torchvision's `RandomHorizontalFlip`), then brightness and contrast jitter (`ColorJitter`), then
/// random erasing (Zhong et al.; torchvision's `RandomErasing`, area 2–20 % of the image, aspect 0.3–3.3, value 0, which
/// is the mean after normalisation only approximately: erased pixels are set before the input stage normalises).
public struct TrainingAugmentation: Codable, Equatable, Sendable {
    /// Largest rotation in degrees (0 turns the rotation off).
    public var rotation: Float = 10
    /// Largest shear on each axis.
    public var shear: Float = 0.3
    /// Largest relative change of scale on each axis (0.2: scales in [0.8, 1.2]).
    public var scale: Float = 0.2
    /// Largest translation on each axis, in pixels of a 28-pixel image (scaled to the input side).
    public var translation: Float = 1
    /// Probability of keeping each drawn affine component (Koch et al.: ½).
    public var probability: Float = 0.5
    /// Probability of mirroring an image left–right (faces, natural images; never for characters or digits).
    public var horizontalFlip: Float = 0
    /// Brightness factor drawn in 1 ± brightness (0: off).
    public var brightness: Float = 0
    /// Contrast factor around the image mean drawn in 1 ± contrast (0: off).
    public var contrast: Float = 0
    /// Probability of erasing one random rectangle (0: off).
    public var erasing: Float = 0

    /// Koch et al.'s ranges with p = ½ (what `augment: true` means without an `augmentation:` block).
    public static let standard = TrainingAugmentation()

    public init() {}

    /// Problems that make the settings unusable, each naming the field.
    public var problems: [String] {
        var out: [String] = []
        func check(_ value: Float, _ name: String, max: Float) {
            if !(value >= 0 && value <= max) { out.append("augmentation.\(name) must lie in [0, \(max)] (got \(value))") }
        }
        check(rotation, "rotation", max: 180); check(shear, "shear", max: 1); check(scale, "scale", max: 0.9)
        check(translation, "translation", max: 14); check(probability, "probability", max: 1)
        check(horizontalFlip, "horizontalFlip", max: 1); check(brightness, "brightness", max: 1)
        check(contrast, "contrast", max: 1); check(erasing, "erasing", max: 1)
        return out
    }

    /// The distortions for square inputs of `side` pixels.
    public func make(side: Int) -> ImageAugmentation {
        var steps: [ImageAugmentation.Step] = []
        if rotation > 0 || shear > 0 || scale > 0 || translation > 0 {
            let shift = Float(side) / 28 * translation
            steps.append(.affine(rotation: -rotation...rotation, shear: -shear...shear, scale: (1 - scale)...(1 + scale),
                                 translation: -shift...shift, probability: probability, fill: 0))
        }
        if horizontalFlip > 0 { steps.append(.horizontalFlip(probability: horizontalFlip)) }
        if brightness > 0 || contrast > 0 { steps.append(.colorJitter(brightness: brightness, contrast: contrast)) }
        if erasing > 0 { steps.append(.randomErasing(probability: erasing, area: 0.02...0.2, aspect: 0.3...3.3, value: 0)) }
        return ImageAugmentation(steps)
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case rotation, shear, scale, translation, probability, horizontalFlip, brightness, contrast, erasing
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Every key optional (the defaults above); an unknown key is an error naming it.
    public init(from decoder: Decoder) throws {
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
        if let first = unknown.sorted().first {
            throw RecipeKeyError(message: "augmentation: unknown key '\(first)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, into value: inout Float) throws {
            if let v = try c.decodeIfPresent(Float.self, forKey: key) { value = v }
        }
        try read(.rotation, into: &rotation); try read(.shear, into: &shear); try read(.scale, into: &scale)
        try read(.translation, into: &translation); try read(.probability, into: &probability)
        try read(.horizontalFlip, into: &horizontalFlip); try read(.brightness, into: &brightness)
        try read(.contrast, into: &contrast); try read(.erasing, into: &erasing)
    }
}
