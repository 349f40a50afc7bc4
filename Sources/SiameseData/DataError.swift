/// Problems with data files; each names the file (and the record where it helps).
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The content is damaged or not in the expected format.
    case corrupt(path: String, reason: String)
    /// An IDX header describes more (or fewer) bytes than the file holds.
    case sizeMismatch(path: String, expectedBytes: Int, actualBytes: Int)
    /// A data set has no items.
    case empty(path: String)
    /// A class folder holds no readable image.
    case emptyClass(path: String)
    /// A text row has the wrong number of fields or an unreadable value.
    case badRow(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .corrupt(path, reason): return "\(path): \(reason)"
        case let .sizeMismatch(path, expected, actual):
            return "\(path): header describes \(expected) bytes of data but the file holds \(actual)"
        case let .empty(path): return "\(path): no items"
        case let .emptyClass(path): return "\(path): class folder holds no image"
        case let .badRow(path, line, reason): return "\(path):\(line): \(reason)"
        }
    }
}
