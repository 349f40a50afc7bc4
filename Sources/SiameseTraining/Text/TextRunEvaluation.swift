import Foundation
import SiameseEvaluation
import SiameseText

/// What a text run reports on each scored pairs file: Spearman and Pearson (×100) of cosine similarity against the
/// gold scores and, when every score is 0 or 1, the verification metrics of cosine similarity as the score (ROC-AUC,
/// average precision, best accuracy and its threshold).
public struct TextPairsEvaluation: Codable, Sendable, Equatable {
    public let file: String
    public let pairs: Int
    public let spearman: Double
    public let pearson: Double
    public var rocAUC: Double?
    public var averagePrecision: Double?
    public var accuracy: Double?
    public var threshold: Double?

    /// Scores `model` on the pairs of `file`.
    ///
    /// - Throws: ``SiameseText/TextError`` for a missing or malformed file, ``EvaluationError`` for degenerate scores.
    public static func measure(_ model: any SentenceEncoder, file: String) throws -> TextPairsEvaluation {
        let pairs = try ScoredPairs.read(URL(fileURLWithPath: file))
        let n = pairs.count, d = model.dimension
        let rows = try model.embedRows(model.encode(pairs.first + pairs.second), batchSize: 32)
        let cosines = (0..<n).map { i -> Double in
            var dot = 0.0, na = 0.0, nb = 0.0
            for k in 0..<d {
                let (x, y) = (Double(rows[i * d + k]), Double(rows[(n + i) * d + k]))
                dot += x * y; na += x * x; nb += y * y
            }
            return dot / Swift.max((na * nb).squareRoot(), 1e-12)
        }
        var out = TextPairsEvaluation(file: file, pairs: n, spearman: 100 * (try Correlation.spearman(cosines, pairs.scores)),
                                      pearson: 100 * (try Correlation.pearson(cosines, pairs.scores)))
        if pairs.scores.allSatisfy({ $0 == 0 || $0 == 1 }), Set(pairs.scores).count == 2 {
            let m = try VerificationMetrics(labels: pairs.scores.map { Int($0) }, scores: cosines)
            out.rocAUC = m.rocAUC; out.averagePrecision = m.averagePrecision
            out.accuracy = m.bestAccuracy; out.threshold = m.bestThreshold
        }
        return out
    }

    /// One line for people.
    public var text: String {
        var line = String(format: "%@ (%d pairs): Spearman %.2f, Pearson %.2f", (file as NSString).lastPathComponent, pairs, spearman, pearson)
        if let rocAUC, let accuracy, let threshold {
            line += String(format: "; ROC-AUC %.4f, accuracy %.4f at cosine %.3f", rocAUC, accuracy, threshold)
        }
        return line
    }
}

/// `metrics.json` of a text run.
public struct TextTrainingReport: Codable, Sendable {
    public var trainingPairs: Int
    public var steps: Int
    public var trainingSeconds: Double
    /// Mean training loss of each epoch.
    public var epochLosses: [Float]
    /// The model before training, on the dev and test files (fine-tuning only).
    public var before: [TextPairsEvaluation]
    /// The trained model on the dev and test files.
    public var after: [TextPairsEvaluation]
}
