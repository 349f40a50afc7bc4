import Foundation
import SiameseCore

/// A model folder's `model.json`: the format version, the content hash of its weights and the recipe that produced it.
///
/// The content hash is the SHA-256 of the lines `path sha256(file)`, one per weights file in `modules.json` order,
/// so two folders with the same hash hold the same weights; galleries use it to refuse mixing models.
public struct ModelInfo: Codable, Sendable, Equatable {
    /// The format version this library writes and the newest it reads.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// `SiameseKit`.
    public var library: String
    /// SHA-256 of each weights file, by path relative to the folder.
    public var weights: [String: String]
    /// SHA-256 over ``weights`` (see above).
    public var contentHash: String
    /// The training recipe (or any description) that produced the model.
    public var recipe: RecipeValue?
    /// Free-form facts: creation time, training data summary, metrics.
    public var metadata: [String: String]

    public init(weights: [String: String] = [:], order: [String] = [], recipe: RecipeValue? = nil, metadata: [String: String] = [:]) {
        formatVersion = Self.currentFormatVersion
        library = "SiameseKit"
        self.weights = weights
        contentHash = Self.contentHash(weights, order: order)
        self.recipe = recipe
        self.metadata = metadata
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        library = try c.decodeIfPresent(String.self, forKey: .library) ?? "SiameseKit"
        weights = try c.decodeIfPresent([String: String].self, forKey: .weights) ?? [:]
        contentHash = try c.decodeIfPresent(String.self, forKey: .contentHash) ?? ""
        recipe = try c.decodeIfPresent(RecipeValue.self, forKey: .recipe)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }

    /// SHA-256 over `path hash` lines in `order` (paths missing from `order` follow, sorted).
    public static func contentHash(_ weights: [String: String], order: [String]) -> String {
        let listed = order.filter { weights[$0] != nil }
        let rest = weights.keys.filter { !listed.contains($0) }.sorted()
        let lines = (listed + rest).map { "\($0) \(weights[$0]!)\n" }.joined()
        return SHA256.hex(of: Data(lines.utf8))
    }
}