/// Problems with the inputs of an evaluation.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(labels: Int, scores: Int)
    case empty
    case nonFiniteScore(index: Int)
    case invalidLabel(index: Int, value: Int)
    case singleClass(label: Int)

    public var description: String {
        switch self {
        case let .lengthMismatch(l, s): return "evaluation: \(l) labels but \(s) scores"
        case .empty: return "evaluation: no pairs to evaluate"
        case let .nonFiniteScore(i): return "evaluation: score \(i) is NaN or infinite"
        case let .invalidLabel(i, v): return "evaluation: label \(i) is \(v); labels must be 0 or 1"
        case let .singleClass(label): return "evaluation: every pair has label \(label); ROC needs both classes"
        }
    }

    static func validate(labels: [Int], scores: [Double]) throws {
        guard labels.count == scores.count else { throw lengthMismatch(labels: labels.count, scores: scores.count) }
        guard !labels.isEmpty else { throw empty }
        if let i = scores.firstIndex(where: { !$0.isFinite }) { throw nonFiniteScore(index: i) }
        if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw invalidLabel(index: i, value: labels[i]) }
        let positives = labels.reduce(0, +)
        if positives == 0 || positives == labels.count { throw singleClass(label: labels[0]) }
    }
}
