import Foundation
import SiameseCore

/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// Header: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions, then each dimension
/// as a big-endian 32-bit integer; the data follow in row-major order.
public struct IDXFile: Sendable {
    /// The dimensions, e.g. `[10000, 28, 28]` for images or `[10000]` for labels.
    public let shape: [Int]
    /// The raw unsigned bytes.
    public let bytes: [UInt8]

    /// Reads an IDX file (`.gz` or not: the content decides).
    ///
    /// - Throws: ``DataError`` naming the file when it is unreadable, damaged, of an unsupported type, or when
    ///   its header disagrees with its size.
    public init(contentsOf url: URL) throws {
        guard let raw = FileManager.default.contents(atPath: url.path) else {
            throw DataError.unreadable(path: url.path, reason: "no such file or not readable")
        }
        let data = Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: url.path) : raw
        try self.init(data: data, path: url.path)
    }

    /// Parses uncompressed IDX bytes; `path` names the source in errors.
    public init(data: Data, path: String) throws {
        let b = [UInt8](data)
        guard b.count >= 4, b[0] == 0, b[1] == 0 else {
            throw DataError.corrupt(path: path, reason: "not an IDX file (bad magic number)")
        }
        guard b[2] == 0x08 else {
            throw DataError.corrupt(path: path, reason: String(format: "unsupported IDX element type 0x%02x (only unsigned bytes)", b[2]))
        }
        let dims = Int(b[3])
        guard dims >= 1, b.count >= 4 + 4 * dims else {
            throw DataError.corrupt(path: path, reason: "IDX header is truncated")
        }
        var shape: [Int] = []
        for d in 0..<dims {
            let o = 4 + 4 * d
            shape.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        let expected = shape.reduce(1, *)
        let actual = b.count - 4 - 4 * dims
        guard expected == actual else {
            throw DataError.sizeMismatch(path: path, expectedBytes: expected, actualBytes: actual)
        }
        self.shape = shape
        bytes = Array(b[(4 + 4 * dims)...])
    }

    /// The values as integers (labels).
    public var integers: [Int] { bytes.map(Int.init) }

    /// Items `range` of an image file as a `[count, 1, H, W]` tensor scaled to [0, 1].
    public func images(_ range: Range<Int>? = nil) -> Tensor {
        precondition(shape.count == 3, "IDXFile.images: expected [count, height, width], have \(shape)")
        let r = range ?? 0..<shape[0]
        let per = shape[1] * shape[2]
        let values = bytes[(r.lowerBound * per)..<(r.upperBound * per)].map { Float($0) / 255 }
        return Tensor(values, shape: [r.count, 1, shape[1], shape[2]])
    }
}
