import Foundation
import SiameseData
import SiameseEvaluation
@testable import SiameseReport

/// A small report content with known values, and user text that must be escaped.
enum ReportFixtures {
    static let hostileClass = "<script>alert(1)</script>"

    /// `n` items of 4 classes (class 3 named hostilely), 2-D points, pairs scored by their Euclidean distance.
    static func content(items n: Int = 40, threshold: Double? = 0.5) -> ReportContent {
        let labels = (0..<n).map { $0 % 4 }
        let points: [[Float]] = labels.enumerated().map { i, l in [Float(l) * 0.6 + Float(i % 5) * 0.15, Float(l % 2) * 0.6 + Float(i % 3) * 0.2] }
        var pairs: [PairScores.Pair] = []
        for i in 0..<n { for j in stride(from: i + 1, to: n, by: 3) { pairs.append(.init(first: i, second: j, same: labels[i] == labels[j])) } }
        let scores = pairs.map { p -> Double in
            let a = points[p.first], b = points[p.second]
            return Double(((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])).squareRoot())
        }
        let t = threshold.map { CalibratedThreshold(value: $0, falseAcceptRate: 0.1, falseRejectRate: 0.1, rule: "best-accuracy", pairs: 100) }
        let images = (0..<n).map { i in Image(width: 4, height: 3, channels: 1, pixels: (0..<12).map { Float(($0 + i) % 12) / 11 }) }
        return ReportContent(
            title: "Test <run>", source: "/tmp/a&b",
            settings: [.init("loss", "multi-similarity"), .init("note", "<img src=x onerror=alert(1)>")],
            model: .init(parameters: 1234, encoder: "conv4", embeddingSize: 2, distance: "euclidean", greaterIsCloser: false,
                         normalizesEmbeddings: false, thresholds: t.map { [$0] } ?? []),
            epochs: [.init(epoch: 1, loss: 1.5, learningRate: 0.001, validation: 0.5, improved: true),
                     .init(epoch: 2, loss: 1.0, learningRate: 0.0005, validation: 0.6, improved: true),
                     .init(epoch: 3, loss: 0.8, learningRate: 0.0001, validation: 0.55, improved: false)],
            validationMetric: "4-way 1-shot accuracy",
            verification: PairScores(pairs: pairs, scores: scores, greaterIsCloser: false, threshold: t, description: "test pairs"),
            fewShot: [.init(name: "4-way 1-shot", accuracy: 0.8, low: 0.7, high: 0.88, trials: 100)],
            retrieval: [.init("recall@1", "0.9")],
            items: .init(names: (0..<n).map { "file \($0) <x>.png" }, labels: labels,
                         classNames: [0: "alpha", 1: "beta", 2: "gamma", 3: hostileClass], images: images),
            projections: [.init(name: "PCA", items: Array(0..<n), points: points, note: "all")],
            mistakes: 3)
    }
}
