/// How a 1:1 verification combines the scores of an identity's references: the closest one (`best`, the default)
/// or their mean (`mean`).
public enum ScoreAggregation: String, Codable, Sendable, CaseIterable {
    case best
    case mean
}

/// The outcome of ``Gallery/verify(_:against:aggregation:threshold:)``.
public struct Verification: Codable, Sendable, Equatable {
    public var identity: String
    /// The aggregated score (the model's distance or similarity).
    public var score: Double
    public var aggregation: ScoreAggregation
    /// The probe's score against each reference, in enrollment order.
    public var referenceScores: [Double]
    public var accepted: Bool
    public var threshold: AppliedThreshold
    /// `true` when scores are similarities (larger is closer).
    public var greaterIsCloser: Bool
}

/// One identity in an identification: its closest reference's score.
public struct GalleryMatch: Codable, Sendable, Equatable {
    public var identity: String
    public var identityID: Int64
    public var metadata: [String: String]
    /// The best score over the identity's references.
    public var score: Double
    /// The reference that gave ``score``.
    public var referenceID: Int64
    /// Whether ``score`` passes the threshold.
    public var accepted: Bool
}

/// The outcome of ``Gallery/identify(_:k:threshold:)``: the top identities, best first, and the match (the best
/// candidate, when it passes the threshold; `nil` for "nobody in the gallery").
public struct Identification: Codable, Sendable, Equatable {
    public var match: GalleryMatch?
    public var candidates: [GalleryMatch]
    public var threshold: AppliedThreshold
    public var greaterIsCloser: Bool
}

/// One reference found by ``Gallery/search(_:k:)``.
public struct ReferenceHit: Codable, Sendable, Equatable {
    public var referenceID: Int64
    public var identity: String
    public var identityID: Int64
    public var source: String?
    /// The model's score between the query and this reference.
    public var score: Double
}
