import Foundation
import SiameseCore
import SiameseNN

/// A learned comparison of two embeddings, saved with the encoder: Koch et al.'s weighted-L1 head (``KochHead``) or
/// the relation module of relation networks (``RelationModule``). It leaves the embeddings as they are; the model
/// compares two inputs with it instead of a distance (``EmbeddingModel/makeDistance()``), so its score is a
/// probability-like similarity in (0, 1), larger meaning more alike:
///
/// * `koch`: `σ(w · |h₁ − h₂| + b)`, the paper's probability that the pair is of one class;
/// * `relation`: `r(h₁, h₂) = σ(g([f₁ ‖ f₂]))`, the one-shot relation score (Sung et al. 2018).
///
/// Folder layout: `N_ComparisonHead/config.json` (`{"kind": "koch", "features": 4096}` or
/// `{"kind": "relation", "channels": 64, "side": 3, "hidden": 8}`) and `N_ComparisonHead/model.safetensors`
/// (PyTorch-style names: `out.weight`, `out.bias`; `blocks.0.weight`, …, `fc1.weight`, `fc2.bias`).
///
/// ```swift
/// let head = try ComparisonHeadStage(koch: trainedHead)
/// let model = try EmbeddingModel(stages: stages + [head], similarity: .learnedHead())
/// let p = try model.compare(imageA, imageB).similarity        // probability of "same"
/// ```
public final class ComparisonHeadStage: ModelStage {
    public static let typeName = "SiameseKit.ComparisonHead"

    /// `config.json` of the stage.
    public struct Configuration: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// ``KochHead``: a linear layer over `|h₁ − h₂|`, then a sigmoid.
            case koch
            /// ``RelationModule``: a small CNN over concatenated feature maps, ending in a sigmoid.
            case relation
        }

        public var kind: Kind
        /// `koch`: the embedding size.
        public var features: Int?
        /// `relation`: channels and side of the feature maps, and the hidden units.
        public var channels: Int?
        public var side: Int?
        public var hidden: Int?
        /// `relation`: `sum` or `mean` (``RelationModule/ClassMaps``); absent: `sum`.
        public var classMaps: String?

        public init(kind: Kind, features: Int? = nil, channels: Int? = nil, side: Int? = nil, hidden: Int? = nil, classMaps: String? = nil) {
            self.kind = kind; self.features = features; self.channels = channels; self.side = side; self.hidden = hidden
            self.classMaps = classMaps
        }

        /// The embedding size the head takes: `features`, or `channels · side²`.
        public var inputDimension: Int {
            switch kind {
            case .koch: return features ?? 0
            case .relation: return (channels ?? 0) * (side ?? 0) * (side ?? 0)
            }
        }

        /// Builds the (freshly initialised) head, or says which field is missing or out of range.
        func makeHead() throws -> Head {
            func positive(_ value: Int?, _ name: String) throws -> Int {
                guard let value else { throw ModelFolderError.invalidConfiguration(path: "config.json", reason: "a \(kind.rawValue) head needs '\(name)'") }
                guard value >= 1 && value <= 1 << 20 else {
                    throw ModelFolderError.invalidConfiguration(path: "config.json", reason: "'\(name)' must be in 1…\(1 << 20), got \(value)")
                }
                return value
            }
            switch kind {
            case .koch: return .koch(KochHead(features: try positive(features, "features")))
            case .relation:
                guard let maps = RelationModule.ClassMaps(rawValue: classMaps ?? "sum") else {
                    throw ModelFolderError.invalidConfiguration(path: "config.json", reason: "classMaps '\(classMaps!)' is not sum or mean")
                }
                return .relation(RelationModule(channels: try positive(channels, "channels"), side: try positive(side, "side"),
                                      hidden: try positive(hidden ?? 8, "hidden"), classMaps: maps))
            }
        }
    }

    /// The learned module of each kind.
    public enum Head {
        case koch(KochHead)
        case relation(RelationModule)

        /// The module with the weights.
        public var module: Module {
            switch self {
            case .koch(let m): return m
            case .relation(let m): return m
            }
        }
    }

    public let configuration: Configuration
    /// The head's module: a ``KochHead`` or a ``RelationModule``.
    public let head: Head
    public var folderName: String { "ComparisonHead" }
    public var module: Module? { head.module }

    /// A fresh head from a configuration (initialisation draws from ``GlobalGenerator``).
    ///
    /// - Throws: ``ModelFolderError/invalidConfiguration(path:reason:)`` naming the missing or bad field.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        head = try configuration.makeHead()
    }

    /// Wraps a trained Koch head (shared, not copied).
    public init(koch head: KochHead) {
        configuration = Configuration(kind: .koch, features: head.out.weight.shape[1])
        self.head = .koch(head)
    }

    /// Wraps a trained relation module (shared, not copied).
    public init(relation: RelationModule) {
        configuration = Configuration(kind: .relation, channels: relation.channels, side: relation.side, hidden: relation.fc1.weight.shape[0],
                                      classMaps: relation.classMaps == .sum ? nil : relation.classMaps.rawValue)
        head = .relation(relation)
    }

    public func configurationJSON() throws -> Data? { try ModelJSON.encode(configuration) }

    /// Embeddings pass through unchanged: the head compares, it does not embed.
    public func forward(_ features: inout ModelFeatures) throws {}

    /// Scores `[n]` in (0, 1) of aligned embeddings `a[i]`, `b[i]` (`[n, inputDimension]`), larger meaning more alike,
    /// computed with the head in whatever mode it is in (see ``EmbeddingModel/scores(_:_:)`` for evaluation mode).
    ///
    /// - Throws: ``ModelFolderError/invalidInput(_:)`` when the embeddings do not have the head's size.
    public func scores(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let d = configuration.inputDimension
        guard a.rank == 2, a.shape == b.shape, a.shape[1] == d else {
            throw ModelFolderError.invalidInput("the \(configuration.kind.rawValue) head compares [n, \(d)] embeddings, got \(a.shape) and \(b.shape)")
        }
        return uncheckedScores(a, b)
    }

    /// ``scores(_:_:)`` for embeddings already known to have the head's size.
    func uncheckedScores(_ a: Tensor, _ b: Tensor) -> Tensor {
        switch head {
        case .koch(let koch): return koch(a, b).sigmoid()
        case .relation(let relation): return relation(a, b)
        }
    }
}
