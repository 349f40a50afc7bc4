/// One encoded text: `[CLS] pieces [SEP]` ids and how many pieces the maximum length dropped.
public struct Encoding: Sendable, Equatable {
    /// Token ids, `[CLS]` first and `[SEP]` last.
    public var ids: [Int]
    /// Pieces cut by truncation (0 when the text fit).
    public var truncatedPieces: Int
    /// Whether the text was truncated.
    public var isTruncated: Bool { truncatedPieces > 0 }
    /// The number of tokens.
    public var count: Int { ids.count }

    public init(ids: [Int], truncatedPieces: Int = 0) {
        self.ids = ids; self.truncatedPieces = truncatedPieces
    }
}

/// Encodings padded to a common length, as BERT takes them: `input_ids`, `token_type_ids`, `attention_mask`,
/// each `count × length`, row-major.
public struct EncodedBatch: Sendable, Equatable {
    /// The unpadded encodings.
    public let encodings: [Encoding]
    /// The padded length (the longest encoding).
    public let length: Int
    /// `count × length` ids, padded with the padding id.
    public let inputIDs: [Int]
    /// `count × length` segment ids (all 0: single sentences).
    public let tokenTypeIDs: [Int]
    /// `count × length`: 1 for tokens, 0 for padding.
    public let attentionMask: [Int]

    public init(_ encodings: [Encoding], paddingID: Int) {
        self.encodings = encodings
        let length = encodings.map(\.count).max() ?? 0
        self.length = length
        var ids = [Int](repeating: paddingID, count: encodings.count * length)
        var mask = [Int](repeating: 0, count: encodings.count * length)
        for (row, e) in encodings.enumerated() {
            for (j, id) in e.ids.enumerated() { ids[row * length + j] = id; mask[row * length + j] = 1 }
        }
        inputIDs = ids; attentionMask = mask
        tokenTypeIDs = [Int](repeating: 0, count: encodings.count * length)
    }

    /// The number of texts.
    public var count: Int { encodings.count }
    /// The unpadded lengths.
    public var lengths: [Int] { encodings.map(\.count) }
}
