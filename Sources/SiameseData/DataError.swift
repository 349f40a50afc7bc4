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
    /// An image header declares more than `limit` pixels (width × height, see ``ImageDecoder/maximumPixels``);
    /// refused before any pixel memory is allocated.
    case imageTooLarge(path: String, width: Int, height: Int, channels: Int, limit: Int)
    /// An image header declares a width or height below 1.
    case invalidImageSize(path: String, width: Int, height: Int)
    /// A data header (IDX) declares a shape whose size in bytes overflows or exceeds `limit`
    /// (see ``IDXFile/maximumBytes``); refused before the data are copied or inflated.
    case dataTooLarge(path: String, shape: [Int], limit: Int)
    /// A compressed stream inflates to more than `limit` bytes (see ``Gzip/maximumBytes``).
    case decompressedTooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .corrupt(path, reason): return "\(path): \(reason)"
        case let .sizeMismatch(path, expected, actual):
            return "\(path): header describes \(expected) bytes of data but the file holds \(actual)"
        case let .empty(path): return "\(path): no items"
        case let .emptyClass(path): return "\(path): class folder holds no image"
        case let .badRow(path, line, reason): return "\(path):\(line): \(reason)"
        case let .imageTooLarge(path, width, height, channels, limit):
            let pixels = width.multipliedReportingOverflow(by: height)
            let count = pixels.overflow ? "more than \(Int.max)" : "\(pixels.partialValue)"
            return "\(path): header declares a \(width)×\(height)×\(channels) image (\(count) pixels), over the limit of \(limit) pixels"
        case let .invalidImageSize(path, width, height):
            return "\(path): header declares an image of \(width)×\(height) pixels; both sides must be at least 1"
        case let .dataTooLarge(path, shape, limit):
            let shapeText = shape.map(String.init).joined(separator: "×")
            return "\(path): header declares shape \(shapeText), more than the limit of \(limit) bytes"
        case let .decompressedTooLarge(path, limit):
            return "\(path): compressed stream inflates to more than the limit of \(limit) bytes"
        }
    }
}
