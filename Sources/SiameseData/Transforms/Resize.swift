import SiameseCore

extension Image {
    /// How ``resized(height:width:method:)`` interpolates.
    public enum ResizeMethod: String, Sendable, Codable {
        /// Bilinear with half-pixel centres (PyTorch `align_corners=False`, PIL's bilinear when enlarging).
        case bilinear
        /// Each output pixel is the area-weighted mean of the input pixels it covers (best for shrinking).
        case area
    }

    /// The image resized to `height × width`.
    public func resized(height outH: Int, width outW: Int, method: ResizeMethod = .bilinear) -> Image {
        precondition(outH > 0 && outW > 0, "resized: size must be positive")
        if outH == height && outW == width { return self }
        var out = [Float](repeating: 0, count: channels * outH * outW)
        let sy = Float(height) / Float(outH), sx = Float(width) / Float(outW)
        for c in 0..<channels {
            let base = c * height * width, obase = c * outH * outW
            for y in 0..<outH {
                for x in 0..<outW {
                    let v: Float
                    switch method {
                    case .bilinear:
                        v = sampleBilinear(channelBase: base, y: (Float(y) + 0.5) * sy - 0.5, x: (Float(x) + 0.5) * sx - 0.5, clampToEdge: true)
                    case .area:
                        v = areaMean(channelBase: base, y0: Float(y) * sy, y1: Float(y + 1) * sy, x0: Float(x) * sx, x1: Float(x + 1) * sx)
                    }
                    out[obase + y * outW + x] = v
                }
            }
        }
        return Image(width: outW, height: outH, channels: channels, pixels: out)
    }

    /// Bilinear sample at a fractional position; outside the image either the edge value (`clampToEdge`) or `fill`.
    func sampleBilinear(channelBase: Int, y: Float, x: Float, clampToEdge: Bool, fill: Float = 0) -> Float {
        if !clampToEdge && (y < -1 || x < -1 || y > Float(height) || x > Float(width)) { return fill }
        let y0 = Int((y).rounded(.down)), x0 = Int((x).rounded(.down))
        let fy = y - Float(y0), fx = x - Float(x0)
        func at(_ yy: Int, _ xx: Int) -> Float {
            if clampToEdge {
                return pixels[channelBase + Swift.min(Swift.max(yy, 0), height - 1) * width + Swift.min(Swift.max(xx, 0), width - 1)]
            }
            return yy < 0 || xx < 0 || yy >= height || xx >= width ? fill : pixels[channelBase + yy * width + xx]
        }
        let top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
        let bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    private func areaMean(channelBase: Int, y0: Float, y1: Float, x0: Float, x1: Float) -> Float {
        var total: Float = 0, weight: Float = 0
        var yy = Int(y0.rounded(.down))
        while Float(yy) < y1 && yy < height {
            let wy = Swift.min(Float(yy + 1), y1) - Swift.max(Float(yy), y0)
            var xx = Int(x0.rounded(.down))
            while Float(xx) < x1 && xx < width {
                let w = wy * (Swift.min(Float(xx + 1), x1) - Swift.max(Float(xx), x0))
                total += w * pixels[channelBase + yy * width + xx]
                weight += w
                xx += 1
            }
            yy += 1
        }
        return weight > 0 ? total / weight : 0
    }

    /// The central `height × width` region (padded with zeros when the image is smaller).
    public func centerCropped(height h: Int, width w: Int) -> Image {
        cropped(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w)
    }

    /// A `height × width` region at a random position drawn from `generator`.
    public func randomlyCropped(height h: Int, width w: Int, generator: inout SeededGenerator) -> Image {
        let top = height > h ? generator.nextInt(below: height - h + 1) : (height - h) / 2
        let left = width > w ? generator.nextInt(below: width - w + 1) : (width - w) / 2
        return cropped(top: top, left: left, height: h, width: w)
    }

    /// The region starting at (`top`, `left`); parts outside the image are 0.
    public func cropped(top: Int, left: Int, height h: Int, width w: Int) -> Image {
        var out = [Float](repeating: 0, count: channels * h * w)
        for c in 0..<channels {
            for y in 0..<h where top + y >= 0 && top + y < height {
                for x in 0..<w where left + x >= 0 && left + x < width {
                    out[(c * h + y) * w + x] = pixels[(c * height + top + y) * width + left + x]
                }
            }
        }
        return Image(width: w, height: h, channels: channels, pixels: out)
    }

    /// `(x − mean[c]) / std[c]` per channel (one value applies to every channel).
    public func normalized(mean: [Float], std: [Float]) -> Image {
        precondition(mean.count == 1 || mean.count == channels, "normalized: \(mean.count) means for \(channels) channels")
        precondition(std.count == mean.count && std.allSatisfy { $0 > 0 }, "normalized: need one positive std per mean")
        var out = pixels
        let plane = width * height
        for c in 0..<channels {
            let m = mean[mean.count == 1 ? 0 : c], s = std[std.count == 1 ? 0 : c]
            for i in (c * plane)..<((c + 1) * plane) { out[i] = (out[i] - m) / s }
        }
        return Image(width: width, height: height, channels: channels, pixels: out)
    }
}
