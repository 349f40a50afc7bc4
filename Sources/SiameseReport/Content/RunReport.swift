import Foundation
import SiameseCore
import SiameseData
import SiameseEvaluation
import SiameseModels
import SiameseNN
import SiameseTraining

/// Reads a run folder (`siamese train`, `siamese demo`) and evaluates its model on the run's evaluation data, giving
/// the ``ReportContent`` of its report.
///
/// - `siamese train` runs (and the Omniglot demo): the held-out images of the recipe's split; the verification pairs are
///   the ones ``RunEvaluation`` scores (same count and seed), so the report's ROC-AUC is the one in `metrics.json`.
/// - MNIST demo runs: the 2,000 test digits, with fresh seeded pairs as `siamese evaluate` draws them.
///
/// The few-shot accuracies of `metrics.json` are reused as measured; nothing is recomputed in the CLI.
public enum RunReport {
    /// How much to show.
    public struct Options: Sendable {
        /// Most points on the embedding maps.
        public var mapPoints = 600
        /// Most classes on the embedding maps (their colours should stay distinguishable).
        public var mapClasses = 10
        /// Hardest mistakes of each kind.
        public var mistakes = 8
        /// Whether to compute t-SNE (PCA is always drawn).
        public var tsne = true
        public var seed: UInt64 = 7
        public init() {}
    }

