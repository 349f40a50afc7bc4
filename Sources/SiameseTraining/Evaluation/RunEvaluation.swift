import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseMetricLearning
import SiameseModels

/// What `siamese train` reports after training and `siamese evaluate` re-measures: verification on held-out
/// pairs, N-way one-shot accuracy on held-out episodes, the recipe's N-way K-shot grid (`fewShotGrid`), retrieval among the held-out images (PML's accuracy
/// calculator metrics) and, for Omniglot, the 400 official trials.
public struct RunEvaluation: Codable, Sendable {
    /// Held-out pairs: the first half chooses the threshold, the second half is scored with it.
    public let validationROCAUC: Double
    public let validationEER: Double
    /// Distance at or below which a pair counts as the same class (at or above, for a similarity).
    public let threshold: Double
    public let validationAccuracy: Double
    public let verificationPairs: Int
    /// N-way one-shot accuracy on episodes of held-out images (nearest support embedding).
    public let oneShotWays: Int
    public let validationOneShot: Double
    public let validationOneShotInterval95: [Double]
    /// Episodes drawn, and queries scored in them (one per class of each episode).
    public let episodes: Int
    public let queries: Int
    /// Omniglot only: the official 20-way one-shot trials from alphabets never seen in training.
    public let oneShotAccuracy: Double?
    public let oneShotInterval95: [Double]?
    public let oneShotTrials: Int?
    /// The calibrated thresholds: best accuracy on the first half of the pairs, then false-accept rates of 1 % and
    /// 0.1 % on all of them (absent in runs written before they were recorded).
    public let thresholds: [CalibratedThreshold]?
    /// Retrieval among the held-out images, each a query against all the others (``RetrievalEvaluator`` with
    /// `k = max_bin_count`): `precisionAt1`, `rPrecision`, `meanAveragePrecisionAtR`, `meanAveragePrecision`,
    /// `meanReciprocalRank`, `nmi`, `ami`, with `k`, `queries` and `loneQueries` (absent in earlier runs).
    public let retrieval: [String: Double]?
    /// The recipe's `fewShotGrid`: N-way K-shot accuracy on the held-out classes for each task (absent when the recipe
    /// has none, and in runs written before it was recorded).
    public var fewShot: [FewShotTaskResult]? = nil

    /// Measures a model given as `embed` (prepared images → embeddings) and `embedRaw` (raw images → embeddings), under
    /// the recipe's ``TrainingRecipe/testTimeAugmentation`` (every embedding the mean over the image's views).
    ///
    /// - Parameters:
    ///   - scorer: a learned comparison (the objective's ``TrainingObjective/episodeScorer``) that classifies the one-shot
    ///     queries instead of the recipe's distance.
    ///   - verificationDistance: what scores the verification pairs (and so the calibrated thresholds), e.g. a model's
    ///     ``LearnedHeadDistance``; default the recipe's distance. Retrieval always uses the recipe's distance (a learned
    ///     head would have to score every pair of held-out images).
    public static func measure(data: TrainingData, recipe: TrainingRecipe, embed: ([Image]) throws -> Tensor,
                               embedRaw: ([Image]) throws -> Tensor, scorer: (any EpisodicLoss)? = nil,
                               verificationDistance: (any Distance)? = nil) throws -> RunEvaluation {
        // The test part when the recipe sets one apart (never seen in training or early stopping), else the validation part.
        let measured = data.test.isEmpty ? data.validation : data.test
        let heldLabels = measured.map { data.labels[$0] }
        func embedPrepared(_ images: [Image]) throws -> Tensor {
            try augmentedEmbeddings(images, raw: false, recipe: recipe, embed: embed, embedRaw: embedRaw)
        }
        func embedAnyRaw(_ images: [Image]) throws -> Tensor {
            try augmentedEmbeddings(images, raw: true, recipe: recipe, embed: embed, embedRaw: embedRaw)
        }
        let embeddings = try embedPrepared(measured.map { data.images[$0] })
        let distance = try Distances.registry.make(recipe.distance)
        let verification = try VerificationEvaluator(labels: heldLabels, pairs: recipe.evaluationPairs, seed: recipe.seed &+ 1,
                                                     distance: verificationDistance ?? distance).evaluate(embeddings: embeddings)
        let oneShot = try FewShotEvaluator(labels: heldLabels, ways: Swift.max(2, FewShotEvaluator.availableWays(labels: heldLabels, ways: recipe.ways)), shots: 1, episodes: 400, seed: recipe.seed &+ 3,
                                           distance: distance)
        let oneShotAccuracy = try scorer.map { try oneShot.accuracy(embeddings, scoredBy: $0) } ?? oneShot.accuracy(embeddings)
        let retrieval = try RetrievalEvaluator(labels: heldLabels, distance: distance).evaluate(embeddings: embeddings).metrics
        var official: FewShotAccuracy?
        if let runs = data.officialRuns {
            official = try officialAccuracy(runs, distance: distance, embedRaw: embedAnyRaw, scorer: scorer)
        }
        let grid = try recipe.fewShotGrid.map {
            try measureFewShotGrid($0, labels: heldLabels, embeddings: embeddings, recipe: recipe, distance: distance, scorer: scorer)
        }
        let m = verification.metrics
        return RunEvaluation(
            validationROCAUC: m["rocAUC"]!, validationEER: m["equalErrorRate"]!, threshold: m["threshold"]!,
            validationAccuracy: m["accuracy"]!, verificationPairs: Int(m["pairs"]!), oneShotWays: oneShot.ways,
            validationOneShot: oneShotAccuracy.accuracy,
            validationOneShotInterval95: [oneShotAccuracy.interval95.lowerBound, oneShotAccuracy.interval95.upperBound],
            episodes: oneShot.episodes.count, queries: oneShotAccuracy.trials,
            oneShotAccuracy: official?.accuracy, oneShotInterval95: official.map { [$0.interval95.lowerBound, $0.interval95.upperBound] },
            oneShotTrials: official?.trials, thresholds: verification.thresholds, retrieval: retrieval, fewShot: grid)
    }

