import SiameseCore
import SiameseEvaluation
import SiameseMetricLearning

/// One measured cell of a recipe's `fewShotGrid` (``FewShotTask``): N-way K-shot accuracy on held-out classes.
public struct FewShotTaskResult: Codable, Equatable, Sendable {
    public let ways: Int
    public let shots: Int
    /// Fraction of queries classified correctly, and its 95 % Wilson interval `[low, high]`.
    public let accuracy: Double
    public let interval95: [Double]
    /// Episodes drawn, and queries scored in them (one per class of each episode).
    public let episodes: Int
    public let queries: Int
    /// How the queries were classified: `learned: <objective>` (the objective's own class scores) or
    /// `mean distance: <distance>` (the class whose K support embeddings are closest on average).
    public let classifiedBy: String

    public init(ways: Int, shots: Int, accuracy: Double, interval95: [Double], episodes: Int, queries: Int, classifiedBy: String) {
        self.ways = ways; self.shots = shots; self.accuracy = accuracy; self.interval95 = interval95
        self.episodes = episodes; self.queries = queries; self.classifiedBy = classifiedBy
    }

    /// `Held-out 5-way 5-shot: 97.3 % over 400 episodes, 2000 queries (95 % interval 96.5–97.9 %)`.
    public var text: String {
        String(format: "Held-out %d-way %d-shot: %.1f %% over %d episodes, %d queries (95 %% interval %.1f–%.1f %%; %@)",
               ways, shots, 100 * accuracy, episodes, queries, 100 * interval95[0], 100 * interval95[1], classifiedBy)
    }
}

extension RunEvaluation {
    /// Measures every task of a recipe's `fewShotGrid` on held-out embeddings. Episodes are seeded with the recipe's
    /// seed + 3, as the run's N-way one-shot episodes, so a `{ways: N, shots: 1}` task with N the recipe's `ways`
    /// repeats ``validationOneShot`` exactly.
    ///
    /// How the K shots of a class are used (K = 1 is each method's one-shot rule):
    /// - no learned scorer (Siamese contrastive, P×K losses): the class with the smallest **mean distance** from the
    ///   query to its K support embeddings (``FewShotAccuracy``);
    /// - prototypical networks: the nearest **class mean** (prototype), by squared Euclidean distance;
    /// - matching networks: softmax **attention over all N·K support items** (re-embedded together when the recipe has
    ///   full-context embeddings), summed per class;
    /// - relation networks: the relation module on the query's feature map beside the **sum of the class's K feature
    ///   maps** (the authors' code, which trains one model per K), or their **mean** with `classMaps: mean`
    ///   (``RelationModule/ClassMaps``), the choice for a module trained on 1-shot episodes;
    /// - Koch et al.'s head: the **mean logit** of the query against the class's K support items.
    ///
    /// - Parameters:
    ///   - labels: the class of each row of `embeddings`.
    ///   - distance: the recipe's distance, used without a `scorer`.
    ///   - scorer: the objective's learned comparison (``TrainingObjective/episodeScorer``), when it has one.
    /// - Throws: ``EvaluationError/empty`` when a task cannot have two classes with `shots + 1` items (call
    ///   ``TrainingRecipe/adapted(to:)`` first to narrow or drop such tasks); errors of ``FewShotEvaluator``.
    public static func measureFewShotGrid(_ tasks: [FewShotTask], labels: [Int], embeddings: Tensor, recipe: TrainingRecipe,
                                          distance: any Distance, scorer: (any EpisodicLoss)?) throws -> [FewShotTaskResult] {
        let classifiedBy = scorer.map { "learned: \(String(describing: type(of: $0)))" } ?? "mean distance: \(recipe.distance.name)"
        return try tasks.map { task in
            let evaluator = try FewShotEvaluator(labels: labels, ways: task.ways, shots: task.shots, episodes: task.episodes,
                                                 seed: recipe.seed &+ 3, distance: distance)
            let a = try scorer.map { try evaluator.accuracy(embeddings, scoredBy: $0) } ?? evaluator.accuracy(embeddings)
            return FewShotTaskResult(ways: evaluator.ways, shots: task.shots, accuracy: a.accuracy,
                                     interval95: [a.interval95.lowerBound, a.interval95.upperBound],
                                     episodes: evaluator.episodes.count, queries: a.trials, classifiedBy: classifiedBy)
        }
    }
}
