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
    /// Which encoder family, by its name in ``EncoderRegistry`` (`conv4`, `residual`, `tutorial-cnn`, `mlp`, `koch`, or
    /// any kind registered by a program).
    public struct Kind: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        /// ``TutorialCNN`` (28×28 input, 64-d embedding).
        public static let tutorialCNN: Kind = "tutorial-cnn"
        /// ``ConvNetEncoder`` (Conv-4): any input side divisible by 2^blocks.
        public static let convNet: Kind = "conv4"
        /// ``ResidualEncoder``: any input side.
        public static let residual: Kind = "residual"
        /// ``MLPEncoder`` on the flattened image.
        public static let mlp: Kind = "mlp"
        /// ``KochEncoder`` (105×105 input, 4096-d sigmoid features).
        public static let koch: Kind = "koch"

        /// Every registered kind, sorted by name.
        public static var allCases: [Kind] { EncoderRegistry.shared.kinds }

        public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(rawValue)
        }
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

    /// A configuration with the kind's defaults for every size not given.
    public init(kind: Kind, inputSide: Int? = nil, inputChannels: Int = 1, width: Int? = nil, blocks: Int? = nil,
                embeddingSize: Int = 64, hidden: [Int] = [256]) {
        let entry = EncoderRegistry.shared.entry(kind)
        self.kind = kind
        self.inputSide = inputSide ?? entry?.defaultSide ?? 28
        self.inputChannels = inputChannels
        self.width = width ?? entry?.defaultWidth ?? 64
        self.blocks = blocks ?? entry?.defaultBlocks ?? 4
        self.embeddingSize = embeddingSize
        self.hidden = hidden
    }

    /// The side an encoder family expects when none is given.
    public static func defaultSide(_ kind: Kind) -> Int { EncoderRegistry.shared.entry(kind)?.defaultSide ?? 28 }

    /// Problems with this configuration, in words; empty when it can be built.
    public var problems: [String] {
        guard let entry = EncoderRegistry.shared.entry(kind) else {
            return ["unknown encoder kind '\(kind)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))"]
        }
        var out: [String] = []
        if inputSide < 1 || inputChannels < 1 { out.append("input side and channels must be positive") }
        if inputSide > 4096 || inputChannels > 64 { out.append("input \(inputChannels)×\(inputSide)×\(inputSide) is too large") }
        out += entry.problems(self)
        if out.isEmpty, let count = estimatedParameters, count > Double(Self.maximumParameters) {
            out.append("the \(kind) encoder would have about \(String(format: "%.3g", count)) parameters; at most \(Self.maximumParameters) are allowed")
        }
        return out
    }

    /// The most parameters a configuration may ask for (2³⁰, 4 GiB of floats), so that a damaged or hostile
    /// `config.json` is refused with an error instead of exhausting memory.
    public static let maximumParameters = 1 << 30

    /// A generous estimate of the parameter count, computed in floating point so absurd sizes cannot overflow;
    /// `nil` for kinds it does not know (registered by programs).
    public var estimatedParameters: Double? {
        let (c, s, w, b, e) = (Double(inputChannels), Double(inputSide), Double(width), Double(blocks), Double(embeddingSize))
        switch kind {
        case .tutorialCNN, .koch: return 0
        case .convNet: return 9 * w * (c + (b - 1) * w) + 3 * w * b
        case .residual:
            // Channels double after the first stage: w, 2w, 4w, …; two 3×3 convolutions and a projection per stage.
            let last = w * pow(2, b - 1)
            return 9 * c * w + 18 * last * last * 2 + last * e
        case .mlp:
            let sizes = [c * s * s] + hidden.map(Double.init) + [e]
            return zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
        default: return nil
        }
    }

    /// Builds a freshly initialised encoder (initialisation draws from ``GlobalGenerator``).
    public func makeEncoder() throws -> AnyEncoder {
        if let problem = problems.first { throw EncoderConfigurationError.invalid(problem) }
        return AnyEncoder(try EncoderRegistry.shared.entry(kind)!.build(self))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        self.init(kind: kind, inputSide: try c.decodeIfPresent(Int.self, forKey: .inputSide),
                  inputChannels: try c.decodeIfPresent(Int.self, forKey: .inputChannels) ?? 1,
                  width: try c.decodeIfPresent(Int.self, forKey: .width), blocks: try c.decodeIfPresent(Int.self, forKey: .blocks),
                  embeddingSize: try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? 64,
                  hidden: try c.decodeIfPresent([Int].self, forKey: .hidden) ?? [256])
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
