/// A decision threshold chosen on labelled pairs, with the error rates it had there.
///
/// A pair is accepted as "same" when its distance is **at most** ``value`` (or, for a similarity, at least
/// ``value``). The false-accept rate is the fraction of different-class pairs accepted, the false-reject rate
/// the fraction of same-class pairs refused; both measured on the pairs the threshold was chosen on.
public struct CalibratedThreshold: Codable, Sendable, Equatable {
    /// The threshold on the model's distance or similarity.
    public var value: Double
    /// Fraction of different-class pairs accepted at ``value``.
    public var falseAcceptRate: Double
    /// Fraction of same-class pairs refused at ``value``.
    public var falseRejectRate: Double
    /// How it was chosen: `best-accuracy`, `equal-error` or `false-accept-rate ≤ x`.
    public var rule: String
    /// Pairs it was chosen on.
    public var pairs: Int

    public init(value: Double, falseAcceptRate: Double, falseRejectRate: Double, rule: String, pairs: Int) {
        self.value = value; self.falseAcceptRate = falseAcceptRate; self.falseRejectRate = falseRejectRate
        self.rule = rule; self.pairs = pairs
    }

    /// Whether a pair with this score is accepted as "same".
    public func accepts(_ score: Double, greaterIsCloser: Bool) -> Bool {
        greaterIsCloser ? score >= value : score <= value
    }
}

/// Chooses thresholds on labelled pairs (`labels[i]` 1 for same-class pairs, 0 otherwise) for scores that are
/// distances (`greaterIsCloser: false`, accepted when ≤ threshold) or similarities (accepted when ≥ threshold).
///
/// Every threshold is placed halfway between two neighbouring distinct scores, so that the same decisions
/// follow on the calibration pairs and small numeric differences elsewhere do not flip them.
public enum ThresholdCalibration {
    /// The threshold that maximises accuracy (the first such cut from the "accept nothing" end, like scikit-learn's
    /// highest-threshold rule for scores).
    public static func bestAccuracy(labels: [Int], scores: [Double], greaterIsCloser: Bool) throws -> CalibratedThreshold {
        let walk = try Walk(labels: labels, scores: scores, greaterIsCloser: greaterIsCloser)
        var best = walk.cuts[0]
        for cut in walk.cuts where cut.correct > best.correct { best = cut }
        return walk.threshold(at: best, rule: "best-accuracy")
    }

    /// The threshold accepting the most pairs while its false-accept rate stays at or below `target`.
    public static func atFalseAcceptRate(_ target: Double, labels: [Int], scores: [Double],
                                         greaterIsCloser: Bool) throws -> CalibratedThreshold {
        let walk = try Walk(labels: labels, scores: scores, greaterIsCloser: greaterIsCloser)
        var chosen = walk.cuts[0]
        for cut in walk.cuts where Double(cut.negativesAccepted) <= target * Double(walk.negatives) { chosen = cut }
        return walk.threshold(at: chosen, rule: "false-accept-rate ≤ \(target)")
    }

    /// The cut where the false-accept and false-reject rates are closest (the equal-error operating point).
    public static func equalError(labels: [Int], scores: [Double], greaterIsCloser: Bool) throws -> CalibratedThreshold {
        let walk = try Walk(labels: labels, scores: scores, greaterIsCloser: greaterIsCloser)
        func gap(_ c: Walk.Cut) -> Double { abs(walk.far(c) - walk.frr(c)) }
        var best = walk.cuts[0]
        for cut in walk.cuts where gap(cut) < gap(best) { best = cut }
        return walk.threshold(at: best, rule: "equal-error")
    }

    /// Pairs ordered from most to least alike; a cut after `accepted` of them is a candidate threshold wherever
    /// the neighbouring scores differ.
    private struct Walk {
        struct Cut { let accepted: Int; let positivesAccepted: Int; let negativesAccepted: Int; let correct: Int }
        let closeness: [Double]
        let greaterIsCloser: Bool
        let positives: Int, negatives: Int
        var cuts: [Cut] = []

        init(labels: [Int], scores: [Double], greaterIsCloser: Bool) throws {
            try EvaluationError.validate(labels: labels, scores: scores)
            self.greaterIsCloser = greaterIsCloser
            let order = scores.indices.map { (greaterIsCloser ? scores[$0] : -scores[$0], labels[$0]) }.sorted { $0.0 > $1.0 }
            closeness = order.map(\.0)
            positives = labels.reduce(0, +)
            negatives = labels.count - positives
            var pos = 0, neg = 0
            cuts.append(Cut(accepted: 0, positivesAccepted: 0, negativesAccepted: 0, correct: negatives))
            for (i, item) in order.enumerated() {
                if item.1 == 1 { pos += 1 } else { neg += 1 }
                if i + 1 == order.count || order[i + 1].0 < item.0 {
                    cuts.append(Cut(accepted: i + 1, positivesAccepted: pos, negativesAccepted: neg, correct: pos + negatives - neg))
                }
            }
        }

        func far(_ c: Cut) -> Double { Double(c.negativesAccepted) / Double(negatives) }
        func frr(_ c: Cut) -> Double { Double(positives - c.positivesAccepted) / Double(positives) }

        func threshold(at cut: Cut, rule: String) -> CalibratedThreshold {
            let n = closeness.count
            let t: Double
            if cut.accepted == 0 {
                t = closeness[0] + Swift.max(1e-6, abs(closeness[0]) * 1e-6)
            } else if cut.accepted == n {
                t = closeness[n - 1] - Swift.max(1e-6, abs(closeness[n - 1]) * 1e-6)
            } else {
                t = (closeness[cut.accepted - 1] + closeness[cut.accepted]) / 2
            }
            return CalibratedThreshold(value: greaterIsCloser ? t : -t, falseAcceptRate: far(cut), falseRejectRate: frr(cut),
                                       rule: rule, pairs: n)
        }
    }
}
