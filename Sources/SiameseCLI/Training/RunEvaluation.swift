import ArgumentParser
import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning

/// What `siamese train` reports after training and `siamese evaluate` re-measures: verification on held-out
/// pairs, N-way one-shot accuracy on held-out episodes and, for Omniglot, the 400 official trials.
struct RunEvaluation: Codable {
    /// Held-out pairs: the first half chooses the threshold, the second half is scored with it.
    let validationROCAUC: Double
    let validationEER: Double
    /// Distance at or below which a pair counts as the same class.
    let threshold: Double
    let validationAccuracy: Double
    let verificationPairs: Int
    /// N-way one-shot accuracy on episodes of held-out images (nearest support embedding).
    let oneShotWays: Int
    let validationOneShot: Double
    let validationOneShotInterval95: [Double]
    /// Episodes drawn, and queries scored in them (one per class of each episode).
    let episodes: Int
    let queries: Int
    /// Omniglot only: the official 20-way one-shot trials from alphabets never seen in training.
    let oneShotAccuracy: Double?
    let oneShotInterval95: [Double]?
    let oneShotTrials: Int?

    /// The N of N-way episodes possible on `labels` (classes with at least two items), capped at `ways`.
    static func episodeWays(_ labels: [Int], ways: Int) -> Int {
        var counts: [Int: Int] = [:]
        for l in labels { counts[l, default: 0] += 1 }
        return Swift.min(ways, counts.values.filter { $0 >= 2 }.count)
    }

    /// Nearest-support accuracy of `episodes` given the embeddings of the items they index.
    static func episodeAccuracy(_ embeddings: Tensor, _ episodes: [EpisodicSampler.Episode]) throws -> FewShotAccuracy {
        var distances: [[Double]] = [], classes: [[Int]] = [], answers: [Int] = []
        for e in episodes {
            let d = Tensor.pairwiseDistances(embeddings.indexSelect(axis: 0, e.query), embeddings.indexSelect(axis: 0, e.support), metric: .l2)
            let perQuery = e.support.count
            for (q, k) in e.queryClasses.enumerated() {
                distances.append(Array(d.scalars[(q * perQuery)..<((q + 1) * perQuery)]).map(Double.init))
                classes.append(e.supportClasses); answers.append(k)
            }
        }
        return try FewShotAccuracy(distances: distances, supportClasses: classes, answers: answers)
    }

    /// Seeded one-shot episodes over held-out items (indices into `labels`).
    static func episodes(labels: [Int], ways: Int, count: Int, seed: UInt64) throws -> [EpisodicSampler.Episode] {
        let n = episodeWays(labels, ways: ways)
        guard n >= 2 else {
            throw ValidationError("one-shot episodes need at least two held-out classes with two images each; found \(n)")
        }
        let sampler = EpisodicSampler(labels: labels, ways: n, shots: 1)
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in sampler.episode(generator: &g) }
    }

    /// Measures a model given as `embed` (prepared images → embeddings) and `embedRaw` (raw images → embeddings).
    static func measure(data: TrainingData, recipe: TrainingRecipe, embed: ([Image]) -> Tensor,
                        embedRaw: ([Image]) -> Tensor) throws -> RunEvaluation {
        let heldLabels = data.validation.map { data.labels[$0] }
        let embeddings = embed(data.validation.map { data.images[$0] })

        var g = SeededGenerator(seed: recipe.seed &+ 1)
        let pairs = try BalancedPairSampler(labels: heldLabels).pairs(recipe.evaluationPairs, generator: &g)
        let d = LpDistance(normalizeEmbeddings: false)
            .pairwise(embeddings.indexSelect(axis: 0, pairs.map(\.first)), embeddings.indexSelect(axis: 0, pairs.map(\.second)))
            .scalars.map(Double.init)
        let same = pairs.map { $0.same ? 1 : 0 }
        let half = pairs.count / 2
        let choose = try VerificationMetrics.fromDistances(labels: Array(same[..<half]), distances: Array(d[..<half]))
        let all = try VerificationMetrics.fromDistances(labels: same, distances: d)
        let threshold = choose.bestMidpointThreshold
        let scored = zip(d[half...], same[half...])
        let accuracy = Double(scored.filter { ($0 <= threshold) == ($1 == 1) }.count) / Double(Swift.max(pairs.count - half, 1))

        let episodes = try episodes(labels: heldLabels, ways: recipe.ways, count: 400, seed: recipe.seed &+ 3)
        let oneShot = try episodeAccuracy(embeddings, episodes)

        var official: FewShotAccuracy?
        if let runs = data.officialRuns {
            let queries = embedRaw(runs.trials.map(\.query))
            var candidates: [Int: Tensor] = [:]
            for t in runs.trials where candidates[t.run] == nil { candidates[t.run] = embedRaw(t.candidates) }
            let distances = runs.trials.enumerated().map { i, t in
                Tensor.pairwiseDistances(queries.narrowed(axis: 0, start: i, length: 1), candidates[t.run]!, metric: .l2)
                    .scalars.map(Double.init)
            }
            official = try FewShotAccuracy(distances: distances, supportClasses: runs.trials.map { _ in Array(0..<20) },
                                           answers: runs.trials.map(\.answer))
        }
        return RunEvaluation(
            validationROCAUC: all.rocAUC, validationEER: all.equalErrorRate, threshold: threshold, validationAccuracy: accuracy,
            verificationPairs: pairs.count, oneShotWays: episodes[0].support.count, validationOneShot: oneShot.accuracy,
            validationOneShotInterval95: [oneShot.interval95.lowerBound, oneShot.interval95.upperBound], episodes: episodes.count,
            queries: oneShot.trials,
            oneShotAccuracy: official?.accuracy, oneShotInterval95: official.map { [$0.interval95.lowerBound, $0.interval95.upperBound] },
            oneShotTrials: official?.trials)
    }

    /// The human summary.
    var text: String {
        var lines = [
            String(format: "Held-out verification (%d pairs): ROC-AUC %.4f, EER %.4f, accuracy %.4f at distance ≤ %.3f",
                   verificationPairs, validationROCAUC, validationEER, validationAccuracy, threshold),
            String(format: "Held-out %d-way one-shot: %.1f %% over %d episodes, %d queries (95 %% interval %.1f–%.1f %%)",
                   oneShotWays, 100 * validationOneShot, episodes, queries, 100 * validationOneShotInterval95[0], 100 * validationOneShotInterval95[1]),
        ]
        if let a = oneShotAccuracy, let ci = oneShotInterval95, let n = oneShotTrials {
            lines.append(String(format: "Omniglot official 20-way one-shot: %.1f %% over %d trials (95 %% interval %.1f–%.1f %%)",
                                100 * a, n, 100 * ci[0], 100 * ci[1]))
        }
        return lines.joined(separator: "\n")
    }
}
