/// Problems reading or writing a safetensors file; each names the file.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// Shorter than the 8-byte header length.
    case truncatedHeaderLength(path: String, size: Int)
    /// The declared header length runs past the end of the file (or is absurdly large).
    case headerLengthBeyondFile(path: String, declared: UInt64, fileSize: Int)
    /// The header is not a JSON object of the expected form.
    case invalidHeader(path: String, reason: String)
    /// A tensor uses a dtype this reader does not know.
    case unknownDType(path: String, tensor: String, dtype: String)
    /// A tensor's byte range disagrees with its shape and dtype, or lies outside the data section.
    case dataSizeMismatch(path: String, tensor: String, expectedBytes: Int, actualBytes: Int)
    /// A tensor's offsets fall outside the data section.
    case offsetsOutOfRange(path: String, tensor: String, end: Int, dataSize: Int)
    /// A tensor the caller needs is absent.
    case missingTensor(path: String, tensor: String)
    /// A stored shape differs from the one the model expects.
    case shapeMismatch(path: String, tensor: String, expected: [Int], actual: [Int])
    /// A weight holds NaN or an infinity (element `index`, flattened).
    case nonFiniteValue(path: String, tensor: String, index: Int)

    public var description: String {
        switch self {
        case let .io(path, reason): return "\(path): \(reason)"
        case let .truncatedHeaderLength(path, size):
            return "\(path): truncated safetensors file (\(size) bytes; the header length alone needs 8)"
        case let .headerLengthBeyondFile(path, declared, size):
            return "\(path): header length \(declared) runs past the end of the file (\(size) bytes)"
        case let .invalidHeader(path, reason): return "\(path): invalid safetensors header: \(reason)"
        case let .unknownDType(path, tensor, dtype): return "\(path): tensor '\(tensor)' has unsupported dtype \(dtype)"
        case let .dataSizeMismatch(path, tensor, expected, actual):
            return "\(path): tensor '\(tensor)' needs \(expected) bytes for its shape and dtype but spans \(actual)"
        case let .offsetsOutOfRange(path, tensor, end, size):
            return "\(path): tensor '\(tensor)' ends at byte \(end) but the data section has \(size) bytes"
        case let .missingTensor(path, tensor): return "\(path): tensor '\(tensor)' is missing"
        case let .shapeMismatch(path, tensor, expected, actual):
            return "\(path): tensor '\(tensor)' has shape \(actual), expected \(expected)"
        case let .nonFiniteValue(path, tensor, index):
            return "\(path): tensor '\(tensor)' holds NaN or infinity (element \(index)); refusing to load it"
        }
    }
}
