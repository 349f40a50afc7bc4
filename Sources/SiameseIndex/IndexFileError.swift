/// Errors from saving or loading an index file (``HNSWIndex/save(to:)``, ``HNSWIndex/load(from:)``).
public enum IndexFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read, written or renamed.
    case io(path: String, message: String)
    /// The file does not start with the index magic bytes: it is not an index file.
    case notAnIndex(path: String)
    /// The file was written by a format version this build does not read.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends before the `expected` bytes its header announces (`actual` present).
    case truncated(path: String, expected: Int, actual: Int)
    /// The stored checksum does not match the contents.
    case checksumMismatch(path: String)
    /// A field holds an impossible value (a neighbour out of range, an unknown metric, extra bytes, …).
    case corrupt(path: String, field: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, message): return "\(path): \(message)"
        case let .notAnIndex(path): return "\(path): not a SiameseKit index file (wrong magic bytes)"
        case let .unsupportedVersion(path, version): return "\(path): index file format version \(version) is not supported"
        case let .truncated(path, expected, actual): return "\(path): truncated index file: \(actual) bytes, expected \(expected)"
        case let .checksumMismatch(path): return "\(path): index file checksum mismatch (the file is corrupt)"
        case let .corrupt(path, field, reason): return "\(path): corrupt index file: \(field) \(reason)"
        }
    }
}
