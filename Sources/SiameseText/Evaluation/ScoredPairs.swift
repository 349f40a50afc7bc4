import Foundation
import SiameseEvaluation

/// Sentence pairs with gold similarity scores, as in the STS benchmark: tab-separated lines whose fields 5, 6 and
/// 7 are score, first sentence and second sentence (`sts-test.csv`; extra trailing fields are ignored and quotes
/// are not special), or three-column `score<TAB>a<TAB>b` / `a<TAB>b<TAB>score` files; or comma-separated files with
/// a header naming the columns (see ``readCSV(_:path:)``).
public struct ScoredPairs: Sendable, Equatable {
    public var first: [String]
    public var second: [String]
    public var scores: [Double]

    public init(first: [String], second: [String], scores: [Double]) {
        self.first = first; self.second = second; self.scores = scores
    }

    public var count: Int { scores.count }

    /// Reads a pairs file.
    ///
    /// - Throws: ``TextError/missingFile(path:)``, ``TextError/invalidUTF8(source:)``, or
    ///   ``TextError/malformedFile(path:reason:)`` naming the line with too few fields or a score that is not a number.
    public static func read(_ url: URL) throws -> ScoredPairs {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TextError.missingFile(path: url.path) }
        guard let text = String(bytes: data, encoding: .utf8), text.utf8.elementsEqual(data) else {
            throw TextError.invalidUTF8(source: url.path)
        }
        let firstLine = text.prefix { $0 != "\n" }
        if !firstLine.contains("\t"), firstLine.contains(",") { return try readCSV(text, path: url.path) }
        var pairs = ScoredPairs(first: [], second: [], scores: [])
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let (score, a, b): (String, String, String)
            if fields.count >= 7 { (score, a, b) = (fields[4], fields[5], fields[6]) }
            else if fields.count == 3, Double(fields[0]) != nil { (score, a, b) = (fields[0], fields[1], fields[2]) }
            else if fields.count == 3 { (score, a, b) = (fields[2], fields[0], fields[1]) }
            else {
                throw TextError.malformedFile(path: url.path, reason: "line \(number + 1) has \(fields.count) tab-separated fields, expected 3 or at least 7")
            }
            guard let value = Double(score.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                if number == 0 { continue }   // a header line
                throw TextError.malformedFile(path: url.path, reason: "line \(number + 1): score '\(score)' is not a number")
            }
            pairs.first.append(a); pairs.second.append(b); pairs.scores.append(value)
        }
        guard !pairs.scores.isEmpty else { throw TextError.malformedFile(path: url.path, reason: "holds no scored pairs") }
        return pairs
    }
}

/// Spearman and Pearson correlation of a model's cosine similarities with gold scores (sentence-transformers'
/// `EmbeddingSimilarityEvaluator`, cosine columns), × 100 as the STS literature reports them.
public struct SimilarityCorrelation: Codable, Sendable, Equatable {
    public let pairs: Int
    public let spearman: Double
    public let pearson: Double
}

extension SentenceEncoder {
    /// Embeds both sides of `pairs` and correlates cosine similarity with the gold scores.
    public func evaluate(_ pairs: ScoredPairs, batchSize: Int = 32) throws -> SimilarityCorrelation {
        let n = pairs.count, d = dimension
        let rows = try embedRows(encode(pairs.first + pairs.second), batchSize: batchSize)
        var cosines = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var dot = 0.0, na = 0.0, nb = 0.0
            for k in 0..<d {
                let (x, y) = (Double(rows[i * d + k]), Double(rows[(n + i) * d + k]))
                dot += x * y; na += x * x; nb += y * y
            }
            cosines[i] = dot / Swift.max((na * nb).squareRoot(), 1e-12)
        }
        return SimilarityCorrelation(pairs: n, spearman: 100 * (try Correlation.spearman(cosines, pairs.scores)),
                                     pearson: 100 * (try Correlation.pearson(cosines, pairs.scores)))
    }

    /// Whether `folder` holds a sentence-transformers text model (its `modules.json` lists a Transformer); see
    /// ``TextModelFolder/isTextModel(_:)`` for either kind of text model.
    public static func isTextModelFolder(_ folder: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("modules.json").path),
              let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else { return false }
        return modules.contains { ($0["type"] as? String)?.hasSuffix("Transformer") == true }
    }
}
