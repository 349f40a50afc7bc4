import Foundation
import SiameseCore
import Synchronization

/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// Header: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions, then each dimension
/// as a big-endian 32-bit integer; the data follow in row-major order.
public struct IDXFile: Sendable {
    /// The dimensions, e.g. `[10000, 28, 28]` for images or `[10000]` for labels.
    public let shape: [Int]
    /// The raw unsigned bytes.
    public let bytes: [UInt8]

    /// The default of ``maximumBytes``: 2³² bytes (4 GiB) of data, about 90 times MNIST's training images.
    public static let defaultMaximumBytes = 1 << 32

    private static let byteLimit = Mutex(defaultMaximumBytes)

    /// The largest data section (the product of the dimensions) a header may declare; larger files are refused
    /// with ``DataError/dataTooLarge(path:shape:limit:)`` before the data are copied or inflated.
    /// Process-wide and safe to change from any thread.
    public static var maximumBytes: Int {
        get { byteLimit.withLock { $0 } }
        set { byteLimit.withLock { $0 = newValue } }
    }

    /// Reads an IDX file (`.gz` or not: the content decides).
    ///
    /// A compressed file is inflated only as far as its header allows: the declared size bounds the memory,
    /// and a stream that inflates to more (or less) than declared gives ``DataError/sizeMismatch(path:expectedBytes:actualBytes:)``.
    ///
    /// - Parameter maximumBytes: the largest data section accepted (default: ``maximumBytes``).
    /// - Throws: ``DataError`` naming the file when it is unreadable, damaged, of an unsupported type, when
    ///   its header disagrees with its size, or when the declared size overflows or passes `maximumBytes`.
    public init(contentsOf url: URL, maximumBytes: Int = IDXFile.maximumBytes) throws {
        guard let raw = FileManager.default.contents(atPath: url.path) else {
            throw DataError.unreadable(path: url.path, reason: "no such file or not readable")
        }
        let bytes = Gzip.isCompressed(raw) ? try Self.inflate(raw, path: url.path, maximumBytes: maximumBytes) : [UInt8](raw)
        try self.init(bytes: bytes, path: url.path, maximumBytes: maximumBytes)
    }

    /// Parses uncompressed IDX bytes; `path` names the source in errors.
    ///
    /// - Parameter maximumBytes: the largest data section accepted (default: ``maximumBytes``).
    public init(data: Data, path: String, maximumBytes: Int = IDXFile.maximumBytes) throws {
        try self.init(bytes: [UInt8](data), path: path, maximumBytes: maximumBytes)
    }

    init(bytes b: [UInt8], path: String, maximumBytes: Int) throws {
        guard let header = try Self.header(b, path: path, maximumBytes: maximumBytes) else {
            throw DataError.corrupt(path: path, reason: b.count < 4 ? "not an IDX file (bad magic number)" : "IDX header is truncated")
        }
        let actual = b.count - header.dataOffset
        guard header.dataBytes == actual else {
            throw DataError.sizeMismatch(path: path, expectedBytes: header.dataBytes, actualBytes: actual)
        }
        shape = header.shape
        bytes = Array(b[header.dataOffset...])
    }

    /// The header of `b`, or nil while `b` is too short to hold all of it.
    ///
    /// - Throws: on a bad magic number or element type, a shape whose byte count overflows, or one over
    ///   `maximumBytes`.
    static func header(_ b: [UInt8], path: String, maximumBytes: Int) throws -> (shape: [Int], dataOffset: Int, dataBytes: Int)? {
        if b.count >= 2, b[0] != 0 || b[1] != 0 {
            throw DataError.corrupt(path: path, reason: "not an IDX file (bad magic number)")
        }
        guard b.count >= 4 else { return nil }
        guard b[2] == 0x08 else {
            throw DataError.corrupt(path: path, reason: String(format: "unsupported IDX element type 0x%02x (only unsigned bytes)", b[2]))
        }
        let dims = Int(b[3])
        guard dims >= 1 else { throw DataError.corrupt(path: path, reason: "IDX header declares no dimensions") }
        guard b.count >= 4 + 4 * dims else { return nil }
        var shape: [Int] = []
        for d in 0..<dims {
            let o = 4 + 4 * d
            shape.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        var product = 1
        for n in shape {
            let next = product.multipliedReportingOverflow(by: n)
            guard !next.overflow else { throw DataError.dataTooLarge(path: path, shape: shape, limit: maximumBytes) }
            product = next.partialValue
        }
        guard product <= maximumBytes else { throw DataError.dataTooLarge(path: path, shape: shape, limit: maximumBytes) }
        return (shape, 4 + 4 * dims, product)
    }

    /// Inflates a compressed IDX file, holding no more than its header declares.
    ///
    /// The header is parsed as soon as it has been inflated; a stream that goes on past the declared size is
    /// refused at once (``DataError/corrupt(path:reason:)``), one that ends early gives
    /// ``DataError/sizeMismatch(path:expectedBytes:actualBytes:)``.
    static func inflate(_ raw: Data, path: String, maximumBytes: Int) throws -> [UInt8] {
        var kept: [UInt8] = []
        var declared: (dataOffset: Int, dataBytes: Int)? = nil
        try Gzip.inflate(raw, path: path) { chunk in
            kept.append(contentsOf: chunk)
            if declared == nil, let header = try header(kept, path: path, maximumBytes: maximumBytes) {
                declared = (header.dataOffset, header.dataBytes)
                kept.reserveCapacity(header.dataOffset + header.dataBytes)
            }
            if let d = declared, kept.count > d.dataOffset + d.dataBytes {
                throw DataError.corrupt(path: path, reason: "gzip stream inflates past the \(d.dataBytes) data bytes its IDX header declares")
            }
        }
        if let d = declared, kept.count != d.dataOffset + d.dataBytes {
            throw DataError.sizeMismatch(path: path, expectedBytes: d.dataBytes, actualBytes: kept.count - d.dataOffset)
        }
        return kept
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
