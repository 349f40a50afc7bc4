/// Errors the tensor engine throws for bad data (as opposed to programmer errors, which stop with a message).
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The number of values does not fit the requested shape.
    case elementCountMismatch(operation: String, shape: [Int], expected: Int, actual: Int)
    /// Two shapes that must agree do not.
    case shapeMismatch(operation: String, expected: [Int], actual: [Int])
    /// A shape has a negative dimension, or an axis is out of range.
    case invalidShape(operation: String, shape: [Int])
    /// A tensor holds NaN or infinity where finite values are required.
    case nonFinite(operation: String, index: Int)
    /// An index is outside `0..<bound`.
    case indexOutOfRange(operation: String, index: Int, bound: Int)

    public var description: String {
        switch self {
        case let .elementCountMismatch(op, shape, expected, actual):
            return "\(op): shape \(shape) needs \(expected) values but \(actual) were given"
        case let .shapeMismatch(op, expected, actual):
            return "\(op): expected shape \(expected), got \(actual)"
        case let .invalidShape(op, shape):
            return "\(op): invalid shape \(shape)"
        case let .nonFinite(op, index):
            return "\(op): non-finite value (NaN or infinity) at flat index \(index)"
        case let .indexOutOfRange(op, index, bound):
            return "\(op): index \(index) is out of range 0..<\(bound)"
        }
    }
}

/// Stops with a message naming the operation, for programmer errors such as mismatched shapes.
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
           file: StaticString = #file, line: UInt = #line) {
    if !condition() { preconditionFailure(message(), file: file, line: line) }
}
