import Foundation
import SiameseCore

/// The safetensors format: an 8-byte little-endian header length, a JSON header, then raw tensor data.
///
/// Reading supports F32, F16, BF16, F64, I64, I32, I16, I8, U8 and BOOL, converting to `Float` (or `Int`) on
/// access; writing stores `Float` tensors as F32 and integer tensors as I64, with keys sorted and the header
/// padded to 8 bytes, as the reference implementation does. Writes are atomic.
public enum Safetensors {
    /// Element types of the format.
    public enum DType: String, Sendable, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8"
        case bool = "BOOL"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// Whether values are integers (or booleans).
        public var isInteger: Bool { ![.f64, .f32, .f16, .bf16].contains(self) }
    }

    /// One stored tensor: dtype, shape and its raw little-endian bytes.
    public struct Entry: Sendable {
        public let dtype: DType
        public let shape: [Int]
        public let bytes: Data

        /// The values converted to `Float`.
        public func floats() -> [Float] {
            let n = Shape.count(shape)
            return bytes.withUnsafeBytes { raw -> [Float] in
                (0..<n).map { i -> Float in
                    switch dtype {
                    case .f32: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
                    case .f64: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian))
                    case .f16: return Safetensors.halfToFloat(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian)
                    case .bf16:
                        let bits = UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian) << 16
                        return Float(bitPattern: bits)
                    default: return Float(integer(raw, i))
                    }
                }
            }
        }

        /// The values converted to `Int` (floats are truncated toward zero and clamped to `Int`'s range; NaN gives 0).
        public func integers() -> [Int] {
            if !dtype.isInteger { return floats().map(Self.truncated) }
            return bytes.withUnsafeBytes { raw in (0..<Shape.count(shape)).map { integer(raw, $0) } }
        }

        /// `Int(value)` without its traps: a file may hold NaN, an infinity or a float beyond `Int`'s range.
        static func truncated(_ value: Float) -> Int {
            if value.isNaN { return 0 }
            if value >= Float(Int.max) { return .max }
            if value <= Float(Int.min) { return .min }
            return Int(value)
        }

        private func integer(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Int {
            switch dtype {
            case .i64: return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
            case .i32: return Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
            case .i16: return Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
            case .i8: return Int(raw.load(fromByteOffset: i, as: Int8.self))
            case .u8, .bool: return Int(raw.load(fromByteOffset: i, as: UInt8.self))
            default: return 0
            }
        }

        /// The values as a `Float` tensor.
        public func tensor() -> Tensor { Tensor(floats(), shape: shape) }
    }

    /// A parsed file: its tensors and free-form string metadata.
    public struct File: Sendable {
        public var tensors: [String: Entry]
        public var metadata: [String: String]
    }

    // MARK: Reading

    /// Reads and validates a safetensors file.
    ///
    /// - Throws: ``SafetensorsError`` naming the file and the problem (truncation, bad JSON, unknown dtype,
    ///   a shape that disagrees with the data size, …).
    public static func read(_ url: URL) throws -> File {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafetensorsError.io(path: url.path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try parse(data, path: url.path)
    }

    /// Parses safetensors bytes; `path` names the source in errors.
    public static func parse(_ data: Data, path: String) throws -> File {
        guard data.count >= 8 else { throw SafetensorsError.truncatedHeaderLength(path: path, size: data.count) }
        let declared = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard declared <= UInt64(data.count - 8) else {
            throw SafetensorsError.headerLengthBeyondFile(path: path, declared: declared, fileSize: data.count)
        }
        let headerEnd = 8 + Int(declared)
        let headerData = data.subdata(in: 8..<headerEnd)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerData) } catch {
            throw SafetensorsError.invalidHeader(path: path, reason: "not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw SafetensorsError.invalidHeader(path: path, reason: "the header is not a JSON object")
        }
        let dataSize = data.count - headerEnd
        var tensors: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw SafetensorsError.invalidHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (k, v) in m {
                    guard let s = v as? String else {
                        throw SafetensorsError.invalidHeader(path: path, reason: "metadata value for '\(k)' is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any], let dtypeName = info["dtype"] as? String,
                  let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, shape.count == (info["shape"] as? [Any])?.count else {
                throw SafetensorsError.invalidHeader(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw SafetensorsError.unknownDType(path: path, tensor: name, dtype: dtypeName)
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw SafetensorsError.invalidHeader(path: path, reason: "entry '\(name)' has a negative size or reversed offsets")
            }
            guard offsets[1] <= dataSize else {
                throw SafetensorsError.offsetsOutOfRange(path: path, tensor: name, end: offsets[1], dataSize: dataSize)
            }
            // The shape comes from the file: its element count may overflow (it cannot fit the data then).
            var expected = dtype.size
            for side in shape {
                let product = expected.multipliedReportingOverflow(by: side)
                guard !product.overflow else {
                    throw SafetensorsError.invalidHeader(path: path, reason: "entry '\(name)' has shape \(shape), too large for any file")
                }
                expected = product.partialValue
            }
            guard expected == offsets[1] - offsets[0] else {
                throw SafetensorsError.dataSizeMismatch(path: path, tensor: name, expectedBytes: expected,
                                                        actualBytes: offsets[1] - offsets[0])
            }
            tensors[name] = Entry(dtype: dtype, shape: shape,
                                  bytes: data.subdata(in: (headerEnd + offsets[0])..<(headerEnd + offsets[1])))
        }
        return File(tensors: tensors, metadata: metadata)
    }

    // MARK: Writing

    /// Encodes float tensors (F32) and integer tensors (I64) with optional metadata.
    public static func encode(floats: [String: Tensor], integers: [String: IntTensor] = [:],
                              metadata: [String: String] = [:]) -> Data {
        var entries: [(String, DType, [Int], Data)] = []
        for (name, t) in floats {
            let values = t.scalars
            var d = Data(capacity: values.count * 4)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
            entries.append((name, .f32, t.shape, d))
        }
        for (name, t) in integers {
            var d = Data(capacity: t.count * 8)
            for v in t.scalars { withUnsafeBytes(of: Int64(v).littleEndian) { d.append(contentsOf: $0) } }
            entries.append((name, .i64, t.shape, d))
        }
        entries.sort { $0.0 < $1.0 }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
            parts.append("\"__metadata__\":{\(m)}")
        }
        var offset = 0
        for (name, dtype, shape, bytes) in entries {
            let shapeText = shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
            offset += bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        // Pad with spaces so the data section starts 8-byte aligned.
        while (header.utf8.count % 8) != 0 { header += " " }
        var out = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        for e in entries { out.append(e.3) }
        return out
    }

    /// Writes tensors to `url` atomically (a temporary file in the same folder, then a rename).
    public static func write(floats: [String: Tensor], integers: [String: IntTensor] = [:], metadata: [String: String] = [:],
                             to url: URL) throws {
        try AtomicFile.write(encode(floats: floats, integers: integers, metadata: metadata), to: url)
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// IEEE half → float.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        var exponent = Int((h >> 10) & 0x1F)
        var mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            // Subnormal: normalise.
            while mantissa & 0x400 == 0 { mantissa <<= 1; exponent -= 1 }
            exponent += 1
            mantissa &= 0x3FF
        } else if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}
