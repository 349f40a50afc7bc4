import SiameseCore

/// A deterministic preprocessing recipe (resize, centre crop, normalisation) applied identically to both
/// branches of a Siamese network, so the twins always see inputs prepared the same way.
///
/// ```swift
/// let prep = Preprocessing(resize: (28, 28), method: .area, mean: [0.9221], std: [0.2681])
/// let x1 = prep.tensor([imageA, imageB])      // [2, 1, 28, 28]
/// ```
public struct Preprocessing: Sendable {
    public var resize: (height: Int, width: Int)?
    public var method: Image.ResizeMethod
    public var centerCrop: (height: Int, width: Int)?
    public var mean: [Float], std: [Float]

    public init(resize: (height: Int, width: Int)? = nil, method: Image.ResizeMethod = .bilinear,
                centerCrop: (height: Int, width: Int)? = nil, mean: [Float] = [0], std: [Float] = [1]) {
        self.resize = resize; self.method = method; self.centerCrop = centerCrop; self.mean = mean; self.std = std
    }

    /// Resize, then crop, then normalise.
    public func apply(_ image: Image) -> Image {
        var out = image
        if let r = resize { out = out.resized(height: r.height, width: r.width, method: method) }
        if let c = centerCrop { out = out.centerCropped(height: c.height, width: c.width) }
        return out.normalized(mean: mean, std: std)
    }

    /// Prepared images stacked into `[n, C, H, W]`.
    public func tensor(_ images: [Image]) -> Tensor {
        let prepared = images.map(apply)
        guard let first = prepared.first else { return Tensor.zeros([0, 1, 1, 1]) }
        precondition(prepared.allSatisfy { $0.width == first.width && $0.height == first.height && $0.channels == first.channels },
                     "Preprocessing: images differ in size after preprocessing; set resize or centerCrop")
        return Tensor(prepared.flatMap(\.pixels), shape: [prepared.count, first.channels, first.height, first.width])
    }
}
