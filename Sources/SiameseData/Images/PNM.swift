/// The Netpbm grey and colour formats (PGM P2/P5, PPM P3/P6), including 16-bit samples.
enum PNM {
    /// Decodes P2/P3/P5/P6 bytes (`b` starts with "P" and the kind digit).
    ///
    /// The header is checked before any pixel memory is allocated: both sides at least 1, width × height at
    /// most `maximumPixels`, maximum value 1...65535, and enough data bytes for the declared size.
    static func decode(_ b: [UInt8], path: String, mode: ColorMode, maximumPixels: Int) throws -> Image {
        var i = 2
        func token(_ what: String) throws -> Int {
            // Skip whitespace and comments, then read a decimal number (capped so it cannot overflow).
            while i < b.count {
                if b[i] == UInt8(ascii: "#") { while i < b.count && b[i] != 10 { i += 1 } } else if b[i] <= 32 { i += 1 } else { break }
            }
            var value = 0, digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                value = value * 10 + Int(b[i] - 48); i += 1; digits += 1
                guard value < 1 << 32 else { throw DataError.corrupt(path: path, reason: "PGM/PPM \(what) is out of range") }
            }
            guard digits > 0 else { throw DataError.corrupt(path: path, reason: "PGM/PPM header is damaged (no \(what))") }
            return value
        }
        let kind = b[1]
        let colour = kind == UInt8(ascii: "3") || kind == UInt8(ascii: "6")
        let binary = kind == UInt8(ascii: "5") || kind == UInt8(ascii: "6")
        let channels = colour ? 3 : 1
        let width = try token("width"), height = try token("height")
        try ImageDecoder.checkSize(width: width, height: height, channels: channels, path: path, maximumPixels: maximumPixels)
        let maxValue = try token("maximum value")
        guard maxValue > 0, maxValue < 65536 else {
            throw DataError.corrupt(path: path, reason: "PGM/PPM maximum value \(maxValue) is outside 1...65535")
        }
        // checkSize guarantees width × height × channels does not overflow.
        let samples = width * height * channels
        var values: [Float]
        if binary {
            i += 1  // the single whitespace byte after the maximum value
            let size = maxValue > 255 ? 2 : 1
            let available = Swift.max(0, b.count - i)
            guard available >= samples * size else {
                throw DataError.corrupt(path: path, reason: "truncated image data: \(available) bytes for \(samples * size)")
            }
            values = [Float](repeating: 0, count: samples)
            for k in 0..<samples {
                let v = size == 1 ? Int(b[i + k]) : Int(b[i + 2 * k]) << 8 | Int(b[i + 2 * k + 1])
                values[k] = Float(v) / Float(maxValue)
            }
        } else {
            // Each text sample takes at least one digit and one separator (the last needs no separator).
            let available = Swift.max(0, b.count - i)
            guard available >= 2 * samples else {
                throw DataError.corrupt(path: path, reason: "truncated image data: \(available) bytes for \(samples) text samples")
            }
            values = [Float](repeating: 0, count: samples)
            for k in 0..<samples {
                guard let v = try? token("sample") else { throw DataError.corrupt(path: path, reason: "truncated image data at sample \(k)") }
                values[k] = Float(v) / Float(maxValue)
            }
        }
        let plane = width * height
        var planar = [Float](repeating: 0, count: samples)
        for p in 0..<plane { for c in 0..<channels { planar[c * plane + p] = values[p * channels + c] } }
        var image = Image(width: width, height: height, channels: channels, pixels: planar)
        if mode.channels != channels { image = convert(image, to: mode) }
        return image
    }

    /// Grey ↔ RGB (grey = 0.299 R + 0.587 G + 0.114 B, as PNG and JPEG decoders do).
    static func convert(_ image: Image, to mode: ColorMode) -> Image {
        let plane = image.width * image.height
        if mode == .rgb {
            return Image(width: image.width, height: image.height, channels: 3, pixels: image.pixels + image.pixels + image.pixels)
        }
        let p = image.pixels
        let grey = (0..<plane).map { 0.299 * p[$0] + 0.587 * p[plane + $0] + 0.114 * p[2 * plane + $0] }
        return Image(width: image.width, height: image.height, channels: 1, pixels: grey)
    }
}
