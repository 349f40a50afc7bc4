/// `POST /embed` body: up to ``ServeConfiguration/maxInputs`` inputs.
public struct EmbedRequest: Codable, Sendable, Equatable {
    public var inputs: [APIInput]
    public init(inputs: [APIInput]) { self.inputs = inputs }
}

/// `POST /embed` answer: one embedding per input, in order (images embedded, embeddings checked and returned as given).
public struct EmbedResponse: Codable, Sendable, Equatable {
    /// The model's content hash (`model.json`), so stored embeddings can be tied to the model that made them.
    public var model: String
    public var dimension: Int
    public var embeddings: [[Float]]
}
