/// One input in a request body: an image (`{"image": "<base64 PNG, JPEG or PGM/PPM>"}`) or an embedding the
/// model made earlier (`{"embedding": [0.1, …]}`, exactly the model's dimension). Exactly one of the two is given.
public enum APIInput: Codable, Sendable, Equatable {
    case image(base64: String)
    case embedding([Float])

    private enum CodingKeys: String, CodingKey { case image, embedding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let image = try c.decodeIfPresent(String.self, forKey: .image)
        let embedding = try c.decodeIfPresent([Float].self, forKey: .embedding)
        switch (image, embedding) {
        case let (image?, nil): self = .image(base64: image)
        case let (nil, embedding?): self = .embedding(embedding)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "give exactly one of \"image\" and \"embedding\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .image(base64): try c.encode(base64, forKey: .image)
        case let .embedding(values): try c.encode(values, forKey: .embedding)
        }
    }
}
