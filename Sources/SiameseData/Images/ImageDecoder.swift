import CPNG
import CTurboJPEG
import Foundation

/// Decodes PNG (libpng), JPEG (libjpeg-turbo) and PGM/PPM (P2, P3, P5, P6) into ``Image`` values.
///
/// The format is recognised from the content, not the file name. Damaged or truncated data gives
/// ``DataError/corrupt(path:reason:)`` naming the file.
public enum ImageDecoder {
    /// Reads and decodes an image file.
    public static func decode(contentsOf url: URL, mode: ColorMode) throws -> Image {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError.unreadable(path: url.path, reason: "no such file or not readable")
        }
        return try decode(data, path: url.path, mode: mode)
    }

    /// Decodes image bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String, mode: ColorMode) throws -> Image {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try decodePNG(bytes, path: path, mode: mode) }
        if bytes.starts(with: [0xFF, 0xD8]) { return try decodeJPEG(bytes, path: path, mode: mode) }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) {
            return try PNM.decode(bytes, path: path, mode: mode)
        }
        throw DataError.corrupt(path: path, reason: "not a PNG, JPEG or PGM/PPM image")
    }

    static func decodePNG(_ bytes: [UInt8], path: String, mode: ColorMode) throws -> Image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw DataError.corrupt(path: path, reason: "PNG: \(message(&image))") }
        image.format = mode == .grey ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        let (w, h, c) = (Int(image.width), Int(image.height), mode.channels)
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

    static func decodeJPEG(_ bytes: [UInt8], path: String, mode: ColorMode) throws -> Image {
        guard let handle = tjInitDecompress() else { throw DataError.corrupt(path: path, reason: "JPEG: decoder unavailable") }
        defer { tjDestroy(handle) }
        var w: Int32 = 0, h: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &w, &h, &subsampling, &colorspace)
        }
        guard header == 0, w > 0, h > 0 else {
            throw DataError.corrupt(path: path, reason: "JPEG: \(String(cString: tjGetErrorStr2(handle)))")
        }
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
