import SiameseZlib
import Foundation
import Synchronization

/// Decompression of gzip (and zlib) streams through the system zlib.
///
/// The inflated size is bounded (``maximumBytes``), so a small "gzip bomb" cannot exhaust memory.
public enum Gzip {
    /// The default of ``maximumBytes``: 2³² bytes (4 GiB), about 90 times the largest MNIST file.
    public static let defaultMaximumBytes = 1 << 32

    private static let byteLimit = Mutex(defaultMaximumBytes)

    /// The most bytes ``decompress(_:path:maximumBytes:)`` produces before it gives up with
    /// ``DataError/decompressedTooLarge(path:limit:)``. Process-wide and safe to change from any thread.
    public static var maximumBytes: Int {
        get { byteLimit.withLock { $0 } }
        set { byteLimit.withLock { $0 = newValue } }
    }

    /// Whether `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Inflates a gzip or zlib stream.
    ///
    /// - Parameters:
    ///   - path: names the source in errors.
    ///   - maximumBytes: the largest inflated size accepted (default: ``maximumBytes``).
    /// - Throws: ``DataError/corrupt(path:reason:)`` when the stream is damaged or truncated,
    ///   ``DataError/decompressedTooLarge(path:limit:)`` as soon as the output passes `maximumBytes`.
    public static func decompress(_ data: Data, path: String, maximumBytes: Int = Gzip.maximumBytes) throws -> Data {
        var output = Data()
        try inflate(data, path: path) { chunk in
            guard chunk.count <= maximumBytes - output.count else {
                throw DataError.decompressedTooLarge(path: path, limit: maximumBytes)
            }
            output.append(contentsOf: chunk)
        }
        return output
    }

    /// Inflates a gzip or zlib stream, handing the output to `consume` one chunk (at most 1 MiB) at a time;
    /// `consume` may throw to stop early.
    static func inflate(_ data: Data, path: String, _ consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var stream = z_stream()
        // 15 + 32: accept both gzip and zlib headers.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corrupt(path: path, reason: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    return SiameseZlib.inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw DataError.corrupt(path: path, reason: "gzip stream is damaged (zlib status \(status))")
                }
                let produced = chunk - Int(stream.avail_out)
                try buffer.withUnsafeBufferPointer { try consume(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                    throw DataError.corrupt(path: path, reason: "gzip stream is truncated")
                }
            } while status != Z_STREAM_END
        }
    }
}
