import CPNG
import CTurboJPEG
import Foundation
import Synchronization

/// Decodes PNG (libpng), JPEG (libjpeg-turbo) and PGM/PPM (P2, P3, P5, P6) into ``Image`` values.
///
/// The format is recognised from the content, not the file name. Damaged or truncated data gives
/// ``DataError/corrupt(path:reason:)`` naming the file. The declared size is checked before any pixel
/// memory is allocated: a width or height below 1 gives ``DataError/invalidImageSize(path:width:height:)``,
/// more than ``maximumPixels`` pixels gives ``DataError/imageTooLarge(path:width:height:channels:limit:)``.
public enum ImageDecoder {
    /// The default of ``maximumPixels``: 2²⁷ = 134 217 728 pixels (for example 16384 × 8192), far beyond any
    /// photograph yet far below an allocation that would exhaust memory (an RGB image of this size decodes
    /// to 1.5 GiB of floats).
    public static let defaultMaximumPixels = 1 << 27

    private static let pixelLimit = Mutex(defaultMaximumPixels)

    /// The most pixels (width × height) a header may declare; larger images are refused before decoding.
    ///
    /// Process-wide and safe to change from any thread; every `decode` call also takes its own
    /// `maximumPixels` argument, which defaults to this value.
    public static var maximumPixels: Int {
        get { pixelLimit.withLock { $0 } }
        set { pixelLimit.withLock { $0 = newValue } }
    }

    /// Reads and decodes an image file.
    ///
    /// - Parameter maximumPixels: the largest width × height accepted (default: ``maximumPixels``).
    /// - Throws: ``DataError`` naming the file when it is unreadable, damaged, or declares a size that is
    ///   empty or over the limit.
    public static func decode(contentsOf url: URL, mode: ColorMode, maximumPixels: Int = ImageDecoder.maximumPixels) throws -> Image {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError.unreadable(path: url.path, reason: "no such file or not readable")
        }
        return try decode(data, path: url.path, mode: mode, maximumPixels: maximumPixels)
    }

    /// Decodes image bytes; `path` names the source in errors.
    ///
    /// - Parameter maximumPixels: the largest width × height accepted (default: ``maximumPixels``).
    public static func decode(_ data: Data, path: String, mode: ColorMode, maximumPixels: Int = ImageDecoder.maximumPixels) throws -> Image {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try decodePNG(bytes, path: path, mode: mode, maximumPixels: maximumPixels) }
        if bytes.starts(with: [0xFF, 0xD8]) { return try decodeJPEG(bytes, path: path, mode: mode, maximumPixels: maximumPixels) }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) {
            return try PNM.decode(bytes, path: path, mode: mode, maximumPixels: maximumPixels)
        }
        throw DataError.corrupt(path: path, reason: "not a PNG, JPEG or PGM/PPM image")
    }

    /// Refuses a declared size below 1×1 or above `maximumPixels` (and any size whose sample count overflows).
    static func checkSize(width: Int, height: Int, channels: Int, path: String, maximumPixels: Int) throws {
        guard width > 0, height > 0 else { throw DataError.invalidImageSize(path: path, width: width, height: height) }
        let pixels = width.multipliedReportingOverflow(by: height)
        let samples = pixels.partialValue.multipliedReportingOverflow(by: Swift.max(channels, 1))
        guard !pixels.overflow, !samples.overflow, pixels.partialValue <= maximumPixels else {
            throw DataError.imageTooLarge(path: path, width: width, height: height, channels: channels, limit: maximumPixels)
        }
    }

    /// Width, height and channel count from a PNG's first chunk, when it is a complete IHDR.
    static func pngHeader(_ bytes: [UInt8]) -> (width: Int, height: Int, channels: Int)? {
        guard bytes.count >= 33, bytes[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        func be32(_ o: Int) -> Int { Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]) }
        // Colour types: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha.
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(bytes[25])] ?? 1
        return (be32(16), be32(20), channels)
    }

    static func decodePNG(_ bytes: [UInt8], path: String, mode: ColorMode, maximumPixels: Int) throws -> Image {
        // IHDR first, before libpng reads further or anything is allocated.
        if let header = pngHeader(bytes) {
            try checkSize(width: header.width, height: header.height, channels: header.channels, path: path, maximumPixels: maximumPixels)
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw DataError.corrupt(path: path, reason: "PNG: \(message(&image))") }
        image.format = mode == .grey ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        let (w, h, c) = (Int(image.width), Int(image.height), mode.channels)
        try checkSize(width: w, height: h, channels: c, path: path, maximumPixels: maximumPixels)
        var raw = [UInt8](repeating: 0, count: w * h * c)
        let finished = raw.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw DataError.corrupt(path: path, reason: "PNG: \(message(&image))") }
        return interleavedToPlanar(raw, width: w, height: h, channels: c)
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func decodeJPEG(_ bytes: [UInt8], path: String, mode: ColorMode, maximumPixels: Int) throws -> Image {
        guard let handle = tjInitDecompress() else { throw DataError.corrupt(path: path, reason: "JPEG: decoder unavailable") }
        defer { tjDestroy(handle) }
        var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &w, &h, &subsampling, &colorspace)
        }
        guard header == 0 else {
            throw DataError.corrupt(path: path, reason: "JPEG: \(String(cString: tjGetErrorStr2(handle)))")
        }
        // A stream cut before its frame header "succeeds" with a size of 0 × 0.
        guard w > 0 || h > 0 else { throw DataError.corrupt(path: path, reason: "JPEG: no frame header") }
        // The frame header's size, checked before the output buffer is allocated.
        let space = Int(colorspace)
        let declaredChannels = space == Int(TJCS_GRAY.rawValue) ? 1 : (space == Int(TJCS_CMYK.rawValue) || space == Int(TJCS_YCCK.rawValue) ? 4 : 3)
        try checkSize(width: Int(w), height: Int(h), channels: declaredChannels, path: path, maximumPixels: maximumPixels)
        let c = mode.channels
        var raw = [UInt8](repeating: 0, count: Int(w) * Int(h) * c)
        let format = mode == .grey ? TJPF_GRAY : TJPF_RGB
        let status = bytes.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(bytes.count), dst.baseAddress, w, 0, h, Int32(format.rawValue), 0)
            }
        }
        // A warning (such as a truncated stream) still fills the buffer; treat it as corrupt data all the same.
        guard status == 0 else { throw DataError.corrupt(path: path, reason: "JPEG: \(String(cString: tjGetErrorStr2(handle)))") }
        return interleavedToPlanar(raw, width: Int(w), height: Int(h), channels: c)
    }

    static func interleavedToPlanar(_ raw: [UInt8], width: Int, height: Int, channels: Int) -> Image {
        var pixels = [Float](repeating: 0, count: raw.count)
        let plane = width * height
        for i in 0..<plane {
            for c in 0..<channels { pixels[c * plane + i] = Float(raw[i * channels + c]) / 255 }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}
