/// Correlation coefficients between two paired samples, in `Double` (SciPy's `scipy.stats.pearsonr` and
/// `scipy.stats.spearmanr`): how STS-style models are scored (Spearman × 100 of cosine similarity against gold
/// scores, as sentence-transformers' `EmbeddingSimilarityEvaluator` reports).
///
/// ```swift
/// let rho = try Correlation.spearman(predicted, gold)    // 0.8203
/// ```
public enum Correlation {
    /// Pearson's r: `Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²)`.
    ///
    /// - Throws: ``CorrelationError`` for different lengths, fewer than two pairs, non-finite values, or a constant
    ///   sample (where r is undefined; SciPy returns NaN with a warning).
    public static func pearson(_ x: [Double], _ y: [Double]) throws -> Double {
        try validate(x, y)
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            let (dx, dy) = (a - mx, b - my)
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0 else { throw CorrelationError.constant(sample: "first") }
        guard syy > 0 else { throw CorrelationError.constant(sample: "second") }
        return Swift.max(-1, Swift.min(1, sxy / (sxx * syy).squareRoot()))
    }

    /// Spearman's ρ: Pearson's r of the ranks, tied values sharing the average of their ranks (SciPy's
    /// `rankdata(method="average")`).
    ///
    /// - Throws: as ``pearson(_:_:)``.
    public static func spearman(_ x: [Double], _ y: [Double]) throws -> Double {
        try validate(x, y)
        return try pearson(ranks(x), ranks(y))
    }

    /// 1-based ranks, ties averaged.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let average = Double(start + 1 + end) / 2   // mean of ranks start+1 … end
            for k in start..<end { ranks[order[k]] = average }
            start = end
        }
        return ranks
    }

    static func validate(_ x: [Double], _ y: [Double]) throws {
        guard x.count == y.count else { throw CorrelationError.lengthMismatch(x.count, y.count) }
        guard x.count >= 2 else { throw CorrelationError.tooFew(x.count) }
        if let i = x.firstIndex(where: { !$0.isFinite }) { throw CorrelationError.nonFinite(sample: "first", index: i) }
        if let i = y.firstIndex(where: { !$0.isFinite }) { throw CorrelationError.nonFinite(sample: "second", index: i) }
    }
}
