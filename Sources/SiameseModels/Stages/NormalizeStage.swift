import Foundation
import SiameseCore
import SiameseNN

/// Scales each embedding to unit L2 norm (sentence-transformers' `Normalize` module; no configuration, no weights).
public final class NormalizeStage: ModelStage {
    public static let typeName = "SiameseKit.Normalize"
    public var folderName: String { "Normalize" }
    public var module: Module? { nil }

    public init() {}

    public func configurationJSON() throws -> Data? { nil }

    public func forward(_ features: inout ModelFeatures) throws {
        let e = try features.require(ModelFeatures.embedding, by: "normalisation")
        features.tensors[ModelFeatures.embedding] = e.l2Normalized(axis: -1)
    }
}
