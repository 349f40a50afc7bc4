import Foundation

/// Accuracy of N-way K-shot classification by nearest support example, with a 95 % confidence interval.
///
/// Each trial has a query and `ways × shots` labelled support examples; the prediction is the class of the
/// closest support example (or, with `shots > 1`, the class with the smallest mean distance).
public struct FewShotAccuracy: Sendable, Equatable {
    /// Fraction of trials answered correctly.
    public let accuracy: Double
    /// Number of trials.
    public let trials: Int
    /// The 95 % Wilson score interval of the accuracy.
    public let interval95: ClosedRange<Double>

    /// - Parameters:
    ///   - distances: for each trial, the distance from the query to every support example.
    ///   - supportClasses: for each trial, the class of every support example (same order as `distances`).
    ///   - answers: for each trial, the query's true class.
    /// - Throws: ``EvaluationError/empty`` without trials, ``EvaluationError/lengthMismatch(labels:scores:)`` when a
    ///   trial's distances and classes differ in length, ``EvaluationError/nonFiniteScore(index:)`` for NaN distances.
    public init(distances: [[Double]], supportClasses: [[Int]], answers: [Int]) throws {
        guard !answers.isEmpty else { throw EvaluationError.empty }
        guard distances.count == answers.count, supportClasses.count == answers.count else {
            throw EvaluationError.lengthMismatch(labels: answers.count, scores: distances.count)
        }
        var correct = 0
        for t in answers.indices {
            let d = distances[t], c = supportClasses[t]
            guard d.count == c.count, !d.isEmpty else { throw EvaluationError.lengthMismatch(labels: c.count, scores: d.count) }
            if let bad = d.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFiniteScore(index: bad) }
            var sums: [Int: (Double, Int)] = [:]
            for (v, k) in zip(d, c) { sums[k, default: (0, 0)].0 += v; sums[k, default: (0, 0)].1 += 1 }
            // Smallest mean distance; ties go to the smaller class id, so the result is deterministic.
            let predicted = sums.min { a, b in
                let ma = a.value.0 / Double(a.value.1), mb = b.value.0 / Double(b.value.1)
                return ma < mb || (ma == mb && a.key < b.key)
            }!.key
            if predicted == answers[t] { correct += 1 }
        }
        trials = answers.count
        accuracy = Double(correct) / Double(trials)
        interval95 = Self.wilson(successes: correct, trials: trials, z: 1.959963984540054)
    }

    /// The Wilson score interval for a binomial proportion.
    static func wilson(successes: Int, trials: Int, z: Double) -> ClosedRange<Double> {
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        return Swift.max(0, centre - half)...Swift.min(1, centre + half)
    }
}
