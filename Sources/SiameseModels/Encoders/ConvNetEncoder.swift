import SiameseCore
import SiameseNN

/// The "Conv-4" encoder of the few-shot literature (Vinyals et al. 2016, Snell et al. 2017): `blocks` times
/// [Conv 3×3 (padding 1) → BatchNorm → ReLU → MaxPool 2], then flattened.
///
/// On 1×28×28 Omniglot drawings with four blocks of 64 channels the embedding has 64 values.
public final class ConvNetEncoder: Module, UnaryLayer {
    public let features: Sequential

    /// - Parameters:
    ///   - inChannels: input channels (1 for grey images).
    ///   - width: channels of every block.
    ///   - blocks: number of conv blocks; each halves the resolution.
    public init(inChannels: Int = 1, width: Int = 64, blocks: Int = 4) {
        precondition(blocks >= 1 && width >= 1, "ConvNetEncoder: blocks and width must be positive")
        var layers: [any UnaryLayer] = []
        // Max-pool before ReLU: the same function (both are monotone) with ReLU on a quarter of the values.
        for b in 0..<blocks {
            layers += [Conv2d(b == 0 ? inChannels : width, width, kernel: 3, padding: 1), BatchNorm2d(width), MaxPool2d(2), ReLU()]
        }
        layers.append(Flatten())
        features = Sequential(layers)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { features(x) }
}
