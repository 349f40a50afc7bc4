import Foundation
import SiameseCore
import SiameseNN

/// The encoder of an image model: one of the registered encoder kinds (``EncoderConfiguration``), reading
/// `pixel_values` and writing `sentence_embedding`. Its configuration is the model folder's own `config.json` and
/// its weights the folder's `model.safetensors`, as a sentence-transformers folder keeps its transformer.
public final class EncoderStage: ModelStage {
    public static let typeName = "SiameseKit.Encoder"

    public let configuration: EncoderConfiguration
    public let encoder: AnyEncoder
    public var folderName: String { "" }
    public var module: Module? { encoder }

    /// A freshly initialised encoder (initialisation draws from ``GlobalGenerator``).
    public convenience init(configuration: EncoderConfiguration) throws {
        self.init(configuration: configuration, encoder: try configuration.makeEncoder())
    }

    /// An encoder already built (e.g. trained) from `configuration`.
    public init(configuration: EncoderConfiguration, encoder: AnyEncoder) {
        self.configuration = configuration
        self.encoder = encoder
    }

    public func configurationJSON() throws -> Data? { try ModelJSON.encode(configuration) }

    public func forward(_ features: inout ModelFeatures) throws {
        let x = try features.require(ModelFeatures.pixelValues, by: "the encoder")
        let expected = [configuration.inputChannels, configuration.inputSide, configuration.inputSide]
        guard x.rank == 4, Array(x.shape.dropFirst()) == expected else {
            throw ModelFolderError.invalidInput("the \(configuration.kind.rawValue) encoder takes [n, \(expected.map(String.init).joined(separator: ", "))], got \(x.shape)")
        }
        features.tensors[ModelFeatures.embedding] = encoder(x)
    }
}
