import Foundation
import SiameseCore
import SiameseData
import SiameseNN

/// What flows through a model's stages: the raw inputs, then named tensors (as sentence-transformers' feature
/// dictionaries): `pixel_values` after image input, `sentence_embedding` after the encoder.
public struct ModelFeatures {
    /// Raw images (image models), before the input stage.
    public var images: [Image]
    /// Raw texts (text models), before the tokenizer stage.
    public var texts: [String]
    /// Tensors by name.
    public var tensors: [String: Tensor]

    /// Preprocessed images `[n, channels, side, side]`.
    public static let pixelValues = "pixel_values"
    /// Embeddings `[n, d]`.
    public static let embedding = "sentence_embedding"

    public init(images: [Image] = [], texts: [String] = [], tensors: [String: Tensor] = [:]) {
        self.images = images; self.texts = texts; self.tensors = tensors
    }

    /// The tensor `name`, or a typed error saying which stage needed it.
    public func require(_ name: String, by stage: String) throws -> Tensor {
        guard let t = tensors[name] else {
            throw ModelFolderError.invalidInput("\(stage) needs '\(name)', which no earlier stage produced")
        }
        return t
    }
}

/// One module of an ``EmbeddingModel``, listed in `modules.json`: input preprocessing, an encoder, pooling or a
/// projection, normalisation. A stage with weights exposes them as a ``Module`` whose state is written to
/// `model.safetensors` in the stage's folder under PyTorch-style names.
public protocol ModelStage: AnyObject {
    /// The `type` written in `modules.json` (e.g. `SiameseKit.Normalize`); the registry maps it back to a loader.
    static var typeName: String { get }
    /// The folder name suffix (`0_ImageInput`); empty for a stage that lives in the model folder itself (the encoder).
    var folderName: String { get }
    /// Trainable weights, if any.
    var module: Module? { get }
    /// The stage's `config.json` content, or `nil` when it has none.
    func configurationJSON() throws -> Data?
    /// Transforms the features (in evaluation mode, no gradients when called by ``EmbeddingModel/embed(images:batchSize:)``).
    func forward(_ features: inout ModelFeatures) throws
}

extension ModelStage {
    /// The stage's registry type name.
    public var typeName: String { Self.typeName }
}
