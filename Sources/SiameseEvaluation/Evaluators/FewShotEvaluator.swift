import SiameseCore
import SiameseData

/// N-way K-shot classification by nearest support class (smallest mean distance), over seeded episodes or
/// given ones (such as Omniglot's official trials). Metrics: `accuracy` (primary), its 95 % Wilson interval
/// (`interval95Low`, `interval95High`), `episodes` and `queries`.
public struct FewShotEvaluator: Evaluator {
    public let name: String
    public let primaryMetric = "accuracy"
    public let greaterIsBetter = true
    public let episodes: [EpisodicSampler.Episode]
    public let itemCount: Int
    public let distance: any Distance
    /// N and K of the episodes.
    public let ways: Int, shots: Int

    /// The N of N-way episodes possible over `labels` (classes with more than `shots` items), capped at `ways`.
    public static func availableWays(labels: [Int], ways: Int, shots: Int = 1) -> Int {
        var counts: [Int: Int] = [:]
        for l in labels { counts[l, default: 0] += 1 }
        return Swift.min(ways, counts.values.filter { $0 > shots }.count)
    }

    /// Seeded episodes over items with these labels; `ways` is capped at the classes available.
    ///
    /// - Throws: ``EvaluationError/empty`` when fewer than two classes have `shots + 1` items.
    public init(labels: [Int], ways: Int, shots: Int = 1, episodes count: Int = 400, seed: UInt64,
                distance: any Distance = LpDistance(normalizeEmbeddings: false)) throws {
        let n = Self.availableWays(labels: labels, ways: ways, shots: shots)
        guard n >= 2, count >= 1 else { throw EvaluationError.empty }
        let sampler = EpisodicSampler(labels: labels, ways: n, shots: shots)
        var g = SeededGenerator(seed: seed)
        self.init(episodes: (0..<count).map { _ in sampler.episode(generator: &g) }, itemCount: labels.count, ways: n,
                  shots: shots, distance: distance)
    }

    /// Given episodes over `itemCount` items.
    public init(episodes: [EpisodicSampler.Episode], itemCount: Int, ways: Int, shots: Int,
                distance: any Distance = LpDistance(normalizeEmbeddings: false), name: String? = nil) {
        self.episodes = episodes; self.itemCount = itemCount; self.ways = ways; self.shots = shots
        self.distance = distance
        self.name = name ?? "\(ways)-way \(shots)-shot"
    }

    /// Accuracy with its interval, for callers that want the typed value.
    public func accuracy(_ embeddings: Tensor) throws -> FewShotAccuracy {
        try validate(embeddings)
        var distances: [[Double]] = [], classes: [[Int]] = [], answers: [Int] = []
        for e in episodes {
            let m = distance.matrix(embeddings.indexSelect(axis: 0, e.query), embeddings.indexSelect(axis: 0, e.support))
            let perQuery = e.support.count
            let values = m.scalars.map { distance.isInverted ? -Double($0) : Double($0) }
            for (q, k) in e.queryClasses.enumerated() {
                distances.append(Array(values[(q * perQuery)..<((q + 1) * perQuery)]))
                classes.append(e.supportClasses)
                answers.append(k)
            }
        }
        return try FewShotAccuracy(distances: distances, supportClasses: classes, answers: answers)
    }

    public func evaluate(embeddings: Tensor) throws -> EvaluationResult {
        let a = try accuracy(embeddings)
        return EvaluationResult(evaluator: name, metrics: [
            "accuracy": a.accuracy, "interval95Low": a.interval95.lowerBound, "interval95High": a.interval95.upperBound,
            "episodes": Double(episodes.count), "queries": Double(a.trials), "ways": Double(ways), "shots": Double(shots),
        ], primaryMetric: primaryMetric, greaterIsBetter: greaterIsBetter)
    }
}
