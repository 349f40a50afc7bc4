import SiameseCore
import SiameseNN

/// The convolutional twin of Koch, Zemel & Salakhutdinov (2015) for 1×105×105 Omniglot drawings.
///
/// Conv 1→64 10×10, ReLU, MaxPool 2 · Conv 64→128 7×7, ReLU, MaxPool 2 · Conv 128→128 4×4, ReLU, MaxPool 2 ·
/// Conv 128→256 4×4, ReLU · Flatten (9,216) · Linear 9216→4096, Sigmoid. 38.95 M parameters with ``KochHead``.
public final class KochEncoder: Module, UnaryLayer {
    // Max-pool before ReLU: the same function (both are monotone) with ReLU on a quarter of the values.
    public let conv = Sequential(Conv2d(1, 64, kernel: 10), MaxPool2d(2), ReLU(),
                                 Conv2d(64, 128, kernel: 7), MaxPool2d(2), ReLU(),
                                 Conv2d(128, 128, kernel: 4), MaxPool2d(2), ReLU(),
                                 Conv2d(128, 256, kernel: 4), ReLU(), Flatten())
    public let fc = Sequential(Linear(9216, 4096), Sigmoid())

    override public init() { super.init() }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == [1, 105, 105], "KochEncoder: expected [N, 1, 105, 105], got \(x.shape)")
        return fc(conv(x))
    }
}

/// Koch et al.'s learned comparison: `logit = w · |h₁ − h₂| + b`, trained with binary cross-entropy
/// (``binaryCrossEntropy(logits:targets:)``); `sigmoid(logit)` is the probability that the pair matches.
public final class KochHead: Module {
    public let out: Linear

    public init(features: Int = 4096) {
        out = Linear(features, 1)
        super.init()
    }

    /// Logits `[n]` for aligned embeddings `[n, features]`.
    public func callAsFunction(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "KochHead: embeddings differ in shape: \(a.shape) vs \(b.shape)")
        return out((a - b).abs()).reshaped([-1])
    }
}

/// Mean binary cross-entropy of logits against 0/1 targets, computed stably:
/// `mean( max(z, 0) − z·y + log(1 + e^{−|z|}) )`.
public func binaryCrossEntropy(logits z: Tensor, targets y: Tensor) -> Tensor {
    precondition(z.shape == y.shape, "binaryCrossEntropy: logits \(z.shape) and targets \(y.shape) differ")
    return (z.relu() - z * y + (-z.abs()).softplus()).mean()
}

/// A small residual CNN: a stem convolution, `blocks` residual stages (two 3×3 conv + batch-norm layers with an
/// identity or 1×1 projection shortcut, doubling channels and halving resolution after the first), global
/// average pooling and a linear projection to `embeddingSize`.
public final class ResidualEncoder: Module, UnaryLayer {
    final class Block: Module, UnaryLayer {
        let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
        let shortcut: Sequential?

        init(_ inChannels: Int, _ outChannels: Int, stride: Int) {
            conv1 = Conv2d(inChannels, outChannels, kernel: 3, stride: stride, padding: 1, bias: false)
            bn1 = BatchNorm2d(outChannels)
            conv2 = Conv2d(outChannels, outChannels, kernel: 3, padding: 1, bias: false)
            bn2 = BatchNorm2d(outChannels)
            shortcut = stride != 1 || inChannels != outChannels
                ? Sequential(Conv2d(inChannels, outChannels, kernel: 1, stride: stride, bias: false), BatchNorm2d(outChannels)) : nil
            super.init()
        }

        func callAsFunction(_ x: Tensor) -> Tensor {
            let y = bn2(conv2(bn1(conv1(x)).relu()))
            return (y + (shortcut.map { $0(x) } ?? x)).relu()
        }
    }

    let stem: Sequential
    let stages: Sequential
    let head: Linear

    public init(inChannels: Int = 1, width: Int = 16, blocks: Int = 3, embeddingSize: Int = 64) {
        stem = Sequential(Conv2d(inChannels, width, kernel: 3, padding: 1, bias: false), BatchNorm2d(width), ReLU())
        var layers: [any UnaryLayer] = []
        var channels = width
        for b in 0..<blocks {
            let out = b == 0 ? width : channels * 2
            layers.append(Block(channels, out, stride: b == 0 ? 1 : 2))
            channels = out
        }
        stages = Sequential(layers)
        head = Linear(channels, embeddingSize)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        head(stages(stem(x)).mean(axes: [2, 3]))
    }
}