    /// - Throws: ``ReportError`` naming the missing or unreadable file, or the evaluation that failed.
    public static func read(run folder: URL, options: Options = Options()) throws -> ReportContent {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError.notAFolder(path: folder.path)
        }
        let configURL = folder.appendingPathComponent("config.json"), metricsURL = folder.appendingPathComponent("metrics.json")
        guard let configData = fm.contents(atPath: configURL.path) else {
            throw ReportError.missingFile(path: configURL.path, what: "the run's recipe")
        }
        guard let metricsData = fm.contents(atPath: metricsURL.path) else {
            throw ReportError.missingFile(path: metricsURL.path, what: "the run's metrics; did the run finish?")
        }
        let hasModel = fm.fileExists(atPath: folder.appendingPathComponent("model/modules.json").path)
            || fm.fileExists(atPath: folder.appendingPathComponent("checkpoint/checkpoint.json").path)
        guard hasModel else {
            throw ReportError.missingFile(path: folder.appendingPathComponent("model").path, what: "the trained model folder")
        }
        struct Kind: Decodable { let data: String?; let dataset: String? }
        guard let kind = try? JSONDecoder().decode(Kind.self, from: configData) else {
            throw ReportError.unreadable(path: configURL.path, reason: "not a JSON object")
        }
        let model: EmbeddingModel
        do { model = try EmbeddingModel.load(run: folder) } catch {
            throw ReportError.unreadable(path: folder.appendingPathComponent("model").path, reason: "\(error)")
        }
        var content: ReportContent
        if kind.data != nil {
            content = try trainingRun(folder, config: configURL, metrics: metricsData, model: model, options: options)
        } else if kind.dataset?.hasPrefix("MNIST") ?? false {
            content = try mnistDemo(folder, config: configData, metrics: metricsData, model: model, options: options)
        } else {
            throw ReportError.unsupportedRun(path: configURL.path, reason: "neither a recipe (`data`) nor the MNIST demo (`dataset`)")
        }
        content.retrieval = retrievalMetrics(metricsData)
        content.mistakes = options.mistakes
        return content
    }

    /// The model's size and how it compares.
    static func summary(_ model: EmbeddingModel, embeddingSize: Int?) -> ReportContent.ModelSummary {
        let s = model.similarity
        let encoder = model.encoder.map { e in
            let c = e.configuration
            return "\(c.kind.rawValue), \(c.inputChannels)×\(c.inputSide)×\(c.inputSide) input" + (c.kind == .convNet ? ", width \(c.width), \(c.blocks) blocks" : "")
        } ?? "–"
        return ReportContent.ModelSummary(
            parameters: model.modules.reduce(0) { $0 + $1.parameterCount }, encoder: encoder, embeddingSize: embeddingSize,
            distance: s.distance.name, greaterIsCloser: s.greaterIsCloser, normalizesEmbeddings: model.normalizesEmbeddings,
            thresholds: (s.threshold.map { [$0] } ?? []) + s.operatingPoints)
    }

    /// Top-level fields of a JSON object as settings (nested objects compact).
    static func settings(_ json: Data) -> [ReportContent.Setting] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return [] }
        return object.keys.sorted().map { key in
            let v = object[key]!
            let text: String
            if let s = v as? String { text = s } else if let d = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed]) {
                text = String(decoding: d, as: UTF8.self)
            } else { text = "\(v)" }
            return .init(key, text)
        }
    }

    /// `metrics.json`'s `retrieval` object, when present.
    static func retrievalMetrics(_ json: Data) -> [ReportContent.Setting] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
              let retrieval = object["retrieval"] as? [String: Any] else { return [] }
        return retrieval.keys.sorted().compactMap { k in (retrieval[k] as? NSNumber).map { .init(k, Markup.value($0.doubleValue)) } }
    }

    /// Pairs scored by the model's own distance.
    static func scorePairs(_ evaluator: VerificationEvaluator, embeddings: Tensor, model: EmbeddingModel, description: String) -> PairScores {
        PairScores(pairs: evaluator.pairs.map { .init(first: $0.first, second: $0.second, same: $0.same) },
                   scores: evaluator.scores(embeddings), greaterIsCloser: model.similarity.greaterIsCloser,
                   threshold: model.similarity.threshold, description: description)
    }

    static func trainingRun(_ folder: URL, config: URL, metrics: Data, model: EmbeddingModel, options: Options) throws -> ReportContent {
        let report: TrainingReport
        do { report = try JSONDecoder().decode(TrainingReport.self, from: metrics) } catch {
            throw ReportError.unreadable(path: folder.appendingPathComponent("metrics.json").path, reason: "\(error)")
        }
        let recipe: TrainingRecipe, data: TrainingData
        do {
            let loaded = try TrainingRecipe.load(config)
            data = try TrainingData.load(loaded)
            recipe = loaded.adapted(to: data).recipe
        } catch {
            throw ReportError.evaluationFailed(path: folder.path, reason: "loading the run's data: \(error)")
        }
        let held = data.validation
        let labels = held.map { data.labels[$0] }
        let embeddings: Tensor, pairs: PairScores
        do {
            embeddings = try model.embed(prepared: held.map { data.images[$0] })
            let evaluator = try VerificationEvaluator(labels: labels, pairs: recipe.evaluationPairs, seed: recipe.seed &+ 1,
                                                      distance: try model.makeDistance())
            pairs = scorePairs(evaluator, embeddings: embeddings, model: model,
                               description: "\(evaluator.pairs.count) pairs of \(held.count) held-out images (\(data.validationClasses) classes), as in metrics.json")
        } catch {
            throw ReportError.evaluationFailed(path: folder.path, reason: "\(error)")
        }
        let names = data.itemNames.count == data.images.count ? held.map { data.itemNames[$0] } : held.map { "image \($0)" }
        var classNames: [Int: String] = [:]
        for (name, label) in zip(names, labels) where classNames[label] == nil {
            let parts = name.split(separator: "/")
            classNames[label] = parts.count > 1 ? parts.dropLast().joined(separator: "/") : "class \(label)"
        }
        // Thumbnails as people drew them: undo the recipe's inversion.
        let invert = recipe.resolvedInvert
        let images = held.map { i -> Image in
            var image = data.images[i]
            if invert { image.pixels = image.pixels.map { 1 - $0 } }
            return image
        }
        let items = ReportContent.Items(names: names, labels: labels, classNames: classNames, images: images)
        let e = report.evaluation
        var fewShot = [ReportContent.FewShot(name: "held-out \(e.oneShotWays)-way 1-shot (\(e.episodes) episodes)", accuracy: e.validationOneShot,
                                             low: e.validationOneShotInterval95.first ?? .nan, high: e.validationOneShotInterval95.last ?? .nan,
                                             trials: e.queries)]
        fewShot += (e.fewShot ?? []).map { t in
            .init(name: "held-out \(t.ways)-way \(t.shots)-shot (\(t.episodes) episodes)", accuracy: t.accuracy,
                  low: t.interval95.first ?? .nan, high: t.interval95.last ?? .nan, trials: t.queries)
        }
        if let a = e.oneShotAccuracy, let ci = e.oneShotInterval95, let n = e.oneShotTrials {
            fewShot.append(.init(name: "Omniglot official 20-way 1-shot", accuracy: a, low: ci[0], high: ci[1], trials: n))
        }
        let epochs = report.history.enumerated().map { i, r in
            ReportContent.Epoch(epoch: r.epoch, loss: Double(r.trainingLoss), learningRate: report.learningRates.flatMap { i < $0.count ? Double($0[i]) : nil },
                                validation: r.validation, improved: r.improved)
        }
        var settings = (try? Data(contentsOf: config)).map(Self.settings) ?? []
        settings.insert(.init("data", data.summary), at: 0)
        return ReportContent(
            title: "Run \(folder.lastPathComponent)", source: folder.path, settings: settings,
            model: summary(model, embeddingSize: embeddings.shape[1]), epochs: epochs,
            validationMetric: report.validationMetric ?? "held-out validation score", verification: pairs, fewShot: fewShot,
            items: items, projections: EmbeddingProjection.maps(embeddings, labels: labels, options: options),
            notes: ["Best epoch: \(report.bestEpoch) of \(report.history.count); training took \(String(format: "%.1f", report.trainingSeconds)) s."])
    }

    static func mnistDemo(_ folder: URL, config: Data, metrics: Data, model: EmbeddingModel, options: Options) throws -> ReportContent {
        let report: MNISTVerificationDemo.Report
        do { report = try JSONDecoder().decode(MNISTVerificationDemo.Report.self, from: metrics) } catch {
            throw ReportError.unreadable(path: folder.appendingPathComponent("metrics.json").path, reason: "\(error)")
        }
        let embeddings: Tensor, pairs: PairScores, images: [Image], labels: [Int], fewShot: FewShotAccuracy, ways: Int
        do {
            (images, labels) = try MNISTVerificationDemo.testDigits()
            embeddings = try model.embed(images: images)
            let distance = try model.makeDistance()
            let evaluator = try VerificationEvaluator(labels: labels, pairs: report.testPairs, seed: 43, distance: distance)
            pairs = scorePairs(evaluator, embeddings: embeddings, model: model,
                               description: "\(evaluator.pairs.count) seeded pairs (seed 43, as siamese evaluate draws them) of the 2,000 test digits")
            let episodes = try FewShotEvaluator(labels: labels, ways: 10, shots: 1, episodes: 400, seed: 44, distance: distance)
            fewShot = try episodes.accuracy(embeddings)
            ways = episodes.ways
        } catch {
            throw ReportError.evaluationFailed(path: folder.path, reason: "\(error)")
        }
        let items = ReportContent.Items(names: labels.enumerated().map { "test digit \(8000 + $0) (a \($1))" }, labels: labels,
                                        classNames: Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, "digit \($0)") }), images: images)
        let epochs = (report.lossHistory ?? []).enumerated().map { ReportContent.Epoch(epoch: $0 + 1, loss: Double($1)) }
        return ReportContent(
            title: "MNIST verification demo \(folder.lastPathComponent)", source: folder.path, settings: settings(config),
            model: summary(model, embeddingSize: embeddings.shape[1]), epochs: epochs, validationMetric: "none recorded",
            verification: pairs,
            fewShot: [.init(name: "test digits \(ways)-way 1-shot (400 episodes, seed 44)", accuracy: fewShot.accuracy,
                            low: fewShot.interval95.lowerBound, high: fewShot.interval95.upperBound, trials: fewShot.trials)],
            items: items, projections: EmbeddingProjection.maps(embeddings, labels: labels, options: options),
            notes: [String(format: "Training took %.1f s; the demo's own test pairs gave ROC-AUC %.4f.", report.trainingSeconds, report.testROCAUC)])
    }
}
