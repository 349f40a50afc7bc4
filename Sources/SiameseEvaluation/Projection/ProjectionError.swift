/// Problems with the inputs or parameters of a projection (PCA, t-SNE) or of ``trustworthiness(original:embedded:neighbours:)``.
public enum ProjectionError: Error, Equatable, CustomStringConvertible {
    /// No points were given.
    case empty
    /// Row `row` has `count` values where row 0 has `expected`.
    case raggedRows(row: Int, count: Int, expected: Int)
    /// Row 0 has no values.
    case zeroDimensions
    /// The value at `row`, `column` is NaN or infinite.
    case nonFinite(row: Int, column: Int)
    /// t-SNE: the perplexity must be below the number of points (scikit-learn's rule).
    case tooFewPoints(count: Int, perplexity: Double)
    /// Trustworthiness: `neighbours` must be below half the number of points (scikit-learn's rule).
    case tooFewPointsForNeighbours(count: Int, neighbours: Int)
    /// The two point sets of a comparison have different lengths.
    case countMismatch(original: Int, embedded: Int)
    /// A parameter out of its range: its name, its value and the rule.
    case invalidParameter(name: String, value: String, rule: String)

    public var description: String {
        switch self {
        case .empty: return "projection: no points"
        case let .raggedRows(row, count, expected):
            return "projection: row \(row) has \(count) values but row 0 has \(expected)"
        case .zeroDimensions: return "projection: the points have no values (0 dimensions)"
        case let .nonFinite(row, column): return "projection: value at row \(row), column \(column) is NaN or infinite"
        case let .tooFewPoints(count, perplexity):
            return "t-SNE: perplexity \(perplexity) needs more than \(Int(perplexity.rounded(.down))) points; got \(count)"
        case let .tooFewPointsForNeighbours(count, neighbours):
            return "trustworthiness: \(neighbours) neighbours need more than \(2 * neighbours) points; got \(count)"
        case let .countMismatch(original, embedded):
            return "trustworthiness: \(original) original points but \(embedded) embedded points"
        case let .invalidParameter(name, value, rule):
            return "projection: \(name) = \(value) is invalid; \(rule)"
        }
    }
}
