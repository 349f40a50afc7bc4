/// `POST /compare` body: two inputs and, optionally, the decision threshold or a false-accept rate whose calibrated
/// operating point gives it (not both; by default the model's calibrated threshold).
public struct CompareRequest: Codable, Sendable, Equatable {
    public var a: APIInput
    public var b: APIInput
    public var threshold: Double?
    public var falseAcceptRate: Double?

    public init(a: APIInput, b: APIInput, threshold: Double? = nil, falseAcceptRate: Double? = nil) {
        self.a = a; self.b = b; self.threshold = threshold; self.falseAcceptRate = falseAcceptRate
    }
}

/// `POST /compare` answer: the model's score and, when a threshold applies, the decision.
public struct CompareResponse: Codable, Sendable, Equatable {
    /// The score of ``distance``: a distance (smaller is closer) or a similarity (larger is closer), see ``scoreKind``.
    public var score: Double
    /// `distance` or `similarity`.
    public var scoreKind: String
    /// The distance's name in the model's `similarity.json` (`euclidean`, `cosine`, …).
    public var distance: String
    public var greaterIsCloser: Bool
    /// `1 / (1 + distance)` for distances, the score itself for similarities.
    public var similarity: Double
    /// The threshold used; absent when the model has no calibrated threshold and none was asked for.
    public var threshold: Double?
    /// `calibrated`, `requested` or `false-accept-rate`; absent with ``threshold``.
    public var thresholdSource: String?
    /// The calibrated false-accept rate of the threshold, when known.
    public var falseAcceptRate: Double?
    /// The decision at ``threshold``; absent without one.
    public var same: Bool?
}
