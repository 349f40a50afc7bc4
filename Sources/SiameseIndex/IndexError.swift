/// Errors an ``ExactIndex`` or ``HNSWIndex`` throws for bad input (wrong shapes, non-finite values, bad `k` or ids).
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `k` must be at least 1.
    case invalidK(Int)
    /// The index holds no vectors, so there is nothing to search.
    case emptyIndex
    /// Vectors or queries have `actual` components where the index has dimension `expected`.
    case dimensionMismatch(operation: String, expected: Int, actual: Int)
    /// A tensor of vectors or queries has a shape other than `[d]` or `[n, d]`.
    case invalidShape(operation: String, shape: [Int])
    /// Vector `row` has a NaN or infinite value at `column`.
    case nonFinite(operation: String, row: Int, column: Int)
    /// `add` was given `ids` ids for `vectors` vectors.
    case idCountMismatch(vectors: Int, ids: Int)
    /// The id is already in the index, or appears twice among the ids being added.
    case duplicateID(Int)
    /// A construction or search parameter is out of range (``HNSWIndex``'s `M`, `efConstruction`, `efSearch`, …).
    case invalidParameter(name: String, value: Int, requirement: String)

    public var description: String {
        switch self {
        case let .invalidK(k):
            return "search: k must be at least 1, got \(k)"
        case .emptyIndex:
            return "search: the index is empty; add vectors before searching"
        case let .dimensionMismatch(op, expected, actual):
            return "\(op): the index has dimension \(expected), but vectors of dimension \(actual) were given"
        case let .invalidShape(op, shape):
            return "\(op): expected a tensor of shape [d] or [n, d], got \(shape)"
        case let .nonFinite(op, row, column):
            return "\(op): vector \(row) has a non-finite value (NaN or infinity) at component \(column)"
        case let .idCountMismatch(vectors, ids):
            return "add: \(ids) ids were given for \(vectors) vectors"
        case let .duplicateID(id):
            return "add: id \(id) is already in the index or appears twice among the new ids"
        case let .invalidParameter(name, value, requirement):
            return "index parameter \(name) = \(value) is invalid: \(requirement)"
        }
    }
}
