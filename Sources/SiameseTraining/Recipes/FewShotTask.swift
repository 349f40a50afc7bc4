/// One N-way K-shot task of a recipe's `fewShotGrid`: after training, the run classifies `episodes` seeded episodes of
/// the held-out classes (the test part when the recipe sets one apart, else the validation part), each with `shots`
/// labelled support images of `ways` classes and one query per class, and reports the accuracy with its 95 % Wilson
/// interval (``RunEvaluation/fewShot``).
///
/// ```yaml
/// fewShotGrid: [{ways: 5, shots: 1}, {ways: 5, shots: 5}, {ways: 20, shots: 1}, {ways: 20, shots: 5, episodes: 200}]
/// ```
///
/// How K shots are used depends on the run's comparison (see ``RunEvaluation/measureFewShotGrid(_:labels:embeddings:recipe:distance:scorer:)``).
/// Defaults: 400 episodes. A task asking for more ways than the held-out classes with `shots + 1` images allow is
/// narrowed to the classes there are (``TrainingRecipe/adapted(to:)`` says so).
public struct FewShotTask: Codable, Equatable, Sendable {
    /// N: classes per episode.
    public var ways: Int
    /// K: labelled support images per class.
    public var shots: Int
    /// Episodes drawn (each with `ways` queries).
    public var episodes: Int

    public init(ways: Int, shots: Int, episodes: Int = 400) {
        self.ways = ways; self.shots = shots; self.episodes = episodes
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case ways, shots, episodes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ways = try c.decode(Int.self, forKey: .ways)
        shots = try c.decode(Int.self, forKey: .shots)
        episodes = try c.decodeIfPresent(Int.self, forKey: .episodes) ?? 400
    }

    /// What makes the task unusable, each a line naming the field.
    public var problems: [String] {
        var out: [String] = []
        if ways < 2 { out.append("fewShotGrid: ways \(ways) must be at least 2") }
        if shots < 1 { out.append("fewShotGrid: shots \(shots) must be at least 1") }
        if episodes < 1 { out.append("fewShotGrid: episodes \(episodes) must be at least 1") }
        return out
    }

    /// `5-way 1-shot`.
    public var name: String { "\(ways)-way \(shots)-shot" }
}