    /// Embeddings of `images` under the recipe's ``TestTimeAugmentation`` (each image's views embedded and averaged),
    /// through `embed` for prepared images, or `embedRaw` for raw ones (`raw`). Views that move pixels (`affine(views:)`) act
    /// on the encoder's input, so raw images are then first prepared as training prepares them
    /// (``ImageInput/prepare(_:size:invert:)`` at the encoder's side, inverted when the recipe inverts) and go through
    /// `embed`; a mirror acts on raw images as well as on prepared ones.
    static func augmentedEmbeddings(_ images: [Image], raw: Bool, recipe: TrainingRecipe, embed: ([Image]) throws -> Tensor,
                                    embedRaw: ([Image]) throws -> Tensor) throws -> Tensor {
        let tta = recipe.testTimeAugmentation, normalize = recipe.normalizeEmbeddings
        guard raw else { return try tta.embed(images, normalize: normalize, embed) }
        guard tta.movesPixels else { return try tta.embed(images, normalize: normalize, embedRaw) }
        let side = recipe.encoder.inputSide, invert = recipe.resolvedInvert
        return try tta.embed(images.map { ImageInput.prepare($0, size: side, invert: invert) }, normalize: normalize, embed)
    }

    /// Accuracy on Omniglot's official 20-way one-shot trials: each query against its run's 20 candidates, by
    /// `distance`, or by a learned comparison (`scorer`) when given.
    public static func officialAccuracy(_ runs: OmniglotOneShotRuns, distance: any Distance = LpDistance(normalizeEmbeddings: false),
                                        embedRaw: ([Image]) throws -> Tensor, scorer: (any EpisodicLoss)? = nil) throws -> FewShotAccuracy {
        // Items: every query, then each run's candidates once.
        var items = runs.trials.map(\.query)
        var candidateStart: [Int: Int] = [:]
        for t in runs.trials where candidateStart[t.run] == nil {
            candidateStart[t.run] = items.count
            items += t.candidates
        }
        let episodes = runs.trials.enumerated().map { i, t in
            EpisodicSampler.Episode(support: (0..<t.candidates.count).map { candidateStart[t.run]! + $0 },
                                    supportClasses: Array(0..<t.candidates.count), query: [i], queryClasses: [t.answer])
        }
        let evaluator = FewShotEvaluator(episodes: episodes, itemCount: items.count, ways: 20, shots: 1, distance: distance,
                                         name: "Omniglot official 20-way one-shot")
        let embeddings = try embedRaw(items)
        return try scorer.map { try evaluator.accuracy(embeddings, scoredBy: $0) } ?? evaluator.accuracy(embeddings)
    }

    /// The human summary.
    public var text: String {
        var lines = [
            String(format: "Held-out verification (%d pairs): ROC-AUC %.4f, EER %.4f, accuracy %.4f at threshold %.3f",
                   verificationPairs, validationROCAUC, validationEER, validationAccuracy, threshold),
            String(format: "Held-out %d-way one-shot: %.1f %% over %d episodes, %d queries (95 %% interval %.1f–%.1f %%)",
                   oneShotWays, 100 * validationOneShot, episodes, queries, 100 * validationOneShotInterval95[0], 100 * validationOneShotInterval95[1]),
        ]
        lines += (fewShot ?? []).map(\.text)
        if let retrieval { lines.append(Self.retrievalLine(retrieval, items: "held-out images")) }
        if let a = oneShotAccuracy, let ci = oneShotInterval95, let n = oneShotTrials {
            lines.append(String(format: "Omniglot official 20-way one-shot: %.1f %% over %d trials (95 %% interval %.1f–%.1f %%)",
                                100 * a, n, 100 * ci[0], 100 * ci[1]))
        }
        return lines.joined(separator: "\n")
    }

    /// One line of retrieval metrics (keys of ``RetrievalMetrics/flat``).
    public static func retrievalLine(_ r: [String: Double], items: String) -> String {
        func v(_ key: String) -> Double { r[key] ?? .nan }
        return String(format: "Retrieval among %d %@ (k = %d): precision@1 %.4f, R-precision %.4f, MAP@R %.4f, MAP %.4f, MRR %.4f, NMI %.4f, AMI %.4f",
                      Int(v("queries") + v("loneQueries")), items, Int(v("k")), v("precisionAt1"), v("rPrecision"),
                      v("meanAveragePrecisionAtR"), v("meanAveragePrecision"), v("meanReciprocalRank"), v("nmi"), v("ami"))
    }
}
