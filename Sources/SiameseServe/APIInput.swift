/// One input in a request body: an image (`{"image": "<base64 PNG, JPEG or PGM/PPM>"}`) or an embedding the
/// model made earlier (`{"embedding": [0.1, …]}`, exactly the model's dimension). Exactly one of the two is given.
public enum APIInput: Codable, Sendable, Equatable {
    case image(base64: String)
    case embedding([Float])

    private enum CodingKeys: String, CodingKey { case image, embedding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let image = try c.decodeIfPresent(String.self, forKey: .image)
        // Read as Double so that a value beyond Float's range is named, not reported as broken JSON. The bound is
        // exclusive: a decimal just beyond ±Float.greatestFiniteMagnitude parses to exactly that Double, so refusing
        // the bound itself is what refuses every value the document (exclusive minimum and maximum) calls invalid.
        let wide = try c.decodeIfPresent([Double].self, forKey: .embedding)
        if let bad = wide?.firstIndex(where: { abs($0) >= Double(Float.greatestFiniteMagnitude) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.embedding, Index(bad)],
                                                    debugDescription: "\(wide![bad]) is not inside the range of 32-bit floats (±3.4028235e38, exclusive)"))
        }
        let embedding = wide?.map(Float.init)
        switch (image, embedding) {
        case let (image?, nil): self = .image(base64: image)
        case let (nil, embedding?): self = .embedding(embedding)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "give exactly one of \"image\" and \"embedding\""))
        }
    }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .image(base64): try c.encode(base64, forKey: .image)
        case let .embedding(values): try c.encode(values, forKey: .embedding)
        }
    }
}
