import SiameseCore

/// A 2-D convolution layer over NCHW input (see ``SiameseCore/Tensor/conv2d(weight:bias:stride:padding:dilation:groups:)``).
///
/// `weight` is `[outChannels, inChannels / groups, kernelH, kernelW]`, initialised like PyTorch.
/// ```swift
/// let conv = Conv2d(1, 16, kernel: 3)
/// let y = conv(images)   // [N, 16, H − 2, W − 2]
/// ```
public final class Conv2d: Module, UnaryLayer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0, "Conv2d: channels must be divisible by groups")
        let fanIn = inChannels / groups * kernel.0 * kernel.1
        weight = Parameter(Initializer.kaimingUniformDefault([outChannels, inChannels / groups, kernel.0, kernel.1], fanIn: fanIn))
        self.bias = bias ? Parameter(Initializer.kaimingUniformDefault([outChannels], fanIn: fanIn)) : nil
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.groups = groups
        super.init()
    }

    /// Square kernel, stride and padding.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding),
                  dilation: (dilation, dilation), groups: groups, bias: bias)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
