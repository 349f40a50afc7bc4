import Foundation
import SiameseData
import SiameseZlib

/// Encodes an ``Image`` (values in [0, 1]) as an 8-bit PNG, grey or RGB, for thumbnails embedded as `data:` URIs.
///
/// Follows the PNG specification (W3C, 2003): signature, `IHDR`, one zlib-compressed `IDAT` of rows each prefixed
/// with filter type 0, `IEND`; chunk CRCs and the compression from zlib.
public enum PNGEncoder {
    /// The PNG file's bytes.
    public static func encode(_ image: Image) -> Data {
        let channels = image.channels >= 3 ? 3 : 1
        let plane = image.width * image.height
        var raw = [UInt8]()
        raw.reserveCapacity(image.height * (1 + image.width * channels))
        for y in 0..<image.height {
            raw.append(0)
            for x in 0..<image.width {
                for c in 0..<channels {
                    let v = image.pixels[c * plane + y * image.width + x]
                    raw.append(UInt8(Swift.max(0, Swift.min(255, (v.isFinite ? v : 0) * 255 + 0.5))))
                }
            }
        }
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(bigEndian: UInt32(image.width)); header.append(bigEndian: UInt32(image.height))
        header.append(contentsOf: [8, channels == 3 ? 2 : 0, 0, 0, 0])
        chunk("IHDR", header, into: &out)
        chunk("IDAT", deflate(raw), into: &out)
        chunk("IEND", Data(), into: &out)
        return out
    }

    /// `data:image/png;base64,…`
    public static func dataURI(_ image: Image) -> String { "data:image/png;base64," + encode(image).base64EncodedString() }

    static func deflate(_ bytes: [UInt8]) -> Data {
        var size = compressBound(uLong(bytes.count))
        var buffer = [UInt8](repeating: 0, count: Int(size))
        let status = buffer.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in compress2(out.baseAddress, &size, input.baseAddress, uLong(bytes.count), 9) }
        }
        precondition(status == Z_OK, "PNGEncoder: zlib compress2 failed with \(status)")
        return Data(buffer[0..<Int(size)])
    }

    static func chunk(_ type: String, _ body: Data, into out: inout Data) {
        out.append(bigEndian: UInt32(body.count))
        let typed = Data(type.utf8) + body
        out.append(typed)
        let crc = typed.withUnsafeBytes { p in crc32(0, p.bindMemory(to: UInt8.self).baseAddress, uInt(typed.count)) }
        out.append(bigEndian: UInt32(crc))
    }
}

extension Data {
    mutating func append(bigEndian value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
