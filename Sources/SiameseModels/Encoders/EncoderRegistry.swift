import Foundation
import SiameseNN
import Synchronization

/// The encoder kinds an ``EncoderConfiguration`` (and so a recipe or a model folder) can name. A new architecture
/// is one ``register(_:)`` call: its name, defaults, checks and builder live together here.
///
/// ```swift
/// EncoderRegistry.shared.register(.init(kind: "wide-mlp", summary: "MLP with 1024-unit layers", defaultSide: 28,
///     problems: { _ in [] }, build: { c in MLPEncoder([c.inputChannels * c.inputSide * c.inputSide, 1024, c.embeddingSize]) }))
/// ```
public final class EncoderRegistry: Sendable {
    /// One encoder kind.
    public struct Entry: Sendable {
        public let kind: EncoderConfiguration.Kind
        public let summary: String
        /// Defaults for sizes a configuration leaves out.
        public let defaultSide: Int, defaultWidth: Int, defaultBlocks: Int
        /// Problems with a configuration of this kind, in words (the generic size checks are done already).
        public let problems: @Sendable (EncoderConfiguration) -> [String]
        /// Builds a freshly initialised encoder; called only when ``problems`` is empty.
        public let build: @Sendable (EncoderConfiguration) throws -> any UnaryLayer

        public init(kind: EncoderConfiguration.Kind, summary: String, defaultSide: Int = 28, defaultWidth: Int = 64,
                    defaultBlocks: Int = 4, problems: @escaping @Sendable (EncoderConfiguration) -> [String],
                    build: @escaping @Sendable (EncoderConfiguration) throws -> any UnaryLayer) {
            self.kind = kind; self.summary = summary; self.defaultSide = defaultSide; self.defaultWidth = defaultWidth
            self.defaultBlocks = defaultBlocks; self.problems = problems; self.build = build
        }
    }

    /// The registry every configuration consults.
    public static let shared = EncoderRegistry()

    private let entries = Mutex<[EncoderConfiguration.Kind: Entry]>([:])

    init() {
        register(Entry(kind: .tutorialCNN, summary: "the PyTorch tutorial's small Siamese CNN (1×28×28 input, 64-d embedding)",
                       problems: { c in
                           c.inputSide != 28 || c.inputChannels != 1
                               ? ["the tutorial CNN takes 1×28×28 images (got \(c.inputChannels)×\(c.inputSide)×\(c.inputSide))"] : []
                       }, build: { _ in TutorialCNN() }))
        register(Entry(kind: .koch, summary: "Koch et al.'s Siamese CNN (1×105×105 input, 4096-d sigmoid features)", defaultSide: 105,
                       problems: { c in
                           c.inputSide != 105 || c.inputChannels != 1
                               ? ["Koch et al.'s encoder takes 1×105×105 images (got \(c.inputChannels)×\(c.inputSide)×\(c.inputSide))"] : []
                       }, build: { _ in KochEncoder() }))
        register(Entry(kind: .convNet, summary: "Conv-4 of the few-shot literature: blocks × [conv 3×3, batch-norm, max-pool, ReLU]",
                       problems: { c in
                           if c.blocks < 1 || c.width < 1 { return ["conv4 needs at least one block and one channel"] }
                           if c.width > 4096 { return ["conv4 width \(c.width) is more than 4096 channels"] }
                           if c.blocks > 12 || c.inputSide >> c.blocks < 1 {
                               return ["conv4 with \(c.blocks) blocks needs an input side of at least \(1 << Swift.min(c.blocks, 12))"]
                           }
                           return []
                       }, build: { c in ConvNetEncoder(inChannels: c.inputChannels, width: c.width, blocks: c.blocks) }))
        register(Entry(kind: .residual, summary: "a small residual CNN with global average pooling and a linear projection",
                       defaultWidth: 16, defaultBlocks: 3,
                       problems: { c in
                           c.blocks < 1 || c.width < 1 || c.embeddingSize < 1 || c.blocks > 8 || c.width > 1024 || c.embeddingSize > 65536
                               ? ["residual needs 1…8 blocks, a width of 1…1024 and an embedding size of 1…65536"] : []
                       }, build: { c in ResidualEncoder(inChannels: c.inputChannels, width: c.width, blocks: c.blocks, embeddingSize: c.embeddingSize) }))
        register(Entry(kind: .mlp, summary: "a multilayer perceptron on the flattened image",
                       problems: { c in
                           if c.embeddingSize < 1 || c.hidden.contains(where: { $0 < 1 }) { return ["mlp sizes must be positive"] }
                           if c.hidden.count > 64 { return ["mlp has \(c.hidden.count) hidden layers; at most 64"] }
                           return []
                       },
                       build: { c in MLPEncoder([c.inputChannels * c.inputSide * c.inputSide] + c.hidden + [c.embeddingSize]) }))
    }

    /// Adds (or replaces) an encoder kind.
    public func register(_ entry: Entry) {
        entries.withLock { $0[entry.kind] = entry }
    }

    /// The entry of `kind`, if registered.
    public func entry(_ kind: EncoderConfiguration.Kind) -> Entry? {
        entries.withLock { $0[kind] }
    }

    /// Every registered kind, sorted by name.
    public var kinds: [EncoderConfiguration.Kind] {
        entries.withLock { $0.keys.sorted { $0.rawValue < $1.rawValue } }
    }
}
