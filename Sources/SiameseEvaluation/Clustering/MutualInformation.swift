import Foundation

/// Agreement between two labellings of the same items (true classes and predicted clusters), as scikit-learn
/// computes it: ``normalized(_:_:)`` is `normalized_mutual_info_score` and ``adjusted(_:_:)`` is
/// `adjusted_mutual_info_score`, both with `average_method="arithmetic"` (their defaults, and what PyTorch Metric
/// Learning's `AccuracyCalculator` reports as NMI and AMI). Natural logarithms throughout.
public enum MutualInformation {
    /// The contingency table of two labellings: row and column totals, and the non-zero cells.
    struct Contingency {
        var rows: [Int]
        var columns: [Int]
        /// (row, column, count) for every non-zero cell.
        var cells: [(Int, Int, Int)]
        var total: Int

        init(_ a: [Int], _ b: [Int]) {
            let ra = Dictionary(uniqueKeysWithValues: Set(a).sorted().enumerated().map { ($1, $0) })
            let rb = Dictionary(uniqueKeysWithValues: Set(b).sorted().enumerated().map { ($1, $0) })
            var table: [Int: Int] = [:]
            rows = [Int](repeating: 0, count: ra.count)
            columns = [Int](repeating: 0, count: rb.count)
            for (x, y) in zip(a, b) {
                let i = ra[x]!, j = rb[y]!
                rows[i] += 1; columns[j] += 1
                table[i * rb.count + j, default: 0] += 1
            }
            cells = table.keys.sorted().map { ($0 / rb.count, $0 % rb.count, table[$0]!) }
            total = a.count
        }
    }

    /// Mutual information `Σ_ij (n_ij/N) log(N n_ij / (a_i b_j))` (scikit-learn's `mutual_info_score`).
    public static func mutualInformation(_ a: [Int], _ b: [Int]) -> Double {
        mutualInformation(Contingency(a, b))
    }

    static func mutualInformation(_ c: Contingency) -> Double {
        if c.rows.count == 1 || c.columns.count == 1 { return 0 }
        let n = Double(c.total), logN = log(n)
        var sum = 0.0
        for (i, j, nij) in c.cells {
            let p = Double(nij) / n
            let outer = Double(c.rows[i]) * Double(c.columns[j])
            let term = p * (log(Double(nij)) - logN) + p * (-log(outer) + logN + logN)
            sum += abs(term) < Double.ulpOfOne ? 0 : term
        }
        return Swift.max(sum, 0)
    }

    /// Entropy `−Σ (n_i/N) log(n_i/N)` of a labelling (0 for one class).
    static func entropy(_ counts: [Int]) -> Double {
        if counts.count <= 1 { return 0 }
        let total = Double(counts.reduce(0, +)), logTotal = log(total)
        return -counts.reduce(0.0) { $0 + (Double($1) / total) * (log(Double($1)) - logTotal) }
    }

    /// Normalised mutual information `MI / ((H(a) + H(b)) / 2)`; 1 when both labellings have one class (or no
    /// items), 0 when the mutual information is 0.
    ///
    /// - Precondition: `a.count == b.count`.
    public static func normalized(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count, "MutualInformation: labellings of different lengths")
        let c = Contingency(a, b)
        if c.rows.count == c.columns.count, c.rows.count <= 1 { return 1 }
        let mi = mutualInformation(c)
        if mi == 0 { return 0 }
        return mi / ((entropy(c.rows) + entropy(c.columns)) / 2)
    }

    /// Adjusted mutual information `(MI − E[MI]) / ((H(a) + H(b)) / 2 − E[MI])`, with the expected mutual
    /// information of two random labellings with the same class sizes (the hypergeometric model of Vinh et al.,
    /// 2010); 1 when both labellings have one class, 0 when exactly one of them does.
    ///
    /// - Precondition: `a.count == b.count`.
    public static func adjusted(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count, "MutualInformation: labellings of different lengths")
        let c = Contingency(a, b)
        if c.rows.count == c.columns.count, c.rows.count <= 1 { return 1 }
        if c.rows.count == 1 || c.columns.count == 1 { return 0 }
        let mi = mutualInformation(c)
        let emi = expectedMutualInformation(rows: c.rows, columns: c.columns, total: c.total)
        let normalizer = (entropy(c.rows) + entropy(c.columns)) / 2
        let eps = Double.ulpOfOne
        var denominator = normalizer - emi
        denominator = denominator < 0 ? Swift.min(denominator, -eps) : Swift.max(denominator, eps)
        var numerator = mi - emi
        numerator = numerator < 0 ? Swift.min(numerator, -eps) : Swift.max(numerator, eps)
        return numerator / denominator
    }

    /// The expected mutual information of labellings with row sizes `rows` and column sizes `columns` over
    /// `total` items (scikit-learn's `expected_mutual_information`, in log-gamma form).
    /// log Γ(x) (the C library's `lgamma`).
    private static func logGamma(_ x: Double) -> Double {
        let value: Double = lgamma(x)
        return value
    }

    static func expectedMutualInformation(rows a: [Int], columns b: [Int], total n: Int) -> Double {
        if a.count == 1 || b.count == 1 { return 0 }
        let N = Double(n), logN = log(N)
        let glnN = logGamma(N + 1)
        let glnA = a.map { logGamma(Double($0) + 1) }, glnNA = a.map { logGamma(N - Double($0) + 1) }
        let glnB = b.map { logGamma(Double($0) + 1) }, glnNB = b.map { logGamma(N - Double($0) + 1) }
        let logA = a.map { log(Double($0)) }, logB = b.map { log(Double($0)) }
        let most = Swift.max(a.max()!, b.max()!)
        let logNij = (0...most).map { logN + log(Double(Swift.max($0, 1))) }
        let glnNij = (0...most).map { logGamma(Double($0) + 1) + glnN }
        var emi = 0.0
        for i in 0..<a.count {
            for j in 0..<b.count {
                let start = Swift.max(1, a[i] - n + b[j]), end = Swift.min(a[i], b[j])
                guard start <= end else { continue }
                for nij in start...end {
                    let term2 = logNij[nij] - logA[i] - logB[j]
                    let numerator: Double = glnA[i] + glnB[j] + glnNA[i] + glnNB[j]
                    let denominator: Double = glnNij[nij] + logGamma(Double(a[i] - nij + 1)) + logGamma(Double(b[j] - nij + 1))
                        + logGamma(Double(n - a[i] - b[j] + nij + 1))
                    let gln = numerator - denominator
                    emi += (Double(nij) / N) * term2 * exp(gln)
                }
            }
        }
        return emi
    }
}
