import SiameseCore

/// What one entry of a loss term stands for.
public enum ReductionKind: Sendable {
    case element, positivePair, negativePair, triplet
    /// A scalar that is added as it is, whatever the reducer (PML's `already_reduced`: regularisation terms).
    case alreadyReduced
}

/// One named part of a loss before reduction: per-item values, what they stand for, and an optional divisor.
public struct LossTerm {
    public let losses: Tensor
    public let kind: ReductionKind
    /// The anchor (batch index) of each entry, when the loss knows it; used by ``PerAnchorReducer``.
    public let anchors: [Int]?
    /// For ``DivisorReducer``: the sum is divided by this instead of the count.
    public let divisor: Float?
    /// For a term laid out as a matrix over (anchor, other): 1 where an entry belongs to the term. Entries
    /// outside the mask are ignored by every reducer, and a row's anchor is its row index.
    public let mask: Tensor?
    /// The number of embeddings in the batch, set by the loss before reducing; ``PerAnchorReducer`` averages
    /// over all of them as PML does.
    public var batchSize: Int?

    public init(losses: Tensor, kind: ReductionKind, anchors: [Int]? = nil, divisor: Float? = nil, mask: Tensor? = nil) {
        if let mask { precondition(mask.shape == losses.shape, "LossTerm: mask \(mask.shape) differs from losses \(losses.shape)") }
        self.losses = losses; self.kind = kind; self.anchors = anchors; self.divisor = divisor; self.mask = mask
    }

    /// The losses with entries outside the mask zeroed, and how many entries are in the term.
    var masked: (losses: Tensor, count: Float) {
        guard let mask else { return (losses, Float(losses.count)) }
        return (losses * mask, mask.sum().item)
    }
}

/// Turns a loss term's per-item values into a scalar. A loss with several terms reduces each one
/// separately and adds the results (PML's `MultipleReducers`).
public protocol Reducer: Sendable {
    func reduce(_ term: LossTerm) -> Tensor
    /// Reduces the term a loss names `name` (`pos_loss`, `neg_loss`, `loss`, ...); by default ``reduce(_:)``.
    /// ``MultipleReducers`` picks its reducer by this name.
    func reduce(_ term: LossTerm, named name: String) -> Tensor
}

extension Reducer {
    public func reduce(_ term: LossTerm, named name: String) -> Tensor { reduce(term) }
}

/// The mean of all entries (0 for none).
public struct MeanReducer: Reducer {
    public init() {}
    public func reduce(_ term: LossTerm) -> Tensor {
        let (losses, count) = term.masked
        return count == 0 ? losses.sum() * 0 : losses.sum() / count
    }
}

/// The sum of all entries.
public struct SumReducer: Reducer {
    public init() {}
    public func reduce(_ term: LossTerm) -> Tensor { term.masked.losses.sum() }
}

/// The mean of the entries strictly inside `(low, high)`; 0 when none is (PML's `ThresholdReducer`).
public struct ThresholdReducer: Reducer {
    public let low: Float?, high: Float?
    public init(low: Float? = nil, high: Float? = nil) { self.low = low; self.high = high }

    public func reduce(_ term: LossTerm) -> Tensor {
        // A constant 0/1 selection: inside the mask and strictly between the thresholds.
        let lo = low ?? -.infinity, hi = high ?? .infinity
        let values = term.losses.detached()
        var keep = values.gt(lo) * values.lt(hi)
        if let mask = term.mask { keep = keep * mask }
        let count = keep.sum().item
        guard count > 0 else { return term.losses.sum() * 0 }
        return (term.losses * keep).sum() / count
    }
}

/// The mean of the entries greater than 0: only the pairs or triplets that still violate their margin
/// count (PML's `AvgNonZeroReducer`).
public struct AvgNonZeroReducer: Reducer {
    public init() {}
    public func reduce(_ term: LossTerm) -> Tensor { ThresholdReducer(low: 0).reduce(term) }
}

/// The sum divided by the term's own ``LossTerm/divisor`` (PML's `DivisorReducer`).
public struct DivisorReducer: Reducer {
    public init() {}
    public func reduce(_ term: LossTerm) -> Tensor {
        guard let d = term.divisor, d > 0 else { return term.losses.sum() * 0 }
        return term.masked.losses.sum() / d
    }
}

/// Averages each anchor's entries first, then averages over every anchor of the batch, anchors without entries
/// counting 0 (PML's `PerAnchorReducer` with its default mean). Pair terms only in PML; here triplet terms are
/// reduced the same way by their anchors, and terms without anchor information are simply averaged.
public struct PerAnchorReducer: Reducer {
    public init() {}

    public func reduce(_ term: LossTerm) -> Tensor {
        if let mask = term.mask, term.losses.rank == 2 {
            // Rows are anchors: mean over each row's entries, then over all rows.
            let perRow = mask.sum(axis: 1)
            let rows = term.batchSize ?? perRow.shape[0]
            guard rows > 0 else { return term.losses.sum() * 0 }
            let rowMeans = (term.losses * mask).sum(axis: 1) / Tensor.maximum(perRow, Tensor(scalar: 1))
            return rowMeans.sum() / Float(rows)
        }
        guard let anchors = term.anchors, anchors.count == term.losses.count, !anchors.isEmpty else {
            return MeanReducer().reduce(term)
        }
        let ids = Array(Set(anchors)).sorted()
        let rows = Swift.max(term.batchSize ?? ids.count, ids.count)
        let slot = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var counts = [Float](repeating: 0, count: ids.count)
        for a in anchors { counts[slot[a]!] += 1 }
        var weights = [Float](repeating: 0, count: anchors.count)
        for (k, a) in anchors.enumerated() { weights[k] = 1 / counts[slot[a]!] / Float(rows) }
        return (Tensor(weights, shape: [anchors.count]) * term.losses.reshaped([-1])).sum()
    }
}
