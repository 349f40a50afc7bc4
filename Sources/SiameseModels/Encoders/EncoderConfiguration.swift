import Foundation
import SiameseCore
import SiameseNN

/// A serialisable description of one of the ready-made encoders, stored with checkpoints so that a
/// trained model can be rebuilt without knowing in advance which encoder it used.
///
/// ```swift
/// let config = EncoderConfiguration(kind: .convNet, inputSide: 28)
/// let net = SiameseNetwork(encoder: try config.makeEncoder())
/// try Checkpoint.save(model: net, architecture: config.jsonString, to: folder)
/// ```
public struct EncoderConfiguration: Codable, Sendable, Equatable {
    /// Which encoder family.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// ``TutorialCNN`` (28×28 input, 64-d embedding).
        case tutorialCNN = "tutorial-cnn"
        /// ``ConvNetEncoder`` (Conv-4): any input side divisible by 2^blocks.
        case convNet = "conv4"
        /// ``ResidualEncoder``: any input side.
        case residual
        /// ``MLPEncoder`` on the flattened image.
        case mlp
        /// ``KochEncoder`` (105×105 input, 4096-d sigmoid features).
        case koch
    }

    public var kind: Kind
    /// Input image side (square) in pixels.
    public var inputSide: Int
    /// Input channels (1 = grey).
    public var inputChannels: Int
    /// Channels (conv4, residual) of the first stage.
    public var width: Int
    /// Conv blocks (conv4) or residual stages (residual).
    public var blocks: Int
    /// Embedding size (residual, mlp); conv4's follows from width and input side.
    public var embeddingSize: Int
    /// Hidden layer sizes (mlp).
    public var hidden: [Int]

    public init(kind: Kind, inputSide: Int? = nil, inputChannels: Int = 1, width: Int? = nil, blocks: Int? = nil,
                embeddingSize: Int = 64, hidden: [Int] = [256]) {
        self.kind = kind
        self.inputSide = inputSide ?? Self.defaultSide(kind)
        self.inputChannels = inputChannels
        self.width = width ?? (kind == .residual ? 16 : 64)
        self.blocks = blocks ?? (kind == .residual ? 3 : 4)
        self.embeddingSize = embeddingSize
        self.hidden = hidden
    }

    /// The side an encoder family expects when none is given.
    public static func defaultSide(_ kind: Kind) -> Int { kind == .koch ? 105 : 28 }

    /// Problems with this configuration, in words; empty when it can be built.
    public var problems: [String] {
        var out: [String] = []
        if inputSide < 1 || inputChannels < 1 { out.append("input side and channels must be positive") }
        switch kind {
        case .tutorialCNN:
            if inputSide != 28 || inputChannels != 1 { out.append("the tutorial CNN takes 1×28×28 images (got \(inputChannels)×\(inputSide)×\(inputSide))") }
        case .koch:
            if inputSide != 105 || inputChannels != 1 { out.append("Koch et al.'s encoder takes 1×105×105 images (got \(inputChannels)×\(inputSide)×\(inputSide))") }
        case .convNet:
            if blocks < 1 || width < 1 { out.append("conv4 needs at least one block and one channel") }
            else if inputSide >> blocks < 1 { out.append("conv4 with \(blocks) blocks needs an input side of at least \(1 << blocks)") }
        case .residual:
            if blocks < 1 || width < 1 || embeddingSize < 1 { out.append("residual needs positive blocks, width and embedding size") }
        case .mlp:
            if embeddingSize < 1 || hidden.contains(where: { $0 < 1 }) { out.append("mlp sizes must be positive") }
        }
        return out
    }

    /// Builds a freshly initialised encoder (initialisation draws from ``GlobalGenerator``).
    public func makeEncoder() throws -> AnyEncoder {
        if let problem = problems.first { throw EncoderConfigurationError.invalid(problem) }
        switch kind {
        case .tutorialCNN: return AnyEncoder(TutorialCNN())
        case .koch: return AnyEncoder(KochEncoder())
        case .convNet: return AnyEncoder(ConvNetEncoder(inChannels: inputChannels, width: width, blocks: blocks))
        case .residual:
            return AnyEncoder(ResidualEncoder(inChannels: inputChannels, width: width, blocks: blocks, embeddingSize: embeddingSize))
        case .mlp: return AnyEncoder(MLPEncoder([inputChannels * inputSide * inputSide] + hidden + [embeddingSize]))
        }
    }

    /// The configuration as compact JSON (what checkpoints store as their architecture).
    public var jsonString: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a configuration back from a checkpoint's architecture text. Checkpoints written before
    /// configurations existed name only `TutorialCNN`; those map to the tutorial CNN.
    public init(architecture text: String) throws {
        if let decoded = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) {
            self = decoded
        } else if text.contains("\"TutorialCNN\"") {
            self.init(kind: .tutorialCNN)
        } else {
            throw EncoderConfigurationError.unknownArchitecture(text)
        }
    }
}

/// Why an ``EncoderConfiguration`` cannot be built or read.
public enum EncoderConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case unknownArchitecture(String)

    public var description: String {
        switch self {
        case .invalid(let why): return "invalid encoder configuration: \(why)"
        case .unknownArchitecture(let text): return "unknown encoder architecture \(text.prefix(120))"
        }
    }
}

/// Type-erases an encoder so one `SiameseNetwork<AnyEncoder>` can hold any of them. It is transparent to
/// parameter names: the wrapped encoder's parameters keep their own names (`encoder.features.0.weight`).
public final class AnyEncoder: Module, UnaryLayer {
    public let wrapped: any UnaryLayer

    public init(_ wrapped: any UnaryLayer) {
        self.wrapped = wrapped
        super.init()
    }

    override public func children() -> [(String, Any)] { wrapped.children() }

    public func callAsFunction(_ x: Tensor) -> Tensor { wrapped(x) }
}
