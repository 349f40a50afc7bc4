import SiameseCore

/// Window geometry shared by the fixed-window pooling layers.
public class WindowPooling: Module {
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)

    /// Square window; the stride defaults to the kernel size.
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = (kernel, kernel)
        self.stride = (stride ?? kernel, stride ?? kernel)
        self.padding = (padding, padding)
        super.init()
    }

    override public func children() -> [(String, Any)] { [] }
}

/// 2-D max pooling; the stride defaults to the kernel size.
public final class MaxPool2d: WindowPooling, UnaryLayer {
    public func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool2d(kernel: kernel, stride: stride, padding: padding) }
}

/// 2-D average pooling (zero padding counted, as PyTorch's default); the stride defaults to the kernel size.
public final class AvgPool2d: WindowPooling, UnaryLayer {
    public func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool2d(kernel: kernel, stride: stride, padding: padding) }
}

/// Adaptive average pooling to a fixed `(height, width)`, with PyTorch's window rule
/// (cell `i` averages rows `⌊i·H/outH⌋ ..< ⌈(i+1)·H/outH⌉`). `(1, 1)` is global average pooling.
public final class AdaptiveAvgPool2d: Module, UnaryLayer {
    public let outputSize: (Int, Int)

    public init(_ outputSize: (Int, Int)) {
        self.outputSize = outputSize
        super.init()
    }

    override public func children() -> [(String, Any)] { [] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "AdaptiveAvgPool2d: input must be [N, C, H, W], got \(x.shape)")
        let (h, w) = (x.shape[2], x.shape[3]), (oh, ow) = outputSize
        if oh == 1 && ow == 1 { return x.mean(axes: [2, 3], keepDims: true) }
        if h % oh == 0 && w % ow == 0 { return x.avgPool2d(kernel: (h / oh, w / ow)) }
        var rows: [Tensor] = []
        for i in 0..<oh {
            let r0 = i * h / oh, r1 = ((i + 1) * h + oh - 1) / oh
            var cells: [Tensor] = []
            for j in 0..<ow {
                let c0 = j * w / ow, c1 = ((j + 1) * w + ow - 1) / ow
                cells.append(x.narrowed(axis: 2, start: r0, length: r1 - r0).narrowed(axis: 3, start: c0, length: c1 - c0)
                    .mean(axes: [2, 3], keepDims: true))
            }
            rows.append(Tensor.concatenate(cells, axis: 3))
        }
        return Tensor.concatenate(rows, axis: 2)
    }
}

/// Flattens every dimension from `startAxis` on (default: all but the batch dimension).
public final class Flatten: Module, UnaryLayer {
    public let startAxis: Int

    public init(startAxis: Int = 1) {
        self.startAxis = startAxis
        super.init()
    }

    override public func children() -> [(String, Any)] { [] }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.flattened(from: startAxis) }
}
