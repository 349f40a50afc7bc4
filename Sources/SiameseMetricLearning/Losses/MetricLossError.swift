/// Why a metric loss cannot be used as asked, where PyTorch Metric Learning raises an error for the same request.
public enum MetricLossError: Error, Equatable, CustomStringConvertible {
    /// The loss does not take mined tuples (PML's `indices_tuple_not_supported`: ``InstanceLoss``,
    /// ``P2SGradLoss``), yet a miner or tuples were given.
    case minerNotSupported(loss: String)

    public var description: String {
        switch self {
        case let .minerNotSupported(loss):
            return "\(loss) does not take mined tuples (PyTorch Metric Learning raises \"indices_tuple is not supported "
                + "for this loss function\"); train it without a miner"
        }
    }
}
