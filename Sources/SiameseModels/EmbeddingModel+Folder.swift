import Foundation
import SiameseCore
import SiameseNN

extension EmbeddingModel {
    /// Writes the model folder atomically (a crash leaves the previous folder or the complete new one):
    ///
    /// ```
    /// model/
    ///   modules.json          the stages in order: [{"idx", "name", "path", "type"}]
    ///   config.json           the encoder (kind and sizes)
    ///   model.safetensors     the encoder's weights, PyTorch-style names (`features.0.0.weight`, …)
    ///   0_ImageInput/config.json   input side, channels, inversion, mean and std
    ///   2_Normalize/          (when embeddings are L2-normalised)
    ///   similarity.json       distance, direction, calibrated thresholds
    ///   model.json            format version, SHA-256 of every weights file and their content hash, the recipe
    /// ```
    /// An existing folder is replaced only if it is a model folder or empty, so a mistyped path cannot wipe other data.
    ///
    /// - Throws: ``ModelFolderError/invalidPipeline(path:reason:)`` when the destination holds something else,
    ///   ``SafetensorsError/io(path:reason:)`` for I/O failures.
    public func save(to folder: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            let contents = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            guard isDirectory.boolValue, contents.isEmpty || contents.contains("modules.json") else {
                throw ModelFolderError.invalidPipeline(path: folder.path, reason: "exists and is not a model folder; refusing to replace it")
            }
        }
        var written = info
        try AtomicFolder.replace(folder) { partial in
            var descriptors: [ModuleDescriptor] = [], hashes: [String: String] = [:], order: [String] = []
            for (i, stage) in stages.enumerated() {
                let path = stage.folderName.isEmpty ? "" : "\(i)_\(stage.folderName)"
                let directory = path.isEmpty ? partial : partial.appendingPathComponent(path)
                try fm.createDirectory(at: directory, withIntermediateDirectories: true)
                if let config = try stage.configurationJSON() {
                    try AtomicFile.write(config, to: directory.appendingPathComponent("config.json"))
                }
                if let module = stage.module {
                    let file = directory.appendingPathComponent("model.safetensors")
                    try module.save(to: file)
                    let relative = path.isEmpty ? "model.safetensors" : "\(path)/model.safetensors"
                    guard let bytes = fm.contents(atPath: file.path) else { throw SafetensorsError.io(path: file.path, reason: "cannot read back") }
                    hashes[relative] = SHA256.hex(of: bytes)
                    order.append(relative)
                }
                descriptors.append(ModuleDescriptor(idx: i, name: String(i), path: path, type: stage.typeName))
            }
            written = ModelInfo(weights: hashes, order: order, recipe: info.recipe, metadata: info.metadata)
            try AtomicFile.write(try ModelJSON.encode(descriptors), to: partial.appendingPathComponent("modules.json"))
            try AtomicFile.write(try ModelJSON.encode(similarity), to: partial.appendingPathComponent("similarity.json"))
            try AtomicFile.write(try ModelJSON.encode(written), to: partial.appendingPathComponent("model.json"))
        }
        info = written
    }

    /// Loads a model folder written by ``save(to:)`` (or any folder in that layout whose module types are registered in
    /// ``ModelStageRegistry``). Every weight's shape is checked, NaN and infinite weights are refused, weights files must
    /// match the hashes in `model.json`, and every error names the file (and the tensor or module).
    ///
    /// - Throws: ``ModelFolderError`` or ``SafetensorsError``.
    public static func load(from folder: URL, registry: ModelStageRegistry = .shared) throws -> EmbeddingModel {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelFolderError.missingFile(path: folder.path)
        }
        let modulesURL = folder.appendingPathComponent("modules.json")
        let infoURL = folder.appendingPathComponent("model.json")
        let info = try ModelJSON.read(ModelInfo.self, at: infoURL)
        guard info.formatVersion <= ModelInfo.currentFormatVersion else {
            throw ModelFolderError.newerFormat(path: infoURL.path, found: info.formatVersion, supported: ModelInfo.currentFormatVersion)
        }
        let descriptors = try ModelJSON.read([ModuleDescriptor].self, at: modulesURL).sorted { $0.idx < $1.idx }
        guard !descriptors.isEmpty else { throw ModelFolderError.invalidPipeline(path: modulesURL.path, reason: "lists no modules") }
        var stages: [any ModelStage] = [], weightPaths = Set<String>()
        for descriptor in descriptors {
            guard !descriptor.path.hasPrefix("/"), !descriptor.path.split(separator: "/").contains("..") else {
                throw ModelFolderError.invalidPipeline(path: modulesURL.path, reason: "module path '\(descriptor.path)' leaves the model folder")
            }
            let context = StageLoadContext(modelFolder: folder, descriptor: descriptor)
            let stage = try registry.load(context, listedIn: modulesURL.path)
            if let module = stage.module {
                let relative = descriptor.path.isEmpty ? "model.safetensors" : "\(descriptor.path)/model.safetensors"
                guard weightPaths.insert(relative).inserted else {
                    throw ModelFolderError.invalidPipeline(path: modulesURL.path, reason: "two modules share the weights file \(relative)")
                }
                try loadWeights(of: module, from: context.directory.appendingPathComponent("model.safetensors"),
                                expectedHash: info.weights[relative], relative: relative, infoPath: infoURL.path)
            }
            stages.append(stage)
        }
        let similarityURL = folder.appendingPathComponent("similarity.json")
        let similarity = try ModelJSON.read(SimilarityConfiguration.self, at: similarityURL)
        do {
            let isInverted: Bool
            if similarity.usesLearnedHead {
                guard stages.contains(where: { $0 is ComparisonHeadStage }) else {
                    throw ModelFolderError.invalidConfiguration(path: similarityURL.path, reason: "distance '\(SimilarityConfiguration.learnedHeadName)' needs a \(ComparisonHeadStage.typeName) module in modules.json")
                }
                isInverted = true
            } else {
                isInverted = try similarity.makeDistance().isInverted
            }
            guard isInverted == similarity.greaterIsCloser else {
                throw ModelFolderError.invalidConfiguration(path: similarityURL.path,
                                                            reason: "greaterIsCloser \(similarity.greaterIsCloser) contradicts the distance \(similarity.distance)")
            }
        } catch let error as ModelFolderError { throw error } catch {
            throw ModelFolderError.invalidConfiguration(path: similarityURL.path, reason: "\(error)")
        }
        try checkPipeline(stages, path: modulesURL.path)
        return EmbeddingModel(stages: stages, similarity: similarity, info: info)
    }

    private static func loadWeights(of module: Module, from url: URL, expectedHash: String?, relative: String, infoPath: String) throws {
        guard let bytes = FileManager.default.contents(atPath: url.path) else { throw ModelFolderError.missingFile(path: url.path) }
        let file = try Safetensors.parse(bytes, path: url.path)
        let unused = try module.load(file, path: url.path, strict: true)
        if let extra = unused.first { throw ModelFolderError.unexpectedTensor(path: url.path, tensor: extra) }
        guard let expectedHash else {
            throw ModelFolderError.invalidJSON(path: infoPath, reason: "records no hash for \(relative)")
        }
        let actual = SHA256.hex(of: bytes)
        guard actual == expectedHash else { throw ModelFolderError.hashMismatch(path: url.path, expected: expectedHash, actual: actual) }
    }

    /// The stages must make sense together: an input stage first (when there is one), an encoder, and an image input
    /// that produces what the encoder takes.
    static func checkPipeline(_ stages: [any ModelStage], path: String) throws {
        guard let encoder = stages.first(where: { $0 is EncoderStage }) as? EncoderStage else {
            // Other encoders (text, registered elsewhere) bring their own checks.
            if stages.contains(where: { $0.module != nil }) { return }
            throw ModelFolderError.invalidPipeline(path: path, reason: "no module with weights (an encoder) is listed")
        }
        let heads = stages.indices.filter { stages[$0] is ComparisonHeadStage }
        guard heads.count <= 1 else { throw ModelFolderError.invalidPipeline(path: path, reason: "lists \(heads.count) comparison heads; a model has at most one") }
        if let head = heads.first, let encoderIndex = stages.firstIndex(where: { $0 is EncoderStage }), head < encoderIndex {
            throw ModelFolderError.invalidPipeline(path: path, reason: "the comparison head must come after the encoder")
        }
        if let index = stages.firstIndex(where: { $0 is ImageInput }) {
            guard index == 0 else { throw ModelFolderError.invalidPipeline(path: path, reason: "the image input must be the first module") }
            let input = (stages[0] as! ImageInput).configuration
            guard input.size == encoder.configuration.inputSide, input.channels == encoder.configuration.inputChannels else {
                throw ModelFolderError.invalidPipeline(path: path, reason: "the image input makes \(input.channels)×\(input.size)×\(input.size) images but the encoder takes \(encoder.configuration.inputChannels)×\(encoder.configuration.inputSide)×\(encoder.configuration.inputSide)")
            }
        }
    }
}
