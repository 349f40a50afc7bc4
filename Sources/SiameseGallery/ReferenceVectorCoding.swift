import Foundation

/// How stores keep a reference embedding: its Float32 components as little-endian bytes (a SQLite `BLOB`, a
/// PostgreSQL `bytea`), `4 · dimension` bytes in all.
public enum ReferenceVectorCoding {
    /// The bytes of `vector`.
    public static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// The vector in `data`, or `nil` when its length is not a positive multiple of 4 (or not `4 · dimension`).
    public static func decode(_ data: Data, dimension: Int? = nil) -> [Float]? {
        guard data.count > 0, data.count % 4 == 0, dimension.map({ data.count == $0 * 4 }) ?? true else { return nil }
        let bytes = [UInt8](data)
        return (0..<(bytes.count / 4)).map { i in
            let b = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            return Float(bitPattern: b)
        }
    }
}
