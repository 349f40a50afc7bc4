import Foundation

/// Sentence pairs with a similarity score, from tab- or comma-separated files such as the STS benchmark
/// (`genre, file, year, id, score, sentence1, sentence2`, possibly with extra trailing fields).
public struct TextPairDataset: Sendable {
    /// One pair and its score.
    public struct Pair: Sendable, Equatable {
        public let first: String, second: String
        public let score: Double
    }

    public let pairs: [Pair]

    /// - Parameters:
    ///   - separator: the field separator (tab for the STS files, despite their `.csv` names).
    ///   - scoreColumn, firstColumn, secondColumn: 0-based field positions (STS: 4, 5, 6).
    ///   - header: skip the first line.
    /// - Throws: ``DataError/badRow(path:line:reason:)`` naming the file and line for a short row or a bad score.
    public init(contentsOf url: URL, separator: Character = "\t", scoreColumn: Int = 4, firstColumn: Int = 5,
                secondColumn: Int = 6, header: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError.unreadable(path: url.path, reason: "no such file or not readable")
        }
        let text = String(decoding: data, as: UTF8.self)
        let needed = Swift.max(scoreColumn, firstColumn, secondColumn) + 1
        var pairs: [Pair] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if (header && n == 0) || line.isEmpty { continue }
            // No quote handling: the STS files contain unbalanced quotes inside sentences.
            let fields = line.split(separator: separator, omittingEmptySubsequences: false)
            guard fields.count >= needed else {
                throw DataError.badRow(path: url.path, line: n + 1, reason: "\(fields.count) fields, expected at least \(needed)")
            }
            guard let score = Double(fields[scoreColumn].trimmingCharacters(in: .whitespaces)), score.isFinite else {
                throw DataError.badRow(path: url.path, line: n + 1, reason: "score '\(fields[scoreColumn])' is not a number")
            }
            pairs.append(Pair(first: String(fields[firstColumn]), second: String(fields[secondColumn]), score: score))
        }
        guard !pairs.isEmpty else { throw DataError.empty(path: url.path) }
        self.pairs = pairs
    }
}
