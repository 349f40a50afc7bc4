/// Inputs for which a correlation coefficient is undefined.
public enum CorrelationError: Error, Equatable, CustomStringConvertible {
    /// The two samples have different lengths.
    case lengthMismatch(Int, Int)
    /// Fewer than two pairs.
    case tooFew(Int)
    /// A NaN or infinite value (`sample` is "first" or "second").
    case nonFinite(sample: String, index: Int)
    /// Every value of a sample is the same.
    case constant(sample: String)

    public var description: String {
        switch self {
        case let .lengthMismatch(a, b): return "correlation: samples of \(a) and \(b) values"
        case let .tooFew(n): return "correlation: needs at least 2 pairs, got \(n)"
        case let .nonFinite(sample, index): return "correlation: \(sample) sample value \(index) is NaN or infinite"
        case let .constant(sample): return "correlation: the \(sample) sample is constant, so the coefficient is undefined"
        }
    }
}
