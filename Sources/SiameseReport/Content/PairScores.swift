import SiameseEvaluation

/// Scored pairs of evaluated items: which items, whether they share a class, the model's score for each (a distance,
/// or a similarity when `greaterIsCloser`), and the model's chosen threshold. The curves and metrics come from
/// SiameseEvaluation (``ROCCurve``, ``PrecisionRecallCurve``, ``VerificationMetrics``) on the scores oriented so that
/// larger means more alike.
public struct PairScores: Sendable {
    public struct Pair: Sendable, Equatable {
        public let first: Int, second: Int, same: Bool
        public init(first: Int, second: Int, same: Bool) { self.first = first; self.second = second; self.same = same }
    }
    public let pairs: [Pair]
    public let scores: [Double]
    public let greaterIsCloser: Bool
    /// The model's calibrated threshold, when it has one.
    public let threshold: CalibratedThreshold?
    /// What the pairs are, for the report (e.g. `4,000 held-out pairs, seed 43`).
    public let description: String

    public init(pairs: [Pair], scores: [Double], greaterIsCloser: Bool, threshold: CalibratedThreshold?, description: String) {
        precondition(pairs.count == scores.count, "PairScores: \(pairs.count) pairs, \(scores.count) scores")
        self.pairs = pairs; self.scores = scores; self.greaterIsCloser = greaterIsCloser; self.threshold = threshold
        self.description = description
    }

    /// 1 for same-class pairs, 0 otherwise.
    public var labels: [Int] { pairs.map { $0.same ? 1 : 0 } }
    /// Scores with larger meaning more alike (negated distances).
    public var closeness: [Double] { greaterIsCloser ? scores : scores.map { -$0 } }
    /// `distance` or `similarity`.
    public var scoreName: String { greaterIsCloser ? "similarity" : "distance" }

    public func roc() throws -> ROCCurve { try ROCCurve(labels: labels, scores: closeness) }
    public func precisionRecall() throws -> PrecisionRecallCurve { try PrecisionRecallCurve(labels: labels, scores: closeness) }
    public func metrics() throws -> VerificationMetrics { try VerificationMetrics(labels: labels, scores: closeness) }

    /// The equal-error threshold in the model's own units (distance or similarity).
    public func equalErrorScore() throws -> Double {
        let t = try metrics().equalErrorThreshold
        return greaterIsCloser ? t : -t
    }

    /// False-accept rate (different-class pairs accepted) and false-reject rate (same-class pairs refused) on these
    /// pairs at `threshold`.
    public func rates(at threshold: CalibratedThreshold) -> (falseAccept: Double, falseReject: Double) {
        var fa = 0, negatives = 0, fr = 0, positives = 0
        for (p, s) in zip(pairs, scores) {
            let accepted = threshold.accepts(s, greaterIsCloser: greaterIsCloser)
            if p.same { positives += 1; if !accepted { fr += 1 } } else { negatives += 1; if accepted { fa += 1 } }
        }
        return (Double(fa) / Double(Swift.max(negatives, 1)), Double(fr) / Double(Swift.max(positives, 1)))
    }

    /// The fraction of these pairs decided correctly at `threshold`.
    public func accuracy(at threshold: CalibratedThreshold) -> Double {
        let correct = zip(pairs, scores).filter { threshold.accepts($1, greaterIsCloser: greaterIsCloser) == $0.same }.count
        return Double(correct) / Double(Swift.max(pairs.count, 1))
    }

    /// Indices of the `count` different-class pairs that look most alike (accepted by the threshold, when there is
    /// one), most alike first; a pair of items drawn more than once is listed once.
    public func hardestFalseAccepts(_ count: Int) -> [Int] {
        let c = closeness
        return distinct(pairs.indices.filter { !pairs[$0].same && (threshold?.accepts(scores[$0], greaterIsCloser: greaterIsCloser) ?? true) }
            .sorted { c[$0] > c[$1] || (c[$0] == c[$1] && $0 < $1) }, count)
    }

    /// Indices of the `count` same-class pairs that look least alike (refused by the threshold, when there is one),
    /// least alike first; a pair of items drawn more than once is listed once.
    public func hardestFalseRejects(_ count: Int) -> [Int] {
        let c = closeness
        return distinct(pairs.indices.filter { pairs[$0].same && !(threshold?.accepts(scores[$0], greaterIsCloser: greaterIsCloser) ?? false) }
            .sorted { c[$0] < c[$1] || (c[$0] == c[$1] && $0 < $1) }, count)
    }

    /// The first `count` indices whose unordered item pairs differ.
    private func distinct(_ ordered: [Int], _ count: Int) -> [Int] {
        var seen = Set<[Int]>(), out: [Int] = []
        for i in ordered where out.count < count {
            let key = [Swift.min(pairs[i].first, pairs[i].second), Swift.max(pairs[i].first, pairs[i].second)]
            if seen.insert(key).inserted { out.append(i) }
        }
        return out
    }
}
