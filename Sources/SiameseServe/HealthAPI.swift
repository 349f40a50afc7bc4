/// `GET /health` answer: the served model.
public struct HealthResponse: Codable, Sendable, Equatable {
    /// `ok`.
    public var status: String
    /// The model's name (its folder's name unless given).
    public var model: String
    /// Embedding size.
    public var dimension: Int
    /// The model folder's content hash (`model.json`).
    public var contentHash: String
    /// The distance's name and direction.
    public var distance: String
    public var greaterIsCloser: Bool
    /// The calibrated decision threshold, when the model has one.
    public var threshold: Double?
}
