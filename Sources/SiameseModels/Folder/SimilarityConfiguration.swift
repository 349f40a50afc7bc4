import SiameseCore
import SiameseEvaluation

/// A model folder's `similarity.json`: how two embeddings are compared, which direction means "alike", and the
/// thresholds calibrated on held-out pairs with the false-accept and false-reject rates they were chosen at.
///
/// ```json
/// {"distance": "euclidean", "greaterIsCloser": false,
///  "threshold": {"value": 0.71, "falseAcceptRate": 0.04, "falseRejectRate": 0.06, "rule": "best-accuracy", "pairs": 2000},
///  "operatingPoints": [{"value": 0.52, "falseAcceptRate": 0.0099, …, "rule": "false-accept-rate ≤ 0.01"}]}
/// ```
public struct SimilarityConfiguration: Codable, Sendable, Equatable {
    /// The distance, by name in ``Distances/registry`` (`euclidean`, `cosine`, `lp-distance` with parameters, …).
    public var distance: ComponentSpec
    /// `true` for similarities (cosine, dot product): larger scores mean more alike.
    public var greaterIsCloser: Bool
    /// The default decision threshold (best accuracy on held-out pairs), when calibrated.
    public var threshold: CalibratedThreshold?
    /// Further thresholds, e.g. for false-accept rates of 1 % and 0.1 %.
    public var operatingPoints: [CalibratedThreshold]

    /// Euclidean distance, uncalibrated: the default of a freshly built model.
    public init(distance: ComponentSpec = "euclidean", threshold: CalibratedThreshold? = nil, operatingPoints: [CalibratedThreshold] = []) throws {
        self.distance = distance
        self.greaterIsCloser = try Distances.registry.make(distance).isInverted
        self.threshold = threshold
        self.operatingPoints = operatingPoints
    }

    /// The `distance` of a model that compares with its learned head (``ComparisonHeadStage``), not a registered distance.
    public static let learnedHeadName = "learned-head"

    /// A model compared by its learned head: a similarity in (0, 1) (`greaterIsCloser`), thresholds on that score.
    public static func learnedHead(threshold: CalibratedThreshold? = nil, operatingPoints: [CalibratedThreshold] = []) -> SimilarityConfiguration {
        SimilarityConfiguration(head: threshold, operatingPoints: operatingPoints)
    }

    private init(head threshold: CalibratedThreshold?, operatingPoints: [CalibratedThreshold]) {
        distance = ComponentSpec(name: Self.learnedHeadName)
        greaterIsCloser = true
        self.threshold = threshold
        self.operatingPoints = operatingPoints
    }

    /// Whether the model compares with its learned head (`distance: learned-head`).
    public var usesLearnedHead: Bool { distance.name == Self.learnedHeadName }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        distance = try c.decode(ComponentSpec.self, forKey: .distance)
        greaterIsCloser = try c.decode(Bool.self, forKey: .greaterIsCloser)
        threshold = try c.decodeIfPresent(CalibratedThreshold.self, forKey: .threshold)
        operatingPoints = try c.decodeIfPresent([CalibratedThreshold].self, forKey: .operatingPoints) ?? []
    }

    /// The distance as a value. A `learned-head` model's comparison needs its weights: use
    /// ``EmbeddingModel/makeDistance()``, which handles both.
    ///
    /// - Throws: ``ModelFolderError/invalidConfiguration(path:reason:)`` for `learned-head`, the registry's error for
    ///   an unknown name.
    public func makeDistance() throws -> any Distance {
        guard !usesLearnedHead else {
            throw ModelFolderError.invalidConfiguration(path: "similarity.json", reason: "distance '\(Self.learnedHeadName)' is the model's learned head; build it with EmbeddingModel.makeDistance()")
        }
        return try Distances.registry.make(distance)
    }

    /// The threshold to use for a requested false-accept rate: the calibrated operating point with the largest rate
    /// not above it, or `nil` when none was calibrated that low.
    public func threshold(forFalseAcceptRate rate: Double) -> CalibratedThreshold? {
        (operatingPoints + [threshold].compactMap { $0 })
            .filter { $0.falseAcceptRate <= rate }
            .max { $0.falseAcceptRate < $1.falseAcceptRate }
    }
}
