import Foundation

/// The conditional probabilities `p(j|i)` of t-SNE for one point (scikit-learn's `_binary_search_perplexity`).
///
/// `p(j|i) ∝ exp(−β·d²(i, j))` over the given neighbours, with the precision `β` found by bisection (at most 100
/// steps, from β = 1, doubling or halving while unbounded) so that the entropy `H = log Σ + β·Σ d²·p` matches
/// `log(perplexity)` to 1e-5 (natural logarithms).
enum PerplexitySearch {
    /// Writes `p(j|i)` for the squared distances `distances[0..<count]` into `probabilities`; `skip` is an index to
    /// leave at zero (the point itself, in a full row) or -1.
    static func conditional(distances: UnsafePointer<Double>, count: Int, skip: Int, perplexity: Double,
                            into probabilities: UnsafeMutablePointer<Double>) {
        let target = log(perplexity)
        var beta = 1.0, betaMin = -Double.infinity, betaMax = Double.infinity
        for _ in 0..<100 {
            var sum = 0.0
            for j in 0..<count {
                let p = j == skip ? 0 : exp(-distances[j] * beta)
                probabilities[j] = p
                sum += p
            }
            if sum == 0 { sum = 1e-8 }
            var weighted = 0.0
            for j in 0..<count {
                probabilities[j] /= sum
                weighted += distances[j] * probabilities[j]
            }
            let entropy = log(sum) + beta * weighted
            let difference = entropy - target
            if abs(difference) <= 1e-5 { break }
            if difference > 0 {
                betaMin = beta
                beta = betaMax == .infinity ? beta * 2 : (beta + betaMax) / 2
            } else {
                betaMax = beta
                beta = betaMin == -.infinity ? beta / 2 : (beta + betaMin) / 2
            }
        }
    }
}
