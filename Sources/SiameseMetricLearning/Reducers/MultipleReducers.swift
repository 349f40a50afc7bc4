import SiameseCore

/// One reducer per named sub-loss (PML's `MultipleReducers`): a loss's term `name` (`pos_loss`, `neg_loss`,
/// `loss`, `margin_loss`, ...) is reduced by `reducers[name]`, any other term by `defaultReducer`; the loss adds
/// the results.
///
/// Default `defaultReducer`: ``MeanReducer`` (as PML). Used directly (``reduce(_:)``, no name) it applies
/// `defaultReducer`.
/// ```swift
/// ContrastiveLoss(reducer: MultipleReducers(["pos_loss": MeanReducer()], defaultReducer: AvgNonZeroReducer()))
/// ```
public struct MultipleReducers: Reducer {
    public let reducers: [String: any Reducer]
    public let defaultReducer: any Reducer

    public init(_ reducers: [String: any Reducer], defaultReducer: any Reducer = MeanReducer()) {
        self.reducers = reducers; self.defaultReducer = defaultReducer
    }

    public func reduce(_ term: LossTerm) -> Tensor { defaultReducer.reduce(term) }

    public func reduce(_ term: LossTerm, named name: String) -> Tensor {
        (reducers[name] ?? defaultReducer).reduce(term, named: name)
    }
}
